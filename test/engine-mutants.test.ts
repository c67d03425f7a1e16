import { analyze } from '../lib/check/engine/analyze';
import { ReportedFinding } from '../lib/check/engine/finding';
import { TemplateInput } from '../lib/check/engine/read/input';
import { ASPECT_RULES } from '../lib/check/adapters/rule-sets';

/**
 * Cases a mutation run (stryker.config.json, reports/mutation) showed the template-level tests
 * could not tell apart: each mutant here changed a verdict a user would see (a missed error, a
 * false error, an error where the value is unknown, a message naming the wrong resource or fix)
 * and no test noticed. Each case is a small hand-written template and the verdict AWS behaviour
 * calls for (docs/RULES.md, ../shared/ENDPOINT-MODEL.md); the comment above a group names the
 * engine code it pins down.
 */

/** Hand-written CloudFormation: plain JSON, changed freely by the cases. */
type Json = any;

interface Template {
  Parameters: Record<string, Json>;
  Conditions: Record<string, Json>;
  Resources: Record<string, Json>;
}


const ref = (id: string): Json => ({ Ref: id });
const att = (id: string, attribute: string): Json => ({ 'Fn::GetAtt': [id, attribute] });
const join = (...parts: Json[]): Json => ({ 'Fn::Join': ['', parts] });
const CLUSTER_SG = att('Cluster', 'ClusterSecurityGroupId');

const PRIVATE = { EndpointPublicAccess: false, EndpointPrivateAccess: true };
const PUBLIC_AND_PRIVATE = { EndpointPublicAccess: true, EndpointPrivateAccess: true };
const PUBLIC = { EndpointPublicAccess: true, EndpointPrivateAccess: false };
const NODE_SERVICES = ['ec2', 'ecr.api', 'ecr.dkr', 'sts'];
const TCP_443 = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443 };

interface BaseOptions {
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

/** A subnet of `vpc` with its own route table and association. */
function subnet(t: Template, name: string, cidr: string, vpc = 'Vpc'): void {
  t.Resources[name] = { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref(vpc), CidrBlock: cidr } };
  t.Resources[`${name}Rt`] = { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref(vpc) } };
  t.Resources[`${name}Assoc`] = { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref(name), RouteTableId: ref(`${name}Rt`) } };
}

function route(table: string, destination: Record<string, Json> | string, target: Record<string, Json>): Json {
  const dest = typeof destination === 'string' ? { DestinationCidrBlock: destination } : destination;
  return { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref(table), ...dest, ...target } };
}

function vpc(cidr: string): Json {
  return { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: cidr, EnableDnsSupport: true, EnableDnsHostnames: true } };
}

/**
 * The cluster VPC 10.0.0.0/16: a public subnet (10.0.0.0/24, internet gateway), two private
 * subnets (10.0.1.0/24, 10.0.2.0/24) behind a NAT gateway or isolated, and the cluster in the
 * private subnets, with no compute. Clean as it is: no finding.
 */
function base(o: BaseOptions = {}): Template {
  const t: Template = { Parameters: {}, Conditions: {}, Resources: { Vpc: vpc('10.0.0.0/16') } };
  subnet(t, 'PublicSubnet', '10.0.0.0/24');
  subnet(t, 'PrivateSubnet1', '10.0.1.0/24');
  subnet(t, 'PrivateSubnet2', '10.0.2.0/24');
  t.Resources.Igw = { Type: 'AWS::EC2::InternetGateway', Properties: {} };
  t.Resources.IgwAttachment = { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), InternetGatewayId: ref('Igw') } };
  t.Resources.PublicDefault = route('PublicSubnetRt', '0.0.0.0/0', { GatewayId: ref('Igw') });
  if ((o.egress ?? 'nat') === 'nat') {
    t.Resources.NatEip = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
    t.Resources.Nat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('PublicSubnet'), AllocationId: att('NatEip', 'AllocationId') } };
    t.Resources.Private1Default = route('PrivateSubnet1Rt', '0.0.0.0/0', { NatGatewayId: ref('Nat') });
    t.Resources.Private2Default = route('PrivateSubnet2Rt', '0.0.0.0/0', { NatGatewayId: ref('Nat') });
  }
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

/** A deploy-time parameter; returns its Ref. */
function param(t: Template, name: string, type = 'String'): Json {
  t.Parameters[name] = { Type: type };
  return ref(name);
}

/** A condition on a parameter (so unknown at synth); returns its name. */
function condition(t: Template, name = 'MaybeCondition'): string {
  t.Conditions[name] = { 'Fn::Equals': [param(t, `${name}Flag`), 'yes'] };
  return name;
}

/** A managed node group of the cluster in `subnets`. */
function nodegroup(t: Template, subnets: string[] = ['PrivateSubnet1', 'PrivateSubnet2'], props: Record<string, Json> = {}, id = 'Nodes'): void {
  t.Resources[id] = {
    Type: 'AWS::EKS::Nodegroup',
    Properties: { ClusterName: ref('Cluster'), NodeRole: 'arn:aws:iam::111111111111:role/node', Subnets: subnets.map(ref), ...props },
  };
}

/** Interface endpoints with private DNS (their group admits 10.0.0.0/16 on 443) and an s3 gateway endpoint on the private tables. */
function endpoints(t: Template, services: string[] = NODE_SERVICES, s3 = true): void {
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

function interfaceEndpoint(serviceName: Json, vpcId: Json = ref('Vpc')): Json {
  return {
    Type: 'AWS::EC2::VPCEndpoint',
    Properties: {
      VpcId: vpcId, ServiceName: serviceName, VpcEndpointType: 'Interface', PrivateDnsEnabled: true,
      SubnetIds: [ref('PrivateSubnet1'), ref('PrivateSubnet2')], SecurityGroupIds: [att('EndpointSg', 'GroupId')],
    },
  };
}

function securityGroup(t: Template, id: string, vpcId: Json = ref('Vpc'), props: Record<string, Json> = {}): void {
  t.Resources[id] = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: id, VpcId: vpcId, ...props } };
}

/** A separate AWS::EC2::SecurityGroupIngress: TCP 443 into `groupId` from `source` (the rule's fields override). */
function ingress(t: Template, id: string, groupId: Json, source: Record<string, Json>, extra: Json = {}): void {
  t.Resources[id] = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: groupId, ...TCP_443, ...source }, ...extra };
}

/**
 * A known API client: an instance whose role has an access entry on the cluster. Its role,
 * profile and entry are `<id>Role`, `<id>Profile`, `<id>Entry`.
 */
function instanceClient(t: Template, id: string, props: Record<string, Json>, o: { metadata?: Json; entry?: Record<string, Json> } = {}): void {
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
function bastion(t: Template, sg: Record<string, Json> = {}, metadata?: Json): void {
  securityGroup(t, 'ClientSg', ref('Vpc'), sg);
  instanceClient(t, 'Bastion', { SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att('ClientSg', 'GroupId')] }, { metadata });
}

/** A Lambda function client: its role `<id>Role` has an access entry. */
function lambdaClient(t: Template, id: string, vpcConfig?: Json): void {
  t.Resources[`${id}Role`] = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } };
  t.Resources[`${id}Entry`] = { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: ref('Cluster'), PrincipalArn: att(`${id}Role`, 'Arn') } };
  t.Resources[id] = {
    Type: 'AWS::Lambda::Function',
    Properties: { Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: 'x' }, Role: att(`${id}Role`, 'Arn'), ...(vpcConfig ? { VpcConfig: vpcConfig } : {}) },
  };
}

/** A second VPC `name` (its subnet `<name>Subnet`, 10.x.1.0/24) with a client instance `ClientInstance` in it. */
function clientVpc(t: Template, name = 'ClientVpc', cidr = '10.1.0.0/16', withClient = true): void {
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
function peering(t: Template, id = 'Peering', peerVpc: Json = ref('ClientVpc'), cidr = '10.1.0.0/16', routeBack = true): void {
  t.Resources[id] = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: ref('Vpc'), PeerVpcId: peerVpc } };
  if (routeBack) {
    for (const table of ['PrivateSubnet1Rt', 'PrivateSubnet2Rt']) {
      t.Resources[`${table}To${id}`] = route(table, cidr, { VpcPeeringConnectionId: ref(id) });
    }
  }
  peerRoute(t, peerVpc, id, { VpcPeeringConnectionId: ref(id) });
}

/** The client side of a connection: a route for the cluster VPC (10.0.0.0/16) in the route table of `<peerVpc>Subnet`, when there is one. */
function peerRoute(t: Template, peerVpc: Json, id: string, target: Record<string, Json>): void {
  const table = `${peerVpc?.Ref}SubnetRt`;
  if (typeof peerVpc?.Ref === 'string' && t.Resources[table]) t.Resources[`${table}Back${id}`] = route(table, '10.0.0.0/16', target);
}

/** Attaches `vpc` (by its subnet) to the Transit Gateway `gateway`. */
function attach(t: Template, id: string, vpcId: string, gateway: Json, options?: Json, type = 'AWS::EC2::TransitGatewayVpcAttachment'): void {
  t.Resources[id] = {
    Type: type,
    Properties: { TransitGatewayId: gateway, VpcId: ref(vpcId), SubnetIds: [ref(vpcId === 'Vpc' ? 'PrivateSubnet1' : `${vpcId}Subnet`)], ...(options ? { Options: options } : {}) },
  };
  // a client VPC routes the cluster VPC to the gateway
  if (vpcId !== 'Vpc') peerRoute(t, ref(vpcId), id, { TransitGatewayId: gateway });
}

function routesToGateway(t: Template, gateway: Json, cidr = '10.1.0.0/16'): void {
  for (const table of ['PrivateSubnet1Rt', 'PrivateSubnet2Rt']) {
    t.Resources[`${table}ToTgw`] = route(table, cidr, { TransitGatewayId: gateway });
  }
}

function check(t: Template | TemplateInput[], rules = ASPECT_RULES): ReportedFinding[] {
  return analyze(Array.isArray(t) ? t : [{ id: 'Stack', template: t }], rules);
}

/** Each finding as `<level> <rule>`: level `error`, `warning` (verified) or `unverified` (a not-verifiable warning). */
function verdicts(findings: ReportedFinding[], rule?: string): string[] {
  return findings.filter((f) => rule === undefined || f.ruleId === rule)
    .map((f) => `${f.level === 'error' ? 'error' : f.verified ? 'warning' : 'unverified'} ${f.ruleId}`);
}

/** The messages of a rule's findings. */
function messages(findings: ReportedFinding[], rule: string): string[] {
  return findings.filter((f) => f.ruleId === rule).map((f) => f.message);
}

describe('the base template', () => {
  test('a Private cluster behind a NAT gateway, a client allowed on 443 from its group: no finding', () => {
    const t = base();
    bastion(t);
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });
    expect(check(t)).toEqual([]);
  });
});

