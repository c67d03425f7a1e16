/**
 * The template-level fuzz's inputs: a realistic template that passes every rule in each mode,
 * every path the rules read, and the values that replace them one at a time. Shared by
 * test/fuzz.test.ts and bench/findings.ts (which records the findings of every variant).
 */
export type Mode = 'public-and-private' | 'private' | 'public';
export const MODES: Mode[] = ['public-and-private', 'private', 'public'];

// --- the base template -------------------------------------------------------------------

export const ref = (id: string) => ({ Ref: id });
export const att = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });
const ingress443 = (source: Record<string, unknown>) => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...source });

/** The parameters the variants refer to, one of each type, and a condition on one of them. */
export const PARAMETER_TYPES: Record<string, string> = {
  PString: 'String',
  PNumber: 'Number',
  PList: 'CommaDelimitedList',
  PNumberList: 'List<Number>',
  PSubnets: 'List<AWS::EC2::Subnet::Id>',
  PSsm: 'AWS::SSM::Parameter::Value<String>',
};

function subnet(cidr: string, vpc = 'Vpc'): Record<string, unknown> {
  return { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref(vpc), CidrBlock: cidr, AvailabilityZone: 'eu-west-1a' } };
}

function route(table: string, destination: string, target: Record<string, unknown>): Record<string, unknown> {
  return { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref(table), DestinationCidrBlock: destination, ...target } };
}

function association(subnetId: string, table: string): Record<string, unknown> {
  return { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref(subnetId), RouteTableId: ref(table) } };
}

function interfaceEndpoint(service: string): Record<string, unknown> {
  return {
    Type: 'AWS::EC2::VPCEndpoint',
    Properties: {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', ref('AWS::Region'), `.${service}`]] },
      VpcId: ref('Vpc'),
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      SubnetIds: [ref('IsolatedSubnet')],
      SecurityGroupIds: [att('EndpointSg', 'GroupId')],
    },
  };
}

function role(service: string): Record<string, unknown> {
  return {
    Type: 'AWS::IAM::Role',
    Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] } },
  };
}

function accessEntry(principalRole: string): Record<string, unknown> {
  return { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: ref('Cluster'), PrincipalArn: att(principalRole, 'Arn'), Type: 'STANDARD' } };
}

/**
 * A VPC with a public subnet and NAT gateway, two private subnets with NAT default routes
 * (the cluster's), an isolated subnet with the VPC endpoints Fargate needs, custom DHCP
 * options, a peered VPC with an API client, a Transit Gateway attachment, a Site-to-Site VPN,
 * Route 53 Resolver forwarding, and a cluster with a node group, a Fargate profile, Auto Mode, two known
 * clients (a bastion instance and a Lambda function), and an instance whose user data runs kubectl.
 * It passes every rule in each mode.
 */
