import { App, Aspects, CfnCondition, CfnParameter, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EndpointAccessChecks, PrivateResolutionCheck } from '../../lib';
import { analyze } from '../../lib/check/engine/analyze';
import { TemplateInput } from '../../lib/check/engine/read/input';
import { ReportedFinding } from '../../lib/check/engine/finding';
import { ALL_RULES } from '../../lib/check/rules';
import { renderTree } from '../../lib/check/adapters/tree-templates';
import { att, baseTemplate, deployTimeAt, Mode, MODES, PARAMETER_TYPES, ref, targets, V1_EXTRA_TARGETS, v1BaseTemplate, valueAt, Variant, VARIANTS, CONDITION_VARIANTS, withValue } from '../support/fuzz-templates';
import { testApp } from '../support/util';

/**
 * Fuzzing the check: a realistic template in which every property the rules read is replaced,
 * one at a time, by a deploy-time value (a parameter of each type, a condition on a parameter,
 * an import nobody makes), by AWS::NoValue, by a literal of the wrong type and by nonsense.
 * The engine must never throw, never report a rule crash, and never turn a deploy-time value
 * into a definite error: what it cannot know is a warning.
 */

function run(template: unknown): ReportedFinding[] {
  return analyze([{ id: 'fuzz', template }], ALL_RULES);
}

const key = (f: ReportedFinding) => `${f.ruleId} on ${f.logicalId}: ${f.message}`;

/** What is wrong with the findings of one variant: an empty list when nothing is. */
function problems(variant: Variant, deployTime: boolean, baseErrors: Set<string>, template: unknown): string[] {
  let findings: ReportedFinding[];
  try {
    findings = run(template);
  } catch (e) {
    return [`${variant.name}: analyze threw ${(e as Error).stack}`];
  }
  const found: string[] = [];
  for (const f of findings) {
    if (f.level === 'error' && !f.verified) found.push(`${variant.name}: an unverified error: ${key(f)}`);
    if (/the rule stopped on an input it does not understand/.test(f.message)) found.push(`${variant.name}: a rule threw: ${key(f)}`);
    if (deployTime && f.level === 'error' && !baseErrors.has(key(f))) found.push(`${variant.name}: a new definite error: ${key(f)}`);
  }
  return found;
}

// --- the template-level fuzz ---------------------------------------------------------------

let variantsRun = 0;

/** What goes wrong when the value at a template's path is replaced by each variant (Condition: its own variants). */
function variantProblems(base: Record<string, any>, logicalId: string, path: string, baseErrors: Set<string>): string[] {
  const variants = path === 'Condition' ? CONDITION_VARIANTS : VARIANTS;
  const original = valueAt(base, logicalId, path);
  const found: string[] = [];
  for (const variant of variants) {
    variantsRun++;
    found.push(...problems(variant, deployTimeAt(variant, path), baseErrors, withValue(base, logicalId, path, variant.value(original))));
  }
  return found;
}

describe.each(MODES)('a %s cluster template', (mode) => {
  const base = baseTemplate(mode);
  const baseFindings = run(base);
  const baseErrors = new Set(baseFindings.filter((f) => f.level === 'error').map(key));

  test('the base template passes: no error, and no rule crash', () => {
    expect([...baseErrors]).toEqual([]);
    expect(baseFindings.filter((f) => /the rule stopped/.test(f.message))).toEqual([]);
  });

  test('the base template is read as meant: only the warnings its mode deserves', () => {
    // GIVEN the base template's findings
    const ids = baseFindings.map((f) => `${f.level}:${f.ruleId}${f.verified ? '' : '?'}`);
    // THEN a public endpoint on record, the Resolver rule's targets (the inbound endpoint has no fixed
    // addresses) and the Transit Gateway side the template does not show
    const expected: Record<Mode, string[]> = {
      'public-and-private': ['warning:ConnectedClientResolution?', 'warning:ConnectedClientResolution?', 'warning:PublicEndpointAccess'],
      'private': [],
      'public': ['warning:PublicEndpointAccess'],
    };
    expect(ids.sort()).toEqual(expected[mode].sort());
  });

  for (const [logicalId, path] of targets(base)) {
    const target = `${logicalId} ${path}`;
    test(`${target}: no throw, no crash, no definite error out of a deploy-time value`, () => {
      // GIVEN each variant of the value at the path, WHEN the rules run on the template with it, THEN nothing is wrong
      expect(variantProblems(base, logicalId, path, baseErrors)).toEqual([]);
    });
  }
});

