import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AspectPriority, Aspects, Stack, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { buildLabApp, CONTEXT_KEYS, labOptions } from '../bin/lab';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ClusterCompute, ClusterEgress, EndpointCluster, EndpointClusterProps, EndpointMode } from '../lib';
import { PrivateResolutionCheck } from '../lib/check/adapters/private-resolution-check';
import { explainMode } from '../lib/check/outputs/explain';
import { ALL_RULES } from '../lib/check/rules';
import { ASPECT_RULES } from '../lib/check/adapters/rule-sets';
import { bundledKubectlVersions } from '../lib/private/kubectl';
import { layerZip, testApp } from './support/util';
import { READ_LIMITS } from '../lib/check/engine/read/load';

const RULES_MD = fs.readFileSync(path.join(__dirname, '..', 'docs', 'RULES.md'), 'utf8');

describe('docs/RULES.md', () => {
  test.each(ALL_RULES.map((r) => [r.id, r] as const))('documents %s with its level, where it runs, why and how to fix', (id, rule) => {
    const row = new RegExp(`^\\| \\[${id}\\]\\(#${id.toLowerCase()}\\) \\| ${rule.level} \\| ${ASPECT_RULES.includes(rule) ? 'yes' : 'no'} \\| yes \\|$`, 'm');
    expect(RULES_MD).toMatch(row);
    const section = RULES_MD.split(/^## /m).find((s) => s.startsWith(`${id}\n`));
    expect(section).toBeDefined();
    expect(section).toContain(`**Level:** ${rule.level}`);
    for (const part of ['**Checks:**', '**Why.**', '**Fix.**', 'https://docs.aws.amazon.com/']) {
      expect(section).toContain(part);
    }
  });

  test('lists no rule that does not exist', () => {
    const documented = [...RULES_MD.matchAll(/^## (\w+)$/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
  });
});

/**
 * What the README states that the code can check: each claim here fails when the code and the
 * README part ways.
 */
describe('README.md', () => {
  const root = path.join(__dirname, '..');
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const section = (title: string) => readme.split(/^## /m).find((s) => s.startsWith(`${title}\n`)) ?? '';

  test('the kubectl packages it names are the known ones, each an optional peer dependency', () => {
    const versions = bundledKubectlVersions().map((v) => v.split('.')[1]);
    expect(section('Install')).toContain(`v${versions[0]} to v${versions[versions.length - 1]} are known`);
    for (const v of versions) {
      const name = `@aws-cdk/lambda-layer-kubectl-v${v}`;
      expect(pkg.peerDependencies[name]).toBeDefined();
      expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
      expect(pkg.dependencies[name]).toBeUndefined();
    }
  });

  test('the Node.js versions it says are tested are the ones npm run test:lts runs', () => {
    const majors = [...pkg.scripts['test:lts'].matchAll(/-p node@(\d+)/g)].map((m) => m[1]);
    expect(majors.length).toBeGreaterThanOrEqual(2);
    expect(section('Support')).toContain(`runs the tests on Node.js ${majors.join(' and ')}`);
    expect(section('Set up')).toContain(`Node.js ${majors.join(' and ')}`);
  });

  test('CI runs exactly its set-up and test commands', () => {
    const commands = [...section('Set up').matchAll(/```sh\n([\s\S]*?)```/g)]
      .flatMap((m) => m[1].split('\n')).map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '');
    const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8').split('\n')
      .filter((l) => /^(npm|npx) /.test(l)).map((l) => l.replace(/ -q$/, ''));
    expect(ci).toEqual(commands);
  });

  test('has the Apache-2.0 LICENSE it names, shipped in the package', () => {
    const license = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^\s*Apache License\n\s*Version 2\.0, January 2004/);
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.files).toContain('LICENSE');
    expect(section('Support')).toContain('Apache-2.0 ([LICENSE](https://github.com/cdk-eks-endpoint/cdk-eks-endpoint/blob/main/LICENSE))');
  });

  test('every rule it links to exists, under its anchor in docs/RULES.md', () => {
    const linked = [...readme.matchAll(/\]\(https:\/\/github\.com\/cdk-eks-endpoint\/cdk-eks-endpoint\/blob\/main\/docs\/RULES\.md#(\w+)\)/g)].map((m) => m[1]);
    expect(linked.length).toBeGreaterThanOrEqual(8);
    const ids = ALL_RULES.map((r) => r.id.toLowerCase());
    for (const anchor of linked) expect(ids).toContain(anchor);
  });

  test('shows every context key of the lab app', () => {
    for (const key of Object.keys(CONTEXT_KEYS)) expect(readme).toContain(`-c ${key}=`);
  });

  test('the counts behind the option costs are what synthesis makes: interface endpoints per AZ, Resolver addresses', () => {
    const count = (props: EndpointClusterProps) => {
      const template = Template.fromStack((() => { const st = new Stack(testApp(), 'Costs'); new EndpointCluster(st, 'Lab', props); return st; })());
      const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
      const resolvers = Object.values(template.findResources('AWS::Route53Resolver::ResolverEndpoint'));
      return {
        endpoints: endpoints.length,
        endpointEnis: endpoints.reduce((n, e) => n + e.Properties.SubnetIds.length, 0),
        resolverEnis: resolvers.reduce((n, r) => n + r.Properties.IpAddresses.length, 0),
      };
    };
    const isolated = count({ egress: ClusterEgress.ISOLATED });
    const isolatedAuto = count({ egress: ClusterEgress.ISOLATED, compute: ClusterCompute.AUTO_MODE });
    const forwarding = count({ mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('0.0.0.0/0'), connectedCidrs: ['192.168.0.0/16'] });
    expect(readme).toContain(`+$${(isolated.endpointEnis * 0.01).toFixed(2)} (${isolated.endpoints} x 2 AZs), +$${(isolatedAuto.endpointEnis * 0.01).toFixed(2)} with Auto Mode (${isolatedAuto.endpoints} x 2)`);
    expect(readme).toContain(`${forwarding.resolverEnis} Resolver endpoint addresses at $0.125 each`);
    expect(readme).toContain(`| +$${(forwarding.resolverEnis * 0.125).toFixed(2)} |`);
    expect(readme).toContain(`interface endpoints in each of the 2 AZs: ${isolated.endpoints} with a node group and bastion (${isolatedAuto.endpoints} with Auto Mode`);
  });

  test('the CLI\'s input limits it gives are the reader\'s', () => {
    const mb = (bytes: number) => `${bytes / 1024 / 1024} MB`;
    const said = section('Checks at synth time: `PrivateResolutionCheck`, `EndpointAccessChecks`, `cdk-eks-endpoint check`').replace(/\s+/g, ' ');
    expect(said).toContain(`a file over ${mb(READ_LIMITS.fileBytes)}, more than ${mb(READ_LIMITS.totalBytes)} in all, `
      + `more than ${READ_LIMITS.templates.toLocaleString('en-US')} templates`);
    expect(said).toContain(`nested deeper than ${READ_LIMITS.depth} levels, YAML with more than ${READ_LIMITS.aliases.toLocaleString('en-US')} aliases`);
  });

  test('the kubectl asset sizes it gives for v35 are the sizes synthesis makes', () => {
    const stack = new Stack(testApp(), 'Sizes');
    const lab = new EndpointCluster(stack, 'Lab', { version: eks.KubernetesVersion.V1_35 });
    const asset = (lab.bastion!.node.findChild('Kubectl') as s3assets.Asset).assetPath;
    const mb = (file: string) => `${(fs.statSync(file).size / 1e6).toFixed(1)} MB`;
    expect(section('`ClusterBastion`')).toContain(`(the layer zip also holds helm: ${mb(asset)} instead of ${mb(layerZip(35))} for v35)`);
    expect(fs.readFileSync(path.join(root, 'docs', 'BENCHMARKS.md'), 'utf8')).toContain(`of which the kubectl asset ${mb(asset)}`);
  });
});

describe('README.md and the CLI', () => {
  test('shows the diagram `cdk-eks-endpoint explain --mode private` prints for the default lab', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const printed = explainMode(EndpointMode.PRIVATE);
    const diagram = printed.slice(printed.indexOf('```mermaid'));
    expect(readme).toContain(diagram.trimEnd());
  });
});

/**
 * The README's claims about what synthesis makes and how the CLI behaves, each read from the README
 * and compared with what the code does: a claim that drifts fails here.
 */
describe('README.md, against what synthesis does', () => {
  const root = path.join(__dirname, '..');
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const flat = readme.replace(/\s+/g, ' ');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const section = (title: string) => readme.split(/^## /m).find((s) => s.startsWith(`${title}\n`)) ?? '';

  test('the flow logs: all traffic, kept as long as it says, encrypted with a key of their own', () => {
    const template = Template.fromStack((() => { const st = new Stack(testApp(), 'FlowLogs'); new EndpointCluster(st, 'Lab'); return st; })());
    const [flowLog] = Object.values(template.findResources('AWS::EC2::FlowLog'));
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')).filter((g) => String(g.Properties.LogGroupName).includes('flow-logs'));
    expect(groups).toHaveLength(1);
    const days = groups[0].Properties.RetentionInDays;
    const kept = ({ 30: 'a month', 365: 'a year' } as Record<number, string>)[days];
    expect([days, kept]).toEqual([days, expect.any(String)]);
    expect(flowLog.Properties.TrafficType).toBe('ALL');
    expect(groups[0].Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^LabFlowLogsKey/), 'Arn'] });
    expect(flat).toContain(`flow logs of all traffic to CloudWatch Logs (kept ${kept}, encrypted with a KMS key of their own`);
    expect(flat).toContain(`| flow logs: log group (${kept}, KMS key of its own)`);
    expect(flat).toContain(`VPC flow logs encrypted and kept ${kept}`);
  });

  test('each `npx cdk synth` line of the lab warns only what the README says it warns', () => {
    // GIVEN the lab's commands, and what the README says they warn
    const lines = [...section('The lab app').matchAll(/^npx cdk synth(.*?)(?:\s+#.*)?$/gm)].map((m) => m[1].trim());
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(flat).toContain('the check warns `HybridNodePath` once per remote network, node or pod');
    expect(flat).toContain('so the check warns `ConnectedNetworkRoute` once per block, to confirm');
    expect(flat).toContain('With `-c bastion=false` and no `-c adminPrincipals`, `EndpointCluster` warns `noClusterAccess`');
    expect(flat).toContain('Every other command above is clean apart from `PublicEndpointOpen` on an open public endpoint');
    for (const line of lines) {
      const context = Object.fromEntries([...line.matchAll(/-c (\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
      const open = ['public', 'public-and-private'].includes(context.mode) && context.allowFrom === '0.0.0.0/0';
      const remote = [context.remoteNodeNetworks, context.remotePodNetworks].flatMap((v) => v?.split(',') ?? []);
      const expected = [
        ...(context.bastion === 'false' && context.adminPrincipals === undefined ? ['noClusterAccess'] : []),
        ...(context.remoteNodeNetworks !== undefined && context.mode === 'public' ? ['HybridNodeEndpointMode'] : []),
        ...remote.map(() => 'HybridNodePath'),
        ...(context.connectedCidrs?.split(',') ?? []).map(() => 'ConnectedNetworkRoute'),
        ...(open ? ['PublicEndpointOpen'] : []),
      ].sort();
      // WHEN it is synthesized
      const app = testApp();
      buildLabApp(app, labOptions(context));
      const messages = app.synth().stacks.flatMap((st) => st.messages);
      // THEN no error, and every warning is one the README names (a warning of no rule is its own text)
      expect([line, messages.filter((m) => m.level === 'error').map((m) => m.entry.data)]).toEqual([line, []]);
      const warned = messages.filter((m) => m.level === 'warning').map((m) => /cdk-eks-endpoint:(\w+)/.exec(String(m.entry.data))?.[1] ?? String(m.entry.data));
      expect([line, warned.sort()]).toEqual([line, expected]);
    }
  });

  test('a connectedCidrs block: a 443 rule, a row of the flow report with its route, and ConnectedNetworkRoute on that route', () => {
    // GIVEN the lab with a connected network, whose virtual private gateway propagates routes learned at run time
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'docs-')), context: { 'aws:cdk:disable-asset-staging': true } });
    const stack = buildLabApp(app, labOptions({ connectedCidrs: '10.1.0.0/16' }));
    const assembly = app.synth({ validateOnSynthesis: false });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '10.1.0.0/16', FromPort: 443, ToPort: 443 })]),
    });
    // THEN its row says the route is to confirm, and the finding is the one the README names
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, PrivateResolutionCheck.REPORT_DIR, 'flow-report.json'), 'utf8'));
    expect(report.clusters[0].flows).toContainEqual(expect.objectContaining({
      client: 'clients in the connected network 10.1.0.0/16', status: 'to confirm: ConnectedNetworkRoute',
      path: expect.stringContaining('route from the cluster subnets: not verifiable at synth'),
    }));
    expect(report.clusters[0].findings.map((f: { ruleId: string; verified: boolean }) => [f.ruleId, f.verified])).toEqual([['ConnectedNetworkRoute', false]]);
    expect(flat).toContain('Each network declared as connected (a `connectedCidrs` block, a connected VPC: a 443 rule from its block) is a row too');
    expect(flat).toContain('is judged by the routes the cluster subnets have for it');
  });

  test('engines accepts the Node.js versions it says to use, and npm only warns on Node.js 20', () => {
    const accepts = (major: number) => String(pkg.engines.node).split('||').some((part) => {
      const m = /^(\^|>=)\s*(\d+)$/.exec(part.trim());
      if (!m) throw new Error(`engines.node part "${part}" is not ^N or >=N`);
      return m[1] === '^' ? major === Number(m[2]) : major >= Number(m[2]);
    });
    const tested = [...pkg.scripts['test:lts'].matchAll(/-p node@(\d+)/g)].map((m) => Number(m[1]));
    for (const major of tested) expect([major, accepts(major)]).toEqual([major, true]);
    for (const major of [20, 23]) expect([major, accepts(major)]).toEqual([major, false]);
    expect(flat).toContain(`Use ${tested.join(' or ')}: \`engines\` says \`${pkg.engines.node}\`, so npm warns (\`EBADENGINE\`) on Node.js 20 and 23`);
    expect(pkg.engineStrict).toBeUndefined();
    expect(fs.existsSync(path.join(root, '.npmrc')) ? fs.readFileSync(path.join(root, '.npmrc'), 'utf8') : '').not.toMatch(/engine-strict\s*=\s*true/);
  });
});

