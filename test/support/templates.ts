import { analyze } from '../../lib/check/engine/analyze';
import { ReportedFinding } from '../../lib/check/engine/finding';
import { TemplateInput } from '../../lib/check/engine/read/input';
import { ALL_RULES } from '../../lib/check/rules';
import { ASPECT_RULES } from '../../lib/check/adapters/rule-sets';

/**
 * Hand-written CloudFormation for the check's tests that need no CDK synthesis (a few milliseconds
 * a case): the one place that builds templates. Each builder makes a small valid network that a
 * case varies:
 * - `network()`: the cluster VPC with a control-plane group and access entries (route tables `<subnet>Rt`);
 * - `base()`: the same VPC and cluster with no control-plane group, and its parts (`nodegroup`,
 *   `endpoints`, `bastion`, `clientVpc`, `peering`, `attach`...), first written for the mutation run's cases;
 * - `nodeNetwork()`: private subnets with route tables `<subnet>RouteTable` and a node group, and its
 *   parts (`withEndpoints`, `addClientVpc`, `peerWithClient`...);
 * - `isolated()`: one isolated subnet `SubA` and a Private cluster named demo, with endpoints by Fn::Sub;
 * - `hybrid()`, `vpn()`, `forwarding()`: `network()` with hybrid nodes, a Site-to-Site VPN, Resolver forwarding.
 * CDK apps for the same rules are in apps.ts.
 */
export type Json = any;

export interface Template {
  Parameters: Record<string, Json>;
  Conditions: Record<string, Json>;
  Resources: Record<string, Json>;
  Outputs: Record<string, Json>;
}

/** A template whose sections other than Resources may be absent, as nodeNetwork() and isolated() make them. */
export interface LooseTemplate {
  Parameters?: Record<string, Json>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, Json>;
  Outputs?: Record<string, Json>;
  Transform?: string;
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

/**
 * A route in `table`: `destination` the DestinationCidrBlock (a block or an intrinsic), or the
 * destination properties themselves (`{ DestinationPrefixListId }`, `{ DestinationIpv6CidrBlock }`).
 */
export function route(table: string, destination: Record<string, Json> | string, target: Record<string, Json>): Json {
  const properties = typeof destination === 'object' && destination !== null && Object.keys(destination).every((k) => k.startsWith('Destination'));
  const dest = properties ? destination : { DestinationCidrBlock: destination };
  return { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref(table), ...dest, ...target } };
}

/**
 * The VPC 10.0.0.0/16 both builders start from: a public subnet (10.0.0.0/24) routed to an internet
 * gateway, two private subnets (10.0.1.0/24, 10.0.2.0/24), and with `nat` a NAT gateway in the
 * public subnet that their default routes lead to.
 */
function clusterVpc(nat: boolean): Template {
  const t: Template = { Parameters: {}, Conditions: {}, Resources: { Vpc: vpc('10.0.0.0/16') }, Outputs: {} };
  subnet(t, 'PublicSubnet', '10.0.0.0/24');
  subnet(t, 'PrivateSubnet1', '10.0.1.0/24');
  subnet(t, 'PrivateSubnet2', '10.0.2.0/24');
  t.Resources.Igw = { Type: 'AWS::EC2::InternetGateway', Properties: {} };
  t.Resources.IgwAttachment = { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), InternetGatewayId: ref('Igw') } };
  t.Resources.PublicDefault = route('PublicSubnetRt', '0.0.0.0/0', { GatewayId: ref('Igw') });
  if (nat) {
    t.Resources.NatEip = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
    t.Resources.Nat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('PublicSubnet'), AllocationId: att('NatEip', 'AllocationId') } };
    CLUSTER_TABLES.forEach((table, i) => (t.Resources[`Private${i + 1}Default`] = route(table, '0.0.0.0/0', { NatGatewayId: ref('Nat') })));
  }
  return t;
}

/**
 * The cluster VPC 10.0.0.0/16 (DNS on): a public subnet 10.0.0.0/24 with an internet gateway and a
 * NAT gateway, two private subnets 10.0.1.0/24 and 10.0.2.0/24 whose default route goes to the NAT
 * gateway, and the cluster in the private subnets with an additional control-plane group
 * `ControlPlaneSg` (no rules) and access entries (AuthenticationMode API).
 */
export function network(o: NetworkOptions = {}): Template {
  const t = clusterVpc(true);
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


// ---- base() and its parts: the cluster VPC with no control-plane group ----

export const join = (...parts: Json[]): Json => ({ 'Fn::Join': ['', parts] });
export const CLUSTER_SG = att('Cluster', 'ClusterSecurityGroupId');
/** The interface endpoints nodes need besides s3. */
export const NODE_SERVICES = ['ec2', 'ecr.api', 'ecr.dkr', 'sts'];

export interface BaseOptions {
  /** The endpoint flags. @default PRIVATE */
  readonly mode?: Record<string, Json>;
  /** PublicAccessCidrs. @default - absent */
  readonly cidrs?: Json;
  /** How the two private subnets leave the VPC: a NAT gateway, or no default route at all. @default 'nat' */
  readonly egress?: 'nat' | 'isolated';
  /** The cluster's SubnetIds. @default - the two private subnets */
  readonly subnets?: Json;
  /** The cluster's additional control-plane SecurityGroupIds. @default - absent */
  readonly securityGroupIds?: Json;
}

export function vpc(cidr: string): Json {
  return { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: cidr, EnableDnsSupport: true, EnableDnsHostnames: true } };
}

/**
 * The cluster VPC 10.0.0.0/16: a public subnet (10.0.0.0/24, internet gateway), two private
 * subnets (10.0.1.0/24, 10.0.2.0/24) behind a NAT gateway or isolated, and the cluster in the
 * private subnets, with no compute. Clean as it is: no finding.
 */