// apiPath, allows443, ingressInto, securityGroupKey (network-model.ts): which rules into the EKS-owned ENIs count
describe('ClientSecurityGroupPath: TCP 443 into the cluster\'s security groups from an in-VPC client', () => {
  const fromClient = { SourceSecurityGroupId: att('ClientSg', 'GroupId') };

  test('passes a client allowed only by an additional control-plane security group (ResourcesVpcConfig.SecurityGroupIds)', () => {
    const t = base({ securityGroupIds: [att('ControlSg', 'GroupId')] });
    bastion(t);
    securityGroup(t, 'ControlSg', ref('Vpc'), { SecurityGroupIngress: [{ ...TCP_443, ...fromClient }] });
    expect(verdicts(check(t))).toEqual([]);
  });

  test('passes a client that is itself in the cluster security group (its members reach each other)', () => {
    const t = base();
    instanceClient(t, 'Bastion', { SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [CLUSTER_SG] });
    expect(verdicts(check(t))).toEqual([]);
  });

  test.each([
    ['IpProtocol "6"', { IpProtocol: '6' }],
    ['IpProtocol 6 (a number)', { IpProtocol: 6 }],
    ['IpProtocol -1 (all traffic, no ports)', { IpProtocol: '-1', FromPort: undefined, ToPort: undefined }],
    ['a port range 0-65535', { FromPort: 0, ToPort: 65535 }],
  ])('passes a rule from the client\'s group with %s', (_, fields) => {
    const t = base();
    bastion(t);
    ingress(t, 'ToApi', CLUSTER_SG, { ...fromClient, ...fields });
    expect(verdicts(check(t))).toEqual([]);
  });

  test('fails when the only rules from the client\'s group are tcp 22, udp 443, tcp 80 and tcp 8443, and names the client and the fix', () => {
    const t = base();
    bastion(t);
    ingress(t, 'Ssh', CLUSTER_SG, { ...fromClient, FromPort: 22, ToPort: 22 });
    ingress(t, 'Udp', CLUSTER_SG, { ...fromClient, IpProtocol: 'udp' });
    ingress(t, 'Http', CLUSTER_SG, { ...fromClient, FromPort: 80, ToPort: 80 });
    ingress(t, 'AltHttps', CLUSTER_SG, { ...fromClient, FromPort: 8443, ToPort: 8443 });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Stack\/Bastion \(access entry\) is in the cluster VPC, .* no security group rule lets it reach the cluster on TCP 443/);
  });

  test.each([
    ['an IPv6 block (::/0): the client speaks IPv4', { CidrIpv6: '::/0' }],
    ['a block that does not hold the client\'s subnet (192.168.0.0/16)', { CidrIp: '192.168.0.0/16' }],
    ['another VPC\'s CIDR block by reference', { CidrIp: att('OtherVpc', 'CidrBlock') }],
    ['another security group of the VPC', { SourceSecurityGroupId: att('OtherSg', 'GroupId') }],
    ['a security group by literal ID that is not the client\'s', { SourceSecurityGroupId: 'sg-0fedcba9876543210' }],
  ])('fails when the only 443 rule into the cluster security group is from %s', (_, source) => {
    const t = base();
    bastion(t);
    t.Resources.OtherVpc = vpc('10.9.0.0/16');
    securityGroup(t, 'OtherSg');
    ingress(t, 'ToApi', CLUSTER_SG, source);
    expect(verdicts(check(t))).toEqual(['error ClientSecurityGroupPath']);
  });

  test('fails when the client\'s group is allowed into another group, not the cluster\'s', () => {
    const t = base();
    bastion(t);
    securityGroup(t, 'OtherSg');
    ingress(t, 'ToOther', att('OtherSg', 'GroupId'), fromClient);
    expect(verdicts(check(t))).toEqual(['error ClientSecurityGroupPath']);
  });

  test('passes a rule from 0.0.0.0/0 even when the client\'s subnet CIDR is not known at synth', () => {
    const t = base();
    bastion(t);
    t.Resources.PrivateSubnet1.Properties.CidrBlock = { 'Fn::Select': [0, { 'Fn::Cidr': [att('Vpc', 'CidrBlock'), 4, 8] }] };
    ingress(t, 'ToApi', CLUSTER_SG, { CidrIp: '0.0.0.0/0' });
    expect(verdicts(check(t))).toEqual([]);
  });

  test('passes a rule from the cluster VPC\'s CidrBlock by reference', () => {
    const t = base();
    bastion(t);
    ingress(t, 'ToApi', CLUSTER_SG, { CidrIp: att('Vpc', 'CidrBlock') });
    expect(verdicts(check(t))).toEqual([]);
  });

  // what cannot be read is a not-verifiable warning, never an error
  const unverified = (message: RegExp) => (t: Template) => {
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(message);
  };
  const notAllReadable = unverified(/^Not verifiable at synth: the security groups between Stack\/Bastion \(access entry\) and the cluster are not all in the templates given/);

  test.each([
    ['from a prefix list', { SourcePrefixListId: 'pl-0123456789abcdef0' }],
    ['with IpProtocol a parameter', { ...fromClient, IpProtocol: { Ref: 'Protocol' } }],
    ['with FromPort a parameter', { ...fromClient, FromPort: { Ref: 'Port' } }],
    ['from a security group that is a parameter', { SourceSecurityGroupId: { Ref: 'SourceGroup' } }],
    ['from a CIDR block that is a parameter', { CidrIp: { Ref: 'Cidr' } }],
  ])('warns when the only 443 rule is %s', (_, source) => {
    const t = base();
    bastion(t);
    param(t, 'Protocol');
    param(t, 'Port', 'Number');
    param(t, 'SourceGroup', 'AWS::EC2::SecurityGroup::Id');
    param(t, 'Cidr');
    ingress(t, 'ToApi', CLUSTER_SG, source);
    notAllReadable(t);
  });

  test('warns when the only rule is a separate ingress whose GroupId is a parameter: it may be the cluster\'s', () => {
    const t = base();
    bastion(t);
    ingress(t, 'ToSomeGroup', param(t, 'Group', 'AWS::EC2::SecurityGroup::Id'), fromClient);
    notAllReadable(t);
  });

  test('warns when the only rule exists under a condition on a parameter', () => {
    const t = base();
    bastion(t);
    ingress(t, 'ToApi', CLUSTER_SG, fromClient, { Condition: condition(t) });
    notAllReadable(t);
  });

  test('warns when the only rule\'s whole Properties is an Fn::If on a parameter condition', () => {
    const t = base();
    bastion(t);
    ingress(t, 'ToApi', CLUSTER_SG, {});
    t.Resources.ToApi.Properties = { 'Fn::If': [condition(t), t.Resources.ToApi.Properties, { ...t.Resources.ToApi.Properties, FromPort: 22, ToPort: 22 }] };
    notAllReadable(t);
  });

  test('warns when an additional control-plane group\'s SecurityGroupIngress is a parameter', () => {
    const t = base({ securityGroupIds: [att('ControlSg', 'GroupId')] });
    bastion(t);
    securityGroup(t, 'ControlSg', ref('Vpc'), { SecurityGroupIngress: param(t, 'Rules', 'CommaDelimitedList') });
    notAllReadable(t);
  });

  test('warns when an additional control-plane group that allows the client exists only under a parameter condition', () => {
    const t = base({ securityGroupIds: [att('ControlSg', 'GroupId')] });
    bastion(t);
    securityGroup(t, 'ControlSg', ref('Vpc'), { SecurityGroupIngress: [{ ...TCP_443, ...fromClient }] });
    t.Resources.ControlSg.Condition = condition(t);
    notAllReadable(t);
  });

  test('warns when the additional control-plane groups are a list parameter: they may allow the client', () => {
    const t = base({ securityGroupIds: { Ref: 'ControlGroups' } });
    param(t, 'ControlGroups', 'List<AWS::EC2::SecurityGroup::Id>');
    bastion(t);
    notAllReadable(t);
  });

  test('warns when an additional control-plane group is imported by ID: it may have rules made elsewhere', () => {
    const t = base({ securityGroupIds: ['sg-0123456789abcdef0'] });
    bastion(t);
    notAllReadable(t);
  });

  test('passes the imported control-plane group when a separate rule of the template allows the client into it by its literal ID', () => {
    const t = base({ securityGroupIds: ['sg-0123456789abcdef0'] });
    bastion(t);
    ingress(t, 'ToControl', 'sg-0123456789abcdef0', fromClient);
    expect(verdicts(check(t))).toEqual([]);
  });

  test('warns for a client whose group is imported by ID, even with a rule from the VPC CIDR: its egress is not in the template', () => {
    const t = base();
    instanceClient(t, 'Bastion', { SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: ['sg-0aaaaaaaaaaaaaaaa'] });
    ingress(t, 'ToApi', CLUSTER_SG, { CidrIp: '10.0.0.0/16' });
    notAllReadable(t);
  });

  test('warns for a client with a group imported by ID beside its own, and no rule: the imported one may be the cluster\'s', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    instanceClient(t, 'Bastion', { SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att('ClientSg', 'GroupId'), 'sg-0aaaaaaaaaaaaaaaa'] });
    notAllReadable(t);
  });
});

// egressOf and egressTo (network-model.ts): the client's own group must let 443 out
describe('ClientSecurityGroupPath: the client\'s egress', () => {
  /** A client allowed into the cluster security group, its group's inline egress `egress` (absent: EC2's allow-all). */
  function withEgress(egress?: Json[], o: BaseOptions = {}): Template {
    const t = base(o);
    bastion(t, egress === undefined ? {} : { SecurityGroupEgress: egress });
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });
    return t;
  }
  const sshOnly = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }];

  test('fails when inline egress allows only tcp 22 (inline egress replaces EC2\'s allow-all rule)', () => {
    const findings = check(withEgress(sshOnly));
    expect(verdicts(findings)).toEqual(['error ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Stack\/Bastion \(access entry\) is in the cluster VPC/);
  });

  test('fails when inline egress allows 443 only to another security group', () => {
    const t = withEgress([{ ...TCP_443, DestinationSecurityGroupId: att('OtherSg', 'GroupId') }]);
    securityGroup(t, 'OtherSg');
    expect(verdicts(check(t))).toEqual(['error ClientSecurityGroupPath']);
  });

  test.each([
    ['tcp 443 to 0.0.0.0/0', [{ ...TCP_443, CidrIp: '0.0.0.0/0' }]],
    ['tcp 443 to the cluster security group', [{ ...TCP_443, DestinationSecurityGroupId: CLUSTER_SG }]],
    ['tcp 443 to 10.0.0.0/16, which holds every cluster subnet', [{ ...TCP_443, CidrIp: '10.0.0.0/16' }]],
  ])('passes inline egress %s', (_, egress) => {
    expect(verdicts(check(withEgress(egress)))).toEqual([]);
  });

  test('passes inline egress of tcp 22 only plus a separate SecurityGroupEgress of 443 (separate rules add to it)', () => {
    const t = withEgress(sshOnly);
    t.Resources.ClientOut = { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: att('ClientSg', 'GroupId'), ...TCP_443, CidrIp: '0.0.0.0/0' } };
    expect(verdicts(check(t))).toEqual([]);
  });

  test('passes egress tcp 443 to 0.0.0.0/0 when the cluster\'s own subnets are a parameter (the nodes give its VPC)', () => {
    const t = withEgress([{ ...TCP_443, CidrIp: '0.0.0.0/0' }], { subnets: { Ref: 'Subnets' } });
    param(t, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    nodegroup(t);
    expect(verdicts(check(t), 'ClientSecurityGroupPath')).toEqual([]);
  });

  const notAllReadable = /^Not verifiable at synth: the security groups between Stack\/Bastion \(access entry\) and the cluster are not all in the templates given/;

  test.each([
    ['443 to a prefix list', () => [{ ...TCP_443, DestinationPrefixListId: 'pl-0123456789abcdef0' }]],
    ['443 to a security group that is a parameter', () => [{ ...TCP_443, DestinationSecurityGroupId: { Ref: 'Group' } }]],
    ['to 0.0.0.0/0 with FromPort a parameter', () => [{ ...TCP_443, FromPort: { Ref: 'Port' }, CidrIp: '0.0.0.0/0' }]],
  ])('warns when inline egress is only %s', (_, egress) => {
    const t = withEgress(egress());
    param(t, 'Group', 'AWS::EC2::SecurityGroup::Id');
    param(t, 'Port', 'Number');
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(notAllReadable);
  });

  test('warns when the only 443 egress is a separate rule under a parameter condition', () => {
    const t = withEgress(sshOnly);
    t.Resources.ClientOut = {
      Type: 'AWS::EC2::SecurityGroupEgress', Condition: condition(t),
      Properties: { GroupId: att('ClientSg', 'GroupId'), ...TCP_443, CidrIp: '0.0.0.0/0' },
    };
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(notAllReadable);
  });

  test('warns when the client group\'s SecurityGroupEgress is a parameter', () => {
    const t = withEgress();
    t.Resources.ClientSg.Properties.SecurityGroupEgress = param(t, 'Egress', 'CommaDelimitedList');
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(notAllReadable);
  });
});

describe('ClientSecurityGroupPath: egress that may or may not reach the EKS-owned ENIs', () => {
  test('warns when egress allows 443 only to one of the two cluster subnets: the endpoint resolves to ENIs in both', () => {
    const t = base();
    bastion(t, { SecurityGroupEgress: [{ ...TCP_443, CidrIp: '10.0.1.0/24' }] });
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });
    expect(verdicts(check(t))).toEqual(['unverified ClientSecurityGroupPath']);
  });

  test('warns when egress goes only to a group that is a parameter and the control-plane groups are a parameter too', () => {
    const t = base({ securityGroupIds: { Ref: 'ControlGroups' } });
    param(t, 'ControlGroups', 'List<AWS::EC2::SecurityGroup::Id>');
    bastion(t, { SecurityGroupEgress: [{ ...TCP_443, DestinationSecurityGroupId: param(t, 'Group', 'AWS::EC2::SecurityGroup::Id') }] });
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });
    expect(verdicts(check(t))).toEqual(['unverified ClientSecurityGroupPath']);
  });
});

