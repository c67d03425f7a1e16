import { analyze } from '../lib/check/engine/analyze';
import { ReportedFinding } from '../lib/check/engine/finding';
import { TemplateInput } from '../lib/check/engine/read/input';
import { ALL_RULES } from '../lib/check/rules';
import { ASPECT_RULES } from '../lib/check/adapters/rule-sets';

/**
 * The engine and the rules on small hand-written CloudFormation templates: no CDK synthesis,
 * so each case is a few milliseconds. One helper builds a minimal valid network (a VPC, two
 * private subnets with their route tables, a NAT gateway or none, a cluster and a node group)
 * and each case varies it. Two cases were found failing by this file and fixed in the engine; their comments say what they guard.
 */

/** Hand-written CloudFormation: plain JSON, mutated freely by the cases. */
type Json = any;

interface Template {
  Parameters?: Record<string, Json>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, Json>;
  Outputs?: Record<string, Json>;
}

const VPC_CIDR = '10.0.0.0/16';
const CLIENT_VPC_CIDR = '10.1.0.0/16';
const NODE_SUBNETS = ['PrivateSubnet1', 'PrivateSubnet2'];
const NODE_ROUTE_TABLES = NODE_SUBNETS.map((s) => `${s}RouteTable`);
const NODE_ENDPOINTS = ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 's3'];

const ref = (logicalId: string): Json => ({ Ref: logicalId });
const getAtt = (logicalId: string, attribute: string): Json => ({ 'Fn::GetAtt': [logicalId, attribute] });
const importValue = (name: string): Json => ({ 'Fn::ImportValue': name });

const PRIVATE = { publicAccess: false, privateAccess: true };
const PUBLIC_AND_PRIVATE = { publicAccess: true, privateAccess: true };
const PUBLIC = { publicAccess: true, privateAccess: false };

interface ClusterOptions {
  /** EndpointPublicAccess. @default false */
  readonly publicAccess?: Json;
  /** EndpointPrivateAccess. @default true */
  readonly privateAccess?: Json;
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

interface NetworkOptions extends ClusterOptions {
  /**
   * How the private subnets reach the internet: a NAT gateway in a public subnet with an
   * internet gateway route, a private NAT gateway (ConnectivityType private) in a subnet with
   * no default route, or no default route at all.
   * @default 'nat'
   */
  readonly egress?: 'nat' | 'private-nat' | 'isolated';
}

/** A subnet in the VPC with its own route table and association. */
function subnetResources(name: string, cidr: string, vpc = 'Vpc'): Record<string, Json> {
  return {
    [name]: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref(vpc), CidrBlock: cidr } },
    [`${name}RouteTable`]: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref(vpc) } },
    [`${name}RouteTableAssociation`]: {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: { SubnetId: ref(name), RouteTableId: ref(`${name}RouteTable`) },
    },
  };
}

function route(routeTable: string, destination: string, target: Record<string, Json>): Json {
  return { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref(routeTable), DestinationCidrBlock: destination, ...target } };
}