export function base(o: BaseOptions = {}): Template {
  const t = clusterVpc((o.egress ?? 'nat') === 'nat');
  t.Resources.Cluster = {
    Type: 'AWS::EKS::Cluster',
    Properties: {
      RoleArn: 'arn:aws:iam::111111111111:role/eks',
      ResourcesVpcConfig: {
        SubnetIds: o.subnets ?? [ref('PrivateSubnet1'), ref('PrivateSubnet2')],
        ...(o.mode ?? PRIVATE),
        ...(o.cidrs !== undefined ? { PublicAccessCidrs: o.cidrs } : {}),
        ...(o.securityGroupIds !== undefined ? { SecurityGroupIds: o.securityGroupIds } : {}),
      },
    },
  };
  return t;
}

// ---- aws-eks (v1): the cluster as its custom resource, aws-auth, the kubectl handler ----

/** A value's keys with their first letter lower-cased, as aws-eks v1 writes the EKS API request. */
export function camel(value: Json): Json {
  if (Array.isArray(value)) return value.map(camel);
  if (typeof value !== 'object' || value === null || Object.keys(value).some((k) => k === 'Ref' || k.startsWith('Fn::'))) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camel(v)]));
}

/**
 * base() with its cluster as aws-eks (v1) writes it: a `Custom::AWSCDK-EKS-Cluster` whose `Config`
 * is the EKS CreateCluster request in camelCase (node_modules/aws-cdk-lib/aws-eks/lib/cluster.js).
 * `config` adds to (or replaces) the Config's keys.
 */
export function v1Base(o: BaseOptions & { config?: Record<string, Json> } = {}): Template {
  const t = base(o);
  const properties = t.Resources.Cluster.Properties;
  t.Resources.Cluster = {
    Type: 'Custom::AWSCDK-EKS-Cluster',
    Properties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:cluster-provider',
      Config: { version: '1.34', roleArn: properties.RoleArn, resourcesVpcConfig: camel(properties.ResourcesVpcConfig), ...o.config },
    },
  };
  return t;
}

/**
 * The aws-auth ConfigMap as aws-eks v1 applies it: a `Custom::AWSCDK-EKS-KubernetesResource` whose
 * Manifest is a JSON list built with Fn::Join around the role ARNs, `mapRoles` a JSON string
 * inside it (node_modules/aws-cdk-lib/aws-eks/lib/aws-auth.js). Served by the kubectl provider
 * `KubectlProvider` (kubectlProvider() adds it).
 */
export function awsAuth(t: Template, roles: Array<{ arn: Json; groups?: string[] }>, o: { id?: string; cluster?: Json; users?: string[]; accounts?: string[] } = {}): void {
  const marks = roles.map((_, i) => `@@ARN${i}@@`);
  const mapRoles = JSON.stringify(roles.map((r, i) => ({ rolearn: marks[i], username: marks[i], groups: r.groups ?? ['system:masters'] })));
  const data: Record<string, string> = { mapRoles };
  if (o.users) data.mapUsers = JSON.stringify(o.users.map((u) => ({ userarn: u, username: u, groups: ['system:masters'] })));
  if (o.accounts) data.mapAccounts = JSON.stringify(o.accounts);
  const text = JSON.stringify([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' }, data }]);
  const parts: Json[] = [];
  let rest = text;
  for (const [i, mark] of marks.entries()) {
    // each mark appears twice (rolearn and username): both become the ARN
    const pieces = rest.split(mark);
    pieces.slice(0, -1).forEach((piece) => parts.push(piece, roles[i].arn));
    rest = pieces[pieces.length - 1];
  }
  parts.push(rest);
  t.Resources[o.id ?? 'AwsAuth'] = {
    Type: 'Custom::AWSCDK-EKS-KubernetesResource',
    Properties: { ServiceToken: att('KubectlProvider', 'Arn'), Manifest: join(...parts), ClusterName: o.cluster ?? ref('Cluster'), Overwrite: true },
  };
}

/**
 * aws-eks v1's kubectl provider, flattened into the template: the provider framework's onEvent
 * function `KubectlProvider` invokes the handler `KubectlHandler` (USER_ON_EVENT_FUNCTION_ARN),
 * which runs kubectl; both in `vpcConfig` when given (node_modules/aws-cdk-lib/aws-eks/lib/kubectl-provider.js).
 */
export function kubectlProvider(t: Template, vpcConfig?: Json): void {
  t.Resources.KubectlHandlerRole = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } };
  const fn = (properties: Json) => ({
    Type: 'AWS::Lambda::Function',
    Properties: { Runtime: 'python3.13', Handler: 'index.handler', Code: { ZipFile: 'x' }, ...properties, ...(vpcConfig ? { VpcConfig: vpcConfig } : {}) },
  });
  t.Resources.KubectlHandler = fn({ Role: att('KubectlHandlerRole', 'Arn'), Description: 'onEvent handler for EKS kubectl resource provider' });
  t.Resources.KubectlProvider = fn({ Role: att('KubectlHandlerRole', 'Arn'), Environment: { Variables: { USER_ON_EVENT_FUNCTION_ARN: att('KubectlHandler', 'Arn') } } });
}

/** A client instance `Bastion` in PrivateSubnet1 with its own group `ClientSg`, its role `BastionRole` mapped in aws-auth (no access entry). */
export function awsAuthBastion(t: Template): void {
  securityGroup(t, 'ClientSg');
  t.Resources.BastionRole = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } };
  t.Resources.BastionProfile = { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [ref('BastionRole')] } };
  t.Resources.Bastion = {
    Type: 'AWS::EC2::Instance',
    Properties: { ImageId: 'ami-0123456789abcdef0', IamInstanceProfile: ref('BastionProfile'), SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att('ClientSg', 'GroupId')] },
  };
}

