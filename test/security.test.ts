import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks } from 'cdk-nag';
import { buildLabApp, labOptions } from '../bin/lab';

/** The lab's context for a mode, a public one open to all as asked for (-c allowFrom=0.0.0.0/0): the widest the lab makes. */
const asked = (mode: string): Record<string, string> => ({ mode, ...(mode !== 'private' ? { allowFrom: '0.0.0.0/0' } : {}) });
import { ClusterCompute, ClusterEgress, EndpointCluster, EndpointMode } from '../lib';
import { testApp } from './support/util';

/**
 * What a security pipeline runs on the lab: cdk-nag's AwsSolutions, NIST 800-53 rev 5 and HIPAA
 * Security packs, and AWS Control Tower's proactive controls through cfn-guard
 * (@cdklabs/cdk-validator-cfnguard, offline). Every finding is fixed, acknowledged with its
 * reason where the library made the choice, or listed in docs/SECURITY.md; these tests hold all
 * three to the code.
 */
const MODES = ['public', 'public-and-private', 'private'];
const PACKS: Array<[string, () => NagPack]> = [
  ['AwsSolutions', () => new AwsSolutionsChecks()],
  ['NIST 800-53 rev 5', () => new NIST80053R5Checks()],
  ['HIPAA Security', () => new HIPAASecurityChecks()],
];
const SECURITY_MD = fs.readFileSync(path.join(__dirname, '..', 'docs', 'SECURITY.md'), 'utf8');