/** The VPC, the two private subnets and, by `egress`, the way out. */
function networkResources(egress: NetworkOptions['egress'] = 'nat'): Record<string, Json> {
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
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('PublicSubnet'), AllocationId: getAtt('NatEip', 'AllocationId') } },
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
function clusterResources(o: ClusterOptions = {}): Record<string, Json> {
  const subnets = o.subnets ?? NODE_SUBNETS.map(ref);
  const resources: Record<string, Json> = {
    Cluster: {
      Type: 'AWS::EKS::Cluster',
      Properties: {
        ...(o.name !== undefined ? { Name: o.name } : {}),
        RoleArn: 'arn:aws:iam::111111111111:role/eks-cluster',
        ResourcesVpcConfig: {
          SubnetIds: subnets,
          EndpointPublicAccess: o.publicAccess ?? false,
          EndpointPrivateAccess: o.privateAccess ?? true,
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
function network(o: NetworkOptions = {}): Template {
  return { Resources: { ...networkResources(o.egress), ...clusterResources(o) } };
}

/** A logical ID for a service's endpoint: `ecr.api` is EndpointEcrApi. */
function endpointId(service: string): string {
  return `Endpoint${service.split(/[.-]/).map((w) => w[0].toUpperCase() + w.slice(1)).join('')}`;
}

interface EndpointOptions {
  /** ServiceName. @default - com.amazonaws.us-east-1.<service> */
  readonly serviceName?: Json;
  /** SecurityGroupIds; null leaves the property out (the VPC's default group). @default - [EndpointSg] */
  readonly securityGroupIds?: Json[] | null;
}

/** An interface endpoint with private DNS on. */
function interfaceEndpoint(service: string, o: EndpointOptions = {}): Json {
  const groups = o.securityGroupIds === undefined ? [getAtt('EndpointSg', 'GroupId')] : o.securityGroupIds;
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
function s3Gateway(routeTables: string[] = NODE_ROUTE_TABLES): Json {
  return { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: ref('Vpc'), ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: routeTables.map(ref) } };
}

/** The interface endpoints' security group: TCP 443 from `source` (a CidrIp or SourceSecurityGroupId). */
function endpointSecurityGroup(source: Record<string, Json> = { CidrIp: VPC_CIDR }): Json {
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
function withEndpoints(t: Template, services: string[] = NODE_ENDPOINTS, source?: Record<string, Json>): Template {
  t.Resources.EndpointSg = endpointSecurityGroup(source);
  for (const service of services) {
    t.Resources[endpointId(service)] = service === 's3' ? s3Gateway() : interfaceEndpoint(service);
  }
  return t;
}

/**
 * A client VPC (10.1.0.0/16) with a known API client: an instance whose role has an access
 * entry on the cluster, in a subnet of that VPC, with its own security group (allow-all egress).
 */
function addClientVpc(t: Template): void {
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
        SecurityGroupIds: [getAtt('ClientSg', 'GroupId')],
        IamInstanceProfile: ref('ClientProfile'),
      },
    },
    ClientAccessEntry: { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: ref('Cluster'), PrincipalArn: getAtt('ClientRole', 'Arn') } },
  });
}

/** A peering connection from the cluster VPC to the client VPC, routed back in `routeBackIn`, and the client subnet's route to the cluster VPC. */
function peerWithClient(t: Template, routeBackIn: string[] = NODE_ROUTE_TABLES): void {
  t.Resources.Peering = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: ref('Vpc'), PeerVpcId: ref('ClientVpc') } };
  for (const table of routeBackIn) {
    t.Resources[`${table}ToClient`] = route(table, CLIENT_VPC_CIDR, { VpcPeeringConnectionId: ref('Peering') });
  }
  t.Resources.ClientToCluster = route('ClientSubnetRouteTable', getAtt('Vpc', 'CidrBlock'), { VpcPeeringConnectionId: ref('Peering') });
}