/** A managed node group of the cluster in `subnets`. */
export function nodegroup(t: Template, subnets: string[] = ['PrivateSubnet1', 'PrivateSubnet2'], props: Record<string, Json> = {}, id = 'Nodes'): void {
  t.Resources[id] = {
    Type: 'AWS::EKS::Nodegroup',
    Properties: { ClusterName: ref('Cluster'), NodeRole: 'arn:aws:iam::111111111111:role/node', Subnets: subnets.map(ref), ...props },
  };
}

/** Interface endpoints with private DNS (their group admits 10.0.0.0/16 on 443) and an s3 gateway endpoint on the private tables. */
export function endpoints(t: Template, services: string[] = NODE_SERVICES, s3 = true): void {
  t.Resources.EndpointSg = {
    Type: 'AWS::EC2::SecurityGroup',
    Properties: { GroupDescription: 'endpoints', VpcId: ref('Vpc'), SecurityGroupIngress: [{ ...TCP_443, CidrIp: '10.0.0.0/16' }] },
  };
  for (const service of services) {
    t.Resources[`Ep${service.replace(/\W/g, '')}`] = interfaceEndpoint(`com.amazonaws.us-east-1.${service}`);
  }
  if (s3) {
    t.Resources.EpS3 = {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: { VpcId: ref('Vpc'), ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: [ref('PrivateSubnet1Rt'), ref('PrivateSubnet2Rt')] },
    };
  }
}

export function interfaceEndpoint(serviceName: Json, vpcId: Json = ref('Vpc')): Json {
  return {
    Type: 'AWS::EC2::VPCEndpoint',
    Properties: {
      VpcId: vpcId, ServiceName: serviceName, VpcEndpointType: 'Interface', PrivateDnsEnabled: true,
      SubnetIds: [ref('PrivateSubnet1'), ref('PrivateSubnet2')], SecurityGroupIds: [att('EndpointSg', 'GroupId')],
    },
  };
}

export function securityGroup(t: Template, id: string, vpcId: Json = ref('Vpc'), props: Record<string, Json> = {}): void {
  t.Resources[id] = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: id, VpcId: vpcId, ...props } };
}

/** A separate AWS::EC2::SecurityGroupIngress: TCP 443 into `groupId` from `source` (the rule's fields override). */
export function ingress(t: Template, id: string, groupId: Json, source: Record<string, Json>, extra: Json = {}): void {
  t.Resources[id] = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: groupId, ...TCP_443, ...source }, ...extra };
}

/**
 * A known API client: an instance whose role has an access entry on the cluster. Its role,
 * profile and entry are `<id>Role`, `<id>Profile`, `<id>Entry`.
 */
export function instanceClient(t: Template, id: string, props: Record<string, Json>, o: { metadata?: Json; entry?: Record<string, Json> } = {}): void {
  t.Resources[`${id}Role`] = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } };
  t.Resources[`${id}Profile`] = { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [ref(`${id}Role`)] } };
  t.Resources[`${id}Entry`] = { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: ref('Cluster'), PrincipalArn: att(`${id}Role`, 'Arn'), ...o.entry } };
  t.Resources[id] = {
    Type: 'AWS::EC2::Instance',
    Properties: { ImageId: 'ami-0123456789abcdef0', IamInstanceProfile: ref(`${id}Profile`), ...props },
    ...(o.metadata ? { Metadata: o.metadata } : {}),
  };
}

/** A client instance `Bastion` in PrivateSubnet1 with its own group `ClientSg` (EC2's allow-all egress unless `sg` says otherwise). */
export function bastion(t: Template, sg: Record<string, Json> = {}, metadata?: Json): void {
  securityGroup(t, 'ClientSg', ref('Vpc'), sg);
  instanceClient(t, 'Bastion', { SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att('ClientSg', 'GroupId')] }, { metadata });
}

/** A Lambda function client: its role `<id>Role` has an access entry. */
export function lambdaClient(t: Template, id: string, vpcConfig?: Json): void {
  t.Resources[`${id}Role`] = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } };
  t.Resources[`${id}Entry`] = { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: ref('Cluster'), PrincipalArn: att(`${id}Role`, 'Arn') } };
  t.Resources[id] = {
    Type: 'AWS::Lambda::Function',
    Properties: { Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: 'x' }, Role: att(`${id}Role`, 'Arn'), ...(vpcConfig ? { VpcConfig: vpcConfig } : {}) },
  };
}

/** A second VPC `name` (its subnet `<name>Subnet`, 10.x.1.0/24) with a client instance `ClientInstance` in it. */
export function clientVpc(t: Template, name = 'ClientVpc', cidr = '10.1.0.0/16', withClient = true): void {
  t.Resources[name] = vpc(cidr);
  subnet(t, `${name}Subnet`, cidr.replace(/\.0\.0\/16$/, '.1.0/24'), name);
  if (withClient) {
    securityGroup(t, 'RemoteSg', ref(name));
    instanceClient(t, 'ClientInstance', { SubnetId: ref(`${name}Subnet`), SecurityGroupIds: [att('RemoteSg', 'GroupId')] });
  }
}

/**
 * A peering from the cluster VPC to `peerVpc`, with routes for `cidr` back to it in both private
 * route tables, and the peer's own route for the cluster VPC (10.0.0.0/16) when its subnet is here.
 */
export function peering(t: Template, id = 'Peering', peerVpc: Json = ref('ClientVpc'), cidr = '10.1.0.0/16', routeBack = true): void {
  t.Resources[id] = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: ref('Vpc'), PeerVpcId: peerVpc } };
  if (routeBack) {
    for (const table of ['PrivateSubnet1Rt', 'PrivateSubnet2Rt']) {
      t.Resources[`${table}To${id}`] = route(table, cidr, { VpcPeeringConnectionId: ref(id) });
    }
  }
  peerRoute(t, peerVpc, id, { VpcPeeringConnectionId: ref(id) });
}