/** The IDs in the first cell of each row of the Markdown table under a heading of docs/SECURITY.md (a cell may name several: `A`, `B`). */
function tableIds(heading: string): string[] {
  const section = SECURITY_MD.split(/^## /m).find((s) => s.startsWith(`${heading}\n`));
  expect(section).toBeDefined();
  return [...section!.matchAll(/^\| (`[^|]+`) \|/gm)]
    .flatMap((m) => [...m[1].matchAll(/`([^`]+)`/g)].map((x) => x[1]))
    .filter((id) => id !== 'ID' && id !== 'rule');
}

function unacknowledged(pack: NagPack, scope: Stack): string[] {
  return pack.validateScope(scope).violations.map((v) => `${v.ruleName} at ${(v.violatingResources as any[]).map((r) => r.constructPath).join(', ')}`);
}

describe('cdk-nag packs: no finding left unacknowledged', () => {
  const labs = new Map(MODES.map((mode) => [mode, buildLabApp(testApp(), labOptions(asked(mode)))]));

  test.each(MODES.flatMap((mode) => PACKS.map(([name, pack]) => [mode, name, pack] as const)))('the lab in %s mode, %s', (mode, _name, pack) => {
    expect(unacknowledged(pack(), labs.get(mode)!)).toEqual([]);
  });

  const options: Array<[string, (stack: Stack) => void]> = [
    ['no bastion, admin principals', (stack) => new EndpointCluster(stack, 'Lab', {
      bastion: false, adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'],
    })],
    ['Public with an allow-list (the NAT address added)', (stack) => new EndpointCluster(stack, 'Lab', {
      mode: EndpointMode.PUBLIC.onlyFrom('203.0.113.0/24'),
    })],
    ['bastion options: a Nitro type with encryption in transit, no access entry', (stack) => new EndpointCluster(stack, 'Lab', {
      mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('0.0.0.0/0'),
      adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'],
      bastionOptions: { instanceType: new ec2.InstanceType('c6a.large'), accessPolicies: [] },
    })],
    ['egress ISOLATED and Auto Mode, Public & Private', (stack) => new EndpointCluster(stack, 'Lab', {
      mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), egress: ClusterEgress.ISOLATED, compute: ClusterCompute.AUTO_MODE,
    })],
    ['egress ISOLATED, node group, bastion with encrypted sessions (the kms endpoint and the endpoint policies)', (stack) => new EndpointCluster(stack, 'Lab', {
      egress: ClusterEgress.ISOLATED, bastionOptions: { sessionEncryptionKey: new kms.Key(stack, 'SessionKey', { enableKeyRotation: true }) },
    })],
    ['connected networks with Resolver forwarding, Public & Private', (stack) => new EndpointCluster(stack, 'Lab', {
      mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), connectedCidrs: ['10.1.0.0/16', '192.168.0.0/16'],
    })],
    ['hybrid nodes, Private', (stack) => new EndpointCluster(stack, 'Lab', {
      remoteNodeNetworks: ['192.168.0.0/16'], remotePodNetworks: ['172.16.0.0/16'],
    })],
    ['a cluster name: its control-plane log group and that group\'s key', (stack) => new EndpointCluster(stack, 'Lab', {
      clusterName: 'payments', adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'],
    })],
    ['an imported VPC', (stack) => new EndpointCluster(stack, 'Lab', {
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0abc', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'],
      }),
    })],
  ];
  test.each(options.flatMap(([name, build]) => PACKS.map(([pack, make]) => [name, pack, build, make] as const)))('EndpointCluster with %s, %s', (_name, _pack, build, make) => {
    const stack = new Stack(testApp(), 'Options');
    build(stack);
    expect(unacknowledged(make(), stack)).toEqual([]);
  });

  test('a rule can fire: the same packs on a plain aws-eks-v2 cluster find what the library fixes', () => {
    const stack = new Stack(testApp(), 'Plain');
    const vpc = new ec2.Vpc(stack, 'Vpc', { restrictDefaultSecurityGroup: false, flowLogs: { All: {} } });
    new eks.Cluster(stack, 'Cluster', { vpc, version: eks.KubernetesVersion.V1_34, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP });
    const found = unacknowledged(new NIST80053R5Checks(), stack).map((f) => f.split(' at ')[0]);
    expect(found).toEqual(expect.arrayContaining([
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled', 'NIST.800.53.R5-IAMNoInlinePolicy',
    ]));
  });
});

describe('AWS Control Tower proactive controls (cfn-guard)', () => {
  /** The rules that fail on an app, by name, each with where. */
  function guard(build: (app: App) => void): Map<string, string[]> {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:disable-asset-staging': true } });
    Validations.of(app).addPlugins(new CfnGuardValidator({ controlTowerRulesEnabled: true }));
    build(app);
    // CDK prints a failing plugin's report with console.error: captured, and held to the file's report below
    const printed: string[] = [];
    const print = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => { printed.push(args.join(' ')); });
    try {
      app.synth();
    } catch {
      // a failing rule fails synthesis; the report below says which
    } finally {
      print.mockRestore();
    }
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    fs.rmSync(outdir, { recursive: true, force: true });
    const failed = new Map<string, string[]>();
    for (const plugin of report.pluginReports.filter((p: any) => p.pluginName === 'cdk-validator-cfnguard')) {
      for (const v of plugin.violations) {
        failed.set(v.ruleName, (v.violatingConstructs ?? []).map((c: any) => c.constructPath));
      }
    }
    // what was printed (CDK prints the report when synthesis goes on, throws it when it does not)
    // is that report: only rules it lists, and nothing when none failed
    const text = printed.join('\n');
    const printedRules = [...text.matchAll(/Acknowledge with 'cdk-validator-cfnguard::(\w+)'/g)].map((m) => m[1]);
    expect(printedRules.filter((rule) => !failed.has(rule))).toEqual([]);
    if (failed.size === 0) expect(text).toBe('');
    return failed;
  }

  const listed = tableIds('Control Tower rules left failing');

  test.each(MODES)('the lab in %s mode fails no rule, and an EndpointCluster of a user\'s app only the ones docs/SECURITY.md lists', (mode) => {
    expect([...guard((app) => buildLabApp(app, labOptions(asked(mode)))).keys()]).toEqual([]);
    const own = guard((app) => new EndpointCluster(new Stack(app, 'Own'), 'Cluster', {
      mode: mode === 'private' ? EndpointMode.of(mode) : EndpointMode.of(mode).onlyFrom('203.0.113.0/24'),
    }));
    expect([...own.keys()].filter((rule) => !listed.includes(rule))).toEqual([]);
    expect(own.has('eks_endpoint_no_public_access_check')).toBe(mode !== 'private');
  });

  test('an EndpointCluster with a cluster name fails only the listed rules: its control-plane log group passes the log group rules', () => {
    const own = guard((app) => new EndpointCluster(new Stack(app, 'Named'), 'Cluster', { clusterName: 'payments' }));
    expect([...own.keys()].filter((rule) => !listed.includes(rule))).toEqual([]);
  });

  test.each([
    [{ egress: 'isolated', compute: 'auto-mode' }],
    [{ egress: 'isolated' }],
    [{ mode: 'public-and-private', allowFrom: '203.0.113.0/24', connectedCidrs: '10.1.0.0/16,192.168.0.0/16' }],
    [{ remoteNodeNetworks: '192.168.0.0/16', remotePodNetworks: '172.16.0.0/16' }],
  ])('the lab with the issue 7 options %j fails no rule', (context) => {
    expect([...guard((app) => buildLabApp(app, labOptions(context))).keys()]).toEqual([]);
  });

  test('the lab\'s -c guard=true runs them: the public endpoint is acknowledged there, as the lab\'s own choice', () => {
    const app = testApp();
    const stack = buildLabApp(app, labOptions({ mode: 'public', allowFrom: '0.0.0.0/0', guard: 'true' }));
    const acknowledged = stack.node.findAll().flatMap((c) => c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.keys(m.data as object)));
    expect(acknowledged).toContain('cdk-validator-cfnguard::eks_endpoint_no_public_access_check');
    expect(labOptions({ guard: 'true' }).guard).toBe(true);
    expect(() => labOptions({ guard: 'yes' })).toThrow('Invalid -c guard=yes: expected true or false.');
  });

  test('a rule can fire, and each listed rule is one the library or the user chose: a plain aws-eks-v2 cluster fails them', () => {
    const failed = guard((app) => {
      const stack = new Stack(app, 'Plain');
      const vpc = new ec2.Vpc(stack, 'Vpc', { restrictDefaultSecurityGroup: false, flowLogs: { All: {} } });
      new eks.Cluster(stack, 'Cluster', { vpc, version: eks.KubernetesVersion.V1_34, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP });
      new ec2.Instance(stack, 'Instance', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023() });
    });
    expect([...failed.keys()]).toEqual(expect.arrayContaining([
      'cloudwatch_log_group_encrypted_check', 'subnet_auto_assign_public_ip_disabled_check', 'ec2_instance_no_public_ip_check',
      'eks_endpoint_no_public_access_check', 'ec2_instance_nitro_encryption_in_transit_check',
    ]));
  });
});

describe('no custom-resource Lambda', () => {
  test.each(MODES)('the lab in %s mode holds no Lambda function and no custom resource', (mode) => {
    const app = testApp();
    const stack = buildLabApp(app, labOptions(asked(mode)));
    const types = Object.values(app.synth().getStackArtifact(stack.artifactId).template.Resources).map((r: any) => r.Type as string);
    expect(types.filter((t) => t === 'AWS::Lambda::Function' || t.startsWith('Custom::') || t === 'AWS::CloudFormation::CustomResource')).toEqual([]);
    expect(types).toContain('AWS::EKS::Cluster');
  });
});

describe('docs/SECURITY.md', () => {
  /** The lab's option sets the defaults table speaks for: every mode, and no internet with Auto Mode. */
  const LAB_SETS: Array<Record<string, string>> = [...MODES.map(asked), { egress: 'isolated', compute: 'auto-mode' }, { egress: 'isolated' }];

  test.each(LAB_SETS)('"Defaults and why" holds, row by row, on the lab\'s template with %j', (context) => {
    const template = Template.fromStack(buildLabApp(testApp(), labOptions(context))).toJSON();
    const all = Object.entries(template.Resources) as Array<[string, any]>;
    const of = (type: string) => all.filter(([, r]) => r.Type === type).map(([id, r]) => [id, r.Properties ?? {}] as [string, any]);
    const defaults = SECURITY_MD.split(/^## /m).find((s) => s.startsWith('Defaults and why\n'))!;
    const row = (start: string) => expect(defaults).toContain(`| ${start}`);
    const cluster = of('AWS::EKS::Cluster')[0][1];

    row('No SSH anywhere: the node group refuses `remoteAccess`, the bastion has no key pair and no inbound rule');
    expect(JSON.stringify(template)).not.toContain('KeyName');
    expect(of('AWS::EKS::Nodegroup').map(([, p]) => p.RemoteAccess)).toEqual(of('AWS::EKS::Nodegroup').map(() => undefined));
    for (const [, p] of of('AWS::EC2::SecurityGroup').filter(([id]) => /Bastion/.test(id))) expect(p.SecurityGroupIngress).toBeUndefined();

    row('IMDSv2 required, hop limit 1, on the bastion and the nodes');
    const metadata = [...of('AWS::EC2::Instance').map(([, p]) => p.MetadataOptions), ...of('AWS::EC2::LaunchTemplate').map(([, p]) => p.LaunchTemplateData.MetadataOptions)];
    expect(metadata.length).toBeGreaterThan(0);
    for (const m of metadata) expect(m).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });

    row('Every EBS volume encrypted (gp3)');
    const volumes = [...of('AWS::EC2::Instance').flatMap(([, p]) => p.BlockDeviceMappings), ...of('AWS::EC2::LaunchTemplate').flatMap(([, p]) => p.LaunchTemplateData.BlockDeviceMappings ?? [])];
    for (const v of volumes) expect(v.Ebs).toMatchObject({ Encrypted: true, VolumeType: 'gp3' });

    row('Kubernetes secrets encrypted with a KMS key of their own, rotated yearly');
    expect(cluster.EncryptionConfig[0].Resources).toEqual(['secrets']);
    row('All five control-plane log types');
    expect(cluster.Logging.ClusterLogging.EnabledTypes.map((t: any) => t.Type)).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
    row('The control-plane log group `/aws/eks/<cluster name>/cluster` created by the construct, kept a year');
    row('VPC flow logs, all traffic, to a log group kept one year and encrypted with its own KMS key');
    expect(of('AWS::EC2::FlowLog').map(([, p]) => p.TrafficType)).toEqual(['ALL']);
    // the lab asks for the control-plane log group: every group is kept a year and encrypted
    expect(of('AWS::Logs::LogGroup').map(([, p]) => [p.RetentionInDays, 'KmsKeyId' in p, JSON.stringify(p.LogGroupName).includes('/aws/eks/') || JSON.stringify(p.LogGroupName).includes('/flow-logs/')]))
      .toEqual([[365, true, true], [365, true, true]]);
    row('KMS keys deny `kms:CreateGrant` except to AWS services acting for AWS resources');
    for (const [, p] of of('AWS::KMS::Key')) {
      expect(p.EnableKeyRotation).toBe(true);
      expect(JSON.stringify(p.KeyPolicy)).toContain('GrantsOnlyForAwsServices');
    }

    row('Customer managed IAM policies on the roles the library creates, no inline ones; no AWS managed policy on the bastion');
    expect(of('AWS::IAM::Policy')).toEqual([]);
    for (const [, p] of of('AWS::IAM::Role')) expect(p.Policies).toBeUndefined();
    const bastionRoles = of('AWS::IAM::Role').filter(([id]) => /Bastion/.test(id));
    for (const [, p] of bastionRoles) expect(p.ManagedPolicyArns).toBeUndefined();
    expect(defaults).toContain('the bastion has five Session Manager actions and `s3:GetObject` on its one kubectl object');
    const bastionPolicy = of('AWS::IAM::ManagedPolicy').filter(([id]) => /BastionPolicy/.test(id)).map(([, p]) => p.PolicyDocument.Statement);
    expect(bastionPolicy.map((statements) => statements.map((st: any) => [st.Sid, [st.Action].flat().length]))).toEqual([[['SessionManager', 5], ['KubectlAsset', 1]]]);

    row('`BootstrapClusterCreatorAdminPermissions: false`');
    expect(cluster.AccessConfig.BootstrapClusterCreatorAdminPermissions).toBe(false);
    row('No public IP on the bastion (`AssociatePublicIpAddress: false`), none handed out by the public subnets');
    for (const [, p] of of('AWS::EC2::Instance')) expect(p.NetworkInterfaces.map((n: any) => n.AssociatePublicIpAddress)).toEqual([false]);
    for (const [, p] of of('AWS::EC2::Subnet')) expect(p.MapPublicIpOnLaunch).toBe(false);
  });

  test('each acknowledgement of a rule cdk-nag reports per finding names the finding, and a second finding on the same construct is still reported', () => {
    // GIVEN the lab in every mode, and with Auto Mode
    const stacks = [...MODES.map((mode) => buildLabApp(testApp(), labOptions(asked(mode)))), buildLabApp(testApp(), labOptions({ egress: 'isolated', compute: 'auto-mode' }))];
    const ids = stacks.flatMap((stack) => stack.node.findAll().flatMap((c) => c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.keys(m.data as object))));
    // THEN no IAM4 or IAM5 acknowledgement covers the whole rule
    expect(ids.filter((id) => /AwsSolutions-IAM[45]/.test(id) && !/\[(Policy|Resource|Action)::.+\]$/.test(id))).toEqual([]);
    expect(ids.some((id) => /AwsSolutions-IAM5\[Resource::\*\]$/.test(id))).toBe(true);
    // WHEN the bastion's policy is given a second wildcard finding
    const stack = buildLabApp(testApp(), labOptions({}));
    const policy = stack.node.findAll().find((c) => c.node.path.endsWith('Lab/Bastion/Policy')) as iam.ManagedPolicy;
    policy.addStatements(new iam.PolicyStatement({ actions: ['ec2:Describe*'], resources: ['*'] }));
    // THEN it is reported: the acknowledgement covers its own finding only
    expect(unacknowledged(new AwsSolutionsChecks(), stack)).toEqual([expect.stringMatching(/^AwsSolutions-IAM5\[Action::ec2:Describe\*\] at .*Lab\/Bastion\/Policy/)]);
  });

  test('lists every acknowledgement the library and the lab make, by ID, and nothing they do not make', () => {
    const made = new Set<string>();
    const stacks = [
      ...MODES.map((mode) => buildLabApp(testApp(), labOptions(asked(mode)))),
      buildLabApp(testApp(), labOptions({ mode: 'private', bastion: 'false' })),
      buildLabApp(testApp(), labOptions({ mode: 'private', egress: 'isolated', compute: 'auto-mode' })),
    ];
    for (const stack of stacks) {
      for (const c of stack.node.findAll()) {
        for (const m of c.node.metadata.filter((e) => e.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
          // cdk-nag's IDs are stored with an `Annotation::` prefix
          Object.keys(m.data as object).forEach((id) => made.add(id.replace(/^annotation::/i, '')));
        }
      }
    }
    const documented = tableIds('Acknowledged findings');
    expect([...made].filter((id) => !documented.includes(id)).sort()).toEqual([]);
    expect(documented.filter((id) => !made.has(id)).sort()).toEqual([]);
  });
});