// buildSubnet and isPrivateDestination (network-model.ts): whether a subnet has internet egress
describe('IsolatedNodeEndpoints: which subnets have no internet egress', () => {
  /** Private mode, node group in the private subnets, and nothing else: no VPC endpoint at all. */
  function nodes(egress: 'nat' | 'isolated' = 'isolated', subnets?: string[]): Template {
    const t = base({ egress });
    nodegroup(t, subnets);
    return t;
  }
  const noEndpoints = (subnets: string) =>
    new RegExp(`^the nodes of Stack/Nodes in ${subnets} have no internet egress and Stack/Vpc has no usable VPC endpoint for: ec2, ecr\\.api, ecr\\.dkr, sts, s3\\. They cannot pull images or join`);
  const routesUnknown = (subnets: string) =>
    new RegExp(`^Not verifiable at synth: the routes of ${subnets} \\(the nodes of Stack/Nodes\\) are not in the templates given`);

  function expectError(t: Template, subnets = 'Stack/PrivateSubnet1, Stack/PrivateSubnet2'): void {
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(noEndpoints(subnets));
  }
  function expectUnknown(t: Template, subnets = 'Stack/PrivateSubnet1, Stack/PrivateSubnet2'): void {
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(routesUnknown(subnets));
  }

  test('fails isolated subnets whose only routes go to private address space (10/8, 192.168/16, 100.64/10) through a VPN gateway', () => {
    const t = nodes();
    t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
    for (const [i, cidr] of ['10.50.0.0/16', '192.168.0.0/16', '100.64.0.0/16'].entries()) {
      t.Resources[`OnPrem${i}a`] = route('PrivateSubnet1Rt', cidr, { GatewayId: ref('Vgw') });
      t.Resources[`OnPrem${i}b`] = route('PrivateSubnet2Rt', cidr, { GatewayId: ref('Vgw') });
    }
    expectError(t);
  });

  test('fails isolated subnets whose only other route is IPv6 (::/0 through an egress-only internet gateway): no IPv4 way out', () => {
    const t = nodes();
    t.Resources.Eigw = { Type: 'AWS::EC2::EgressOnlyInternetGateway', Properties: { VpcId: ref('Vpc') } };
    t.Resources.V6a = route('PrivateSubnet1Rt', { DestinationIpv6CidrBlock: '::/0' }, { EgressOnlyInternetGatewayId: ref('Eigw') });
    t.Resources.V6b = route('PrivateSubnet2Rt', { DestinationIpv6CidrBlock: '::/0' }, { EgressOnlyInternetGatewayId: ref('Eigw') });
    expectError(t);
  });

  test('warns when a route to a public block (52.94.0.0/16) goes to the internet gateway: a split default route', () => {
    const t = nodes();
    t.Resources.Split1 = route('PrivateSubnet1Rt', '52.94.0.0/16', { GatewayId: ref('Igw') });
    t.Resources.Split2 = route('PrivateSubnet2Rt', '52.94.0.0/16', { GatewayId: ref('Igw') });
    expectUnknown(t);
  });

  test('warns when a route goes to a prefix list', () => {
    const t = nodes();
    t.Resources.Pl1 = route('PrivateSubnet1Rt', { DestinationPrefixListId: 'pl-0123456789abcdef0' }, { GatewayId: ref('Igw') });
    t.Resources.Pl2 = route('PrivateSubnet2Rt', { DestinationPrefixListId: 'pl-0123456789abcdef0' }, { GatewayId: ref('Igw') });
    expectUnknown(t);
  });

  test('warns when the NAT default routes exist only under a parameter condition', () => {
    const t = nodes('nat');
    const when = condition(t);
    t.Resources.Private1Default.Condition = when;
    t.Resources.Private2Default.Condition = when;
    expectUnknown(t);
  });

  test('warns when a subnet has no association and another association\'s SubnetId is a parameter: it may be this subnet\'s', () => {
    const t = nodes('isolated', ['PrivateSubnet2']);
    delete t.Resources.PrivateSubnet2Assoc;
    t.Resources.SomeAssoc = {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: { SubnetId: param(t, 'SomeSubnet', 'AWS::EC2::Subnet::Id'), RouteTableId: ref('PublicSubnetRt') },
    };
    expectUnknown(t, 'Stack/PrivateSubnet2');
  });

  test('warns when the subnet\'s association exists only under a parameter condition', () => {
    const t = nodes('isolated', ['PrivateSubnet1']);
    t.Resources.PrivateSubnet1Assoc.Condition = condition(t);
    expectUnknown(t, 'Stack/PrivateSubnet1');
  });

  test('warns when the subnet\'s association names a route table by literal ID (not in the templates)', () => {
    const t = nodes('isolated', ['PrivateSubnet1']);
    t.Resources.PrivateSubnet1Assoc.Properties.RouteTableId = 'rtb-0123456789abcdef0';
    expectUnknown(t, 'Stack/PrivateSubnet1');
  });

  test('fails nodes in an associated isolated subnet even when another association\'s SubnetId is a parameter (one association per subnet)', () => {
    const t = nodes();
    t.Resources.SomeAssoc = {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: { SubnetId: param(t, 'SomeSubnet', 'AWS::EC2::Subnet::Id'), RouteTableId: ref('PublicSubnetRt') },
    };
    expectError(t);
  });

  test('warns when a route\'s RouteTableId is a parameter: it may be the default route of these tables', () => {
    const t = nodes();
    t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
    t.Resources.OnPrem1 = route('PrivateSubnet1Rt', '192.168.0.0/16', { GatewayId: ref('Vgw') });
    t.Resources.OnPrem2 = route('PrivateSubnet2Rt', '192.168.0.0/16', { GatewayId: ref('Vgw') });
    t.Resources.SomeDefault = { Type: 'AWS::EC2::Route', Properties: { RouteTableId: param(t, 'Table'), DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0123456789abcdef0' } };
    expectUnknown(t);
  });

  test('passes subnets with a certain NAT default route, even beside a route whose RouteTableId is a parameter', () => {
    const t = nodes('nat');
    t.Resources.SomeRoute = { Type: 'AWS::EC2::Route', Properties: { RouteTableId: param(t, 'Table'), DestinationCidrBlock: '172.16.0.0/12', GatewayId: ref('Igw') } };
    expect(verdicts(check(t))).toEqual([]);
  });

  test('warns when the NAT gateway\'s ConnectivityType is a parameter (a private one would lead nowhere)', () => {
    const t = nodes('nat');
    t.Resources.Nat.Properties.ConnectivityType = param(t, 'Connectivity');
    expectUnknown(t);
  });
});

// buildSubnet's default-route targets and natEgress (network-model.ts), read by PublicOnlyNodeEgress
describe('PublicOnlyNodeEgress: how the nodes leave the VPC', () => {
  /** Public mode with an allow-list that holds no address of the VPC; nodes in `subnets`. */
  function publicNodes(egress: 'nat' | 'isolated' = 'nat', subnets?: string[]): Template {
    const t = base({ mode: PUBLIC, cidrs: ['203.0.113.0/24'], egress });
    nodegroup(t, subnets);
    return t;
  }
  function defaultRoutes(t: Template, target: Record<string, Json>): void {
    t.Resources.Private1Default = route('PrivateSubnet1Rt', '0.0.0.0/0', target);
    t.Resources.Private2Default = route('PrivateSubnet2Rt', '0.0.0.0/0', target);
  }
  const oneFinding = (t: Template, verdict: string, message: RegExp) => {
    const findings = check(t);
    expect(verdicts(findings)).toEqual([verdict]);
    expect(findings[0].message).toMatch(message);
  };
  const ownPublicIps = /^the nodes of Stack\/Nodes in Stack\/PublicSubnet reach the internet from their own public IPs, which change and cannot be allow-listed/;

  test('fails nodes in a public subnet (default route to an internet gateway in the template): their public IPs cannot be allow-listed', () => {
    oneFinding(publicNodes('nat', ['PublicSubnet']), 'error PublicOnlyNodeEgress', ownPublicIps);
  });

  test('fails them too when the internet gateway is named by its literal ID', () => {
    const t = publicNodes('nat', ['PublicSubnet']);
    t.Resources.PublicDefault.Properties.GatewayId = 'igw-0123456789abcdef0';
    oneFinding(t, 'error PublicOnlyNodeEgress', ownPublicIps);
  });

  test('fails nodes behind a NAT gateway with ConnectivityType public whose EIP is not allowed, naming the EIP', () => {
    const t = publicNodes();
    t.Resources.Nat.Properties.ConnectivityType = 'public';
    oneFinding(t, 'error PublicOnlyNodeEgress',
      /^The public-only endpoint allows only \[203\.0\.113\.0\/24\], but the nodes of Stack\/Nodes in Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 reach it from the NAT gateway address Stack\/NatEip/);
  });

  test('warns for nodes whose default route goes to a Transit Gateway', () => {
    const t = publicNodes('isolated');
    defaultRoutes(t, { TransitGatewayId: 'tgw-0123456789abcdef0' });
    oneFinding(t, 'unverified PublicOnlyNodeEgress', /leave the VPC through a Transit Gateway\. Confirm the address they reach the internet from is in publicAccessCidrs/);
  });

  test('warns for nodes whose default route goes to a network interface (a firewall appliance)', () => {
    const t = publicNodes('isolated');
    defaultRoutes(t, { NetworkInterfaceId: 'eni-0123456789abcdef0' });
    oneFinding(t, 'unverified PublicOnlyNodeEgress', /leave the VPC through a non-NAT route/);
  });

  test('warns for nodes whose default route goes to a virtual private gateway', () => {
    const t = publicNodes('isolated');
    t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
    defaultRoutes(t, { GatewayId: ref('Vgw') });
    oneFinding(t, 'unverified PublicOnlyNodeEgress', /leave the VPC through a non-NAT route/);
  });

  test('warns for nodes behind a private NAT gateway whose subnet routes on to a Transit Gateway', () => {
    const t = publicNodes('isolated');
    subnet(t, 'TransitSubnet', '10.0.3.0/24');
    t.Resources.TransitDefault = route('TransitSubnetRt', '0.0.0.0/0', { TransitGatewayId: 'tgw-0123456789abcdef0' });
    t.Resources.PrivateNat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('TransitSubnet'), ConnectivityType: 'private' } };
    defaultRoutes(t, { NatGatewayId: ref('PrivateNat') });
    oneFinding(t, 'unverified PublicOnlyNodeEgress', /leave the VPC through a Transit Gateway/);
  });

  test('warns for nodes behind a NAT gateway named by literal ID: its address is not known', () => {
    const t = publicNodes('isolated');
    defaultRoutes(t, { NatGatewayId: 'nat-0123456789abcdef0' });
    oneFinding(t, 'unverified PublicOnlyNodeEgress', /leave through a NAT gateway whose address is not known at synth/);
  });
});

// buildVpc's DHCP options (network-model.ts), read by DhcpOptionsDns
describe('DhcpOptionsDns: the DHCP options set of the cluster VPC', () => {
  function dhcp(servers: Json, associationId: Json = ref('Dhcp')): Template {
    const t = base();
    t.Resources.Dhcp = { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainNameServers: servers } };
    t.Resources.DhcpAssoc = { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: associationId } };
    return t;
  }
  const notReadable = /^Not verifiable at synth: the DHCP options associated with Stack\/Vpc are not readable here/;

  test('fails a set naming only a corporate DNS server, naming the set and the fix', () => {
    const findings = check(dhcp(['192.168.1.10']));
    expect(verdicts(findings)).toEqual(['error DhcpOptionsDns']);
    expect(findings[0].message).toMatch(/the DHCP options Stack\/Dhcp of Stack\/Vpc set domain-name-servers to \[192\.168\.1\.10\] without the Amazon DNS server/);
  });

  test('passes the VPC associated back with the default options set (DhcpOptionsId "default", AmazonProvidedDNS)', () => {
    expect(verdicts(check(dhcp(['192.168.1.10'], 'default')))).toEqual([]);
  });

  test('warns when the association names an options set by literal ID, not in the templates', () => {
    const findings = check(dhcp(['192.168.1.10'], 'dopt-0123456789abcdef0'));
    expect(verdicts(findings)).toEqual(['unverified DhcpOptionsDns']);
    expect(findings[0].message).toMatch(notReadable);
  });

  test('warns when the association names an options set by a parameter', () => {
    const t = dhcp(['192.168.1.10']);
    t.Resources.DhcpAssoc.Properties.DhcpOptionsId = param(t, 'Options');
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified DhcpOptionsDns']);
    expect(findings[0].message).toMatch(notReadable);
  });

  test('warns when the association exists only under a parameter condition', () => {
    const t = dhcp(['192.168.1.10']);
    t.Resources.DhcpAssoc.Condition = condition(t);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified DhcpOptionsDns']);
    expect(findings[0].message).toMatch(notReadable);
  });

  test('warns when a server of the list is a parameter: it may be AmazonProvidedDNS', () => {
    const t = dhcp(['192.168.1.10', { Ref: 'Server' }]);
    param(t, 'Server');
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified DhcpOptionsDns']);
    expect(findings[0].message).toMatch(notReadable);
  });
});