/** Both VPCs attached to one Transit Gateway, and the cluster route tables routing the client CIDR to it. */
function attachToTransitGateway(t: Template, gateway: Json, options?: Json): void {
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
function allow443IntoClusterSg(t: Template, source: Record<string, Json>): void {
  t.Resources.ClusterSgIngress = {
    Type: 'AWS::EC2::SecurityGroupIngress',
    Properties: { GroupId: getAtt('Cluster', 'ClusterSecurityGroupId'), IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...source },
  };
}

/** Runs the rules (the Aspect's by default) on one template or several. */
function check(templates: Template | TemplateInput[], rules = ASPECT_RULES): ReportedFinding[] {
  const inputs = Array.isArray(templates) ? templates : [{ id: 'Stack', template: templates }];
  return analyze(inputs, rules);
}

/** What a finding is, without its message: rule, level, verified. */
function verdicts(findings: ReportedFinding[]): Array<Pick<ReportedFinding, 'ruleId' | 'level' | 'verified'>> {
  return findings.map(({ ruleId, level, verified }) => ({ ruleId, level, verified }));
}

const of = (findings: ReportedFinding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId);
const error = (ruleId: string) => ({ ruleId, level: 'error', verified: true });
const warning = (ruleId: string) => ({ ruleId, level: 'warning', verified: true });
const notVerifiable = (ruleId: string) => ({ ruleId, level: 'warning', verified: false });

describe('the helper network', () => {
  test('passes: a private cluster behind a NAT gateway has no finding at all', () => {
    expect(check(network(PRIVATE))).toEqual([]);
  });

  test('passes: an isolated private cluster with all five node endpoints has no finding at all', () => {
    expect(check(withEndpoints(network({ ...PRIVATE, egress: 'isolated' })))).toEqual([]);
  });
});

describe('1. deploy-time values never crash and never give an error', () => {
  test('fails an isolated private cluster without endpoints when every value is literal', () => {
    const findings = check(network({ ...PRIVATE, egress: 'isolated' }));
    expect(verdicts(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/have no internet egress .* has no usable VPC endpoint for: ec2, ecr\.api, ecr\.dkr, sts, s3\./);
  });

  test('warns, never fails, when SubnetIds is a List<AWS::EC2::Subnet::Id> parameter', () => {
    // GIVEN the same isolated network, the cluster and node group taking their subnets from a parameter
    const t = network({ ...PRIVATE, egress: 'isolated', subnets: ref('Subnets') });
    t.Parameters = { Subnets: { Type: 'List<AWS::EC2::Subnet::Id>' } };
    // WHEN
    const findings = check(t);
    // THEN the VPC and the node subnets cannot be known: only not-verifiable warnings
    expect(verdicts(findings)).toEqual([
      notVerifiable('VpcDnsSupport'), notVerifiable('VpcDnsHostnames'), notVerifiable('DhcpOptionsDns'), notVerifiable('IsolatedNodeEndpoints'),
    ]);
    expect(of(findings, 'IsolatedNodeEndpoints')[0].message).toMatch(/^Not verifiable at synth: the routes of parameter Subnets/);
  });

  test('warns, never fails, when EndpointPrivateAccess is a String parameter', () => {
    const t = network({ publicAccess: false, privateAccess: ref('PrivateAccess'), egress: 'isolated' });
    t.Parameters = { PrivateAccess: { Type: 'String', AllowedValues: ['true', 'false'] } };
    const findings = check(t);
    expect(verdicts(findings)).toEqual([notVerifiable('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: endpointPrivateAccess is a deploy-time value\. If it is true: .*no usable VPC endpoint/);
  });

  test('fails a public-only cluster whose allow-list misses the NAT gateway address, when the list is literal', () => {
    const findings = check(network({ ...PUBLIC, publicAccessCidrs: ['203.0.113.0/24'] }));
    expect(verdicts(findings)).toEqual([error('PublicOnlyNodeEgress')]);
    expect(findings[0].message).toMatch(/from the NAT gateway address Stack\/NatEip: nodes will never join/);
  });

  test('warns, never fails, when PublicAccessCidrs is a CommaDelimitedList parameter', () => {
    const t = network({ ...PUBLIC, publicAccessCidrs: ref('AllowList') });
    t.Parameters = { AllowList: { Type: 'CommaDelimitedList' } };
    const findings = check(t);
    expect(verdicts(findings)).toEqual([notVerifiable('PublicOnlyNodeEgress'), notVerifiable('PublicEndpointOpen')]);
    expect(of(findings, 'PublicEndpointOpen')[0].message).toMatch(/the public access CIDR list is a deploy-time value/);
  });

  /** An isolated network whose cluster is private or public by a parameter: the whole ResourcesVpcConfig in Fn::If. */
  function privateOrPublicByParameter(): Template {
    const t = network({ egress: 'isolated' });
    const privateConfig = t.Resources.Cluster.Properties.ResourcesVpcConfig;
    t.Parameters = { Mode: { Type: 'String', AllowedValues: ['private', 'public'] } };
    t.Conditions = { IsPrivate: { 'Fn::Equals': [ref('Mode'), 'private'] } };
    t.Resources.Cluster.Properties.ResourcesVpcConfig = {
      'Fn::If': ['IsPrivate', privateConfig, { ...privateConfig, EndpointPublicAccess: true, EndpointPrivateAccess: false }],
    };
    return t;
  }

  test('warns, never fails, when the whole ResourcesVpcConfig is inside Fn::If on a parameter condition', () => {
    // GIVEN an isolated network whose cluster is private or public by a parameter
    const t = privateOrPublicByParameter();
    // WHEN
    const findings = check(t);
    // THEN nothing about the cluster's network is certain
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(findings.every((f) => f.level === 'warning' && !f.verified)).toBe(true);
    expect(verdicts(findings).map((f) => f.ruleId)).toEqual(expect.arrayContaining(['PublicOnlyNodeEgress', 'PublicEndpointOpen']));
  });

  // Guards a fixed silent pass: when the cluster's own subnets are deploy-time values, its VPC is taken from its compute's
  // subnets (NetworkModel.buildCluster), so known isolated node subnets are still judged.
  test('warns (IsolatedNodeEndpoints), never a silent pass, when ResourcesVpcConfig is inside Fn::If but the nodes sit in known isolated subnets', () => {
    // GIVEN the node group in literal isolated subnets without endpoints, the cluster's config behind a parameter condition
    const t = privateOrPublicByParameter();
    // WHEN
    const findings = of(check(t), 'IsolatedNodeEndpoints');
    // THEN in the private branch these nodes cannot join: that must be said, as a not-verifiable warning
    expect(verdicts(findings)).toEqual([notVerifiable('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/no usable VPC endpoint for: ec2, ecr\.api, ecr\.dkr, sts, s3/);
  });
});

describe('2. endpoint service names built with Fn::Sub and Fn::Join are recognised', () => {
  /** The five node endpoints with names built at deploy time, as templates and CDK write them. */
  function builtNames(t: Template, source: Record<string, Json>, skip?: string): Template {
    const sub = (service: string): Json => ({ 'Fn::Sub': `com.amazonaws.\${AWS::Region}.${service}` });
    const join = (service: string): Json => ({ 'Fn::Join': ['', ['com.amazonaws.', ref('AWS::Region'), `.${service}`]] });
    t.Resources.EndpointSg = endpointSecurityGroup(source);
    const endpoints: Record<string, Json> = {
      EndpointEc2: interfaceEndpoint('ec2', { serviceName: sub('ec2') }),
      EndpointEcrApi: interfaceEndpoint('ecr.api', { serviceName: sub('ecr.api') }),
      EndpointEcrDkr: interfaceEndpoint('ecr.dkr', { serviceName: join('ecr.dkr') }),
      EndpointSts: interfaceEndpoint('sts', { serviceName: join('sts') }),
      EndpointS3: { ...s3Gateway(), Properties: { ...s3Gateway().Properties, ServiceName: sub('s3') } },
    };
    for (const [id, endpoint] of Object.entries(endpoints)) {
      if (id !== skip) t.Resources[id] = endpoint;
    }
    return t;
  }

  test.each([
    ['tcp 443 from 10.0.0.0/16', { CidrIp: VPC_CIDR }],
    ['tcp 443 from Fn::GetAtt Vpc.CidrBlock', { CidrIp: getAtt('Vpc', 'CidrBlock') }],
  ])('passes isolated nodes with all five endpoints, their group allowing %s', (_, source) => {
    const findings = check(builtNames(network({ ...PRIVATE, egress: 'isolated' }), source));
    expect(of(findings, 'IsolatedNodeEndpoints')).toEqual([]);
    expect(findings).toEqual([]);
  });

  test.each([
    ['EndpointEcrApi', 'ecr.api'],
    ['EndpointEcrDkr', 'ecr.dkr'],
    ['EndpointS3', 's3'],
  ])('fails when %s is missing, naming %s', (skip, service) => {
    const findings = check(builtNames(network({ ...PRIVATE, egress: 'isolated' }), { CidrIp: VPC_CIDR }, skip));
    expect(verdicts(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toContain(`has no usable VPC endpoint for: ${service}.`);
  });
});

describe('3. the interface endpoints\' security group', () => {
  test('passes when it admits the cluster security group (which managed nodes carry)', () => {
    const t = withEndpoints(network({ ...PRIVATE, egress: 'isolated' }), NODE_ENDPOINTS,
      { SourceSecurityGroupId: getAtt('Cluster', 'ClusterSecurityGroupId') });
    expect(check(t)).toEqual([]);
  });

  test('fails when it admits nothing from the nodes (ingress only from 192.168.0.0/16)', () => {
    const t = withEndpoints(network({ ...PRIVATE, egress: 'isolated' }), NODE_ENDPOINTS, { CidrIp: '192.168.0.0/16' });
    const findings = check(t);
    expect(verdicts(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    // s3 is a gateway endpoint: security groups do not apply to it
    expect(findings[0].message).toContain('has no usable VPC endpoint for: ec2, ecr.api, ecr.dkr, sts.');
  });

  test('warns not verifiable when an interface endpoint has no SecurityGroupIds (the VPC default group)', () => {
    const t = withEndpoints(network({ ...PRIVATE, egress: 'isolated' }));
    t.Resources.EndpointEcrApi = interfaceEndpoint('ecr.api', { securityGroupIds: null });
    const findings = check(t);
    expect(verdicts(findings)).toEqual([notVerifiable('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/VPC endpoints for ecr\.api exist only under a deploy-time condition or have security groups not readable here/);
  });
});

describe('4. a VPC endpoint under a resource-level Condition on a parameter', () => {
  function conditional(condition: Json): Template {
    const t = withEndpoints(network({ ...PRIVATE, egress: 'isolated' }));
    t.Parameters = { WithSts: { Type: 'String', Default: 'yes' } };
    t.Conditions = { CreateSts: condition };
    t.Resources.EndpointSts.Condition = 'CreateSts';
    return t;
  }

  test('passes when the condition is known true at synth', () => {
    expect(check(conditional({ 'Fn::Equals': ['yes', 'yes'] }))).toEqual([]);
  });

  test('warns not verifiable (not a pass, not an error) when the condition depends on a parameter', () => {
    const findings = check(conditional({ 'Fn::Equals': [ref('WithSts'), 'yes'] }));
    expect(verdicts(findings)).toEqual([notVerifiable('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/VPC endpoints for sts exist only under a deploy-time condition/);
  });

  test('fails when the condition is known false at synth (the endpoint is not created)', () => {
    const findings = check(conditional({ 'Fn::Equals': ['yes', 'no'] }));
    expect(verdicts(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toContain('has no usable VPC endpoint for: sts.');
  });
});

describe('5. DHCP options naming the Amazon DNS server', () => {
  function withDhcp(servers: string[]): Template {
    const t = network(PRIVATE);
    t.Resources.Dhcp = { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainName: 'corp.example.com', DomainNameServers: servers } };
    t.Resources.DhcpAssociation = { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: ref('Dhcp') } };
    return t;
  }

  test.each([
    ['AmazonProvidedDNS', ['AmazonProvidedDNS']],
    ['the VPC base address plus two (10.0.0.2 for 10.0.0.0/16)', ['10.0.0.2']],
    ['the link-local address 169.254.169.253', ['169.254.169.253']],
    ['AmazonProvidedDNS beside an on-premises server', ['10.0.0.53', 'AmazonProvidedDNS']],
  ])('passes %s', (_, servers) => {
    expect(check(withDhcp(servers))).toEqual([]);
  });

  test('fails a Private cluster whose DHCP options name only 10.0.0.53', () => {
    const findings = check(withDhcp(['10.0.0.53']));
    expect(verdicts(findings)).toEqual([error('DhcpOptionsDns')]);
    expect(findings[0].message).toMatch(/set domain-name-servers to \[10\.0\.0\.53\] without the Amazon DNS server/);
  });
});

describe('6. isolated node subnets routed to a Transit Gateway (shared-services VPC)', () => {
  function viaTransitGateway(): Template {
    const t = network({ ...PRIVATE, egress: 'isolated' });
    t.Resources.ClusterAttachment = {
      Type: 'AWS::EC2::TransitGatewayVpcAttachment',
      Properties: { TransitGatewayId: 'tgw-0123', VpcId: ref('Vpc'), SubnetIds: NODE_SUBNETS.map(ref) },
    };
    for (const table of NODE_ROUTE_TABLES) {
      t.Resources[`${table}ToShared`] = route(table, '172.16.0.0/12', { TransitGatewayId: 'tgw-0123' });
    }
    return t;
  }

  test('passes with the endpoints in the cluster VPC', () => {
    expect(of(check(withEndpoints(viaTransitGateway())), 'IsolatedNodeEndpoints')).toEqual([]);
  });

  test('warns not verifiable, not an error, without endpoints: shared ones may serve them across the gateway', () => {
    const findings = check(viaTransitGateway());
    expect(verdicts(of(findings, 'IsolatedNodeEndpoints'))).toEqual([notVerifiable('IsolatedNodeEndpoints')]);
    expect(of(findings, 'IsolatedNodeEndpoints')[0].message).toMatch(/route to another network \(Transit Gateway or peering\), where shared VPC endpoints may serve them/);
    expect(findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  test('fails without the Transit Gateway route (the same subnets, nothing beyond the VPC)', () => {
    const findings = check(network({ ...PRIVATE, egress: 'isolated' }));
    expect(verdicts(findings)).toEqual([error('IsolatedNodeEndpoints')]);
  });

  // Guards a fixed hidden error: only the subnets that route to another network may be served by shared endpoints; the
  // others keep their error (IsolatedNodeEndpoints.check splits the isolated subnets in two).
  test('fails when only one of the two isolated node subnets routes to the Transit Gateway: the other reaches no shared endpoint', () => {
    const t = network({ ...PRIVATE, egress: 'isolated' });
    t.Resources.PrivateSubnet1RouteTableToShared = route('PrivateSubnet1RouteTable', '172.16.0.0/12', { TransitGatewayId: 'tgw-0123' });
    const errors = check(t).filter((f) => f.level === 'error');
    expect(verdicts(errors)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(errors[0].message).toContain('Stack/PrivateSubnet2');
    expect(errors[0].message).toContain('no usable VPC endpoint for: ec2, ecr.api, ecr.dkr, sts, s3.');
  });
});

describe('7. public-only endpoint and a private NAT gateway', () => {
  test('passes nodes behind a public NAT gateway whose EIP is in the allow-list', () => {
    const findings = check(network({ ...PUBLIC, publicAccessCidrs: [{ 'Fn::Join': ['', [ref('NatEip'), '/32']] }] }));
    expect(findings).toEqual([]);
  });

  test('fails nodes behind a NAT gateway with ConnectivityType private in a subnet with no default route', () => {
    const findings = check(network({ ...PUBLIC, egress: 'private-nat', publicAccessCidrs: ['203.0.113.0/24'] }));
    expect(verdicts(findings)).toEqual([error('PublicOnlyNodeEgress')]);
    expect(findings[0].message).toMatch(/have no internet egress, so they cannot reach a public-only endpoint/);
  });
});

describe('8. the public allow-list', () => {
  const allowList = (cidrs: Json[]) => network({ ...PUBLIC_AND_PRIVATE, publicAccessCidrs: cidrs });

  test('passes a restricted list [203.0.113.0/24]', () => {
    expect(of(check(allowList(['203.0.113.0/24'])), 'PublicEndpointOpen')).toEqual([]);
  });

  test.each([
    ['[::/0]', ['::/0']],
    ['[0.0.0.0/1, 128.0.0.0/1]', ['0.0.0.0/1', '128.0.0.0/1']],
    ['absent (EKS uses 0.0.0.0/0)', undefined],
  ])('warns (verified) on a list that admits every address: %s', (_, cidrs) => {
    const findings = check(cidrs ? allowList(cidrs) : network(PUBLIC_AND_PRIVATE));
    expect(verdicts(findings)).toEqual([warning('PublicEndpointOpen')]);
    expect(findings[0].message).toMatch(/^The public endpoint accepts connections from any address/);
  });

  test('warns not verifiable, never a silent pass, on a list holding a parameter', () => {
    const t = allowList(['203.0.113.0/24', ref('Extra')]);
    t.Parameters = { Extra: { Type: 'String' } };
    const findings = check(t);
    expect(verdicts(findings)).toEqual([notVerifiable('PublicEndpointOpen')]);
    expect(findings[0].message).toMatch(/holds deploy-time values/);
  });
});

describe('9. node groups naming the cluster by its literal name', () => {
  test('fails nodes of a node group with ClusterName \'prod\' in isolated subnets without endpoints', () => {
    const findings = check(network({ ...PRIVATE, egress: 'isolated', name: 'prod', nodegroupClusterName: 'prod' }));
    expect(verdicts(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/^the nodes of Stack\/Nodegroup in /);
  });

  test('passes (no finding for it) a node group naming another cluster', () => {
    expect(check(network({ ...PRIVATE, egress: 'isolated', name: 'prod', nodegroupClusterName: 'staging' }))).toEqual([]);
  });
});

describe('10. Fargate profiles and Auto Mode in isolated subnets', () => {
  function fargate(): Template {
    const t = network({ ...PRIVATE, egress: 'isolated', nodegroup: false });
    t.Resources.FargateProfile = {
      Type: 'AWS::EKS::FargateProfile',
      Properties: {
        ClusterName: ref('Cluster'), PodExecutionRoleArn: 'arn:aws:iam::111111111111:role/fargate',
        Subnets: NODE_SUBNETS.map(ref), Selectors: [{ Namespace: 'default' }],
      },
    };
    return t;
  }

  test('passes a Fargate profile with the endpoints it needs', () => {
    expect(check(withEndpoints(fargate(), ['ecr.api', 'ecr.dkr', 'sts', 's3']))).toEqual([]);
  });

  test('fails a Fargate profile without endpoints, naming Fargate', () => {
    const findings = check(fargate());
    expect(verdicts(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/^the Fargate pods of Stack\/FargateProfile in .* no usable VPC endpoint for: ecr\.api, ecr\.dkr, s3, sts\./);
  });

  test('passes Auto Mode with eks-auth beside the node endpoints', () => {
    const t = withEndpoints(network({ ...PRIVATE, egress: 'isolated', nodegroup: false, autoMode: true }), [...NODE_ENDPOINTS, 'eks-auth']);
    expect(check(t)).toEqual([]);
  });

  test('warns for Auto Mode with the node endpoints but no eks-auth: pods that use Pod Identity get no credentials, the nodes still join', () => {
    const findings = check(withEndpoints(network({ ...PRIVATE, egress: 'isolated', nodegroup: false, autoMode: true })));
    expect(verdicts(findings)).toEqual([notVerifiable('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/the Auto Mode nodes in .* may have no usable eks-auth endpoint: pods that use EKS Pod Identity/);
  });

  test('fails Auto Mode without the node endpoints, and names them', () => {
    const findings = check(network({ ...PRIVATE, egress: 'isolated', nodegroup: false, autoMode: true }));
    expect(verdicts(findings).filter((f) => f.level === 'error')).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings.find((f) => f.level === 'error')!.message).toMatch(/no usable VPC endpoint for: ec2, ecr\.api, ecr\.dkr, sts, s3\./);
  });
});

describe('11. cluster resources the engine cannot read', () => {
  test('passes an AWS::EKS::Cluster: no ClusterNotChecked', () => {
    expect(of(check(network(PRIVATE)), 'ClusterNotChecked')).toEqual([]);
  });

  test('warns exactly once for each Custom::AWSCDK-EKS-Cluster and AWSQS::EKS::Cluster', () => {
    const findings = check({
      Resources: {
        V1Cluster: { Type: 'Custom::AWSCDK-EKS-Cluster', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:provider' } },
        QsCluster: { Type: 'AWSQS::EKS::Cluster', Properties: { Name: 'qs' } },
      },
    });
    expect(findings.map(({ ruleId, level, verified, logicalId }) => ({ ruleId, level, verified, logicalId }))).toEqual([
      { ruleId: 'ClusterNotChecked', level: 'warning', verified: false, logicalId: 'V1Cluster' },
      { ruleId: 'ClusterNotChecked', level: 'warning', verified: false, logicalId: 'QsCluster' },
    ]);
    expect(findings[0].message).toMatch(/is a Custom::AWSCDK-EKS-Cluster, whose endpoint settings and network this check cannot read/);
  });
});

describe('12. Fn::ImportValue across two templates', () => {
  // A: the isolated network, exporting its subnet IDs; B: the cluster and node group, importing them
  const networkTemplate: Template = {
    Resources: networkResources('isolated'),
    Outputs: Object.fromEntries(NODE_SUBNETS.map((s) => [s, { Value: ref(s), Export: { Name: `net-${s}` } }])),
  };
  const clusterTemplate: Template = {
    Resources: clusterResources({ ...PRIVATE, subnets: NODE_SUBNETS.map((s) => importValue(`net-${s}`)) }),
  };

  test('passes the two templates together when the network has the endpoints', () => {
    const a = withEndpoints({ ...networkTemplate, Resources: { ...networkTemplate.Resources } });
    expect(check([{ id: 'Network', template: a }, { id: 'Cluster', template: clusterTemplate }])).toEqual([]);
  });

  test('fails the two templates together: the imports resolve to isolated subnets without endpoints', () => {
    const findings = check([{ id: 'Network', template: networkTemplate }, { id: 'Cluster', template: clusterTemplate }]);
    expect(findings.map(({ ruleId, level, verified, templateId }) => ({ ruleId, level, verified, templateId })))
      .toEqual([{ ...error('IsolatedNodeEndpoints'), templateId: 'Cluster' }]);
    expect(findings[0].message).toContain('Network/PrivateSubnet1, Network/PrivateSubnet2 have no internet egress');
  });

  test('warns only, given the cluster template alone', () => {
    const findings = check([{ id: 'Cluster', template: clusterTemplate }]);
    expect(verdicts(findings)).toEqual([
      notVerifiable('VpcDnsSupport'), notVerifiable('VpcDnsHostnames'), notVerifiable('DhcpOptionsDns'), notVerifiable('IsolatedNodeEndpoints'),
    ]);
    expect(of(findings, 'IsolatedNodeEndpoints')[0].message).toMatch(/the export net-PrivateSubnet1, from a stack not given/);
  });
});

describe('13. every subnet, every route table, every association, every resource', () => {
  test('(a) passes an s3 gateway endpoint on both isolated node route tables', () => {
    expect(check(withEndpoints(network({ ...PRIVATE, egress: 'isolated' })))).toEqual([]);
  });

  test('(a) fails an s3 gateway endpoint on only one of the two isolated node route tables, naming s3', () => {
    const t = withEndpoints(network({ ...PRIVATE, egress: 'isolated' }));
    t.Resources.EndpointS3 = s3Gateway(['PrivateSubnet1RouteTable']);
    const findings = check(t);
    expect(verdicts(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toContain('has no usable VPC endpoint for: s3.');
  });

  function peered(routeBackIn: string[]): Template {
    const t = network(PRIVATE);
    addClientVpc(t);
    peerWithClient(t, routeBackIn);
    allow443IntoClusterSg(t, { CidrIp: CLIENT_VPC_CIDR });
    return t;
  }

  test('(b) passes a Private cluster with a peered client VPC routed back from both cluster subnets', () => {
    expect(check(peered(NODE_ROUTE_TABLES))).toEqual([]);
  });

  test('(b) fails a Private cluster whose route back to the peering is in only one of the two cluster subnet route tables', () => {
    const findings = check(peered(['PrivateSubnet1RouteTable']));
    expect(verdicts(findings)).toEqual([error('ConnectedClientPath')]);
    expect(findings[0].message).toMatch(/no route in the cluster subnets' route tables leads back across the peering Stack\/Peering/);
  });

  function withResolver(associatedVpc: string): Template {
    const t = network({ ...PUBLIC_AND_PRIVATE, publicAccessCidrs: ['203.0.113.0/24'] });
    addClientVpc(t);
    peerWithClient(t);
    Object.assign(t.Resources, {
      OtherVpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.2.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } },
      InboundResolver: {
        Type: 'AWS::Route53Resolver::ResolverEndpoint',
        Properties: { Direction: 'INBOUND', IpAddresses: NODE_SUBNETS.map((s, i) => ({ SubnetId: ref(s), Ip: `10.0.${i + 1}.10` })), SecurityGroupIds: ['sg-0123456789abcdef0'] },
      },
      EksForwardRule: {
        Type: 'AWS::Route53Resolver::ResolverRule',
        Properties: { RuleType: 'FORWARD', DomainName: 'eks.amazonaws.com', ResolverEndpointId: 'rslvr-out-0123', TargetIps: [{ Ip: '10.0.1.10' }] },
      },
      EksForwardRuleAssociation: {
        Type: 'AWS::Route53Resolver::ResolverRuleAssociation',
        Properties: { ResolverRuleId: getAtt('EksForwardRule', 'ResolverRuleId'), VPCId: ref(associatedVpc) },
      },
    });
    return t;
  }

  test('(c) passes a FORWARD rule for the endpoint domain associated with the client VPC', () => {
    expect(of(check(withResolver('ClientVpc')), 'ConnectedClientResolution')).toEqual([]);
  });

  test('(c) warns (not silenced) when the FORWARD rule is associated with a different VPC than the client\'s', () => {
    const findings = of(check(withResolver('OtherVpc')), 'ConnectedClientResolution');
    expect(verdicts(findings)).toEqual([warning('ConnectedClientResolution')]);
    expect(findings[0].message).toMatch(/no FORWARD rule for the endpoint's name is associated with Stack\/ClientVpc/);
  });

  function encrypting(resources: string[]): Template {
    const t = network(PRIVATE);
    t.Resources.SecretsKey = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } };
    t.Resources.Cluster.Properties.EncryptionConfig = [{ Provider: { KeyArn: getAtt('SecretsKey', 'Arn') }, Resources: resources }];
    return t;
  }

  test('(d) passes (pack rules) an EncryptionConfig with a key and Resources [secrets]', () => {
    expect(of(check(encrypting(['secrets']), ALL_RULES), 'SecretsEncryption')).toEqual([]);
  });

  test('(d) fails (pack rules) an EncryptionConfig with a key but Resources [configmaps]', () => {
    const findings = of(check(encrypting(['configmaps']), ALL_RULES), 'SecretsEncryption');
    expect(verdicts(findings)).toEqual([error('SecretsEncryption')]);
    expect(findings[0].message).toMatch(/Kubernetes secrets are not envelope-encrypted with a KMS key/);
  });
});

describe('14. security-group references across a Transit Gateway', () => {
  function acrossTransitGateway(source: Record<string, Json>, referencing: boolean | 'gateway not given'): Template {
    const t = network(PRIVATE);
    addClientVpc(t);
    if (referencing === true) {
      t.Resources.Tgw = { Type: 'AWS::EC2::TransitGateway', Properties: { SecurityGroupReferencingSupport: 'enable' } };
      attachToTransitGateway(t, ref('Tgw'), { SecurityGroupReferencingSupport: 'enable' });
    } else if (referencing === false) {
      // the gateway's option left out: off, its default
      t.Resources.Tgw = { Type: 'AWS::EC2::TransitGateway', Properties: {} };
      attachToTransitGateway(t, ref('Tgw'));
    } else {
      attachToTransitGateway(t, 'tgw-0123');
    }
    allow443IntoClusterSg(t, source);
    return t;
  }
  const fromClientSg = { SourceSecurityGroupId: getAtt('ClientSg', 'GroupId') };

  test('fails a rule naming the client\'s security group when SecurityGroupReferencingSupport is off (the default)', () => {
    const findings = check(acrossTransitGateway(fromClientSg, false));
    expect(verdicts(findings)).toEqual([error('ConnectedClientPath')]);
    expect(findings[0].message).toMatch(/security-group references do not work across a Transit Gateway unless SecurityGroupReferencingSupport is enabled/);
  });

  test('warns, and does not fail, when the gateway is not in the templates: its option is not known', () => {
    expect(verdicts(check(acrossTransitGateway(fromClientSg, 'gateway not given')))).toEqual([notVerifiable('ConnectedClientPath')]);
  });

  test('passes the same rule with SecurityGroupReferencingSupport enabled on the gateway and both attachments', () => {
    expect(check(acrossTransitGateway(fromClientSg, true))).toEqual([]);
  });

  test('passes a rule allowing the client\'s CIDR block, with the option off', () => {
    expect(check(acrossTransitGateway({ CidrIp: CLIENT_VPC_CIDR }, false))).toEqual([]);
  });
});