/** The client side of a connection: a route for the cluster VPC (10.0.0.0/16) in the route table of `<peerVpc>Subnet`, when there is one. */
export function peerRoute(t: Template, peerVpc: Json, id: string, target: Record<string, Json>): void {
  const table = `${peerVpc?.Ref}SubnetRt`;
  if (typeof peerVpc?.Ref === 'string' && t.Resources[table]) t.Resources[`${table}Back${id}`] = route(table, '10.0.0.0/16', target);
}

/** Attaches `vpc` (by its subnet) to the Transit Gateway `gateway`. */
export function attach(t: Template, id: string, vpcId: string, gateway: Json, options?: Json, type = 'AWS::EC2::TransitGatewayVpcAttachment'): void {
  t.Resources[id] = {
    Type: type,
    Properties: { TransitGatewayId: gateway, VpcId: ref(vpcId), SubnetIds: [ref(vpcId === 'Vpc' ? 'PrivateSubnet1' : `${vpcId}Subnet`)], ...(options ? { Options: options } : {}) },
  };
  // a client VPC routes the cluster VPC to the gateway
  if (vpcId !== 'Vpc') peerRoute(t, ref(vpcId), id, { TransitGatewayId: gateway });
}

export function routesToGateway(t: Template, gateway: Json, cidr = '10.1.0.0/16'): void {
  for (const table of ['PrivateSubnet1Rt', 'PrivateSubnet2Rt']) {
    t.Resources[`${table}ToTgw`] = route(table, cidr, { TransitGatewayId: gateway });
  }
}

/** Runs the rules (the Aspect's by default) on one template as stack `Stack`, or on several. */
export function check(t: Template | LooseTemplate | TemplateInput[], rules = ASPECT_RULES): ReportedFinding[] {
  return analyze(Array.isArray(t) ? t : [{ id: 'Stack', template: t }], rules);
}

/** Each finding as `<level> <rule>`: level `error`, `warning` (verified) or `unverified` (a not-verifiable warning). */


// ---- nodeNetwork() and its parts: route tables <subnet>RouteTable, a node group ----

export const importValue = (name: string): Json => ({ 'Fn::ImportValue': name });
export const VPC_CIDR = '10.0.0.0/16';
export const CLIENT_VPC_CIDR = '10.1.0.0/16';
export const NODE_SUBNETS = ['PrivateSubnet1', 'PrivateSubnet2'];
export const NODE_ROUTE_TABLES = NODE_SUBNETS.map((s) => `${s}RouteTable`);
export const NODE_ENDPOINTS = ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 's3'];

export interface ClusterOptions {
  /** EndpointPublicAccess. @default false */
  readonly publicAccess?: Json;
  /** EndpointPrivateAccess. @default true */
  readonly privateAccess?: Json;
  /** The endpoint flags as PRIVATE, PUBLIC and PUBLIC_AND_PRIVATE spread them; publicAccess and privateAccess win. */
  readonly EndpointPublicAccess?: Json;
  readonly EndpointPrivateAccess?: Json;
  /** PublicAccessCidrs. @default - absent (EKS uses 0.0.0.0/0) */
  readonly publicAccessCidrs?: Json;
  /** The cluster's SubnetIds and the node group's Subnets. @default - Refs to the two private subnets */
  readonly subnets?: Json;
  /** The cluster's Name. @default - absent */
  readonly name?: string;
  /** A managed node group. @default true */
  readonly nodegroup?: boolean;
  /** The node group's ClusterName. @default - a Ref to the cluster */
  readonly nodegroupClusterName?: Json;
  /** Auto Mode (ComputeConfig.Enabled). @default false */
  readonly autoMode?: boolean;
}

export interface NodeNetworkOptions extends ClusterOptions {
  /**
   * How the private subnets reach the internet: a NAT gateway in a public subnet with an
   * internet gateway route, a private NAT gateway (ConnectivityType private) in a subnet with
   * no default route, or no default route at all.
   * @default 'nat'
   */
  readonly egress?: 'nat' | 'private-nat' | 'isolated';
}

/** A subnet in the VPC with its own route table and association. */
export function subnetResources(name: string, cidr: string, vpc = 'Vpc'): Record<string, Json> {
  return {
    [name]: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref(vpc), CidrBlock: cidr } },
    [`${name}RouteTable`]: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref(vpc) } },
    [`${name}RouteTableAssociation`]: {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: { SubnetId: ref(name), RouteTableId: ref(`${name}RouteTable`) },
    },
  };
}

/** The VPC, the two private subnets and, by `egress`, the way out. */
export function networkResources(egress: NodeNetworkOptions['egress'] = 'nat'): Record<string, Json> {
  const resources: Record<string, Json> = {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: VPC_CIDR, EnableDnsSupport: true, EnableDnsHostnames: true } },
    ...subnetResources('PrivateSubnet1', '10.0.1.0/24'),
    ...subnetResources('PrivateSubnet2', '10.0.2.0/24'),
  };
  if (egress === 'nat') {
    Object.assign(resources, {
      ...subnetResources('PublicSubnet', '10.0.0.0/24'),
      Igw: { Type: 'AWS::EC2::InternetGateway', Properties: {} },
      IgwAttachment: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), InternetGatewayId: ref('Igw') } },
      PublicDefaultRoute: route('PublicSubnetRouteTable', '0.0.0.0/0', { GatewayId: ref('Igw') }),
      NatEip: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('PublicSubnet'), AllocationId: att('NatEip', 'AllocationId') } },
    });
  } else if (egress === 'private-nat') {
    Object.assign(resources, {
      ...subnetResources('TransitSubnet', '10.0.0.0/24'), // no routes: a private NAT leads nowhere from here
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('TransitSubnet'), ConnectivityType: 'private' } },
    });
  }
  if (egress !== 'isolated') {
    for (const table of NODE_ROUTE_TABLES) {
      resources[`${table}DefaultRoute`] = route(table, '0.0.0.0/0', { NatGatewayId: ref('Nat') });
    }
  }
  return resources;
}

