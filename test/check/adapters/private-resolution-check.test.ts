import { App, AspectPriority, Aspects, CfnResource, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EndpointCluster, EndpointMode, PrivateResolutionCheck } from '../../../lib';
import { accessEntryClient, aspectCheck, scenario, v1App, v1ImportedKubectlApp } from '../../support/apps';
import { testApp } from '../../support/util';

/**
 * The Aspect (adapters/private-resolution-check.ts): annotations judged in the validation step,
 * after every other aspect.
 */

/** An admin named, so that the construct's noClusterAdmin (the bastion is read-only by default) is not among the check's findings. */
const ADMIN = ['arn:aws:iam::123456789012:role/Admin'];

describe('EndpointCluster passes its own check', () => {
  test.each([
    ['private', EndpointMode.PRIVATE, []],
    ['public-and-private with an allow-list', EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), []],
    ['public with an allow-list', EndpointMode.PUBLIC.onlyFrom('203.0.113.0/24'), []],
    ['public-and-private, open', EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('0.0.0.0/0'), ['PublicEndpointOpen']],
    ['public, open', EndpointMode.PUBLIC.onlyFrom('0.0.0.0/0'), ['PublicEndpointOpen']],
  ])('%s: no error, and only the warnings an open endpoint deserves', (_, mode, warnings) => {
    const app = testApp();
    new EndpointCluster(new Stack(app, 'Lab'), 'Cluster', { mode, adminPrincipals: ADMIN });
    const reported = aspectCheck(app);
    expect(reported.filter((r) => r.level === 'error')).toEqual([]);
    expect(reported.map((r) => r.id)).toEqual(warnings);
  });

  test('and the check is not vacuous: removing the bastion\'s 443 rule is an error', () => {
    const app = testApp();
    const lab = new EndpointCluster(new Stack(app, 'Lab'), 'Cluster', { mode: EndpointMode.PRIVATE, adminPrincipals: ADMIN });
    lab.bastion!.node.tryRemoveChild('ClusterApiIngress');
    expect(aspectCheck(app).map((r) => [r.level, r.id])).toEqual([['error', 'ClientSecurityGroupPath']]);
  });
});