// namesCluster and ofCluster (network-model.ts): which node groups belong to which cluster
describe('node groups, Auto Mode and the cluster they belong to', () => {
  const where = (findings: ReportedFinding[]) => findings.map((f) => `${f.logicalId}: ${verdicts([f])[0]}`);
  /** An isolated network without endpoints, and a second cluster `ClusterB` in the same subnets. */
  function twoClusters(): Template {
    const t = base({ egress: 'isolated' });
    t.Resources.ClusterB = JSON.parse(JSON.stringify(t.Resources.Cluster));
    return t;
  }
  const noEndpoints = /^the nodes of Stack\/Nodes in Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 have no internet egress and Stack\/Vpc has no usable VPC endpoint/;
  const maybeTheirs = /^Not verifiable at synth: it is not known at synth whether the nodes of Stack\/Nodes belong to this cluster\. If they do: /;

  test('judges a node group only on the cluster it refers to, when neither cluster has a Name', () => {
    const t = twoClusters();
    nodegroup(t, undefined, { ClusterName: ref('ClusterB') });
    const findings = check(t);
    expect(where(findings)).toEqual(['ClusterB: error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(noEndpoints);
  });

  test('fails nodes named by the same parameter as the cluster\'s Name: the same name, whatever it is', () => {
    const t = base({ egress: 'isolated' });
    t.Resources.Cluster.Properties.Name = param(t, 'ClusterName');
    nodegroup(t, undefined, { ClusterName: ref('ClusterName') });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(noEndpoints);
  });

  test('judges nodes named by parameter A only on the cluster named by A, not on the one named by parameter B', () => {
    const t = twoClusters();
    t.Resources.Cluster.Properties.Name = param(t, 'NameA');
    t.Resources.ClusterB.Properties.Name = param(t, 'NameB');
    nodegroup(t, undefined, { ClusterName: ref('NameA') });
    expect(where(check(t))).toEqual(['Cluster: error IsolatedNodeEndpoints']);
  });

  test('warns, not fails, when the cluster\'s Name and the node group\'s ClusterName are two different imports', () => {
    const t = base({ egress: 'isolated' });
    t.Resources.Cluster.Properties.Name = { 'Fn::ImportValue': 'cluster-name' };
    nodegroup(t, undefined, { ClusterName: { 'Fn::ImportValue': 'other-cluster-name' } });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(maybeTheirs);
  });

  test('warns, not fails, when the only cluster\'s node group names it by a parameter', () => {
    const t = base({ egress: 'isolated' });
    nodegroup(t, undefined, { ClusterName: param(t, 'Name') });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(maybeTheirs);
  });

  test('warns, not fails, for a node group that exists only under a parameter condition', () => {
    const t = base({ egress: 'isolated' });
    nodegroup(t);
    t.Resources.Nodes.Condition = condition(t);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(maybeTheirs);
  });

  test('warns, not fails, for Auto Mode whose Enabled is a parameter', () => {
    const t = base({ egress: 'isolated' });
    t.Resources.Cluster.Properties.ComputeConfig = { Enabled: param(t, 'AutoMode') };
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints', 'unverified IsolatedNodeEndpoints']);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^Not verifiable at synth: the Auto Mode nodes in .* may have no usable eks-auth endpoint/),
      expect.stringMatching(/^Not verifiable at synth: it is not known at synth whether the Auto Mode nodes belong to this cluster\. .*no usable VPC endpoint for: ec2, ecr\.api, ecr\.dkr, sts, s3\./),
    ]);
  });

  test('warns for Auto Mode when the cluster\'s subnets are a parameter, saying so', () => {
    const t = base({ egress: 'isolated', subnets: { Ref: 'Subnets' } });
    param(t, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    t.Resources.Cluster.Properties.ComputeConfig = { Enabled: true };
    const findings = check(t, ASPECT_RULES.filter((r) => r.id === 'IsolatedNodeEndpoints'));
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the routes of the cluster's subnets, not known at synth \(the Auto Mode nodes\)/);
  });
});

// clientsOf and client (network-model.ts): who is a known API client, and where it runs
describe('known API clients: ClusterBastion, instances, network interfaces, Lambda functions', () => {
  const CLUSTER_BASTION = { 'cdk-eks-endpoint': { client: 'ClusterBastion' } };
  const allowClient = (t: Template) => ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });

  test('fails a ClusterBastion in isolated subnets without the Session Manager endpoints, naming all three', () => {
    const t = base({ egress: 'isolated' });
    endpoints(t);
    bastion(t, {}, CLUSTER_BASTION);
    allowClient(t);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(
      /^Stack\/Bastion in Stack\/PrivateSubnet1 have no internet egress and Stack\/Vpc has no usable VPC endpoint for: ssm, ssmmessages, ec2messages\. Session Manager and kubectl cannot work/);
  });

  test('passes the ClusterBastion with them', () => {
    const t = base({ egress: 'isolated' });
    endpoints(t, [...NODE_SERVICES, 'ssm', 'ssmmessages', 'ec2messages']);
    bastion(t, {}, CLUSTER_BASTION);
    allowClient(t);
    expect(verdicts(check(t))).toEqual([]);
  });

  test('does not ask Session Manager endpoints of an instance that is a client by its access entry only', () => {
    const t = base({ egress: 'isolated' });
    endpoints(t);
    bastion(t);
    allowClient(t);
    expect(verdicts(check(t))).toEqual([]);
  });

  test('names a ClusterBastion as such when it has no 443 path', () => {
    const t = base();
    bastion(t, {}, CLUSTER_BASTION);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Stack\/Bastion \(ClusterBastion\) is in the cluster VPC/);
  });

  test('fails an instance placed by its network interface (SubnetId, GroupSet) with no 443 path', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    instanceClient(t, 'Bastion', { NetworkInterfaces: [{ DeviceIndex: '0', SubnetId: ref('PrivateSubnet1'), GroupSet: [att('ClientSg', 'GroupId')] }] });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Stack\/Bastion \(access entry\) is in the cluster VPC/);
  });

  test('fails a Lambda function with no VpcConfig against a Private cluster: it reaches only public endpoints', () => {
    const t = base();
    lambdaClient(t, 'Fn');
    // an instance with no instance profile beside it is no client and stops nothing
    t.Resources.Web = { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-0123456789abcdef0', SubnetId: ref('PrivateSubnet1') } };
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ConnectedClientPath']);
    expect(findings[0].message).toMatch(/^Stack\/Fn \(access entry\) runs in no VPC, so it can reach only public endpoints, and this one is private only\. Give it a VpcConfig in Stack\/Vpc/);
  });

  test('fails a Lambda function in the cluster VPC with no 443 path', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    lambdaClient(t, 'Fn', { SubnetIds: [ref('PrivateSubnet1')], SecurityGroupIds: [att('ClientSg', 'GroupId')] });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Stack\/Fn \(access entry\) is in the cluster VPC/);
  });

  test('passes a Lambda function in the cluster VPC allowed on 443', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    lambdaClient(t, 'Fn', { SubnetIds: [ref('PrivateSubnet1')], SecurityGroupIds: [att('ClientSg', 'GroupId')] });
    allowClient(t);
    expect(verdicts(check(t))).toEqual([]);
  });
});

// buildVpc's endpoints and endpointService (network-model.ts), read by IsolatedNodeEndpoints
describe('IsolatedNodeEndpoints: which VPC endpoints count', () => {
  function withoutEc2(): Template {
    const t = base({ egress: 'isolated' });
    nodegroup(t);
    endpoints(t, ['ecr.api', 'ecr.dkr', 'sts']);
    return t;
  }
  const unsure = /^Not verifiable at synth: the nodes of Stack\/Nodes in Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 have no internet egress, and the VPC endpoints for ec2 exist only under a deploy-time condition/;

  test('fails when the only ec2 endpoint is in another VPC of the template', () => {
    const t = withoutEc2();
    t.Resources.OtherVpc = vpc('10.9.0.0/16');
    t.Resources.OtherEc2 = interfaceEndpoint('com.amazonaws.us-east-1.ec2', ref('OtherVpc'));
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/has no usable VPC endpoint for: ec2\./);
  });

  test.each([
    ['its VpcId is a parameter', (t: Template) => interfaceEndpoint('com.amazonaws.us-east-1.ec2', param(t, 'SomeVpc', 'AWS::EC2::VPC::Id'))],
    ['its ServiceName is a parameter', (t: Template) => interfaceEndpoint(param(t, 'Service'))],
    ['its ServiceName ends in a parameter', (t: Template) => interfaceEndpoint(join('com.amazonaws.', ref('AWS::Region'), '.', param(t, 'Service')))],
  ])('warns, not fails, for an endpoint that may be the ec2 one: %s', (_, endpoint) => {
    const t = withoutEc2();
    t.Resources.MaybeEc2 = endpoint(t);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(unsure);
  });
});

// openToAll (network-model.ts), read by PublicEndpointOpen
describe('PublicEndpointOpen: does the allow-list admit every address', () => {
  const open = (cidrs: Json[], extra?: (t: Template) => void) => {
    const t = base({ mode: PUBLIC_AND_PRIVATE, cidrs });
    extra?.(t);
    return verdicts(check(t), 'PublicEndpointOpen');
  };

  test.each([
    ['::/0 beside a restricted block', ['::/0', '203.0.113.0/24']],
    ['the two halves of IPv4 in reverse order', ['128.0.0.0/1', '0.0.0.0/1']],
    ['the two halves with a block inside the first', ['0.0.0.0/1', '10.0.0.0/8', '128.0.0.0/1']],
  ])('warns (verified) for %s', (_, cidrs) => {
    expect(open(cidrs)).toEqual(['warning PublicEndpointOpen']);
  });

  test.each([
    ['a restricted block and an IPv6 block that is not ::/0', ['203.0.113.0/24', '2001:db8::/32']],
    ['the same half of IPv4 twice', ['0.0.0.0/1', '0.0.0.0/1']],
    ['seven eighths of IPv4', ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3']],
  ])('says nothing for %s', (_, cidrs) => {
    expect(open(cidrs)).toEqual([]);
  });

  test('says nothing when the only deploy-time entry is an <EIP>/32, which cannot open it', () => {
    expect(open(['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', join(ref('NatEip'), '/32')])).toEqual([]);
  });

  test('warns not verifiable when a deploy-time entry\'s prefix (/1) could complete the list', () => {
    expect(open(['0.0.0.0/1', join(ref('Half'), '/1')], (t) => param(t, 'Half'))).toEqual(['unverified PublicEndpointOpen']);
  });
});

// securityGroupReferencing (network-model.ts), read by ConnectedClientPath
describe('ConnectedClientPath: security-group references across a Transit Gateway', () => {
  function acrossTgw(gateway: Json, attachmentOption?: string): Template {
    const t = base();
    clientVpc(t);
    if (gateway !== undefined) t.Resources.Tgw = { Type: 'AWS::EC2::TransitGateway', Properties: gateway };
    const id = gateway !== undefined ? ref('Tgw') : 'tgw-0123456789abcdef0';
    const options = attachmentOption ? { SecurityGroupReferencingSupport: attachmentOption } : undefined;
    attach(t, 'ClusterAttachment', 'Vpc', id, options);
    attach(t, 'ClientAttachment', 'ClientVpc', id, options);
    routesToGateway(t, id);
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('RemoteSg', 'GroupId') });
    return t;
  }
  const stale = /^Stack\/ClientInstance \(access entry\) reaches the cluster behind the Transit Gateway attachment Stack\/ClusterAttachment, .*security-group references do not work across a Transit Gateway unless SecurityGroupReferencingSupport is enabled/;
  const unreadable = /^Not verifiable at synth: the security groups between Stack\/ClientInstance and the cluster are not all readable here/;

  test.each([
    ['disabled on the attachments, enabled on the gateway', { SecurityGroupReferencingSupport: 'enable' }, 'disable'],
    ['enabled on the attachments, left at its default (off) on the gateway', {}, 'enable'],
  ])('fails a rule naming the client\'s group when referencing is %s', (_, gateway, attachment) => {
    const findings = check(acrossTgw(gateway, attachment));
    expect(verdicts(findings)).toEqual(['error ConnectedClientPath']);
    expect(findings[0].message).toMatch(stale);
  });

  test.each([
    ['enabled on the gateway, left out of the attachments (the EC2 API and CloudFormation disagree on that default)', { SecurityGroupReferencingSupport: 'enable' }, undefined],
    ['enabled on the attachments, the gateway not in the templates', undefined, 'enable'],
  ])('warns when referencing is %s', (_, gateway, attachment) => {
    const findings = check(acrossTgw(gateway, attachment));
    expect(verdicts(findings)).toEqual(['unverified ConnectedClientPath']);
    expect(findings[0].message).toMatch(unreadable);
  });
});