/** The cluster and (by default) a managed node group in its subnets. */
export function clusterResources(o: ClusterOptions = {}): Record<string, Json> {
  const subnets = o.subnets ?? NODE_SUBNETS.map(ref);
  const resources: Record<string, Json> = {
    Cluster: {
      Type: 'AWS::EKS::Cluster',
      Properties: {
        ...(o.name !== undefined ? { Name: o.name } : {}),
        RoleArn: 'arn:aws:iam::111111111111:role/eks-cluster',
        ResourcesVpcConfig: {
          SubnetIds: subnets,
          EndpointPublicAccess: o.publicAccess ?? o.EndpointPublicAccess ?? false,
          EndpointPrivateAccess: o.privateAccess ?? o.EndpointPrivateAccess ?? true,
          ...(o.publicAccessCidrs !== undefined ? { PublicAccessCidrs: o.publicAccessCidrs } : {}),
        },
        ...(o.autoMode ? { ComputeConfig: { Enabled: true } } : {}),
      },
    },
  };
  if (o.nodegroup ?? true) {
    resources.Nodegroup = {
      Type: 'AWS::EKS::Nodegroup',
      Properties: { ClusterName: o.nodegroupClusterName ?? ref('Cluster'), NodeRole: 'arn:aws:iam::111111111111:role/eks-node', Subnets: subnets },
    };
  }
  return resources;
}

/** One template: the network of `egress` and the cluster of the other options. */
export function nodeNetwork(o: NodeNetworkOptions = {}): LooseTemplate {
  return { Resources: { ...networkResources(o.egress), ...clusterResources(o) } };
}

/** A logical ID for a service's endpoint: `ecr.api` is EndpointEcrApi. */
export function endpointId(service: string): string {
  return `Endpoint${service.split(/[.-]/).map((w) => w[0].toUpperCase() + w.slice(1)).join('')}`;
}

export interface EndpointOptions {
  /** ServiceName. @default - com.amazonaws.us-east-1.<service> */
  readonly serviceName?: Json;
  /** SecurityGroupIds; null leaves the property out (the VPC's default group). @default - [EndpointSg] */
  readonly securityGroupIds?: Json[] | null;
}

/** An interface endpoint with private DNS on. */
export function serviceEndpoint(service: string, o: EndpointOptions = {}): Json {
  const groups = o.securityGroupIds === undefined ? [att('EndpointSg', 'GroupId')] : o.securityGroupIds;
  return {
    Type: 'AWS::EC2::VPCEndpoint',
    Properties: {
      VpcId: ref('Vpc'),
      VpcEndpointType: 'Interface',
      ServiceName: o.serviceName ?? `com.amazonaws.us-east-1.${service}`,
      PrivateDnsEnabled: true,
      SubnetIds: NODE_SUBNETS.map(ref),
      ...(groups === null ? {} : { SecurityGroupIds: groups }),
    },
  };
}

/** An s3 gateway endpoint (no VpcEndpointType: Gateway is the CloudFormation default) on route tables. */
export function s3Gateway(routeTables: string[] = NODE_ROUTE_TABLES): Json {
  return { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: ref('Vpc'), ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: routeTables.map(ref) } };
}

/** The interface endpoints' security group: TCP 443 from `source` (a CidrIp or SourceSecurityGroupId). */
export function endpointSecurityGroup(source: Record<string, Json> = { CidrIp: VPC_CIDR }): Json {
  return {
    Type: 'AWS::EC2::SecurityGroup',
    Properties: {
      GroupDescription: 'VPC endpoints',
      VpcId: ref('Vpc'),
      SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...source }],
    },
  };
}

/** Adds endpoints for `services` (s3 as a gateway endpoint on both node route tables) and their security group. */
export function withEndpoints(t: LooseTemplate, services: string[] = NODE_ENDPOINTS, source?: Record<string, Json>): LooseTemplate {
  t.Resources.EndpointSg = endpointSecurityGroup(source);
  for (const service of services) {
    t.Resources[endpointId(service)] = service === 's3' ? s3Gateway() : serviceEndpoint(service);
  }
  return t;
}

/**
 * A client VPC (10.1.0.0/16) with a known API client: an instance whose role has an access
 * entry on the cluster, in a subnet of that VPC, with its own security group (allow-all egress).
 */
export function addClientVpc(t: LooseTemplate): void {
  Object.assign(t.Resources, {
    ClientVpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: CLIENT_VPC_CIDR, EnableDnsSupport: true, EnableDnsHostnames: true } },
    ...subnetResources('ClientSubnet', '10.1.1.0/24', 'ClientVpc'),
    ClientSg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'client', VpcId: ref('ClientVpc') } },
    ClientRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
    ClientProfile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [ref('ClientRole')] } },
    ClientInstance: {
      Type: 'AWS::EC2::Instance',
      Properties: {
        ImageId: 'ami-0123456789abcdef0',
        SubnetId: ref('ClientSubnet'),
        SecurityGroupIds: [att('ClientSg', 'GroupId')],
        IamInstanceProfile: ref('ClientProfile'),
      },
    },
    ClientAccessEntry: { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: ref('Cluster'), PrincipalArn: att('ClientRole', 'Arn') } },
  });
}

/** A peering connection from the cluster VPC to the client VPC, routed back in `routeBackIn`, and the client subnet's route to the cluster VPC. */
export function peerWithClient(t: LooseTemplate, routeBackIn: string[] = NODE_ROUTE_TABLES): void {
  t.Resources.Peering = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: ref('Vpc'), PeerVpcId: ref('ClientVpc') } };
  for (const table of routeBackIn) {
    t.Resources[`${table}ToClient`] = route(table, CLIENT_VPC_CIDR, { VpcPeeringConnectionId: ref('Peering') });
  }
  t.Resources.ClientToCluster = route('ClientSubnetRouteTable', att('Vpc', 'CidrBlock'), { VpcPeeringConnectionId: ref('Peering') });
}