describe('PrivateResolutionCheck', () => {
  test('an error fails synthesis through the CLI: it is an error annotation on the cluster resource', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    (s.vpc!.node.defaultChild as ec2.CfnVPC).enableDnsHostnames = false;
    const [error] = aspectCheck(s.app).filter((r) => r.level === 'error');
    expect(error).toEqual(expect.objectContaining({ id: 'VpcDnsHostnames', path: '/Network/Cluster' }));
  });

  test('an error makes `cdk synth` fail (the real CLI, on test/apps/dns-hostnames-off.ts)', () => {
    const root = path.join(__dirname, '..', '..', '..');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    const result = spawnSync(process.execPath, [
      path.join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--no-notices', '--no-validation', '-o', outdir,
      '--app', `node ${path.join(root, 'build', 'test', 'apps', 'dns-hostnames-off.js')}`,
    ], { cwd: outdir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('[cdk-eks-endpoint:VpcDnsHostnames] Private access is on, but DNS hostnames are off in DnsHostnamesOff/Vpc');
  });

  test('its warnings can be acknowledged by ID', () => {
    const s = scenario({ kind: 'eks-v2', mode: 'public-and-private' });
    Validations.of(s.clusterStack).acknowledge({ id: 'cdk-eks-endpoint:PublicEndpointOpen', reason: 'lab cluster, open on purpose' });
    expect(aspectCheck(s.app)).toEqual([]);
  });

  test('skip leaves a rule out, and only that rule', () => {
    const s = scenario({ kind: 'eks-v2', mode: 'public-and-private' });
    accessEntryClient(s, 'Runner'); // a ClientSecurityGroupPath error, which must stay
    Aspects.of(s.app).add(new PrivateResolutionCheck({ skip: ['PublicEndpointOpen'] }), { priority: AspectPriority.READONLY });
    const assembly = s.app.synth();
    const ids = assembly.getStackByName('Network').messages.map((m) => /cdk-eks-endpoint:(\w+)/.exec(String(m.entry.data))?.[1]).filter((id) => id);
    expect(ids).toEqual(['ClientSecurityGroupPath']);
  });

  test('a deploy-time EndpointPrivateAccess turns what would be errors into warnings', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    accessEntryClient(s, 'Runner');
    (s.cluster as eks.CfnCluster).addPropertyOverride('ResourcesVpcConfig.EndpointPrivateAccess', { 'Fn::ImportValue': 'PrivateAccess' });
    const reported = aspectCheck(s.app);
    expect(reported.filter((r) => r.level === 'error')).toEqual([]);
    expect(reported.find((r) => r.id === 'ClientSecurityGroupPath')?.message).toMatch(/^Not verifiable at synth: endpointPrivateAccess is a deploy-time value\. If it is true: /);
  });

  test('refuses an unknown rule ID in skip and lists the known ones', () => {
    expect(() => new PrivateResolutionCheck({ skip: ['PublicEndpoint'] })).toThrow(
      /PrivateResolutionCheck: skip has unknown rule ID\(s\) PublicEndpoint\. Known: VpcDnsSupport, VpcDnsHostnames/,
    );
  });

  test.each([['Network', 0], ['Platform', 1]] as const)('checks only the clusters in the scope it is added to: the %s stack', (stackName, expected) => {
    const s = scenario({ kind: 'eks-v2', vpcIn: 'cross-stack', mode: 'public-and-private' }); // the cluster is in Platform
    Aspects.of(stackName === 'Network' ? s.networkStack : s.clusterStack).add(new PrivateResolutionCheck());
    const assembly = s.app.synth();
    const messages = assembly.stacks.flatMap((st) => st.messages).filter((m) => String(m.entry.data).includes('cdk-eks-endpoint:PublicEndpointOpen'));
    expect(messages).toHaveLength(expected);
  });
});

describe('the Aspect judges after every other aspect', () => {
  test('sees a cluster that a later aspect adds in a stack the aspects have already passed', () => {
    const app = testApp();
    const early = new Stack(app, 'Early');
    const network = new Stack(app, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, enableDnsHostnames: false, restrictDefaultSecurityGroup: false });
    Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    Aspects.of(app).add({
      visit: (node) => {
        if (node === vpc) {
          new eks.CfnCluster(early, 'Cluster', {
            roleArn: 'arn:aws:iam::123456789012:role/eks', version: '1.34',
            resourcesVpcConfig: { subnetIds: vpc.privateSubnets.map((s) => s.subnetId), endpointPrivateAccess: true, endpointPublicAccess: false },
          });
        }
      },
    }, { priority: AspectPriority.MUTATING });
    const messages = app.synth().getStackByName('Early').messages.map((m) => String(m.entry.data));
    expect(messages.some((m) => m.startsWith('[cdk-eks-endpoint:VpcDnsHostnames]'))).toBe(true);
  });

  test('sees a cluster that a later aspect adds in a later stack', () => {
    const app = testApp();
    const network = new Stack(app, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, enableDnsHostnames: false, restrictDefaultSecurityGroup: false });
    const late = new Stack(app, 'Late');
    Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    let added = false;
    Aspects.of(app).add({
      visit: (node) => {
        if (node === late && !added) {
          added = true;
          new eks.CfnCluster(late, 'Cluster', {
            roleArn: 'arn:aws:iam::123456789012:role/eks', version: '1.34',
            resourcesVpcConfig: { subnetIds: vpc.privateSubnets.map((s) => s.subnetId), endpointPrivateAccess: true, endpointPublicAccess: false },
          });
        }
      },
    }, { priority: AspectPriority.MUTATING });
    const messages = app.synth().getStackByName('Late').messages.map((m) => String(m.entry.data));
    expect(messages.some((m) => m.startsWith('[cdk-eks-endpoint:VpcDnsHostnames]'))).toBe(true);
  });
});