// ConnectedClientPath (rules/connected-client-path.ts) and connections/crosses (network-model.ts)
describe('ConnectedClientPath: known clients in connected VPCs, Private mode', () => {
  /** The client VPC 10.1.0.0/16 with `ClientInstance`, peered and routed back, and TCP 443 from 10.1.0.0/16 into the cluster group. */
  function peered(o: BaseOptions = {}): Template {
    const t = base(o);
    clientVpc(t);
    peering(t);
    ingress(t, 'ToApi', CLUSTER_SG, { CidrIp: '10.1.0.0/16' });
    return t;
  }
  const oneFinding = (t: Template, verdict: string, message: RegExp) => {
    const findings = check(t);
    expect(verdicts(findings)).toEqual([verdict]);
    expect(findings[0].message).toMatch(message);
  };
  const noRouteBack = /^no route in the cluster subnets' route tables leads back across the peering Stack\/Peering in Stack\/ClientVpc, so Stack\/ClientInstance \(access entry\) cannot reach the private endpoint/;
  const routesDeployTime = /^Not verifiable at synth: routes in the cluster subnets' route tables are deploy-time values\. Confirm each table routes traffic for clients across the peering Stack\/Peering/;
  const unconnected = /^Stack\/ClientInstance \(access entry\) is in another VPC with no peering connection or Transit Gateway attachment to Stack\/Vpc in the templates given/;

  test('passes the peered client (the base of this group)', () => {
    expect(verdicts(check(peered()))).toEqual([]);
  });

  test('fails the client when no route leads back to the peering, naming the client', () => {
    const t = peered();
    delete t.Resources.PrivateSubnet1RtToPeering;
    delete t.Resources.PrivateSubnet2RtToPeering;
    oneFinding(t, 'error ConnectedClientPath', noRouteBack);
  });

  test('passes a rule naming the client\'s security group: references work across a peering', () => {
    const t = peered();
    t.Resources.ToApi.Properties = { ...t.Resources.ToApi.Properties, CidrIp: undefined, SourceSecurityGroupId: att('RemoteSg', 'GroupId') };
    expect(verdicts(check(t))).toEqual([]);
  });

  test('passes when the cluster VPC is the accepter of the peering (PeerVpcId)', () => {
    const t = peered();
    t.Resources.Peering.Properties = { VpcId: ref('ClientVpc'), PeerVpcId: ref('Vpc') };
    expect(verdicts(check(t))).toEqual([]);
  });

  test('says nothing in Public & Private mode, where the connected client takes the public path (only ConnectedClientResolution speaks)', () => {
    const t = peered({ mode: PUBLIC_AND_PRIVATE, cidrs: ['203.0.113.0/24'] });
    delete t.Resources.PrivateSubnet1RtToPeering;
    delete t.Resources.ToApi;
    expect(verdicts(check(t))).toEqual(['warning ConnectedClientResolution']);
  });

  test('warns when EndpointPrivateAccess is a parameter (with public access off)', () => {
    const t = peered({ mode: { EndpointPublicAccess: false, EndpointPrivateAccess: { Ref: 'PrivateAccess' } } });
    param(t, 'PrivateAccess');
    delete t.Resources.ToApi;
    oneFinding(t, 'unverified ConnectedClientPath', /^Not verifiable at synth: the endpoint access flags are deploy-time values/);
  });

  test('fails a client in another VPC with no connection at all, naming the cluster VPC', () => {
    const t = base();
    clientVpc(t);
    oneFinding(t, 'error ConnectedClientPath', unconnected);
  });

  test('fails a client in a VPC with no connection even when the cluster VPC is peered with a third one', () => {
    const t = base();
    clientVpc(t);
    clientVpc(t, 'OtherVpc', '10.2.0.0/16', false);
    peering(t, 'OtherPeering', ref('OtherVpc'), '10.2.0.0/16');
    ingress(t, 'ToApi', CLUSTER_SG, { CidrIp: '10.2.0.0/16' });
    oneFinding(t, 'error ConnectedClientPath', unconnected);
  });

  test('judges a second connection with no known client apart: warnings for it, no error', () => {
    const t = peered();
    clientVpc(t, 'OtherVpc', '10.2.0.0/16', false);
    peering(t, 'OtherPeering', ref('OtherVpc'), '10.2.0.0/16', false);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ConnectedClientPath', 'unverified ConnectedClientPath']);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^Not verifiable at synth: no known API client is across the peering Stack\/OtherPeering in Stack\/OtherVpc\. If there are some: no route .* so clients across the peering Stack\/OtherPeering in Stack\/OtherVpc cannot reach/),
      expect.stringMatching(/^Not verifiable at synth: no known API client is across the peering Stack\/OtherPeering in Stack\/OtherVpc\. If there are some: the cluster security groups allow TCP 443 from no address outside Stack\/Vpc/),
    ]);
  });

  test('warns when a cluster subnet is imported by ID: its route table is not in the templates', () => {
    const t = peered({ subnets: [ref('PrivateSubnet1'), 'subnet-0123456789abcdef0'] });
    oneFinding(t, 'unverified ConnectedClientPath', /^Not verifiable at synth: the route tables of the cluster subnets are not all in the templates given/);
  });

  test('warns when the routes back name the peering by a parameter', () => {
    const t = peered();
    const target = param(t, 'PeeringId');
    t.Resources.PrivateSubnet1RtToPeering.Properties.VpcPeeringConnectionId = target;
    t.Resources.PrivateSubnet2RtToPeering.Properties.VpcPeeringConnectionId = target;
    oneFinding(t, 'unverified ConnectedClientPath', routesDeployTime);
  });

  test('warns when one table routes back by a parameter and the other routes back to the peering', () => {
    const t = peered();
    t.Resources.PrivateSubnet1RtToPeering.Properties.VpcPeeringConnectionId = param(t, 'PeeringId');
    oneFinding(t, 'unverified ConnectedClientPath', routesDeployTime);
  });

  test('fails when one table routes back by a parameter and the other not at all', () => {
    const t = peered();
    t.Resources.PrivateSubnet1RtToPeering.Properties.VpcPeeringConnectionId = param(t, 'PeeringId');
    delete t.Resources.PrivateSubnet2RtToPeering;
    oneFinding(t, 'error ConnectedClientPath', noRouteBack);
  });

  test('warns when the routes back exist only under a parameter condition', () => {
    const t = peered();
    const when = condition(t);
    t.Resources.PrivateSubnet1RtToPeering.Condition = when;
    t.Resources.PrivateSubnet2RtToPeering.Condition = when;
    oneFinding(t, 'unverified ConnectedClientPath', routesDeployTime);
  });

  test('warns when no route leads back but a route\'s RouteTableId is a parameter: it may be the missing one', () => {
    const t = peered();
    delete t.Resources.PrivateSubnet1RtToPeering;
    delete t.Resources.PrivateSubnet2RtToPeering;
    t.Resources.SomeRoute = { Type: 'AWS::EC2::Route', Properties: { RouteTableId: param(t, 'Table'), DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: ref('Peering') } };
    oneFinding(t, 'unverified ConnectedClientPath', routesDeployTime);
  });

  test('warns when the client\'s 443 rule has a deploy-time port', () => {
    const t = peered();
    t.Resources.ToApi.Properties.FromPort = param(t, 'Port', 'Number');
    oneFinding(t, 'unverified ConnectedClientPath', /^Not verifiable at synth: the security groups between Stack\/ClientInstance and the cluster are not all readable here/);
  });

  test('fails a client behind a Transit Gateway with no 443 rule at all, and does not blame security-group referencing', () => {
    const t = base();
    clientVpc(t);
    t.Resources.Tgw = { Type: 'AWS::EC2::TransitGateway', Properties: {} };
    attach(t, 'ClusterAttachment', 'Vpc', ref('Tgw'));
    attach(t, 'ClientAttachment', 'ClientVpc', ref('Tgw'));
    routesToGateway(t, ref('Tgw'));
    oneFinding(t, 'error ConnectedClientPath',
      /^Stack\/ClientInstance \(access entry\) reaches the cluster behind the Transit Gateway attachment Stack\/ClusterAttachment, but no security group rule allows TCP 443 from it/);
  });

  test('passes a client behind a Transit Gateway attached with the older AWS::EC2::TransitGatewayAttachment type', () => {
    const t = base();
    clientVpc(t);
    attach(t, 'ClusterAttachment', 'Vpc', 'tgw-0123456789abcdef0', undefined, 'AWS::EC2::TransitGatewayAttachment');
    attach(t, 'ClientAttachment', 'ClientVpc', 'tgw-0123456789abcdef0', undefined, 'AWS::EC2::TransitGatewayAttachment');
    routesToGateway(t, 'tgw-0123456789abcdef0');
    ingress(t, 'ToApi', CLUSTER_SG, { CidrIp: '10.1.0.0/16' });
    expect(verdicts(check(t))).toEqual([]);
  });

  test('passes a client whose VPC is attached to the cluster\'s Transit Gateway and also peered with a third VPC', () => {
    const t = base();
    clientVpc(t);
    clientVpc(t, 'ThirdVpc', '10.3.0.0/16', false);
    t.Resources.ClientToThird = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: ref('ClientVpc'), PeerVpcId: ref('ThirdVpc') } };
    attach(t, 'ClusterAttachment', 'Vpc', 'tgw-0123456789abcdef0');
    attach(t, 'ClientAttachment', 'ClientVpc', 'tgw-0123456789abcdef0');
    routesToGateway(t, 'tgw-0123456789abcdef0');
    ingress(t, 'ToApi', CLUSTER_SG, { CidrIp: '10.1.0.0/16' });
    expect(verdicts(check(t))).toEqual([]);
  });

  test('fails a client whose VPC is attached to another Transit Gateway than the cluster\'s', () => {
    const t = base();
    clientVpc(t);
    t.Resources.TgwA = { Type: 'AWS::EC2::TransitGateway', Properties: {} };
    t.Resources.TgwB = { Type: 'AWS::EC2::TransitGateway', Properties: {} };
    attach(t, 'ClusterAttachment', 'Vpc', ref('TgwA'));
    attach(t, 'ClientAttachment', 'ClientVpc', ref('TgwB'));
    routesToGateway(t, ref('TgwA'));
    ingress(t, 'ToApi', CLUSTER_SG, { CidrIp: '10.1.0.0/16' });
    oneFinding(t, 'error ConnectedClientPath', unconnected);
  });

  test.each([
    ['a peering\'s VpcId', { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: { Ref: 'SomeVpc' }, PeerVpcId: ref('ClientVpc') } }],
    ['a peering\'s PeerVpcId', { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: ref('ClientVpc'), PeerVpcId: { Ref: 'SomeVpc' } } }],
    ['a TransitGatewayVpcAttachment\'s VpcId', { Type: 'AWS::EC2::TransitGatewayVpcAttachment', Properties: { VpcId: { Ref: 'SomeVpc' }, TransitGatewayId: 'tgw-0123456789abcdef0', SubnetIds: [] } }],
    ['a TransitGatewayAttachment\'s VpcId', { Type: 'AWS::EC2::TransitGatewayAttachment', Properties: { VpcId: { Ref: 'SomeVpc' }, TransitGatewayId: 'tgw-0123456789abcdef0', SubnetIds: [] } }],
  ])('warns, not fails, for a client with no connection when %s is a parameter: it may be the missing link', (_, link) => {
    const t = base();
    clientVpc(t);
    param(t, 'SomeVpc', 'AWS::EC2::VPC::Id');
    t.Resources.MaybeLink = link;
    oneFinding(t, 'unverified ConnectedClientPath', /^Not verifiable at synth: a peering connection or attachment in the templates joins VPCs known only at deploy time\. If none joins these: Stack\/ClientInstance/);
  });

  test('reads a cluster VPC imported by ID (from its security group\'s literal VpcId) and its peering to a client VPC', () => {
    const t = base({ subnets: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'], securityGroupIds: ['sg-0aaaaaaaaaaaaaaaa', att('ControlSg', 'GroupId')] });
    securityGroup(t, 'ControlSg', 'vpc-0123456789abcdef0', { SecurityGroupIngress: [{ ...TCP_443, CidrIp: '10.1.0.0/16' }] });
    clientVpc(t);
    t.Resources.Peering = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: 'vpc-0123456789abcdef0', PeerVpcId: ref('ClientVpc') } };
    // a peering between two other VPCs is not the cluster's
    t.Resources.Unrelated = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: 'vpc-0999999999999999a', PeerVpcId: 'vpc-0888888888888888b' } };
    // a second peering, to a VPC outside the templates, with no known client: the cluster VPC's CIDR block is not known either
    t.Resources.Outside = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: 'vpc-0123456789abcdef0', PeerVpcId: 'vpc-0777777777777777c' } };
    // the client side routes a block for the cluster VPC, whose own block is not known here: the warning on the routes covers it
    t.Resources.ClientBack = route('ClientVpcSubnetRt', '10.0.0.0/16', { VpcPeeringConnectionId: ref('Peering') });
    const findings = check(t);
    expect(verdicts(findings)).toEqual([
      'unverified VpcDnsSupport', 'unverified VpcDnsHostnames', 'unverified DhcpOptionsDns',
      'unverified ConnectedClientPath', 'unverified ConnectedClientPath', 'unverified ConnectedClientPath',
    ]);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: imported VPC vpc-0123456789abcdef0 is not defined in the templates given/);
    expect(findings[2].message).toMatch(/^Not verifiable at synth: imported VPC vpc-0123456789abcdef0 is not defined in the templates given\. If it has a custom DHCP options set/);
    expect(findings.slice(3).map((f) => f.message)).toEqual([
      expect.stringMatching(/^Not verifiable at synth: the route tables of the cluster subnets are not all in the templates given\. Confirm they route traffic for clients across the peering Stack\/Peering in Stack\/ClientVpc back/),
      expect.stringMatching(/^Not verifiable at synth: the route tables of the cluster subnets are not all in the templates given\. Confirm they route traffic for clients across the peering Stack\/Outside back/),
      expect.stringMatching(/^Not verifiable at synth: the rules of the cluster's security groups for clients across the peering Stack\/Outside are not all readable here/),
    ]);
  });
});

