import { analyze } from '../../lib/check/engine/analyze';
import { ReportedFinding } from '../../lib/check/engine/finding';
import { TemplateInput } from '../../lib/check/engine/read/input';
import { ALL_RULES } from '../../lib/check/rules';
import { ASPECT_RULES } from '../../lib/check/adapters/rule-sets';

/**
 * Hand-written CloudFormation for the rule tests that need no CDK synthesis (a few milliseconds
 * a case): a cluster VPC with its subnets and route tables, and a cluster in it, that each case
 * varies. The shapes are those of test/engine-mutants.test.ts.
 */
export type Json = any;

export interface Template {
  Parameters: Record<string, Json>;
  Conditions: Record<string, Json>;
  Resources: Record<string, Json>;
  Outputs: Record<string, Json>;
}

export const ref = (id: string): Json => ({ Ref: id });
export const att = (id: string, attribute: string): Json => ({ 'Fn::GetAtt': [id, attribute] });
export const TCP_443 = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443 };

export const PRIVATE = { EndpointPublicAccess: false, EndpointPrivateAccess: true };
export const PUBLIC_AND_PRIVATE = { EndpointPublicAccess: true, EndpointPrivateAccess: true };
export const PUBLIC = { EndpointPublicAccess: true, EndpointPrivateAccess: false };

/** The route tables of the cluster's two private subnets. */
export const CLUSTER_TABLES = ['PrivateSubnet1Rt', 'PrivateSubnet2Rt'];

export interface NetworkOptions {
  /** The endpoint flags. @default PRIVATE */
  readonly mode?: Record<string, Json>;
  /** PublicAccessCidrs. @default - absent */
  readonly cidrs?: Json;
  /** More properties of the cluster (RemoteNetworkConfig, AccessConfig, KubernetesNetworkConfig). */
  readonly cluster?: Record<string, Json>;
}

/** A subnet of `vpc` with its own route table `<name>Rt` and association. */
export function subnet(t: Template, name: string, cidr: string, vpc = 'Vpc'): void {
  t.Resources[name] = { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref(vpc), CidrBlock: cidr } };
  t.Resources[`${name}Rt`] = { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref(vpc) } };
  t.Resources[`${name}Assoc`] = { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref(name), RouteTableId: ref(`${name}Rt`) } };
}

export function route(table: string, destination: string, target: Record<string, Json>): Json {
  return { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref(table), DestinationCidrBlock: destination, ...target } };
}

/**
 * The cluster VPC 10.0.0.0/16 (DNS on): a public subnet 10.0.0.0/24 with an internet gateway and a
 * NAT gateway, two private subnets 10.0.1.0/24 and 10.0.2.0/24 whose default route goes to the NAT
 * gateway, and the cluster in the private subnets with an additional control-plane group
 * `ControlPlaneSg` (no rules) and access entries (AuthenticationMode API).
 */
export function network(o: NetworkOptions = {}): Template {
  const t: Template = { Parameters: {}, Conditions: {}, Resources: {}, Outputs: {} };
  t.Resources.Vpc = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } };
  subnet(t, 'PublicSubnet', '10.0.0.0/24');
  subnet(t, 'PrivateSubnet1', '10.0.1.0/24');
  subnet(t, 'PrivateSubnet2', '10.0.2.0/24');
  t.Resources.Igw = { Type: 'AWS::EC2::InternetGateway', Properties: {} };
  t.Resources.IgwAttachment = { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), InternetGatewayId: ref('Igw') } };
  t.Resources.PublicDefault = route('PublicSubnetRt', '0.0.0.0/0', { GatewayId: ref('Igw') });
  t.Resources.NatEip = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
  t.Resources.Nat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('PublicSubnet'), AllocationId: att('NatEip', 'AllocationId') } };
  CLUSTER_TABLES.forEach((table, i) => (t.Resources[`Private${i + 1}Default`] = route(table, '0.0.0.0/0', { NatGatewayId: ref('Nat') })));
  t.Resources.ControlPlaneSg = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'control plane', VpcId: ref('Vpc') } };
  t.Resources.Cluster = {
    Type: 'AWS::EKS::Cluster',
    Properties: {
      RoleArn: 'arn:aws:iam::111111111111:role/eks',
      AccessConfig: { AuthenticationMode: 'API' },
      ResourcesVpcConfig: {
        SubnetIds: [ref('PrivateSubnet1'), ref('PrivateSubnet2')],
        SecurityGroupIds: [att('ControlPlaneSg', 'GroupId')],
        ...(o.mode ?? PRIVATE),
        ...(o.cidrs !== undefined ? { PublicAccessCidrs: o.cidrs } : {}),
      },
      ...o.cluster,
    },
  };
  return t;
}