describe('the Aspect and nested Stages, in process', () => {
  /** An App with a Stage `Prod` (its cluster's VPC with DNS hostnames off), the check where `on` says; `cli` sets the context the CDK CLI sets. */
  function stagedApp(on: 'app' | 'stage', cli = false) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'staged-'));
    const app = testApp({ outdir, context: cli ? { '@aws-cdk/core:failSynthOnValidationErrors': false } : {} });
    const prod = new Stage(app, 'Prod');
    const stack = new Stack(prod, 'Network');
    const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16', enableDnsSupport: true, enableDnsHostnames: false });
    new eks.CfnCluster(stack, 'Cluster', {
      roleArn: 'arn:aws:iam::123456789012:role/eks',
      resourcesVpcConfig: { subnetIds: [new ec2.CfnSubnet(stack, 'Subnet', { vpcId: vpc.ref, cidrBlock: '10.0.0.0/24' }).ref], endpointPublicAccess: false, endpointPrivateAccess: true },
    });
    Aspects.of(on === 'app' ? app : prod).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    let error: Error | undefined;
    try {
      app.synth();
    } catch (e) {
      error = e as Error;
    }
    const reportFile = path.join(outdir, 'validation-report.json');
    const violations = fs.existsSync(reportFile)
      ? JSON.parse(fs.readFileSync(reportFile, 'utf8')).pluginReports.filter((r: any) => r.pluginName === 'cdk-eks-endpoint').flatMap((r: any) => r.violations) : [];
    const annotations = prod.synth().getStackByName(stack.stackName).messages.map((m) => String(m.entry.data)).filter((m) => m.includes('cdk-eks-endpoint'));
    return { error, violations, annotations };
  }

  test('fails synthesis for a Stage\'s error with the check on the App: in the validation report, naming no construct, the message starting with the cluster\'s path', () => {
    const { error, violations, annotations } = stagedApp('app');
    expect(error?.name).toBe('ValidationFailed');
    expect(violations).toEqual([expect.objectContaining({
      ruleName: 'cdk-eks-endpoint:VpcDnsHostnames', severity: 'error', violatingConstructs: [expect.objectContaining({ constructPath: '' })],
      description: expect.stringMatching(/^\[Prod\/Network\/Cluster\] Private access is on, but DNS hostnames are off/),
    })]);
    expect(annotations).toEqual([]);
  });

  test('reports a Stage\'s error with the check on the Stage as an annotation there (Annotations.fromStack sees it), not again in the report', () => {
    const { violations, annotations } = stagedApp('stage');
    expect(violations).toEqual([]);
    expect(annotations).toEqual([expect.stringMatching(/^\[cdk-eks-endpoint:VpcDnsHostnames\] Private access is on/)]);
  });

  test('reports a Stage\'s error with the check on the Stage under the CDK CLI (which prints a Stage\'s annotations only when named) in the report instead, which the CLI fails on', () => {
    const { error, violations, annotations } = stagedApp('stage', true);
    // the CLI, not the app, fails on the report
    expect(error).toBeUndefined();
    expect(violations.map((v: any) => [v.ruleName, v.severity])).toEqual([['cdk-eks-endpoint:VpcDnsHostnames', 'error']]);
    expect(annotations).toEqual([]);
  });
});