// ingressFromOutside (rules/connected-client-path.ts): a connection with no known client behind it
describe('ConnectedClientPath: TCP 443 for a connection with no known client', () => {
  /** A peering (routed back) to `PeerVpc` 10.1.0.0/16 with nobody known in it, or to a VPC not in the templates. */
  function unknownClients(source: Record<string, Json> | undefined, peerInTemplates = true, extra?: (t: Template) => void): Template {
    const t = base();
    if (peerInTemplates) {
      clientVpc(t, 'PeerVpc', '10.1.0.0/16', false);
      securityGroup(t, 'PeerSg', ref('PeerVpc'));
      peering(t, 'Peering', ref('PeerVpc'), '10.1.0.0/16');
    } else {
      peering(t, 'Peering', 'vpc-0123456789abcdef0', '172.16.0.0/12');
    }
    securityGroup(t, 'LocalSg');
    param(t, 'Cidr');
    param(t, 'Port', 'Number');
    if (source) ingress(t, 'ToApi', CLUSTER_SG, source);
    extra?.(t);
    return t;
  }
  const noAddress = /^Not verifiable at synth: no known API client is across the peering Stack\/Peering.*If there are some: the cluster security groups allow TCP 443 from no address outside Stack\/Vpc/;
  const notReadable = /^Not verifiable at synth: the rules of the cluster's security groups for clients across the peering Stack\/Peering.* are not all readable here/;
  const expectOne = (t: Template, message: RegExp) => {
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ConnectedClientPath']);
    expect(findings[0].message).toMatch(message);
  };

  test.each([
    ['the peer VPC\'s CIDR block', { CidrIp: '10.1.0.0/16' }],
    ['0.0.0.0/0', { CidrIp: '0.0.0.0/0' }],
    ['a security group of the peer VPC', { SourceSecurityGroupId: att('PeerSg', 'GroupId') }],
  ])('passes TCP 443 from %s', (_, source) => {
    expect(verdicts(check(unknownClients(source)))).toEqual([]);
  });

  test.each([
    ['no rule at all', undefined],
    ['a rule from the cluster VPC\'s own CIDR block only', { CidrIp: '10.0.0.0/16' }],
    ['a rule from a security group of the cluster VPC only', { SourceSecurityGroupId: att('LocalSg', 'GroupId') }],
    ['a rule from 0.0.0.0/0 for tcp 22 only', { CidrIp: '0.0.0.0/0', FromPort: 22, ToPort: 22 }],
    ['a rule from a block that is neither VPC (192.168.0.0/16)', { CidrIp: '192.168.0.0/16' }],
  ])('warns that nothing allows 443 from outside the VPC with %s', (_, source) => {
    expectOne(unknownClients(source), noAddress);
  });

  test.each([
    ['from a CIDR block that is a parameter', { CidrIp: { Ref: 'Cidr' } }],
    ['with a deploy-time FromPort', { CidrIp: '10.1.0.0/16', FromPort: { Ref: 'Port' } }],
  ])('warns that the rules are not readable for a rule %s', (_, source) => {
    expectOne(unknownClients(source), notReadable);
  });

  test('warns that the rules are not readable for a rule under a parameter condition', () => {
    expectOne(unknownClients({ CidrIp: '10.1.0.0/16' }, true, (t) => { t.Resources.ToApi.Condition = condition(t); }), notReadable);
  });

  describe('the peer VPC not in the templates', () => {
    test('passes TCP 443 from a block outside the cluster VPC', () => {
      expect(verdicts(check(unknownClients({ CidrIp: '172.16.0.0/12' }, false)))).toEqual([]);
    });

    test('warns that nothing allows 443 from outside the VPC with a rule from the cluster VPC\'s CIDR block only', () => {
      expectOne(unknownClients({ CidrIp: '10.0.0.0/16' }, false), noAddress);
    });

    test('warns that the rules are not readable for a rule from a CIDR block that is a parameter', () => {
      expectOne(unknownClients({ CidrIp: { Ref: 'Cidr' } }, false), notReadable);
    });

    test('warns that nothing allows 443 from outside the VPC with a rule from a security group of the cluster VPC only', () => {
      expectOne(unknownClients({ SourceSecurityGroupId: att('LocalSg', 'GroupId') }, false), noAddress);
    });
  });
});

// buildVpc's inboundResolvers (network-model.ts), read by ConnectedClientResolution
describe('ConnectedClientResolution: which Resolver endpoints are inbound endpoints in the cluster VPC', () => {
  test('warns to add an inbound endpoint in the cluster VPC when there is only an outbound one there and an inbound one in the client VPC', () => {
    const t = base({ mode: PUBLIC_AND_PRIVATE, cidrs: ['203.0.113.0/24'] });
    clientVpc(t);
    peering(t);
    const resolver = (direction: string, subnets: Json[]) => ({
      Type: 'AWS::Route53Resolver::ResolverEndpoint',
      Properties: { Direction: direction, IpAddresses: subnets.map((s) => ({ SubnetId: s })), SecurityGroupIds: ['sg-0123456789abcdef0'] },
    });
    t.Resources.Outbound = resolver('OUTBOUND', [ref('PrivateSubnet1'), ref('PrivateSubnet2')]);
    t.Resources.InboundInClientVpc = resolver('INBOUND', [ref('ClientVpcSubnet')]);
    t.Resources.InboundElsewhere = resolver('INBOUND', ['subnet-0123456789abcdef0']);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['warning ConnectedClientResolution']);
    expect(findings[0].message).toMatch(/^Clients across the peering Stack\/Peering in Stack\/ClientVpc resolve the endpoint to its public addresses .*add a Route 53 Resolver inbound endpoint in the cluster VPC/);
  });
});

describe('PublicOnlyNodeEgress: node subnets that are a parameter', () => {
  test('warns once, naming the parameter', () => {
    const t = base({ mode: PUBLIC, cidrs: ['203.0.113.0/24'] });
    nodegroup(t, [], { Subnets: param(t, 'NodeSubnets', 'List<AWS::EC2::Subnet::Id>') });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified PublicOnlyNodeEgress']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the subnets of the nodes of Stack\/Nodes are parameter NodeSubnets/);
  });
});

/**
 * Clients the engine cannot place, or that may not be this cluster's: what they are is not known
 * at synth, so each is a not-verifiable warning (docs/RULES.md: an unknown is never a pass),
 * never an error. Found by the mutation run's reader: all three used to give no finding at all.
 */
describe('clients that cannot be placed, or may be another cluster\'s: a warning, never silence, never an error', () => {
  test('a client whose subnet and security groups are parameters, beside a Private cluster', () => {
    const t = base();
    instanceClient(t, 'Bastion', {
      SubnetId: param(t, 'BastionSubnet', 'AWS::EC2::Subnet::Id'),
      SecurityGroupIds: param(t, 'BastionGroups', 'List<AWS::EC2::SecurityGroup::Id>'),
    });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: where Stack\/Bastion \(access entry\) runs is not known here .*confirm the cluster security group allows TCP 443 from it/);
  });

  test('a client in a VPC of the template, beside a Private cluster whose subnets (and so VPC) are a parameter', () => {
    const t = base({ subnets: { Ref: 'Subnets' } });
    param(t, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    clientVpc(t);
    const findings = check(t);
    expect(findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(messages(findings, 'VpcDnsSupport')).toEqual([expect.stringMatching(/^Not verifiable at synth: the cluster's VPC \(its subnets are parameter Subnets/)]);
    expect(messages(findings, 'ClientSecurityGroupPath')).toEqual([expect.stringMatching(/^Not verifiable at synth: where Stack\/ClientInstance \(access entry\) runs is not known here \(its subnet, or the cluster's VPC \(its subnets are parameter Subnets/)]);
  });

  test('an instance with no 443 path whose access entry names the cluster by a parameter: it may be another cluster\'s', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    instanceClient(t, 'Bastion', { SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att('ClientSg', 'GroupId')] },
      { entry: { ClusterName: param(t, 'ClusterName') } });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the access entry of Stack\/Bastion names its cluster by a deploy-time value, or exists under a condition\. If it is an API client of this cluster: Stack\/Bastion \(access entry\) is in the cluster VPC/);
  });

  test('the same instance with its 443 rule: nothing to confirm, no finding', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    instanceClient(t, 'Bastion', { SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att('ClientSg', 'GroupId')] },
      { entry: { ClusterName: param(t, 'ClusterName') } });
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });
    expect(verdicts(check(t))).toEqual([]);
  });

  test('an instance with no 443 path whose access entry exists under a condition', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    instanceClient(t, 'Bastion', { SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att('ClientSg', 'GroupId')] });
    t.Resources.BastionEntry.Condition = condition(t);
    expect(verdicts(check(t))).toEqual(['unverified ClientSecurityGroupPath']);
  });
});

describe('compute whose ClusterName is a parameter, with two clusters in the template', () => {
  /** Two Private clusters in the same isolated VPC with no endpoints, and a node group whose ClusterName is a parameter. */
  function twoClustersOneNodegroup(nameB?: (t: Template) => Json): Template {
    const t = base({ egress: 'isolated' });
    t.Resources.ClusterB = JSON.parse(JSON.stringify(t.Resources.Cluster));
    if (nameB) t.Resources.ClusterB.Properties.Name = nameB(t);
    nodegroup(t, undefined, { ClusterName: param(t, 'NodesCluster') });
    return t;
  }
  const where = (findings: ReportedFinding[]) => findings.map((f) => `${f.logicalId}: ${verdicts([f])[0]}`);

  test('warns on each cluster it may belong to (was: silence with two clusters, a warning with one)', () => {
    expect(where(check(twoClustersOneNodegroup()))).toEqual(['Cluster: unverified IsolatedNodeEndpoints', 'ClusterB: unverified IsolatedNodeEndpoints']);
  });

  test('warns only on the cluster it may belong to when the other is named by the node group\'s own parameter', () => {
    expect(where(check(twoClustersOneNodegroup(() => ref('NodesCluster'))))).toEqual(['ClusterB: error IsolatedNodeEndpoints']);
  });
});