export function baseTemplate(mode: Mode): Record<string, any> {
  const publicAccess = mode !== 'private';
  const privateAccess = mode !== 'public';
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: Object.fromEntries(Object.entries(PARAMETER_TYPES).map(([name, type]) => [name, { Type: type }])),
    Conditions: {
      ParamCond: { 'Fn::Equals': [ref('PString'), 'yes'] },
      Never: { 'Fn::Equals': ['a', 'b'] },
    },
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } },
      Igw: { Type: 'AWS::EC2::InternetGateway' },
      IgwAttachment: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), InternetGatewayId: ref('Igw') } },

      PublicSubnet: subnet('10.0.0.0/24'),
      PublicRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
      PublicAssoc: association('PublicSubnet', 'PublicRt'),
      PublicDefault: route('PublicRt', '0.0.0.0/0', { GatewayId: ref('Igw') }),
      NatEip: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('PublicSubnet'), AllocationId: att('NatEip', 'AllocationId') } },

      SubnetA: subnet('10.0.1.0/24'),
      RtA: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
      AssocA: association('SubnetA', 'RtA'),
      DefaultA: route('RtA', '0.0.0.0/0', { NatGatewayId: ref('Nat') }),
      PeerRouteA: route('RtA', '10.1.0.0/16', { VpcPeeringConnectionId: ref('Peering') }),
      TgwRouteA: route('RtA', '10.2.0.0/16', { TransitGatewayId: ref('Tgw') }),
      SubnetB: subnet('10.0.2.0/24'),
      RtB: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
      AssocB: association('SubnetB', 'RtB'),
      DefaultB: route('RtB', '0.0.0.0/0', { NatGatewayId: ref('Nat') }),
      PeerRouteB: route('RtB', '10.1.0.0/16', { VpcPeeringConnectionId: ref('Peering') }),
      TgwRouteB: route('RtB', '10.2.0.0/16', { TransitGatewayId: ref('Tgw') }),
      IsolatedSubnet: subnet('10.0.3.0/24'),
      IsolatedRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
      IsolatedAssoc: association('IsolatedSubnet', 'IsolatedRt'),

      ControlPlaneSg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'control plane', VpcId: ref('Vpc'),
          // the peer VPC's block and the VPN's, declared as connected networks (ConnectedNetworkRoute reads them and the description)
          SecurityGroupIngress: [ingress443({ CidrIp: '10.1.0.0/16', Description: 'Kubernetes API from a connected network' }), ingress443({ CidrIp: '192.168.0.0/16' })],
        },
      },
      ClientSg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'API clients',
          VpcId: ref('Vpc'),
          SecurityGroupEgress: [ingress443({ DestinationSecurityGroupId: att('Cluster', 'ClusterSecurityGroupId') })],
        },
      },
      ClientIngress: {
        Type: 'AWS::EC2::SecurityGroupIngress',
        Properties: { GroupId: att('Cluster', 'ClusterSecurityGroupId'), ...ingress443({ SourceSecurityGroupId: att('ClientSg', 'GroupId') }) },
      },
      EndpointSg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: { GroupDescription: 'endpoints', VpcId: ref('Vpc'), SecurityGroupIngress: [ingress443({ CidrIp: att('Vpc', 'CidrBlock') })] },
      },

      S3Endpoint: {
        Type: 'AWS::EC2::VPCEndpoint',
        Properties: { ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.s3' }, VpcId: ref('Vpc'), RouteTableIds: [ref('IsolatedRt')] },
      },
      EcrApiEndpoint: interfaceEndpoint('ecr.api'),
      EcrDkrEndpoint: interfaceEndpoint('ecr.dkr'),
      StsEndpoint: interfaceEndpoint('sts'),

      DhcpOptions: { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainName: 'corp.example.com', DomainNameServers: ['AmazonProvidedDNS'] } },
      DhcpAssoc: { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: ref('DhcpOptions') } },

      KmsKey: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: {} } },
      ClusterRole: role('eks.amazonaws.com'),
      NodeRole: role('ec2.amazonaws.com'),
      Cluster: {
        Type: 'AWS::EKS::Cluster',
        Properties: {
          Name: 'prod',
          Version: '1.34',
          RoleArn: att('ClusterRole', 'Arn'),
          ResourcesVpcConfig: {
            SubnetIds: [ref('SubnetA'), ref('SubnetB')],
            SecurityGroupIds: [att('ControlPlaneSg', 'GroupId')],
            EndpointPublicAccess: publicAccess,
            EndpointPrivateAccess: privateAccess,
            ...(publicAccess ? { PublicAccessCidrs: ['203.0.113.0/24', { 'Fn::Join': ['', [ref('NatEip'), '/32']] }] } : {}),
            // webhooks and OIDC discovery leave through SubnetA and SubnetB's NAT gateway, resolved by AmazonProvidedDNS
            ControlPlaneEgressMode: 'CUSTOMER_ROUTED',
          },
          Logging: { ClusterLogging: { EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({ Type })) } },
          EncryptionConfig: [{ Provider: { KeyArn: att('KmsKey', 'Arn') }, Resources: ['secrets'] }],
          ComputeConfig: { Enabled: true, NodePools: ['general-purpose'], NodeRoleArn: att('NodeRole', 'Arn') },
          KubernetesNetworkConfig: { IpFamily: 'ipv4', ElasticLoadBalancing: { Enabled: true } },
          StorageConfig: { BlockStorage: { Enabled: true } },
          AccessConfig: { AuthenticationMode: 'API' },
        },
      },
      // IAM roles for service accounts: the API server fetches the issuer's discovery document
      Oidc: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: att('Cluster', 'OpenIdConnectIssuerUrl'), ClientIdList: ['sts.amazonaws.com'] } },
      Nodegroup: {
        Type: 'AWS::EKS::Nodegroup',
        Properties: { ClusterName: ref('Cluster'), NodeRole: att('NodeRole', 'Arn'), Subnets: [ref('SubnetA'), ref('SubnetB')] },
      },
      FargateProfile: {
        Type: 'AWS::EKS::FargateProfile',
        Properties: {
          ClusterName: ref('Cluster'),
          PodExecutionRoleArn: att('NodeRole', 'Arn'),
          // a public-only endpoint needs internet egress: Fargate runs behind the NAT gateway then
          Subnets: [ref(mode === 'public' ? 'SubnetA' : 'IsolatedSubnet')],
          Selectors: [{ Namespace: 'batch' }],
        },
      },

      BastionRole: {
        ...role('ec2.amazonaws.com'),
        Properties: {
          ...role('ec2.amazonaws.com').Properties as object,
          ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
        },
      },
      BastionProfile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [ref('BastionRole')] } },
      Bastion: {
        Type: 'AWS::EC2::Instance',
        Metadata: { 'cdk-eks-endpoint': { client: 'ClusterBastion' } },
        Properties: {
          ImageId: ref('PSsm'),
          InstanceType: 't3.micro',
          SubnetId: ref('SubnetA'),
          SecurityGroupIds: [att('ClientSg', 'GroupId')],
          IamInstanceProfile: ref('BastionProfile'),
        },
      },
      BastionAccess: accessEntry('BastionRole'),
      // an instance that looks like an API client (kubectl in its user data, no access entry), with its 443 path (ClientLikeInstancePath)
      Runner: {
        Type: 'AWS::EC2::Instance',
        Properties: {
          ImageId: ref('PSsm'),
          InstanceType: 't3.micro',
          SubnetId: ref('SubnetB'),
          SecurityGroupIds: [att('ClientSg', 'GroupId')],
          UserData: { 'Fn::Base64': { 'Fn::Join': ['', ['#!/bin/bash\naws eks update-kubeconfig --name ', ref('Cluster'), '\nkubectl get nodes\n']] } },
          Tags: [{ Key: 'Name', Value: 'kubectl-runner' }],
        },
      },
      FunctionRole: role('lambda.amazonaws.com'),
      Function: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Role: att('FunctionRole', 'Arn'),
          Runtime: 'python3.13',
          Handler: 'index.handler',
          Code: { ZipFile: 'def handler(e, c): pass' },
          VpcConfig: { SubnetIds: [ref('SubnetB')], SecurityGroupIds: [att('ClientSg', 'GroupId')] },
        },
      },
      FunctionAccess: accessEntry('FunctionRole'),

      PeerVpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } },
      PeerSubnet: subnet('10.1.0.0/24', 'PeerVpc'),
      PeerRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('PeerVpc') } },
      PeerAssoc: association('PeerSubnet', 'PeerRt'),
      PeerBack: route('PeerRt', '10.0.0.0/16', { VpcPeeringConnectionId: ref('Peering') }),
      Peering: { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: ref('Vpc'), PeerVpcId: ref('PeerVpc') } },
      PeerClientSg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'peer client', VpcId: ref('PeerVpc') } },
      PeerClientEgress: {
        Type: 'AWS::EC2::SecurityGroupEgress',
        Properties: { GroupId: att('PeerClientSg', 'GroupId'), ...ingress443({ CidrIp: '10.0.0.0/16' }) },
      },
      PeerClientRole: role('ec2.amazonaws.com'),
      PeerClientProfile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [ref('PeerClientRole')] } },
      PeerClient: {
        Type: 'AWS::EC2::Instance',
        Properties: {
          ImageId: ref('PSsm'),
          InstanceType: 't3.micro',
          IamInstanceProfile: ref('PeerClientProfile'),
          NetworkInterfaces: [{ DeviceIndex: '0', SubnetId: ref('PeerSubnet'), GroupSet: [att('PeerClientSg', 'GroupId')] }],
        },
      },
      PeerClientAccess: accessEntry('PeerClientRole'),

      Tgw: { Type: 'AWS::EC2::TransitGateway', Properties: { SecurityGroupReferencingSupport: 'enable' } },
      TgwAttachment: {
        Type: 'AWS::EC2::TransitGatewayAttachment',
        Properties: {
          VpcId: ref('Vpc'), SubnetIds: [ref('SubnetA'), ref('SubnetB')], TransitGatewayId: ref('Tgw'),
          Options: { SecurityGroupReferencingSupport: 'enable' },
        },
      },

      // a Site-to-Site VPN to 192.168.0.0/16: its static route propagated into the cluster subnets' tables, 443 from it
      Vgw: { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } },
      VgwAttachment: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), VpnGatewayId: ref('Vgw') } },
      Cgw: { Type: 'AWS::EC2::CustomerGateway', Properties: { Type: 'ipsec.1', IpAddress: '198.51.100.10', BgpAsn: 65000 } },
      Vpn: { Type: 'AWS::EC2::VPNConnection', Properties: { Type: 'ipsec.1', CustomerGatewayId: ref('Cgw'), VpnGatewayId: ref('Vgw'), StaticRoutesOnly: true } },
      VpnRoute: { Type: 'AWS::EC2::VPNConnectionRoute', Properties: { DestinationCidrBlock: '192.168.0.0/16', VpnConnectionId: ref('Vpn') } },
      VpnPropagation: { Type: 'AWS::EC2::VPNGatewayRoutePropagation', Properties: { VpnGatewayId: ref('Vgw'), RouteTableIds: [ref('RtA'), ref('RtB')] } },

      ResolverSg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'resolver', VpcId: ref('Vpc') } },
      InboundResolver: {
        Type: 'AWS::Route53Resolver::ResolverEndpoint',
        Properties: {
          Direction: 'INBOUND',
          IpAddresses: [{ SubnetId: ref('SubnetA') }, { SubnetId: ref('SubnetB') }],
          SecurityGroupIds: [att('ResolverSg', 'GroupId')],
        },
      },
      ForwardEks: {
        Type: 'AWS::Route53Resolver::ResolverRule',
        Properties: { RuleType: 'FORWARD', DomainName: 'eu-west-1.eks.amazonaws.com', TargetIps: [{ Ip: '10.0.1.10' }] },
      },
      ForwardEksPeer: {
        Type: 'AWS::Route53Resolver::ResolverRuleAssociation',
        Properties: { ResolverRuleId: att('ForwardEks', 'ResolverRuleId'), VPCId: ref('PeerVpc') },
      },
    },
  };
}

