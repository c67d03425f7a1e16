import { App, Aspects, CfnCondition, CfnParameter, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EndpointAccessChecks, PrivateResolutionCheck } from '../lib';
import { analyze } from '../lib/check/engine/analyze';
import { TemplateInput } from '../lib/check/engine/input';
import { ReportedFinding } from '../lib/check/engine/finding';
import { ALL_RULES } from '../lib/check/rules';
import { renderTree } from '../lib/check/tree-templates';
import { testApp } from './util';

/**
 * Fuzzing the check: a realistic template in which every property the rules read is replaced,
 * one at a time, by a deploy-time value (a parameter of each type, a condition on a parameter,
 * an import nobody makes), by AWS::NoValue, by a literal of the wrong type and by nonsense.
 * The engine must never throw, never report a rule crash, and never turn a deploy-time value
 * into a definite error: what it cannot know is a warning.
 */

type Mode = 'public-and-private' | 'private' | 'public';
const MODES: Mode[] = ['public-and-private', 'private', 'public'];

// --- the base template -------------------------------------------------------------------

const ref = (id: string) => ({ Ref: id });
const att = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });
const ingress443 = (source: Record<string, unknown>) => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...source });

/** The parameters the variants refer to, one of each type, and a condition on one of them. */
const PARAMETER_TYPES: Record<string, string> = {
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
 * Route 53 Resolver forwarding, and a cluster with a node group, a Fargate profile, Auto Mode and two known
 * clients (a bastion instance and a Lambda function). It passes every rule in each mode.
 */
function baseTemplate(mode: Mode): Record<string, any> {
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
          SecurityGroupIngress: [ingress443({ CidrIp: '10.1.0.0/16' }), ingress443({ CidrIp: '192.168.0.0/16' })],
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
          },
          Logging: { ClusterLogging: { EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({ Type })) } },
          EncryptionConfig: [{ Provider: { KeyArn: att('KmsKey', 'Arn') }, Resources: ['secrets'] }],
          ComputeConfig: { Enabled: true, NodePools: ['general-purpose'], NodeRoleArn: att('NodeRole', 'Arn') },
          KubernetesNetworkConfig: { ElasticLoadBalancing: { Enabled: true } },
          StorageConfig: { BlockStorage: { Enabled: true } },
          AccessConfig: { AuthenticationMode: 'API' },
        },
      },
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

// --- what the rules read -------------------------------------------------------------------

const SG_RULE = ['IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'CidrIpv6'];

/**
 * Every path (from the resource, dotted, list items by index) the network model and the rules
 * read, by resource type: lib/check/engine/network-model.ts and lib/check/rules/*.ts. `Properties`
 * alone replaces them all; paths absent from the base template are added by the variant.
 */
const READ_PATHS: Record<string, string[]> = {
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
  ],
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
    ...[...SG_RULE, 'SourceSecurityGroupId', 'SourcePrefixListId'].map((k) => `Properties.SecurityGroupIngress.0.${k}`),
    'Properties.SecurityGroupEgress', 'Properties.SecurityGroupEgress.0',
    ...[...SG_RULE, 'DestinationSecurityGroupId', 'DestinationPrefixListId'].map((k) => `Properties.SecurityGroupEgress.0.${k}`),
  ],
  'AWS::EC2::SecurityGroupIngress': ['Properties', 'Properties.GroupId', 'Properties.SourceSecurityGroupId', 'Properties.SourcePrefixListId',
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

interface Variant {
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

const VARIANTS: Variant[] = [
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
const CONDITION_VARIANTS: Variant[] = [
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
function withValue(template: Record<string, any>, logicalId: string, path: string, value: unknown): Record<string, any> {
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

function valueAt(template: Record<string, any>, logicalId: string, path: string): unknown {
  return path.split('.').reduce<any>((node, key) => (node === undefined || node === null ? undefined : node[key]), template.Resources[logicalId]);
}

function run(template: unknown): ReportedFinding[] {
  return analyze([{ id: 'fuzz', template }], ALL_RULES);
}

const key = (f: ReportedFinding) => `${f.ruleId} on ${f.logicalId}: ${f.message}`;

/**
 * Whether a variant at a path is a template CloudFormation deploys with a deploy-time value:
 * a whole `Properties` block takes only `Fn::If` (cfn-lint and CloudFormation accept it), not
 * a `Ref` or an import.
 */
function deployTimeAt(variant: Variant, path: string): boolean {
  return variant.deployTime && (path !== 'Properties' || variant.name.startsWith('Fn::If'));
}

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

/** Every (resource, path) the fuzz replaces in a template. */
function targets(template: Record<string, any>): Array<[string, string]> {
  return Object.entries(template.Resources as Record<string, { Type: string }>)
    .flatMap(([logicalId, r]) => [...(READ_PATHS[r.Type] ?? ['Properties']), 'Condition'].map((path): [string, string] => [logicalId, path]));
}

// --- the template-level fuzz ---------------------------------------------------------------

let variantsRun = 0;

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
      // GIVEN each variant of the value at the path
      const variants = path === 'Condition' ? CONDITION_VARIANTS : VARIANTS;
      const original = valueAt(base, logicalId, path);
      const found: string[] = [];
      for (const variant of variants) {
        // WHEN the rules run on the template with the value replaced
        variantsRun++;
        found.push(...problems(variant, deployTimeAt(variant, path), baseErrors, withValue(base, logicalId, path, variant.value(original))));
      }
      // THEN nothing is wrong
      expect(found).toEqual([]);
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

  test('counts every target: each path the rules read, on every resource of its type, and every resource\'s Condition', () => {
    const base = baseTemplate('private');
    const all = targets(base).map(([id, path]) => `${id} ${path}`);
    expect(all).toEqual(expect.arrayContaining(['Cluster Properties.ResourcesVpcConfig.SubnetIds', 'DefaultA Properties.NatGatewayId', 'Bastion Metadata.cdk-eks-endpoint', 'Tgw Condition']));
  });
});

afterAll(() => {
  // the count the fuzz ran, for the record
  if (variantsRun > 0) process.stdout.write(`fuzz: ${variantsRun} variants\n`);
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