// reachable and admits (rules/isolated-node-endpoints.ts): an endpoint that exists may still not serve the nodes
describe('IsolatedNodeEndpoints: an ec2 endpoint that may not serve the nodes', () => {
  function withEc2(change: (endpoint: Json, t: Template) => void): Template {
    const t = base({ egress: 'isolated' });
    nodegroup(t);
    endpoints(t);
    change(t.Resources.Epec2, t);
    return t;
  }
  const missingEc2 = /^the nodes of Stack\/Nodes in Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 have no internet egress and Stack\/Vpc has no usable VPC endpoint for: ec2\./;
  const unsureEc2 = /^Not verifiable at synth: the nodes of .* have no internet egress, and the VPC endpoints for ec2 exist only under a deploy-time condition or have security groups not readable here/;

  test.each([
    ['has no PrivateDnsEnabled (CloudFormation\'s default is false)', (e: Json) => { delete e.Properties.PrivateDnsEnabled; }],
    ['has PrivateDnsEnabled false, under a parameter condition', (e: Json, t: Template) => { e.Properties.PrivateDnsEnabled = false; e.Condition = condition(t); }],
    ['has a security group that admits only tcp 22 from the VPC', (_: Json, t: Template) => {
      t.Resources.Ec2Sg = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'ec2', VpcId: ref('Vpc'), SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '10.0.0.0/16' }] } };
      t.Resources.Epec2.Properties.SecurityGroupIds = [att('Ec2Sg', 'GroupId')];
    }],
    ['has a security group that admits only IPv6 (::/0)', (_: Json, t: Template) => {
      t.Resources.Ec2Sg = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'ec2', VpcId: ref('Vpc'), SecurityGroupIngress: [{ ...TCP_443, CidrIpv6: '::/0' }] } };
      t.Resources.Epec2.Properties.SecurityGroupIds = [att('Ec2Sg', 'GroupId')];
    }],
  ])('fails when the ec2 interface endpoint %s', (_, change) => {
    const findings = check(withEc2(change));
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(missingEc2);
  });

  test.each([
    ['its PrivateDnsEnabled is a parameter', (e: Json, t: Template) => { e.Properties.PrivateDnsEnabled = param(t, 'PrivateDns'); }],
    ['its VpcEndpointType is a parameter', (e: Json, t: Template) => { e.Properties.VpcEndpointType = param(t, 'EndpointType'); }],
    ['its security group is imported by ID', (e: Json) => { e.Properties.SecurityGroupIds = ['sg-0123456789abcdef0']; }],
  ])('warns when %s', (_, change) => {
    const findings = check(withEc2(change));
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(unsureEc2);
  });

  test('warns when the s3 gateway endpoint\'s route tables are a parameter', () => {
    const t = withEc2(() => undefined);
    t.Resources.EpS3.Properties.RouteTableIds = [ref('PrivateSubnet1Rt'), param(t, 'OtherTable')];
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/the VPC endpoints for s3 exist only under a deploy-time condition/);
  });

  test('warns, not fails, for isolated subnets that route to a peering: shared endpoints may serve them', () => {
    const t = base({ egress: 'isolated' });
    nodegroup(t);
    clientVpc(t, 'SharedVpc', '10.1.0.0/16', false);
    peering(t, 'Peering', ref('SharedVpc'));
    ingress(t, 'FromShared', CLUSTER_SG, { CidrIp: '10.1.0.0/16' });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/route to another network \(Transit Gateway or peering\), where shared VPC endpoints may serve them\. If none do: .*no usable VPC endpoint for: ec2, ecr\.api, ecr\.dkr, sts, s3\./);
  });
});

// vpc-attribute-rule.ts, dhcp-options-dns.ts, client-security-group-path.ts: the mode and what is unknown
describe('the rules that need private access', () => {
  test('VpcDnsSupport warns, not fails, when EnableDnsSupport is a parameter', () => {
    const t = base();
    t.Resources.Vpc.Properties.EnableDnsSupport = param(t, 'DnsSupport');
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified VpcDnsSupport']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: enableDnsSupport of Stack\/Vpc or the cluster's private access is a deploy-time value/);
  });

  test('VpcDnsHostnames warns, not fails, on a VPC with DNS hostnames off when EndpointPrivateAccess is a parameter', () => {
    const t = base({ mode: { EndpointPublicAccess: true, EndpointPrivateAccess: { Ref: 'PrivateAccess' } }, cidrs: ['203.0.113.0/24'] });
    param(t, 'PrivateAccess');
    t.Resources.Vpc.Properties.EnableDnsHostnames = false;
    expect(verdicts(check(t), 'VpcDnsHostnames')).toEqual(['unverified VpcDnsHostnames']);
  });

  test('VpcDnsHostnames fails a VPC with DNS hostnames off when private access is on', () => {
    const t = base();
    t.Resources.Vpc.Properties.EnableDnsHostnames = false;
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error VpcDnsHostnames']);
    expect(findings[0].message).toMatch(/^Private access is on, but DNS hostnames are off in Stack\/Vpc/);
  });

  test('reads the flags as CloudFormation does: EndpointPrivateAccess "TRUE", EndpointPublicAccess "false", EnableDnsHostnames "False"', () => {
    const t = base({ mode: { EndpointPublicAccess: 'false', EndpointPrivateAccess: 'TRUE' } });
    t.Resources.Vpc.Properties.EnableDnsHostnames = 'False';
    expect(verdicts(check(t))).toEqual(['error VpcDnsHostnames']);
  });

  test('DhcpOptionsDns says nothing in Public mode: nothing resolves the private zone there', () => {
    const t = base({ mode: PUBLIC, cidrs: [join(ref('NatEip'), '/32')] });
    t.Resources.Dhcp = { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainNameServers: ['192.168.1.10'] } };
    t.Resources.DhcpAssoc = { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: ref('Dhcp') } };
    expect(verdicts(check(t))).toEqual([]);
  });

  test('ClientSecurityGroupPath says nothing in Public mode: the client takes the public path, through the NAT gateway the allow-list admits', () => {
    const t = base({ mode: PUBLIC, cidrs: [join(ref('NatEip'), '/32')] });
    bastion(t);
    expect(verdicts(check(t))).toEqual([]);
  });
});

// connected-client-resolution.ts
describe('ConnectedClientResolution: Public & Private mode', () => {
  function resolving(): Template {
    const t = base({ mode: PUBLIC_AND_PRIVATE, cidrs: ['203.0.113.0/24'] });
    clientVpc(t);
    peering(t);
    ingress(t, 'ToApi', CLUSTER_SG, { CidrIp: '10.1.0.0/16' });
    t.Resources.Inbound = {
      Type: 'AWS::Route53Resolver::ResolverEndpoint',
      Properties: {
        Direction: 'INBOUND', IpAddresses: [{ SubnetId: ref('PrivateSubnet1'), Ip: '10.0.1.10' }, { SubnetId: ref('PrivateSubnet2'), Ip: '10.0.2.10' }],
        SecurityGroupIds: ['sg-0123456789abcdef0'],
      },
    };
    return t;
  }
  function rule(t: Template, id: string, ruleType: string, domain: string, vpcs: string[]): void {
    t.Resources[id] = { Type: 'AWS::Route53Resolver::ResolverRule', Properties: { RuleType: ruleType, DomainName: domain, ...(ruleType === 'FORWARD' ? { ResolverEndpointId: 'rslvr-out-0123456789abcdef0', TargetIps: [{ Ip: '10.0.1.10' }] } : {}) } };
    for (const vpcId of vpcs) {
      t.Resources[`${id}To${vpcId}`] = { Type: 'AWS::Route53Resolver::ResolverRuleAssociation', Properties: { ResolverRuleId: att(id, 'ResolverRuleId'), VPCId: ref(vpcId) } };
    }
  }
  const noForward = /^Stack\/Vpc has an inbound Resolver endpoint, but no FORWARD rule for the endpoint's name is associated with Stack\/ClientVpc/;

  test('passes a FORWARD rule for <region>.eks.amazonaws.com. associated with the client VPC (and another VPC), beside an unrelated FORWARD rule', () => {
    const t = resolving();
    clientVpc(t, 'OtherVpc', '10.2.0.0/16', false);
    rule(t, 'Corp', 'FORWARD', 'corp.example.com', ['OtherVpc']);
    rule(t, 'Eks', 'FORWARD', 'us-east-1.eks.amazonaws.com.', ['OtherVpc', 'ClientVpc']);
    expect(verdicts(check(t))).toEqual([]);
  });

  test('fails the client with forwarding and no 443 rule: it takes the private path (ConnectedClientPath)', () => {
    const t = resolving();
    delete t.Resources.ToApi;
    rule(t, 'Eks', 'FORWARD', 'eks.amazonaws.com', ['ClientVpc']);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ConnectedClientPath']);
    expect(findings[0].message).toMatch(/^Stack\/ClientInstance \(access entry\) reaches the cluster across the peering .*no security group rule allows TCP 443 from it/);
  });

  test('warns, and does not fail, for the same client when the forwarding rule\'s domain is a parameter: whether it goes private is not known', () => {
    const t = resolving();
    delete t.Resources.ToApi;
    rule(t, 'Eks', 'FORWARD', 'eks.amazonaws.com', ['ClientVpc']);
    t.Resources.Eks.Properties.DomainName = param(t, 'Domain');
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ConnectedClientResolution', 'unverified ConnectedClientPath']);
    expect(findings[1].message).toMatch(/^Not verifiable at synth: whether Stack\/ClientInstance resolves the endpoint's private addresses depends on Route 53 Resolver forwarding/);
  });

  test('says nothing of the path without forwarding: the client goes the public way', () => {
    const t = resolving();
    delete t.Resources.ToApi;
    delete t.Resources.PrivateSubnet1RtToPeering;
    expect(verdicts(check(t))).toEqual(['warning ConnectedClientResolution']);
  });

  test('warns when only a SYSTEM rule for the endpoint domain and FORWARD rules for other domains are associated with the client VPC', () => {
    const t = resolving();
    rule(t, 'System', 'SYSTEM', 'eks.amazonaws.com', ['ClientVpc']);
    rule(t, 'Corp', 'FORWARD', 'corp.example.com', ['ClientVpc']);
    rule(t, 'Lookalike', 'FORWARD', 'eks.amazonaws.com.corp.example', ['ClientVpc']);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['warning ConnectedClientResolution']);
    expect(findings[0].message).toMatch(noForward);
  });

  test('warns when the forwarding rule is associated with another VPC only (and another rule with the client VPC)', () => {
    const t = resolving();
    clientVpc(t, 'OtherVpc', '10.2.0.0/16', false);
    rule(t, 'Eks', 'FORWARD', 'eks.amazonaws.com', ['OtherVpc']);
    rule(t, 'Corp', 'FORWARD', 'corp.example.com', ['ClientVpc']);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['warning ConnectedClientResolution']);
    expect(findings[0].message).toMatch(noForward);
  });

  test('warns not verifiable when the peer VPC is not in the templates', () => {
    const t = resolving();
    t.Resources.Peering.Properties.PeerVpcId = 'vpc-0123456789abcdef0';
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ConnectedClientResolution']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: clients across the peering Stack\/Peering are in a network outside the templates given\. Confirm it forwards the endpoint's host name \(or <region>\.eks\.amazonaws\.com\) to the inbound Resolver endpoint in Stack\/Vpc/);
  });

  test('warns not verifiable when the endpoint flags are parameters', () => {
    const t = resolving();
    t.Resources.Cluster.Properties.ResourcesVpcConfig.EndpointPrivateAccess = param(t, 'PrivateAccess');
    const findings = check(t, ASPECT_RULES.filter((r) => r.id === 'ConnectedClientResolution'));
    expect(verdicts(findings)).toEqual(['unverified ConnectedClientResolution']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the endpoint access flags are deploy-time values\. In Public & Private mode, clients across Stack\/Peering resolve the public addresses/);
  });

  test('warns not verifiable when the cluster VPC is imported by ID', () => {
    const t = base({ mode: PUBLIC_AND_PRIVATE, cidrs: ['203.0.113.0/24'], subnets: ['subnet-0aaaaaaaaaaaaaaaa'], securityGroupIds: [att('ControlSg', 'GroupId')] });
    securityGroup(t, 'ControlSg', 'vpc-0123456789abcdef0');
    clientVpc(t);
    t.Resources.Peering = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: 'vpc-0123456789abcdef0', PeerVpcId: ref('ClientVpc') } };
    const findings = check(t, ASPECT_RULES.filter((r) => r.id === 'ConnectedClientResolution'));
    expect(verdicts(findings)).toEqual(['unverified ConnectedClientResolution']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: clients across the peering Stack\/Peering in Stack\/ClientVpc reach imported VPC vpc-0123456789abcdef0, which is not in the templates given/);
  });
});