/**
 * The base template with its cluster as aws-eks (v1) writes it: a `Custom::AWSCDK-EKS-Cluster`
 * whose Config is the CreateCluster request in camelCase (logging as `clusterLogging: [{ enabled,
 * types }]`), a v1 Fargate profile, the bastion's access granted by the aws-auth manifest (JSON
 * in Fn::Join around its role's ARN) instead of an access entry, and the kubectl handler in the
 * cluster subnets and the cluster security group, as v1 places it. It passes every rule in each mode.
 */
export function v1BaseTemplate(mode: Mode): Record<string, any> {
  const t = baseTemplate(mode);
  const resources = { ...t.Resources };
  const props = resources.Cluster.Properties;
  const vpcConfig = props.ResourcesVpcConfig;
  resources.Cluster = {
    Type: 'Custom::AWSCDK-EKS-Cluster',
    Properties: {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:cluster-provider',
      Config: {
        name: props.Name, version: props.Version, roleArn: props.RoleArn,
        resourcesVpcConfig: {
          subnetIds: vpcConfig.SubnetIds, securityGroupIds: vpcConfig.SecurityGroupIds,
          endpointPublicAccess: vpcConfig.EndpointPublicAccess, endpointPrivateAccess: vpcConfig.EndpointPrivateAccess,
          ...(vpcConfig.PublicAccessCidrs ? { publicAccessCidrs: vpcConfig.PublicAccessCidrs } : {}),
        },
        logging: { clusterLogging: [{ enabled: true, types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] }] },
        encryptionConfig: [{ provider: { keyArn: att('KmsKey', 'Arn') }, resources: ['secrets'] }],
        kubernetesNetworkConfig: { ipFamily: 'ipv4' },
      },
    },
  };
  const fargate = resources.FargateProfile.Properties;
  resources.FargateProfile = {
    Type: 'Custom::AWSCDK-EKS-FargateProfile',
    Properties: {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:cluster-provider',
      Config: { clusterName: ref('Cluster'), podExecutionRoleArn: fargate.PodExecutionRoleArn, subnets: fargate.Subnets, selectors: [{ namespace: 'batch' }] },
    },
  };
  delete resources.BastionAccess;
  const manifest = (arn: unknown) => ({
    'Fn::Join': ['', [
      '[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system"},"data":{"mapRoles":"[{\\"rolearn\\":\\"',
      arn, '\\",\\"username\\":\\"admin\\",\\"groups\\":[\\"system:masters\\"]}]","mapUsers":"[]","mapAccounts":"[]"}}]',
    ]],
  });
  resources.AwsAuth = {
    Type: 'Custom::AWSCDK-EKS-KubernetesResource',
    Properties: { ServiceToken: att('KubectlProvider', 'Arn'), ClusterName: ref('Cluster'), Manifest: manifest(att('BastionRole', 'Arn')), Overwrite: true },
  };
  const inVpc = { SubnetIds: [ref('SubnetA'), ref('SubnetB')], SecurityGroupIds: [att('Cluster', 'ClusterSecurityGroupId')] };
  resources.KubectlHandlerRole = role('lambda.amazonaws.com');
  resources.KubectlHandler = {
    Type: 'AWS::Lambda::Function',
    Properties: { Role: att('KubectlHandlerRole', 'Arn'), Runtime: 'python3.13', Handler: 'index.handler', Code: { ZipFile: 'x' }, VpcConfig: inVpc },
  };
  resources.KubectlProvider = {
    Type: 'AWS::Lambda::Function',
    Properties: {
      Role: att('KubectlHandlerRole', 'Arn'), Runtime: 'nodejs22.x', Handler: 'framework.onEvent', Code: { ZipFile: 'x' }, VpcConfig: inVpc,
      Environment: { Variables: { USER_ON_EVENT_FUNCTION_ARN: att('KubectlHandler', 'Arn') } },
    },
  };
  return { ...t, Resources: resources };
}