/** Both VPCs attached to one Transit Gateway, and the cluster route tables routing the client CIDR to it. */
export function attachToTransitGateway(t: LooseTemplate, gateway: Json, options?: Json): void {
  const attachment = (vpc: string, subnet: string): Json => ({
    Type: 'AWS::EC2::TransitGatewayVpcAttachment',
    Properties: { TransitGatewayId: gateway, VpcId: ref(vpc), SubnetIds: [ref(subnet)], ...(options ? { Options: options } : {}) },
  });
  t.Resources.ClusterAttachment = attachment('Vpc', 'PrivateSubnet1');
  t.Resources.ClientAttachment = attachment('ClientVpc', 'ClientSubnet');
  for (const table of NODE_ROUTE_TABLES) {
    t.Resources[`${table}ToClient`] = route(table, CLIENT_VPC_CIDR, { TransitGatewayId: gateway });
  }
  t.Resources.ClientToCluster = route('ClientSubnetRouteTable', '0.0.0.0/0', { TransitGatewayId: gateway });
}

/** TCP 443 into the EKS-created cluster security group from `source`, as a separate ingress resource. */
export function allow443IntoClusterSg(t: LooseTemplate, source: Record<string, Json>): void {
  t.Resources.ClusterSgIngress = {
    Type: 'AWS::EC2::SecurityGroupIngress',
    Properties: { GroupId: att('Cluster', 'ClusterSecurityGroupId'), IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...source },
  };
}

/** What each finding is, without its message: rule, level, verified (compare with error(), warning(), notVerifiable()). */
export function kinds(findings: ReportedFinding[]): Array<Pick<ReportedFinding, 'ruleId' | 'level' | 'verified'>> {
  return findings.map(({ ruleId, level, verified }) => ({ ruleId, level, verified }));
}

export const of = (findings: ReportedFinding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId);
export const error = (ruleId: string) => ({ ruleId, level: 'error', verified: true });
export const warning = (ruleId: string) => ({ ruleId, level: 'warning', verified: true });
export const notVerifiable = (ruleId: string) => ({ ruleId, level: 'warning', verified: false });



// ---- isolated() and its parts: one isolated subnet SubA, a Private cluster named demo ----

export const sub = (text: string): Json => ({ 'Fn::Sub': text });

/** A VPC with one isolated subnet (no default route), a Private cluster in it, and what `extra` adds. */
export function isolated(extra: Record<string, any> = {}, cluster: Record<string, any> = {}): LooseTemplate {
  return {
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } },
      SubA: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Vpc'), CidrBlock: '10.0.0.0/24' } },
      Rt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
      Assoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref('SubA'), RouteTableId: ref('Rt') } },
      Cluster: {
        Type: 'AWS::EKS::Cluster',
        Properties: {
          Name: 'demo', RoleArn: 'arn:aws:iam::123456789012:role/eks',
          ResourcesVpcConfig: { SubnetIds: [ref('SubA')], EndpointPublicAccess: false, EndpointPrivateAccess: true },
          ...cluster,
        },
      },
      ...extra,
    },
  };
}

/** Interface endpoints with private DNS whose group admits `from` on 443, and the s3 gateway endpoint. */
export function subEndpoints(services: string[], from: Record<string, any> = { CidrIp: '10.0.0.0/16' }): Record<string, any> {
  const resources: Record<string, any> = {
    EndpointSg: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'endpoints', VpcId: ref('Vpc'), SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...from }] },
    },
    S3: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: ref('Vpc'), ServiceName: sub('com.amazonaws.${AWS::Region}.s3'), RouteTableIds: [ref('Rt')] } },
  };
  for (const service of services) {
    resources[`Ep${service.replace(/\W/g, '')}`] = {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcId: ref('Vpc'), ServiceName: sub(`com.amazonaws.\${AWS::Region}.${service}`), VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true, SubnetIds: [ref('SubA')], SecurityGroupIds: [ref('EndpointSg')],
      },
    };
  }
  return resources;
}
/** A managed node group `Nodes` in SubA. */
export const isolatedNodegroup = (props: Record<string, any> = {}) => ({
  Nodes: { Type: 'AWS::EKS::Nodegroup', Properties: { ClusterName: ref('Cluster'), NodeRole: 'arn:aws:iam::123456789012:role/node', Subnets: [ref('SubA')], ...props } },
});
/** Runs the Aspect's rules on one template as stack `id`. */
export function checkNamed(id: string, template: LooseTemplate): ReportedFinding[] {
  return analyze([{ id, template }], ASPECT_RULES);
}
/** Each finding as `<level>[ (not verifiable)] <rule>`. */
export function levels(findings: ReportedFinding[], rule?: string): string[] {
  return findings.filter((f) => !rule || f.ruleId === rule).map((f) => `${f.level}${f.verified ? '' : ' (not verifiable)'} ${f.ruleId}`);
}


// ---- hybrid(): network() with remote node and pod networks ----

export const NODES = '192.168.0.0/16';
export const PODS = '172.16.0.0/16';
export const HYBRID_RULES = ['HybridNodeNetworks', 'HybridNodeEndpointMode', 'HybridNodePath', 'HybridNodeSecurityGroup'];

export function remote(nodes: Json, pods?: Json): Record<string, Json> {
  return {
    RemoteNetworkConfig: {
      RemoteNodeNetworks: [{ Cidrs: nodes }],
      ...(pods !== undefined ? { RemotePodNetworks: [{ Cidrs: pods }] } : {}),
    },
  };
}