/** A deploy-time parameter; returns its Ref. */
export function param(t: Template, name: string, type = 'String'): Json {
  t.Parameters[name] = { Type: type };
  return ref(name);
}

/** A condition on a parameter (so unknown at synth); returns its name. */
export function condition(t: Template, name = 'MaybeCondition'): string {
  t.Conditions[name] = { 'Fn::Equals': [param(t, `${name}Flag`), 'yes'] };
  return name;
}

/** Runs the rules (all of them, or those named) on one template, or on several linked ones. */
export function run(t: Template | TemplateInput[], ruleIds?: string[]): ReportedFinding[] {
  const rules = ruleIds ? ALL_RULES.filter((r) => ruleIds.includes(r.id)) : ASPECT_RULES;
  return analyze(Array.isArray(t) ? t : [{ id: 'Stack', template: t }], rules);
}

/** Each finding as `<level> <rule>`: level `error`, `warning` (verified) or `unverified` (a not-verifiable warning). */
export function verdicts(findings: ReportedFinding[], rule?: string): string[] {
  return findings.filter((f) => rule === undefined || f.ruleId === rule)
    .map((f) => `${f.level === 'error' ? 'error' : f.verified ? 'warning' : 'unverified'} ${f.ruleId}`);
}

/** The messages of a rule's findings. */
export function messages(findings: ReportedFinding[], rule: string): string[] {
  return findings.filter((f) => f.ruleId === rule).map((f) => f.message);
}

/** A value a template may hold where the rules read one: `deployTime` values must never make a definite error. */
interface Variant {
  readonly name: string;
  readonly deployTime: boolean;
  readonly value: (t: Template, original: unknown) => unknown;
}

const VARIANTS: Variant[] = [
  { name: 'a String parameter', deployTime: true, value: (t) => param(t, 'FuzzString') },
  { name: 'a CommaDelimitedList parameter', deployTime: true, value: (t) => param(t, 'FuzzList', 'CommaDelimitedList') },
  { name: 'Fn::If on a parameter condition', deployTime: true, value: (t, original) => ({ 'Fn::If': [condition(t, 'FuzzCondition'), original ?? 'x', ref('AWS::NoValue')] }) },
  { name: 'an import nobody exports', deployTime: true, value: () => ({ 'Fn::ImportValue': 'nobody-exports-this' }) },
  { name: 'AWS::NoValue', deployTime: false, value: () => ref('AWS::NoValue') },
  { name: 'a number', deployTime: false, value: () => 42 },
  { name: 'a string', deployTime: false, value: () => 'not-what-you-expect' },
  { name: 'an object', deployTime: false, value: () => ({ Unexpected: ['x'] }) },
  { name: 'a list', deployTime: false, value: () => ['x', 1, null, { a: 'b' }] },
  { name: 'null', deployTime: false, value: () => null },
];

/**
 * What goes wrong when each path (`<logicalId> <dotted path>`, list items by index) of a template
 * holds each variant: a throw, a rule that stopped, an error that is not verified, or a definite
 * error a deploy-time value brought. An empty list when nothing does.
 */
export function fuzz(build: () => Template, paths: string[]): string[] {
  const base = run(build());
  const baseErrors = new Set(base.filter((f) => f.level === 'error').map((f) => `${f.ruleId} ${f.message}`));
  const problems: string[] = [];
  for (const target of paths) {
    const [logicalId, path] = target.split(' ');
    for (const variant of VARIANTS) {
      const t = build();
      const keys = path.split('.');
      let node = t.Resources[logicalId];
      keys.slice(0, -1).forEach((key, i) => (node = node[key] ??= /^\d+$/.test(keys[i + 1]) ? [] : {}));
      const last = keys[keys.length - 1];
      node[last] = variant.value(t, node[last]);
      let found: ReportedFinding[];
      try {
        found = run(t);
      } catch (e) {
        problems.push(`${target}, ${variant.name}: threw ${(e as Error).message}`);
        continue;
      }
      for (const f of found) {
        const what = `${target}, ${variant.name}: ${f.ruleId} ${f.message}`;
        if (/the rule stopped/.test(f.message)) problems.push(`a rule stopped: ${what}`);
        if (f.level === 'error' && !f.verified) problems.push(`an unverified error: ${what}`);
        if (variant.deployTime && f.level === 'error' && !baseErrors.has(`${f.ruleId} ${f.message}`)) problems.push(`a definite error out of a deploy-time value: ${what}`);
      }
    }
  }
  return problems;
}