/** Paths only v1BaseTemplate's kubectl provider has: how the provider framework names the handler. */
export const V1_EXTRA_TARGETS: Array<[string, string]> = [
  ['KubectlProvider', 'Properties.Environment'], ['KubectlProvider', 'Properties.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN'],
];

// --- what the rules read -------------------------------------------------------------------

const SG_RULE = ['IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'CidrIpv6'];

/**
 * Every path (from the resource, dotted, list items by index) the network model and the rules
 * read, by resource type: lib/check/engine/model/ and lib/check/rules/*.ts. `Properties`
 * alone replaces them all; paths absent from the base template are added by the variant.
 */
export const READ_PATHS: Record<string, string[]> = {
  'AWS::EKS::Cluster': [
    'Properties', 'Properties.Name', 'Properties.ResourcesVpcConfig',
    'Properties.ResourcesVpcConfig.SubnetIds', 'Properties.ResourcesVpcConfig.SubnetIds.0',
    'Properties.ResourcesVpcConfig.SecurityGroupIds', 'Properties.ResourcesVpcConfig.SecurityGroupIds.0',
    'Properties.ResourcesVpcConfig.EndpointPublicAccess', 'Properties.ResourcesVpcConfig.EndpointPrivateAccess',
    'Properties.ResourcesVpcConfig.PublicAccessCidrs', 'Properties.ResourcesVpcConfig.PublicAccessCidrs.0', 'Properties.ResourcesVpcConfig.PublicAccessCidrs.1',
    'Properties.Logging', 'Properties.Logging.ClusterLogging', 'Properties.Logging.ClusterLogging.EnabledTypes',
    'Properties.Logging.ClusterLogging.EnabledTypes.0', 'Properties.Logging.ClusterLogging.EnabledTypes.0.Type',
    'Properties.EncryptionConfig', 'Properties.EncryptionConfig.0', 'Properties.EncryptionConfig.0.Provider',
    'Properties.EncryptionConfig.0.Provider.KeyArn', 'Properties.EncryptionConfig.0.Resources', 'Properties.EncryptionConfig.0.Resources.0',
    'Properties.ComputeConfig', 'Properties.ComputeConfig.Enabled',
    'Properties.ResourcesVpcConfig.ControlPlaneEgressMode', 'Properties.KubernetesNetworkConfig', 'Properties.KubernetesNetworkConfig.IpFamily',
  ],
  'AWS::IAM::OIDCProvider': ['Properties', 'Properties.Url'],
  'Custom::AWSCDK-EKS-Cluster': [
    'Properties', 'Properties.Config', 'Properties.Config.name', 'Properties.Config.resourcesVpcConfig',
    'Properties.Config.resourcesVpcConfig.subnetIds', 'Properties.Config.resourcesVpcConfig.subnetIds.0',
    'Properties.Config.resourcesVpcConfig.securityGroupIds', 'Properties.Config.resourcesVpcConfig.securityGroupIds.0',
    'Properties.Config.resourcesVpcConfig.endpointPublicAccess', 'Properties.Config.resourcesVpcConfig.endpointPrivateAccess',
    'Properties.Config.resourcesVpcConfig.publicAccessCidrs', 'Properties.Config.resourcesVpcConfig.publicAccessCidrs.0',
    'Properties.Config.logging', 'Properties.Config.logging.clusterLogging', 'Properties.Config.logging.clusterLogging.0',
    'Properties.Config.logging.clusterLogging.0.enabled', 'Properties.Config.logging.clusterLogging.0.types', 'Properties.Config.logging.clusterLogging.0.types.0',
    'Properties.Config.encryptionConfig', 'Properties.Config.encryptionConfig.0', 'Properties.Config.encryptionConfig.0.provider',
    'Properties.Config.encryptionConfig.0.provider.keyArn', 'Properties.Config.encryptionConfig.0.resources',
  ],
  'Custom::AWSCDK-EKS-FargateProfile': ['Properties', 'Properties.Config', 'Properties.Config.clusterName', 'Properties.Config.subnets', 'Properties.Config.subnets.0'],
  'Custom::AWSCDK-EKS-KubernetesResource': ['Properties', 'Properties.ClusterName', 'Properties.ServiceToken', 'Properties.Manifest',
    'Properties.Manifest.Fn::Join.1', 'Properties.Manifest.Fn::Join.1.0', 'Properties.Manifest.Fn::Join.1.1'],
  'AWS::EKS::Nodegroup': ['Properties', 'Properties.ClusterName', 'Properties.Subnets', 'Properties.Subnets.0'],
  'AWS::EKS::FargateProfile': ['Properties', 'Properties.ClusterName', 'Properties.Subnets', 'Properties.Subnets.0'],
  'AWS::EKS::AccessEntry': ['Properties', 'Properties.ClusterName', 'Properties.PrincipalArn'],
  'AWS::IAM::InstanceProfile': ['Properties', 'Properties.Roles', 'Properties.Roles.0'],
  'AWS::IAM::Role': ['Properties', 'Properties.ManagedPolicyArns', 'Properties.ManagedPolicyArns.0'],
  'AWS::EC2::Instance': [
    'Properties', 'Properties.IamInstanceProfile', 'Properties.SubnetId', 'Properties.SecurityGroupIds', 'Properties.SecurityGroupIds.0',
    'Properties.SecurityGroups', 'Properties.NetworkInterfaces', 'Properties.NetworkInterfaces.0', 'Properties.NetworkInterfaces.0.SubnetId',
    'Properties.NetworkInterfaces.0.GroupSet', 'Properties.NetworkInterfaces.0.GroupSet.0',
    'Metadata', 'Metadata.cdk-eks-endpoint', 'Metadata.cdk-eks-endpoint.client',
    'Properties.UserData', 'Properties.UserData.Fn::Base64', 'Properties.Tags', 'Properties.Tags.0', 'Properties.Tags.0.Value',
  ],
  'AWS::Lambda::Function': [
    'Properties', 'Properties.Role', 'Properties.VpcConfig', 'Properties.VpcConfig.SubnetIds', 'Properties.VpcConfig.SubnetIds.0',
    'Properties.VpcConfig.SecurityGroupIds', 'Properties.VpcConfig.SecurityGroupIds.0',
  ],
  'AWS::EC2::VPC': ['Properties', 'Properties.CidrBlock', 'Properties.EnableDnsSupport', 'Properties.EnableDnsHostnames'],
  'AWS::EC2::Subnet': ['Properties', 'Properties.VpcId', 'Properties.CidrBlock'],
  'AWS::EC2::SubnetRouteTableAssociation': ['Properties', 'Properties.SubnetId', 'Properties.RouteTableId'],
  'AWS::EC2::Route': [
    'Properties', 'Properties.RouteTableId', 'Properties.DestinationCidrBlock', 'Properties.DestinationIpv6CidrBlock',
    'Properties.DestinationPrefixListId', 'Properties.NatGatewayId', 'Properties.GatewayId', 'Properties.TransitGatewayId',
    'Properties.VpcPeeringConnectionId',
  ],
  'AWS::EC2::NatGateway': ['Properties', 'Properties.ConnectivityType', 'Properties.SubnetId', 'Properties.AllocationId'],
  'AWS::EC2::VPCEndpoint': [
    'Properties', 'Properties.VpcId', 'Properties.ServiceName', 'Properties.VpcEndpointType', 'Properties.PrivateDnsEnabled',
    'Properties.RouteTableIds', 'Properties.RouteTableIds.0', 'Properties.SecurityGroupIds', 'Properties.SecurityGroupIds.0',
  ],
  'AWS::EC2::DHCPOptions': ['Properties', 'Properties.DomainNameServers', 'Properties.DomainNameServers.0'],
  'AWS::EC2::VPCDHCPOptionsAssociation': ['Properties', 'Properties.VpcId', 'Properties.DhcpOptionsId'],
  'AWS::EC2::SecurityGroup': [
    'Properties', 'Properties.VpcId',
    'Properties.SecurityGroupIngress', 'Properties.SecurityGroupIngress.0',
    ...[...SG_RULE, 'SourceSecurityGroupId', 'SourcePrefixListId', 'Description'].map((k) => `Properties.SecurityGroupIngress.0.${k}`),
    'Properties.SecurityGroupEgress', 'Properties.SecurityGroupEgress.0',
    ...[...SG_RULE, 'DestinationSecurityGroupId', 'DestinationPrefixListId'].map((k) => `Properties.SecurityGroupEgress.0.${k}`),
  ],
  'AWS::EC2::SecurityGroupIngress': ['Properties', 'Properties.GroupId', 'Properties.SourceSecurityGroupId', 'Properties.SourcePrefixListId', 'Properties.Description',
    ...SG_RULE.map((k) => `Properties.${k}`)],
  'AWS::EC2::SecurityGroupEgress': ['Properties', 'Properties.GroupId', 'Properties.DestinationSecurityGroupId', 'Properties.DestinationPrefixListId',
    ...SG_RULE.map((k) => `Properties.${k}`)],
  'AWS::EC2::VPCPeeringConnection': ['Properties', 'Properties.VpcId', 'Properties.PeerVpcId'],
  'AWS::EC2::TransitGateway': ['Properties', 'Properties.SecurityGroupReferencingSupport'],
  'AWS::EC2::TransitGatewayAttachment': ['Properties', 'Properties.VpcId', 'Properties.TransitGatewayId', 'Properties.Options',
    'Properties.Options.SecurityGroupReferencingSupport'],
  'AWS::Route53Resolver::ResolverEndpoint': ['Properties', 'Properties.Direction', 'Properties.IpAddresses', 'Properties.IpAddresses.0',
    'Properties.IpAddresses.0.SubnetId'],
  'AWS::Route53Resolver::ResolverRule': ['Properties', 'Properties.RuleType', 'Properties.DomainName'],
  'AWS::Route53Resolver::ResolverRuleAssociation': ['Properties', 'Properties.ResolverRuleId', 'Properties.VPCId'],
  'AWS::EC2::VPCGatewayAttachment': ['Properties', 'Properties.VpcId', 'Properties.VpnGatewayId', 'Properties.InternetGatewayId'],
  'AWS::EC2::VPNConnection': ['Properties', 'Properties.VpnGatewayId', 'Properties.StaticRoutesOnly'],
  'AWS::EC2::VPNConnectionRoute': ['Properties', 'Properties.DestinationCidrBlock', 'Properties.VpnConnectionId'],
  'AWS::EC2::VPNGatewayRoutePropagation': ['Properties', 'Properties.VpnGatewayId', 'Properties.RouteTableIds', 'Properties.RouteTableIds.0'],
};

// --- the variants ----------------------------------------------------------------------------

export interface Variant {
  readonly name: string;
  /** True when the value is only known at deploy time: it must never make a definite error. */
  readonly deployTime: boolean;
  readonly value: (original: unknown) => unknown;
}

const NONSENSE = {
  'Fn::Select': [
    { 'Fn::If': ['Undeclared', { 'Fn::GetAtt': [{ Ref: [] }, { 'Fn::Sub': [1, null] }] }, { 'Fn::FindInMap': [{}, [], null] }] },
    {
      'Fn::Join': [null, { 'Fn::Split': [{}, { 'Fn::ImportValue': { 'Fn::Base64': { 'Fn::Cidr': [{ Ref: 'AWS::NoValue' }, 'x', { 'Fn::Not': [] }] } } }] }],
      Extra: { 'Fn::GetStackOutput': { StackName: { 'Fn::Transform': {} } } },
    },
  ],
};

/** Lists, Fn::If and Fn::Join nested `depth` levels around an import: deeper than the evaluator reads (64). */
function deepNonsense(depth: number): unknown {
  let value: unknown = { 'Fn::ImportValue': 'deep' };
  for (let i = 0; i < depth; i++) value = i % 3 === 0 ? [value] : i % 3 === 1 ? { 'Fn::If': ['ParamCond', value, 'x'] } : { 'Fn::Join': ['', [value]] };
  return value;
}

export const VARIANTS: Variant[] = [
  ...Object.entries(PARAMETER_TYPES).map(([name, type]) => ({ name: `Ref to a ${type} parameter`, deployTime: true, value: () => ref(name) })),
  {
    name: 'Fn::If on a parameter condition',
    deployTime: true,
    value: (original: unknown) => ({ 'Fn::If': ['ParamCond', original ?? ref('PString'), ref('AWS::NoValue')] }),
  },
  { name: 'Fn::ImportValue of an export nobody has', deployTime: true, value: () => ({ 'Fn::ImportValue': 'nobody-exports-this' }) },
  { name: 'AWS::NoValue', deployTime: false, value: () => ref('AWS::NoValue') },
  { name: 'a number', deployTime: false, value: () => 42 },
  { name: 'a string', deployTime: false, value: () => 'not-what-you-expect' },
  { name: 'an object', deployTime: false, value: () => ({ Unexpected: { Nested: ['x'] } }) },
  { name: 'a list', deployTime: false, value: () => ['x', 1, null, { a: 'b' }] },
  { name: 'null', deployTime: false, value: () => null },
  { name: 'true', deployTime: false, value: () => true },
  { name: 'a nested nonsense intrinsic', deployTime: false, value: () => NONSENSE },
  { name: 'a deeply nested nonsense intrinsic', deployTime: false, value: () => deepNonsense(80) },
];

/** Resource-level `Condition` variants: one on a parameter (deploy-time), the rest malformed or false. */
export const CONDITION_VARIANTS: Variant[] = [
  { name: 'Condition on a parameter', deployTime: true, value: () => 'ParamCond' },
  { name: 'Condition that is false', deployTime: false, value: () => 'Never' },
  { name: 'Condition not declared', deployTime: false, value: () => 'Undeclared' },
  { name: 'Condition that is a list', deployTime: false, value: () => ['ParamCond'] },
  { name: 'Condition that is an intrinsic', deployTime: false, value: () => NONSENSE },
];

// --- running them --------------------------------------------------------------------------

/**
 * The template with `path` (from the resource) set to `value`, creating what is missing on the
 * way. Only the containers on the path are copied: the engine does not change what it reads.
 */
export function withValue(template: Record<string, any>, logicalId: string, path: string, value: unknown): Record<string, any> {
  const copy = (node: unknown, nextKey: string): any => (Array.isArray(node) ? [...node]
    : typeof node === 'object' && node !== null ? { ...node } : /^\d+$/.test(nextKey) ? [] : {});
  const keys = path.split('.');
  const resources = { ...template.Resources };
  let node = resources[logicalId] = { ...resources[logicalId] };
  keys.slice(0, -1).forEach((key, i) => {
    node = node[key] = copy(node[key], keys[i + 1]);
  });
  node[keys[keys.length - 1]] = value;
  return { ...template, Resources: resources };
}

export function valueAt(template: Record<string, any>, logicalId: string, path: string): unknown {
  return path.split('.').reduce<any>((node, key) => (node === undefined || node === null ? undefined : node[key]), template.Resources[logicalId]);
}


/**
 * Whether a variant at a path is a template CloudFormation deploys with a deploy-time value:
 * a whole `Properties` block takes only `Fn::If` (cfn-lint and CloudFormation accept it), not
 * a `Ref` or an import.
 */
export function deployTimeAt(variant: Variant, path: string): boolean {
  return variant.deployTime && (path !== 'Properties' || variant.name.startsWith('Fn::If'));
}

/** What is wrong with the findings of one variant: an empty list when nothing is. */
/** Every (resource, path) the fuzz replaces in a template. */
export function targets(template: Record<string, any>): Array<[string, string]> {
  return Object.entries(template.Resources as Record<string, { Type: string }>)
    .flatMap(([logicalId, r]) => [...(READ_PATHS[r.Type] ?? ['Properties']), 'Condition'].map((path): [string, string] => [logicalId, path]));
}