/** A hybrid cluster (nodes 192.168.0.0/16, pods 172.16.0.0/16 unless given) with the path complete: routes to a Transit Gateway and TCP 443 from both. */
export function hybrid(o: NetworkOptions & { nodes?: Json; pods?: Json } = {}): Template {
  const nodes = o.nodes ?? [NODES];
  const pods = o.pods ?? [PODS];
  const t = network({ ...o, cluster: { ...remote(nodes, pods), ...o.cluster } });
  const blocks = [...(Array.isArray(nodes) ? nodes : []), ...(Array.isArray(pods) ? pods : [])].filter((c) => typeof c === 'string');
  blocks.forEach((cidr, i) => CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToOnPrem${i}`] = route(table, cidr, { TransitGatewayId: 'tgw-0123456789abcdef0' }))));
  t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = blocks.map((cidr) => ({ ...TCP_443, CidrIp: cidr }));
  return t;
}

export function hybridFindings(t: Template, rule?: string): string[] {
  return verdicts(run(t, rule ? [rule] : HYBRID_RULES));
}


// ---- vpn(): network() with a Site-to-Site VPN ----

export const ON_PREMISES = '192.168.0.0/16';

export interface VpnOptions extends NetworkOptions {
  /** The VPN connection's static routes, or 'bgp' (StaticRoutesOnly false). @default [192.168.0.0/16] */
  readonly routes?: string[] | 'bgp';
  /** Whether the gateway's routes are propagated into the cluster subnets' route tables. @default true */
  readonly propagate?: boolean;
  /** Blocks the control-plane security group allows TCP 443 from. @default [192.168.0.0/16] */
  readonly allow?: string[];
}

/**
 * The cluster network of network() with a virtual private gateway attached to its VPC, a
 * customer gateway and a VPN connection with static routes, the gateway's routes propagated into
 * the cluster subnets' route tables, and 443 from the on-premises network: as
 * examples/on-premises-vpn.ts builds it.
 */
export function vpn(o: VpnOptions = {}): Template {
  const t = network(o);
  const routes = o.routes ?? [ON_PREMISES];
  t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
  t.Resources.VgwAttachment = { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), VpnGatewayId: ref('Vgw') } };
  t.Resources.Cgw = { Type: 'AWS::EC2::CustomerGateway', Properties: { Type: 'ipsec.1', IpAddress: '198.51.100.10', BgpAsn: 65000 } };
  t.Resources.Vpn = {
    Type: 'AWS::EC2::VPNConnection',
    Properties: { Type: 'ipsec.1', CustomerGatewayId: ref('Cgw'), VpnGatewayId: ref('Vgw'), StaticRoutesOnly: routes !== 'bgp' },
  };
  if (routes !== 'bgp') {
    routes.forEach((cidr, i) => (t.Resources[`VpnRoute${i}`] = {
      Type: 'AWS::EC2::VPNConnectionRoute', Properties: { DestinationCidrBlock: cidr, VpnConnectionId: ref('Vpn') },
    }));
  }
  if (o.propagate ?? true) {
    t.Resources.Propagation = {
      Type: 'AWS::EC2::VPNGatewayRoutePropagation', DependsOn: 'VgwAttachment', Properties: { VpnGatewayId: ref('Vgw'), RouteTableIds: CLUSTER_TABLES.map(ref) },
    };
  }
  t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = (o.allow ?? [ON_PREMISES]).map((cidr) => ({ ...TCP_443, CidrIp: cidr }));
  return t;
}

/** Routes for `cidr` to the virtual private gateway in the given cluster route tables. */
export function routeToGateway(t: Template, cidr: string, tables = CLUSTER_TABLES): void {
  tables.forEach((table) => (t.Resources[`${table}ToVgw`] = route(table, cidr, { GatewayId: ref('Vgw') })));
}

/** A Route 53 Resolver inbound endpoint in the cluster VPC's private subnets. */
export function inboundResolver(t: Template): void {
  t.Resources.Inbound = {
    Type: 'AWS::Route53Resolver::ResolverEndpoint',
    Properties: {
      Direction: 'INBOUND', SecurityGroupIds: [{ 'Fn::GetAtt': ['ControlPlaneSg', 'GroupId'] }],
      IpAddresses: [{ SubnetId: ref('PrivateSubnet1'), Ip: '10.0.1.10' }, { SubnetId: ref('PrivateSubnet2'), Ip: '10.0.2.10' }],
    },
  };
}


// ---- forwarding(): network() in Public & Private mode with Resolver forwarding for a peered VPC ----

/** This cluster's endpoint host name, as EndpointCluster writes the rule's DomainName: the host of `https://<host>`. */
export const HOST = { 'Fn::Select': [2, { 'Fn::Split': ['/', att('Cluster', 'Endpoint')] }] };

/**
 * Public & Private, the cluster VPC peered with ClientVpc (10.1.0.0/16), an inbound endpoint in the
 * private subnets at 10.0.1.10 and 10.0.2.10, an outbound one beside it, and `Forward`, a FORWARD
 * rule for `domain` to `targets`, associated with ClientVpc.
 */
export function forwarding(domain: Json, targets: Json = [{ Ip: '10.0.1.10', Port: '53' }], inboundIps: Json[] = ['10.0.1.10', '10.0.2.10']): Template {
  const t = network({ mode: PUBLIC_AND_PRIVATE, cidrs: ['203.0.113.0/24'] });
  t.Resources.ClientVpc = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } };
  subnet(t, 'ClientSubnet', '10.1.1.0/24', 'ClientVpc');
  t.Resources.Peering = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: ref('Vpc'), PeerVpcId: ref('ClientVpc') } };
  const endpoint = (direction: string, ips: Json[]) => ({
    Type: 'AWS::Route53Resolver::ResolverEndpoint',
    Properties: {
      Direction: direction, SecurityGroupIds: ['sg-0123456789abcdef0'],
      IpAddresses: ['PrivateSubnet1', 'PrivateSubnet2'].map((s, i) => ({ SubnetId: ref(s), ...(ips[i] !== undefined ? { Ip: ips[i] } : {}) })),
    },
  });
  t.Resources.Inbound = endpoint('INBOUND', inboundIps);
  t.Resources.Outbound = endpoint('OUTBOUND', []);
  t.Resources.Forward = {
    Type: 'AWS::Route53Resolver::ResolverRule',
    Properties: { RuleType: 'FORWARD', DomainName: domain, ResolverEndpointId: att('Outbound', 'ResolverEndpointId'), TargetIps: targets },
  };
  t.Resources.ForwardClients = {
    Type: 'AWS::Route53Resolver::ResolverRuleAssociation',
    Properties: { ResolverRuleId: att('Forward', 'ResolverRuleId'), VPCId: ref('ClientVpc') },
  };
  return t;
}