describe.each(MODES)('a %s aws-eks (v1) cluster template', (mode) => {
  const base = v1BaseTemplate(mode);
  const baseFindings = run(base);
  const baseErrors = new Set(baseFindings.filter((f) => f.level === 'error').map(key));

  test('the base template is read as the AWS::EKS::Cluster one is: the same verdicts', () => {
    const verdicts = (findings: ReportedFinding[]) => findings.map((f) => `${f.level}:${f.ruleId}${f.verified ? '' : '?'}`).sort();
    expect(verdicts(baseFindings)).toEqual(verdicts(run(baseTemplate(mode))));
  });

  const v1Targets = targets(base).filter(([id]) => ['Cluster', 'FargateProfile', 'AwsAuth', 'KubectlHandler', 'KubectlProvider', 'Bastion', 'BastionRole'].includes(id));
  for (const [logicalId, path] of [...v1Targets, ...V1_EXTRA_TARGETS]) {
    test(`${logicalId} ${path}: no throw, no crash, no definite error out of a deploy-time value`, () => {
      expect(variantProblems(base, logicalId, path, baseErrors)).toEqual([]);
    });
  }
});

describe('the fuzz is not blind', () => {
  test('fails on AWS::NoValue for EnableDnsHostnames: absent is false, a definite error', () => {
    const findings = run(withValue(baseTemplate('private'), 'Vpc', 'Properties.EnableDnsHostnames', ref('AWS::NoValue')));
    expect(findings.filter((f) => f.level === 'error').map((f) => [f.ruleId, f.verified])).toEqual([['VpcDnsHostnames', true]]);
  });

  test('fails when the clients\' 443 rule names another group: the definite error it must report', () => {
    const findings = run(withValue(baseTemplate('private'), 'ClientIngress', 'Properties.SourceSecurityGroupId', att('EndpointSg', 'GroupId')));
    expect(findings.filter((f) => f.level === 'error').map((f) => f.ruleId)).toEqual(['ClientSecurityGroupPath', 'ClientSecurityGroupPath']);
  });

  test('fails on the v1 template when the 443 rule names another group: the aws-auth bastion is judged too', () => {
    const findings = run(withValue(v1BaseTemplate('private'), 'ClientIngress', 'Properties.SourceSecurityGroupId', att('EndpointSg', 'GroupId')));
    expect(findings.filter((f) => f.level === 'error').map((f) => f.message.split(' is in')[0])).toEqual(['fuzz/Function (access entry)', 'fuzz/Bastion (ClusterBastion)']);
  });

  test('counts every target: each path the rules read, on every resource of its type, and every resource\'s Condition', () => {
    const base = baseTemplate('private');
    const all = targets(base).map(([id, path]) => `${id} ${path}`);
    expect(all).toEqual(expect.arrayContaining(['Cluster Properties.ResourcesVpcConfig.SubnetIds', 'DefaultA Properties.NatGatewayId', 'Bastion Metadata.cdk-eks-endpoint', 'Tgw Condition']));
  });
});

afterAll(() => {
  // the fuzz ran: a passing run prints nothing (the count is in `npm run findings -- record`'s summary)
  expect(variantsRun).toBeGreaterThan(0);
});

// --- the construct-tree path ---------------------------------------------------------------

/** The parameters the variants refer to and the condition on one of them, as a stack declares them. */
function declareParameters(stack: Stack): void {
  const declared = Object.entries(PARAMETER_TYPES).map(([name, type]) => new CfnParameter(stack, name, { type }));
  new CfnCondition(stack, 'ParamCond', { expression: Fn.conditionEquals(declared[0].valueAsString, 'yes') });
}

/**
 * A raw CfnCluster in a VPC of L1 resources (two NAT subnets, a client with an access entry
 * and a 443 rule into the cluster security group, a node group), with logs and secrets
 * encryption: it passes every rule, before `override` is applied to its properties.
 */