describe('the Aspect says what it judged', () => {
  /** Synthesizes as under the CDK CLI (CDK_OUTDIR set), returning the lines written to stderr and the flow report's summary. */
  function judgedUnderCli(build: (app: App) => void): { stderr: string[]; summary?: unknown } {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'judged-'));
    const app = testApp({ outdir });
    build(app);
    Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((text) => { written.push(String(text)); return true; });
    process.env.CDK_OUTDIR = outdir;
    try {
      app.synth();
    } finally {
      delete process.env.CDK_OUTDIR;
      spy.mockRestore();
    }
    const report = path.join(outdir, PrivateResolutionCheck.REPORT_DIR, 'flow-report.json');
    return { stderr: written.join('').split('\n').filter((l) => l !== ''), summary: fs.existsSync(report) ? JSON.parse(fs.readFileSync(report, 'utf8')).summary : undefined };
  }

  test('one line: the clusters judged, those not checked (a type it cannot read), and where the flow report is, whose summary agrees', () => {
    const { stderr, summary } = judgedUnderCli((app) => {
      new EndpointCluster(new Stack(app, 'Lab'), 'Cluster', { mode: EndpointMode.PRIVATE });
      new CfnResource(new Stack(app, 'QuickStart'), 'Cluster', { type: 'AWSQS::EKS::Cluster', properties: { Name: 'qs' } });
    });
    // the test's outdir is outside the working directory: the report's place is written whole
    expect(stderr).toEqual([expect.stringMatching(/^cdk-eks-endpoint: 2 cluster\(s\) judged \(1 not checked\); flow report: \/\S+\/eks-endpoint-reports\/flow-report\.md \(and flow-report\.json\)$/)]);
    expect(summary).toEqual({ clusters: 2, notChecked: 1, errors: 0, warnings: 1, text: '2 cluster(s) judged (1 not checked): 0 error(s), 1 warning(s)' });
  });

  test('warns in one line when the app holds no EKS cluster at all, its Stages included', () => {
    const { stderr, summary } = judgedUnderCli((app) => { new ec2.CfnVPC(new Stack(new Stage(app, 'Prod'), 'Network'), 'Vpc', { cidrBlock: '10.0.0.0/16' }); });
    expect(stderr).toEqual(['cdk-eks-endpoint: no EKS cluster found in the app, its Stages included: nothing was judged']);
    expect(summary).toBeUndefined();
  });
});

describe('aws-eks (v1) clusters, judged like any other', () => {
  test('passes a private v1 cluster whose aws-auth bastion has its 443 rule; its kubectl handler runs in the VPC', () => {
    const reported = aspectCheck(v1App({ mode: 'private', bastion: 'with-443' }).app);
    expect(reported).toEqual([]);
  });

  test('fails the bastion mapped in aws-auth (addMastersRole) without the 443 rule', () => {
    const reported = aspectCheck(v1App({ mode: 'private', bastion: 'without-443' }).app);
    expect(reported.map((r) => [r.level, r.id, r.path])).toEqual([['error', 'ClientSecurityGroupPath', '/V1/Cluster/Resource/Resource/Default']]);
    expect(reported[0].message).toMatch(/^V1\/Bastion \(aws-auth\) is in the cluster VPC/);
  });

  test('fails the kubectl handler of a v1 cluster imported in another stack without kubectl subnets (it runs in no VPC); passes it placed', () => {
    const reported = aspectCheck(v1ImportedKubectlApp(false));
    expect(reported.map((r) => [r.level, r.id])).toEqual([['error', 'ConnectedClientPath']]);
    expect(reported[0].message).toMatch(/^Apps\/.*KubectlProvider\/Handler \(kubectl handler\) runs in no VPC/);
    expect(aspectCheck(v1ImportedKubectlApp(true))).toEqual([]);
  });

  // (aws-eks v1 refuses an allow-list on a public-only endpoint: its kubectl handler, outside the VPC, could not get in)
  test('warns PublicEndpointOpen on a public v1 cluster open to all, and not on Public & Private with an allow-list', () => {
    expect(aspectCheck(v1App({ mode: 'public' }).app).map((r) => [r.level, r.id])).toEqual([['warning', 'PublicEndpointOpen']]);
    expect(aspectCheck(v1App({ mode: 'public-and-private', cidrs: ['203.0.113.0/24'] }).app)).toEqual([]);
  });
});