/**
 * Moves resources into a template of their own: their references to the rest become
 * `Fn::ImportValue` of exports the first template makes, as a CDK app split in two stacks has it.
 */
export function split(t: Template, ids: string[]): Template {
  const moved: Template = { Parameters: {}, Conditions: {}, Resources: {}, Outputs: {} };
  for (const id of ids) {
    const text = JSON.stringify(t.Resources[id])
      .replace(/\{"Ref":"(\w+)"\}/g, (m, target) => (ids.includes(target) ? m : `{"Fn::ImportValue":"${target}"}`))
      .replace(/\{"Fn::GetAtt":\["(\w+)","(\w+)"\]\}/g, (m, target, attribute) => (ids.includes(target) ? m : `{"Fn::ImportValue":"${target}.${attribute}"}`));
    for (const [, name] of text.matchAll(/"Fn::ImportValue":"([\w.]+)"/g)) {
      const [target, attribute] = name.split('.');
      t.Outputs[name.replace('.', '')] = { Value: attribute ? att(target, attribute) : ref(target), Export: { Name: name } };
    }
    moved.Resources[id] = JSON.parse(text);
    delete t.Resources[id];
  }
  return moved;
}


// ---- accountEquivalent(): test/support/moto.ts's privateClusterNetwork written as a template ----

/**
 * The network `privateClusterNetwork` builds in the emulator (test/support/moto.ts), as a user would
 * write it in CloudFormation, for the equivalence test of the account reader (issue 15 item 3): VPC
 * 10.0.0.0/16 with DNS on and a DHCP set whose only server is 192.168.0.10; private subnets
 * `Private1`, `Private2` and a `BastionSubnet`, each with a route table without routes; an `ec2`
 * interface endpoint (group `Endpoints`, 443 from the VPC) and an `s3` gateway endpoint; a Private
 * cluster `demo` with a control-plane group `ControlPlane`; a node group `Nodes`; a `Bastion` in
 * its own group, whose role has AmazonSSMManagedInstanceCore and no access entry. What the
 * emulator does not answer is a parameter here too (the access configuration, the allow-list, the
 * cluster security group's rules), as the reader writes it.
 */
export function accountEquivalent(): Template {
  const t: Template = { Parameters: {}, Conditions: {}, Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } } }, Outputs: {} };
  t.Resources.Dhcp = { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainNameServers: ['192.168.0.10'] } };
  t.Resources.DhcpAssociation = { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: ref('Dhcp') } };
  subnet(t, 'Private1', '10.0.1.0/24');
  subnet(t, 'Private2', '10.0.2.0/24');
  subnet(t, 'BastionSubnet', '10.0.3.0/24');
  securityGroup(t, 'ControlPlane');
  securityGroup(t, 'Bastion', ref('Vpc'));
  securityGroup(t, 'Endpoints', ref('Vpc'), { SecurityGroupIngress: [{ ...TCP_443, CidrIp: '10.0.0.0/16' }] });
  t.Resources.Ec2Endpoint = {
    Type: 'AWS::EC2::VPCEndpoint',
    Properties: {
      VpcId: ref('Vpc'), ServiceName: 'com.amazonaws.us-east-1.ec2', VpcEndpointType: 'Interface', PrivateDnsEnabled: true,
      SubnetIds: [ref('Private1'), ref('Private2')], SecurityGroupIds: [att('Endpoints', 'GroupId')],
    },
  };
  t.Resources.S3Endpoint = { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: ref('Vpc'), ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: [ref('Private1Rt'), ref('Private2Rt')] } };
  t.Resources.Cluster = {
    Type: 'AWS::EKS::Cluster',
    Properties: {
      Name: 'demo', RoleArn: 'arn:aws:iam::123456789012:role/eks',
      ResourcesVpcConfig: {
        SubnetIds: [ref('Private1'), ref('Private2')], SecurityGroupIds: [att('ControlPlane', 'GroupId')], ...PRIVATE,
        PublicAccessCidrs: param(t, 'AllowList', 'CommaDelimitedList'),
      },
      AccessConfig: { AuthenticationMode: param(t, 'AuthenticationMode') },
      KubernetesNetworkConfig: { ServiceIpv4Cidr: '172.20.0.0/16' },
      Logging: { ClusterLogging: { EnabledTypes: [] } },
    },
  };
  // the emulator names no cluster security group: its rules are unknown
  const unknownRules = param(t, 'ClusterSecurityGroupRules');
  t.Resources.ClusterSgRules = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: CLUSTER_SG, IpProtocol: unknownRules, CidrIp: unknownRules } };
  t.Resources.Nodes = {
    Type: 'AWS::EKS::Nodegroup',
    Properties: { ClusterName: ref('Cluster'), NodeRole: 'arn:aws:iam::123456789012:role/node-role', Subnets: [ref('Private1'), ref('Private2')] },
  };
  t.Resources.BastionRole = { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: ['arn:aws:iam::123456789012:policy/AmazonSSMManagedInstanceCore'] } };
  t.Resources.BastionProfile = { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [ref('BastionRole')] } };
  t.Resources.BastionInstance = {
    Type: 'AWS::EC2::Instance',
    Properties: {
      SubnetId: ref('BastionSubnet'), SecurityGroupIds: [att('Bastion', 'GroupId')], IamInstanceProfile: ref('BastionProfile'), Tags: [{ Key: 'Name', Value: 'bastion' }],
    },
  };
  return t;
}