describe('README.md, on a Stage: an error in it fails the real `cdk synth`, whatever is selected', () => {
  const root = path.join(__dirname, '..');
  const flat = fs.readFileSync(path.join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const ERROR = '[Prod/Network/Cluster] Private access is on, but the DHCP options Prod/Network/Dhcp';
  const WARNING = '[Prod/Canary/Eks/Cluster] The public endpoint accepts connections from any address';
  const count = (text: string, part: string) => text.split(part).length - 1;

  test('in-process app.synth() throws ValidationFailed', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'stage-')), context: { 'aws:cdk:disable-asset-staging': true } });
    const stack = new Stack(new Stage(app, 'Prod'), 'Network');
    const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16', enableDnsSupport: true, enableDnsHostnames: false });
    new eks.CfnCluster(stack, 'Cluster', {
      roleArn: 'arn:aws:iam::123456789012:role/eks',
      resourcesVpcConfig: { subnetIds: [new ec2.CfnSubnet(stack, 'Subnet', { vpcId: vpc.ref, cidrBlock: '10.0.0.0/24' }).ref], endpointPublicAccess: false, endpointPrivateAccess: true },
    });
    Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    let error: Error | undefined;
    try {
      app.synth();
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('ValidationFailed');
    expect(error?.message).toContain('[Prod/Network/Cluster] Private access is on, but DNS hostnames are off in Prod/Network/Vpc');
    expect(flat).toContain('An in-process `app.synth()`, as in a unit test, throws `ValidationFailed` on such an error');
  });

  /**
   * test/apps/stages.ts (a top-level stack `Pipeline`, a Stage `Prod` with a DhcpOptionsDns error, a
   * Stage `Prod/Canary` in it with a PublicEndpointOpen warning), run by the CDK CLI the project pins
   * as a user runs it; the environment says where the check goes.
   */
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stage-cli-'));
  let runs = 0;
  function synth(env: Record<string, string>, ...stacks: string[]) {
    const out = path.join(dir, `out${runs++}`);
    const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--no-notices', '-q', '-o', out,
      '--app', `node ${path.join(root, 'build', 'test', 'apps', 'stages.js')}`, ...stacks],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
    return { status: run.status, printed: run.stdout + run.stderr };
  }

  test('the check once on the App: `cdk synth`, `cdk synth Pipeline` and `cdk synth \'**\'` print the error once and exit 1, and the warning', () => {
    const runsOf = { none: synth({}), top: synth({}, 'Pipeline'), all: synth({}, '**') };
    for (const [selected, run] of Object.entries(runsOf)) {
      expect([selected, run.status, count(run.printed, ERROR), count(run.printed, WARNING)]).toEqual([selected, 1, 1, 1]);
    }
    // what was judged, on stderr where the CLI shows it
    // where the report is, from where cdk synth ran (here `-o out0`; cdk.out by default)
    expect(runsOf.none.printed).toMatch(/^cdk-eks-endpoint: 2 cluster\(s\) judged \(0 not checked\); flow report: out\d+\/eks-endpoint-reports\/flow-report\.md \(and flow-report\.json\)$/m);
    expect(flat).toContain('an error in a Stage fails it: `cdk synth`, `cdk synth Pipeline` (a top-level stack) and `cdk synth \'**\'` all exit 1.');
    expect(flat).toContain('`cdk-eks-endpoint: 2 cluster(s) judged (0 not checked); flow report: cdk.out/eks-endpoint-reports/flow-report.md (and flow-report.json)`');
  });

  test('warns without failing once the error is fixed, and an acknowledged warning stays acknowledged', () => {
    const fixed = synth({ STAGES_FIX: '1' });
    expect([fixed.status, count(fixed.printed, ERROR), count(fixed.printed, WARNING)]).toEqual([0, 0, 1]);
    const acknowledged = synth({ STAGES_FIX: '1', STAGES_ACK: '1' });
    expect([acknowledged.status, count(acknowledged.printed, WARNING)]).toEqual([0, 0]);
  });

  test('the check on the Stage, or on both: the same findings, each once, and exit 1', () => {
    for (const where of ['stage', 'both']) {
      const run = synth({ STAGES_CHECK: where });
      expect([where, run.status, count(run.printed, ERROR), count(run.printed, WARNING)]).toEqual([where, 1, 1, 1]);
      expect(run.printed).toMatch(/cdk-eks-endpoint: 2 cluster\(s\) judged \(0 not checked\); flow report: out\d+\/assembly-Prod\/eks-endpoint-reports\/flow-report\.md/);
    }
    expect(flat).toContain('With the check on both, each finding is reported once.');
  });

  test('the cdk-nag pack on the App: a Stage\'s error fails `cdk synth` with nothing selected', () => {
    const run = synth({ STAGES_CHECK: 'pack' });
    expect(run.status).toBe(1);
    expect(count(run.printed, ERROR)).toBe(1);
    expect(run.printed).toContain("Acknowledge with 'EndpointAccess::EndpointAccess-DhcpOptionsDns'");
    expect(flat).toContain('The pack sees every Stage and reports a Stage\'s findings the same way, so they fail `cdk synth` whatever is selected.');
  });
});