function l1Cluster(stack: Stack, override?: (cluster: eks.CfnCluster) => void): eks.CfnCluster {
  declareParameters(stack);
  const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16', enableDnsSupport: true, enableDnsHostnames: true });
  const igw = new ec2.CfnInternetGateway(stack, 'Igw');
  new ec2.CfnVPCGatewayAttachment(stack, 'IgwAttachment', { vpcId: vpc.ref, internetGatewayId: igw.ref });
  const publicSubnet = new ec2.CfnSubnet(stack, 'PublicSubnet', { vpcId: vpc.ref, cidrBlock: '10.0.0.0/24' });
  const publicRt = new ec2.CfnRouteTable(stack, 'PublicRt', { vpcId: vpc.ref });
  new ec2.CfnSubnetRouteTableAssociation(stack, 'PublicAssoc', { subnetId: publicSubnet.ref, routeTableId: publicRt.ref });
  new ec2.CfnRoute(stack, 'PublicDefault', { routeTableId: publicRt.ref, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.ref });
  const eip = new ec2.CfnEIP(stack, 'NatEip', { domain: 'vpc' });
  const nat = new ec2.CfnNatGateway(stack, 'Nat', { subnetId: publicSubnet.ref, allocationId: eip.attrAllocationId });
  const subnets = ['A', 'B'].map((az, i) => {
    const s = new ec2.CfnSubnet(stack, `Subnet${az}`, { vpcId: vpc.ref, cidrBlock: `10.0.${i + 1}.0/24` });
    const rt = new ec2.CfnRouteTable(stack, `Rt${az}`, { vpcId: vpc.ref });
    new ec2.CfnSubnetRouteTableAssociation(stack, `Assoc${az}`, { subnetId: s.ref, routeTableId: rt.ref });
    new ec2.CfnRoute(stack, `Default${az}`, { routeTableId: rt.ref, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.ref });
    return s;
  });
  const controlPlaneSg = new ec2.CfnSecurityGroup(stack, 'ControlPlaneSg', { groupDescription: 'control plane', vpcId: vpc.ref });
  const cluster = new eks.CfnCluster(stack, 'Cluster', {
    roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
    version: '1.34',
    resourcesVpcConfig: {
      subnetIds: subnets.map((s) => s.ref),
      securityGroupIds: [controlPlaneSg.attrGroupId],
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ['203.0.113.0/24'],
    },
    logging: { clusterLogging: { enabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((type) => ({ type })) } },
    encryptionConfig: [{ provider: { keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' }, resources: ['secrets'] }],
  });
  new eks.CfnNodegroup(stack, 'Nodegroup', { clusterName: cluster.ref, nodeRole: 'arn:aws:iam::123456789012:role/eks-node', subnets: subnets.map((s) => s.ref) });
  const clientSg = new ec2.CfnSecurityGroup(stack, 'ClientSg', { groupDescription: 'client', vpcId: vpc.ref });
  new ec2.CfnSecurityGroupIngress(stack, 'ClientIngress', {
    groupId: cluster.attrClusterSecurityGroupId, sourceSecurityGroupId: clientSg.attrGroupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443,
  });
  const role = new iam.CfnRole(stack, 'ClientRole', {
    assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  });
  const profile = new iam.CfnInstanceProfile(stack, 'ClientProfile', { roles: [role.ref] });
  new ec2.CfnInstance(stack, 'Client', {
    imageId: 'ami-0123456789abcdef0', instanceType: 't3.micro', subnetId: subnets[0].ref, securityGroupIds: [clientSg.attrGroupId],
    iamInstanceProfile: profile.ref,
  });
  new eks.CfnAccessEntry(stack, 'ClientAccess', { clusterName: cluster.ref, principalArn: role.attrArn });
  override?.(cluster);
  return cluster;
}

interface TreeTarget {
  readonly constructId: string;
  readonly property: string;
  /** The value as `l1Cluster` renders it. */
  readonly original: unknown;
}

/**
 * The properties fuzzed through the construct tree: the cluster's, and two of other resources
 * the template-level fuzz finds wrong, to show what a user of the Aspect gets (an error
 * annotation fails `cdk synth`).
 */
const TREE_TARGETS: TreeTarget[] = [
  { constructId: 'Cluster', property: 'ResourcesVpcConfig.SubnetIds', original: [ref('SubnetA'), ref('SubnetB')] },
  { constructId: 'Cluster', property: 'ResourcesVpcConfig.SecurityGroupIds', original: [att('ControlPlaneSg', 'GroupId')] },
  { constructId: 'Cluster', property: 'ResourcesVpcConfig.EndpointPrivateAccess', original: true },
  { constructId: 'Cluster', property: 'ResourcesVpcConfig.PublicAccessCidrs', original: ['203.0.113.0/24'] },
  {
    constructId: 'Cluster', property: 'Logging',
    original: { ClusterLogging: { EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({ Type })) } },
  },
  { constructId: 'ClientIngress', property: 'FromPort', original: 443 },
  { constructId: 'AssocA', property: 'SubnetId', original: ref('SubnetA') },
];

interface TreeReport {
  /** Errors of the pack and of the Aspect, by the stack (variant) they are in. */
  readonly errors: Map<string, string[]>;
  /** Pack findings that say they are not verifiable yet have error severity. */
  readonly unverifiedErrors: string[];
  /** Rule crashes reported by either adapter. */
  readonly crashes: string[];
  /** How many findings the pack reported in all: a check that says nothing at all has read nothing. */
  readonly findings: number;
  /** The templates `cdk synth` wrote, by stack. */
  readonly synthesized: Map<string, Record<string, any>>;
}

/** Runs the pack (validateScope) and the Aspect (synth) on an app, and sorts what they report by stack. */
function checkApp(app: App): TreeReport {
  const errors = new Map<string, string[]>();
  const add = (stack: string, message: string) => errors.set(stack, [...(errors.get(stack) ?? []), message]);
  const crashes: string[] = [];
  const report = new EndpointAccessChecks().validateScope(app);
  for (const v of report.violations) {
    const path = v.violatingResources[0]?.constructPath ?? '';
    if (/the rule stopped/.test(v.description)) crashes.push(`${path}: ${v.description}`);
    if (v.severity === 'error') add(path.split('/')[0], `pack ${v.ruleName}: ${v.description}`);
  }
  const unverifiedErrors = report.violations.filter((v) => v.severity === 'error' && v.ruleName.endsWith('[NotVerifiable]')).map((v) => v.ruleName);
  Aspects.of(app).add(new PrivateResolutionCheck());
  const assembly = app.synth();
  const synthesized = new Map(assembly.stacks.map((stack) => [stack.stackName, stack.template as Record<string, any>]));
  for (const stack of assembly.stacks) {
    for (const message of stack.messages) {
      const text = String(message.entry.data);
      if (/the rule stopped/.test(text)) crashes.push(`${message.id}: ${text}`);
      if (message.level === 'error') add(stack.stackName, `aspect: ${text}`);
    }
  }
  return { errors, unverifiedErrors, crashes, findings: report.violations.length, synthesized };
}

describe('through the construct tree (the Aspect and the cdk-nag pack)', () => {
  test('a raw CfnCluster of parameters, conditions and Fn::If overrides: no throw, no error', () => {
    // GIVEN a cluster whose network is all parameters and whose flags are conditions on parameters
    const app = testApp();
    const stack = new Stack(app, 'Params');
    declareParameters(stack);
    const subnets = new CfnParameter(stack, 'ClusterSubnets', { type: 'List<AWS::EC2::Subnet::Id>' });
    const sg = new CfnParameter(stack, 'ClusterSg', { type: 'AWS::EC2::SecurityGroup::Id' });
    const cidrs = new CfnParameter(stack, 'AllowedCidrs', { type: 'CommaDelimitedList' });
    const exposure = new CfnParameter(stack, 'Exposure', { type: 'String', allowedValues: ['public', 'private'] });
    const isPublic = new CfnCondition(stack, 'IsPublic', { expression: Fn.conditionEquals(exposure.valueAsString, 'public') });
    const cluster = new eks.CfnCluster(stack, 'Cluster', {
      roleArn: new CfnParameter(stack, 'ClusterRoleArn', { type: 'String' }).valueAsString,
      resourcesVpcConfig: {
        subnetIds: subnets.valueAsList,
        securityGroupIds: [sg.valueAsString],
        endpointPublicAccess: Fn.conditionIf(isPublic.logicalId, true, false),
        endpointPrivateAccess: Fn.conditionIf(isPublic.logicalId, false, true),
        publicAccessCidrs: cidrs.valueAsList,
      },
    });
    cluster.addPropertyOverride('Logging', { 'Fn::If': [isPublic.logicalId, { ClusterLogging: { EnabledTypes: [{ Type: 'api' }] } }, ref('AWS::NoValue')] });
    cluster.addPropertyOverride('EncryptionConfig', { 'Fn::If': ['ParamCond', [{ Provider: { KeyArn: ref('PString') }, Resources: ['secrets'] }], ref('AWS::NoValue')] });
    cluster.addPropertyOverride('ComputeConfig.Enabled', { 'Fn::If': [isPublic.logicalId, true, false] });
    new eks.CfnNodegroup(stack, 'Nodes', { clusterName: cluster.ref, nodeRole: 'arn:aws:iam::123456789012:role/eks-node', subnets: subnets.valueAsList });
    new eks.CfnFargateProfile(stack, 'Fargate', {
      clusterName: Fn.conditionIf('ParamCond', cluster.ref, 'other').toString(), podExecutionRoleArn: 'arn:aws:iam::123456789012:role/pods',
      subnets: [Fn.select(0, subnets.valueAsList)], selectors: [{ namespace: 'batch' }],
    });
    // WHEN the pack and the Aspect judge it
    let report: TreeReport | undefined;
    expect(() => { report = checkApp(app); }).not.toThrow();
    // THEN nothing is an error and nothing crashed: what it cannot read, it says
    expect(report!.findings).toBeGreaterThan(0);
    expect(report!.crashes).toEqual([]);
    expect(report!.unverifiedErrors).toEqual([]);
    expect(Object.fromEntries(report!.errors)).toEqual({});
  });

  test('the L1 cluster passes as written: the variants start from no error', () => {
    const app = testApp();
    l1Cluster(new Stack(app, 'Base'));
    const report = checkApp(app);
    expect(report.crashes).toEqual([]);
    expect(Object.fromEntries(report.errors)).toEqual({});
  });

  test('the tree check is not blind: no Logging and DNS hostnames off are errors of the pack and the Aspect', () => {
    const app = testApp();
    l1Cluster(new Stack(app, 'NoLogs'), (cluster) => cluster.addPropertyDeletionOverride('Logging'));
    l1Cluster(new Stack(app, 'NoDns'), (cluster) => (cluster.stack.node.findChild('Vpc') as ec2.CfnVPC).addPropertyOverride('EnableDnsHostnames', false));
    const report = checkApp(app);
    expect(report.errors.get('NoLogs')).toEqual([expect.stringMatching(/^pack EndpointAccess-ControlPlaneLogging: /)]);
    expect(report.errors.get('NoDns')).toEqual([
      expect.stringMatching(/^pack EndpointAccess-VpcDnsHostnames: /),
      expect.stringMatching(/^aspect: \[cdk-eks-endpoint:VpcDnsHostnames\] /),
    ]);
  });

  test('an Fn::If override of Logging is judged as cdk synth writes it: not verifiable, not the overridden value\'s error', () => {
    // GIVEN a cluster with one log type, whose Logging an override replaces by all five under a condition on a parameter
    const app = testApp();
    const cluster = l1Cluster(new Stack(app, 'LogsIf'));
    cluster.logging = { clusterLogging: { enabledTypes: [{ type: 'api' }] } };
    const allFive = { ClusterLogging: { EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({ Type })) } };
    cluster.addPropertyOverride('Logging', { 'Fn::If': ['ParamCond', allFive, ref('AWS::NoValue')] });
    // WHEN the pack judges it
    const violations = new EndpointAccessChecks().validateScope(app).violations.map((v) => `${v.severity} ${v.ruleName}`);
    // THEN the log types are not verifiable, as the synthesized Fn::If says
    expect(violations).toContain('warning EndpointAccess-ControlPlaneLogging[NotVerifiable]');
    expect(violations).not.toContain('error EndpointAccess-ControlPlaneLogging');
  });

  describe.each(TREE_TARGETS)('$constructId $property overridden with each variant', (target) => {
    // GIVEN one stack per variant in one app, each with the property overridden (built once: synthesis is the slow part)
    const app = testApp();
    const stackIds = VARIANTS.map((variant, i) => {
      const id = `V${i}`;
      l1Cluster(new Stack(app, id), (cluster) => {
        (cluster.stack.node.findChild(target.constructId) as CfnResource).addPropertyOverride(target.property, variant.value(target.original));
      });
      return id;
    });
    // WHEN the engine renders the tree, and the pack and the Aspect judge the app
    let report: TreeReport | undefined;
    let thrown: unknown;
    let rendered: TemplateInput[] = [];
    try {
      rendered = renderTree(app, true).inputs;
      report = checkApp(app);
      variantsRun += VARIANTS.length;
    } catch (e) {
      thrown = e;
    }

    test('no throw, no rule crash, no unverified error', () => {
      expect(thrown).toBeUndefined();
      expect(report!.crashes).toEqual([]);
      expect(report!.unverifiedErrors).toEqual([]);
    });

    test('no error out of a deploy-time value', () => {
      const deployTimeErrors = VARIANTS.flatMap((variant, i) => (variant.deployTime ? (report!.errors.get(stackIds[i]) ?? []).map((e) => `${variant.name}: ${e}`) : []));
      expect(deployTimeErrors).toEqual([]);
    });

    test('the engine reads the resource as cdk synth writes it', () => {
      const differences = VARIANTS.flatMap((variant, i) => {
        const read = (template: unknown) => target.property.split('.')
          .reduce<any>((node, k) => node?.[k], (template as Record<string, any>).Resources[target.constructId].Properties);
        const fromTree = JSON.stringify(read(rendered.find((input) => input.id === stackIds[i])?.template));
        const fromSynth = JSON.stringify(read(report!.synthesized.get(stackIds[i])));
        return fromTree === fromSynth ? [] : [`${variant.name}: the engine reads ${fromTree.slice(0, 200)}, cdk synth writes ${fromSynth.slice(0, 200)}`];
      });
      expect(differences).toEqual([]);
    });
  });
});