// public-only-node-egress.ts: the allow-list against the addresses nodes and clients leave from
describe('PublicOnlyNodeEgress: the allow-list and the NAT gateway addresses', () => {
  function publicNodes(cidrs: Json, subnets?: string[]): Template {
    const t = base({ mode: PUBLIC, cidrs });
    nodegroup(t, subnets);
    return t;
  }
  const natNotAllowed = (eip: string) =>
    new RegExp(`^The public-only endpoint allows only \\[.*\\], but the nodes of Stack/Nodes in .* reach it from the NAT gateway address Stack/${eip}: nodes will never join`);

  test.each([
    ['the NAT EIP by Ref, beside a restricted block', [join(ref('NatEip'), '/32'), '203.0.113.0/24']],
    ['the NAT EIP by its PublicIp attribute', [join(att('NatEip', 'PublicIp'), '/32')]],
  ])('passes an allow-list holding %s', (_, cidrs) => {
    expect(verdicts(check(publicNodes(cidrs)))).toEqual([]);
  });

  test('fails an allow-list that holds another EIP of the template, not the NAT gateway\'s', () => {
    const t = publicNodes([join(ref('OtherEip'), '/32')]);
    t.Resources.OtherEip = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error PublicOnlyNodeEgress']);
    expect(findings[0].message).toMatch(natNotAllowed('NatEip'));
  });

  test('warns, not fails, when an entry of the allow-list is a parameter: it may be the NAT address', () => {
    const t = publicNodes(['203.0.113.0/24', { Ref: 'Extra' }]);
    param(t, 'Extra');
    const findings = check(t, ASPECT_RULES.filter((r) => r.id === 'PublicOnlyNodeEgress'));
    expect(verdicts(findings)).toEqual(['unverified PublicOnlyNodeEgress']);
    expect(findings[0].message).toMatch(/leave through a NAT gateway whose address is not known at synth/);
  });

  test('warns, not fails, when the whole allow-list is a parameter', () => {
    const t = publicNodes({ Ref: 'AllowList' });
    param(t, 'AllowList', 'CommaDelimitedList');
    const findings = check(t, ASPECT_RULES.filter((r) => r.id === 'PublicOnlyNodeEgress'));
    expect(verdicts(findings)).toEqual(['unverified PublicOnlyNodeEgress']);
    expect(findings[0].message).toMatch(/leave through a NAT gateway whose address is not known at synth/);
  });

  test('fails only the subnet behind the NAT gateway whose EIP is not allowed, naming that EIP', () => {
    const t = publicNodes([join(ref('NatEip'), '/32')]);
    subnet(t, 'PublicSubnet2', '10.0.3.0/24');
    t.Resources.Public2Default = route('PublicSubnet2Rt', '0.0.0.0/0', { GatewayId: ref('Igw') });
    t.Resources.NatEip2 = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
    t.Resources.Nat2 = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('PublicSubnet2'), AllocationId: att('NatEip2', 'AllocationId') } };
    t.Resources.Private2Default.Properties.NatGatewayId = ref('Nat2');
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error PublicOnlyNodeEgress']);
    expect(findings[0].message).toMatch(natNotAllowed('NatEip2'));
    expect(findings[0].message).toContain('the nodes of Stack/Nodes in Stack/PrivateSubnet2 reach it');
  });

  test('fails a known client in a public subnet: it leaves from its own public IP', () => {
    const t = base({ mode: PUBLIC, cidrs: [join(ref('NatEip'), '/32')] });
    securityGroup(t, 'ClientSg');
    instanceClient(t, 'Bastion', { SubnetId: ref('PublicSubnet'), SecurityGroupIds: [att('ClientSg', 'GroupId')] });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error PublicOnlyNodeEgress']);
    expect(findings[0].message).toMatch(/^Stack\/Bastion in Stack\/PublicSubnet reach the internet from their own public IPs/);
  });

  test.each([
    ['in a public subnet', (t: Template) => nodegroup(t, ['PublicSubnet'])],
    ['behind a Transit Gateway', (t: Template) => {
      nodegroup(t);
      t.Resources.Private1Default.Properties = { RouteTableId: ref('PrivateSubnet1Rt'), DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: 'tgw-0123456789abcdef0' };
      t.Resources.Private2Default.Properties = { RouteTableId: ref('PrivateSubnet2Rt'), DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: 'tgw-0123456789abcdef0' };
    }],
  ])('says nothing of nodes %s when the endpoint is open to all (PublicEndpointOpen speaks)', (_, addNodes) => {
    const t = base({ mode: PUBLIC });
    addNodes(t);
    expect(verdicts(check(t))).toEqual(['warning PublicEndpointOpen']);
  });
});

// analyze.ts and mayBeMode (rules/rule.ts)
describe('what analyze() reports around the rules', () => {
  test('turns an error on a cluster that exists only under a parameter condition into a not-verifiable warning', () => {
    const t = base({ egress: 'isolated' });
    nodegroup(t);
    t.Resources.Cluster.Condition = condition(t);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the cluster exists only under a deploy-time condition\. If it is created: the nodes of Stack\/Nodes/);
  });

  test('reports a rule that throws as a not-verifiable warning on that cluster, and runs the other rules', () => {
    const t = base();
    t.Resources.Vpc.Properties.EnableDnsHostnames = false;
    const broken = { id: 'Broken', level: 'error' as const, summary: 'throws', source: 'https://example.com', check: () => { throw new Error('boom'); } };
    const findings = check(t, [broken, ...ASPECT_RULES]);
    expect(verdicts(findings)).toEqual(['unverified Broken', 'error VpcDnsHostnames']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the rule stopped on an input it does not understand \(boom\)/);
  });

  test('PublicOnlyNodeEgress warns, not fails, when EndpointPublicAccess is a parameter and private access is off', () => {
    const t = base({ mode: { EndpointPublicAccess: { Ref: 'PublicAccess' }, EndpointPrivateAccess: false }, cidrs: ['203.0.113.0/24'] });
    param(t, 'PublicAccess');
    nodegroup(t);
    const findings = check(t, ASPECT_RULES.filter((r) => r.id === 'PublicOnlyNodeEgress'));
    expect(verdicts(findings)).toEqual(['unverified PublicOnlyNodeEgress']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: whether the endpoint is public only is a deploy-time value/);
  });
});

// sameGateway and crosses (connected-client-path.ts): found by the mutation run's reader
describe('ConnectedClientPath: attachments whose Transit Gateway ID is a deploy-time value', () => {
  function tgwByParameter(clientGateway: (t: Template) => Json, allow = true): Template {
    const t = base();
    clientVpc(t);
    const gateway = param(t, 'TgwId');
    attach(t, 'ClusterAttachment', 'Vpc', gateway);
    attach(t, 'ClientAttachment', 'ClientVpc', clientGateway(t));
    routesToGateway(t, gateway);
    if (allow) ingress(t, 'ToApi', CLUSTER_SG, { CidrIp: '10.1.0.0/16' });
    return t;
  }

  test('passes both VPCs attached to the gateway of one parameter, with routes back and a 443 rule (was a false error: no connection)', () => {
    expect(verdicts(check(tgwByParameter(() => ref('TgwId'))))).toEqual([]);
  });

  test('fails the same with no 443 rule: the client is across the gateway, and nothing lets it in', () => {
    expect(verdicts(check(tgwByParameter(() => ref('TgwId'), false)))).toEqual(['error ConnectedClientPath']);
  });

  test('warns not verifiable, never fails, when the two attachments take two different deploy-time gateway IDs', () => {
    const findings = check(tgwByParameter((t) => param(t, 'OtherTgwId')));
    expect(verdicts(findings)).toEqual(['unverified ConnectedClientPath']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: whether Stack\/ClientInstance \(access entry\) reaches the cluster .* depends on a Transit Gateway ID known only at deploy time/);
  });

  test('fails, as before, two literal gateway IDs that differ: no connection joins the VPCs', () => {
    const t = base();
    clientVpc(t);
    attach(t, 'ClusterAttachment', 'Vpc', 'tgw-0aaaaaaaaaaaaaaaa');
    attach(t, 'ClientAttachment', 'ClientVpc', 'tgw-0bbbbbbbbbbbbbbbb');
    routesToGateway(t, 'tgw-0aaaaaaaaaaaaaaaa');
    ingress(t, 'ToApi', CLUSTER_SG, { CidrIp: '10.1.0.0/16' });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ConnectedClientPath']);
    expect(findings[0].message).toMatch(/is in another VPC with no peering connection or Transit Gateway attachment/);
  });
});

// natEgress (network-model.ts): found by the mutation run's reader
describe('a private NAT gateway whose subnet routes on to an internet gateway', () => {
  /** The private subnets' default routes go to a private NAT gateway in the public subnet, whose own default route is the internet gateway. */
  function behindPrivateNat(o: BaseOptions): Template {
    const t = base({ ...o, egress: 'isolated' });
    t.Resources.PNat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('PublicSubnet'), ConnectivityType: 'private' } };
    t.Resources.Private1Default = route('PrivateSubnet1Rt', '0.0.0.0/0', { NatGatewayId: ref('PNat') });
    t.Resources.Private2Default = route('PrivateSubnet2Rt', '0.0.0.0/0', { NatGatewayId: ref('PNat') });
    nodegroup(t);
    return t;
  }

  test('Private mode: the internet gateway drops that traffic, so the nodes have no egress and need the VPC endpoints (was: no finding)', () => {
    const findings = check(behindPrivateNat({}));
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^the nodes of Stack\/Nodes in Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 have no internet egress/);
  });

  test('Private mode, the same with the endpoints: no finding', () => {
    const t = behindPrivateNat({});
    endpoints(t);
    expect(verdicts(check(t))).toEqual([]);
  });

  test('Public mode: the nodes cannot reach the public endpoint at all (was: a not-verifiable warning)', () => {
    expect(verdicts(check(behindPrivateNat({ mode: PUBLIC, cidrs: ['203.0.113.0/24'] })))).toEqual(['error PublicOnlyNodeEgress']);
  });
});

// egressTo (network-model.ts): found by the mutation run's reader
describe('ClientSecurityGroupPath: a client whose only egress is to a block the cluster subnets are not in', () => {
  function egressOnly(cidr: Json): Template {
    const t = base();
    bastion(t, { SecurityGroupEgress: [{ ...TCP_443, CidrIp: cidr }] });
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });
    return t;
  }

  test('fails egress to 192.168.0.0/16 only: nothing lets 443 out to 10.0.1.0/24 and 10.0.2.0/24 (was: a not-verifiable warning)', () => {
    expect(verdicts(check(egressOnly('192.168.0.0/16')))).toEqual(['error ClientSecurityGroupPath']);
  });

  test('passes egress to 10.0.0.0/16, which covers both cluster subnets', () => {
    expect(verdicts(check(egressOnly('10.0.0.0/16')))).toEqual([]);
  });

  test('warns not verifiable for egress to 10.0.1.0/24 alone: the EKS-owned ENIs may be in the other subnet', () => {
    expect(verdicts(check(egressOnly('10.0.1.0/24')))).toEqual(['unverified ClientSecurityGroupPath']);
  });

  test('warns not verifiable for egress to a parameter', () => {
    const t = base();
    bastion(t, { SecurityGroupEgress: [{ ...TCP_443, CidrIp: param(t, 'EgressCidr') }] });
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });
    expect(verdicts(check(t))).toEqual(['unverified ClientSecurityGroupPath']);
  });
});

// managedBySessionManager (network-model.ts): docs/RULES.md says a BastionHostLinux in isolated subnets needs Session Manager's endpoints
describe('IsolatedNodeEndpoints: an instance client reached through Session Manager (aws-ec2 BastionHostLinux)', () => {
  /** Isolated Private cluster with the node endpoints, and a client instance whose role may have AmazonSSMManagedInstanceCore. */
  function isolatedClient(managed: boolean, services = NODE_SERVICES): Template {
    const t = base({ egress: 'isolated' });
    nodegroup(t);
    endpoints(t, services);
    bastion(t);
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });
    if (managed) {
      t.Resources.BastionRole.Properties.ManagedPolicyArns = [join('arn:', ref('AWS::Partition'), ':iam::aws:policy/AmazonSSMManagedInstanceCore')];
    }
    return t;
  }

  test('fails without ssm, ssmmessages and ec2messages endpoints, naming them', () => {
    const findings = check(isolatedClient(true));
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^Stack\/Bastion in Stack\/PrivateSubnet1 ha(s|ve) no internet egress and Stack\/Vpc has no usable VPC endpoint for: ssm, ssmmessages, ec2messages\./);
  });

  test('passes with them', () => {
    expect(verdicts(check(isolatedClient(true, [...NODE_SERVICES, 'ssm', 'ssmmessages', 'ec2messages'])))).toEqual([]);
  });

  test('asks nothing of an instance whose role has no Systems Manager policy: nothing says how it is reached', () => {
    expect(verdicts(check(isolatedClient(false)))).toEqual([]);
  });
});

// buildSubnet (network-model.ts): a subnet with no route table association uses the VPC's main route table
describe('a subnet with no route table association', () => {
  test('is not verifiable, not isolated: the main route table is in no template and can be changed outside CloudFormation', () => {
    const t = base({ egress: 'isolated' });
    delete t.Resources.PrivateSubnet1Assoc;
    delete t.Resources.PrivateSubnet2Assoc;
    nodegroup(t);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the routes of Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 \(the nodes of Stack\/Nodes\) are not in the templates given/);
  });

  test('while the same subnets associated with a table that has no default route are isolated: an error', () => {
    const t = base({ egress: 'isolated' });
    nodegroup(t);
    expect(verdicts(check(t))).toEqual(['error IsolatedNodeEndpoints']);
  });
});
