import { analyze } from '../lib/check/engine/analyze';
import { ReportedFinding } from '../lib/check/engine/finding';
import { ALL_RULES } from '../lib/check/rules';
import { ASPECT_RULES } from '../lib/check/adapters/rule-sets';

/**
 * Patterns found by running the check on public templates and CDK apps (aws-samples,
 * aws-cloudformation-templates, eksctl test data, awslabs/multi-az-workshop, the aws-eks-v2
 * APIs): each as a small template of our own, a compliant and a non-compliant case.
 */
const RULES = ASPECT_RULES;
type Template = { Parameters?: Record<string, any>; Resources: Record<string, any>; Transform?: string };

const ref = (name: string) => ({ Ref: name });
const att = (name: string, attribute: string) => ({ 'Fn::GetAtt': [name, attribute] });
const sub = (text: string) => ({ 'Fn::Sub': text });

/** A VPC with one isolated subnet (no default route), a Private cluster in it, and what `extra` adds. */
function isolated(extra: Record<string, any> = {}, cluster: Record<string, any> = {}): Template {
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
function endpoints(services: string[], from: Record<string, any> = { CidrIp: '10.0.0.0/16' }): Record<string, any> {
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

const NODE_SERVICES = ['ec2', 'ecr.api', 'ecr.dkr', 'sts'];
const nodegroup = (props: Record<string, any> = {}) => ({
  Nodes: { Type: 'AWS::EKS::Nodegroup', Properties: { ClusterName: ref('Cluster'), NodeRole: 'arn:aws:iam::123456789012:role/node', Subnets: [ref('SubA')], ...props } },
});

function check(template: Template): ReportedFinding[] {
  return analyze([{ id: 't', template }], RULES);
}
function verdicts(findings: ReportedFinding[], rule?: string): string[] {
  return findings.filter((f) => !rule || f.ruleId === rule).map((f) => `${f.level}${f.verified ? '' : ' (not verifiable)'} ${f.ruleId}`);
}

describe('Fn::ForEach (AWS::LanguageExtensions)', () => {
  const loop = (collection: unknown) => ({
    'Fn::ForEach::Endpoints': ['Service', collection, {
      'Ep&{Service}': {
        Type: 'AWS::EC2::VPCEndpoint',
        Properties: {
          VpcId: ref('Vpc'), ServiceName: sub('com.amazonaws.${AWS::Region}.${Service}'), VpcEndpointType: 'Interface',
          PrivateDnsEnabled: true, SecurityGroupIds: [ref('EndpointSg')],
        },
      },
    }],
  });
  const { EndpointSg, S3 } = endpoints([]);

  test('passes endpoints made by a loop over a literal list: the loop is expanded', () => {
    expect(verdicts(check(isolated({ EndpointSg, S3, ...nodegroup(), ...loop(NODE_SERVICES) })))).toEqual([]);
  });

  test('fails when the literal list leaves a service out', () => {
    const findings = check(isolated({ EndpointSg, S3, ...nodegroup(), ...loop(['ec2', 'ecr.api', 'ecr.dkr']) }));
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/no usable VPC endpoint for: sts\./);
  });

  test('warns, and does not fail, when the loop runs over a list known only at deploy time', () => {
    const template = isolated({ EndpointSg, S3, ...nodegroup(), ...loop(ref('Services')) });
    template.Parameters = { Services: { Type: 'CommaDelimitedList' } };
    const findings = check(template);
    expect(verdicts(findings)).toEqual(['warning (not verifiable) IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/Fn::ForEach over a list known only at deploy time/);
  });
});

describe('self-managed nodes: an Auto Scaling group tagged kubernetes.io/cluster/<name>', () => {
  const asg = (tags: unknown[]) => ({
    Nodes: {
      Type: 'AWS::AutoScaling::AutoScalingGroup',
      Properties: { MinSize: '1', MaxSize: '2', VPCZoneIdentifier: [ref('SubA')], Tags: tags, LaunchTemplate: { LaunchTemplateId: ref('Lt'), Version: '1' } },
    },
    Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { SecurityGroupIds: [att('Cluster', 'ClusterSecurityGroupId')] } } },
  });
  const owned = { Key: sub('kubernetes.io/cluster/${Cluster}'), Value: 'owned', PropagateAtLaunch: true };

  test('fails self-managed nodes in isolated subnets without endpoints', () => {
    const findings = check(isolated(asg([owned])));
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^the self-managed nodes of t\/Nodes /);
  });

  test('fails them when the tag names the cluster by its literal name', () => {
    expect(verdicts(check(isolated(asg([{ ...owned, Key: 'kubernetes.io/cluster/demo' }]))))).toEqual(['error IsolatedNodeEndpoints']);
  });

  test('passes them with the endpoints', () => {
    expect(verdicts(check(isolated({ ...asg([owned]), ...endpoints(NODE_SERVICES) })))).toEqual([]);
  });

  test('takes an Auto Scaling group without the tag for something else', () => {
    expect(verdicts(check(isolated(asg([{ Key: 'team', Value: 'web', PropagateAtLaunch: true }]))))).toEqual([]);
  });
});

describe('endpoint service names that end in a literal', () => {
  test('fails a missing ec2 endpoint beside an unrelated secretsmanager one written with Fn::Sub', () => {
    const extra = { ...nodegroup(), ...endpoints(['ecr.api', 'ecr.dkr', 'sts', 'secretsmanager']) };
    const findings = check(isolated(extra));
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/no usable VPC endpoint for: ec2\./);
  });

  test('warns for an endpoint whose service is a parameter: it may be the missing one', () => {
    const extra: Record<string, any> = { ...nodegroup(), ...endpoints(['ecr.api', 'ecr.dkr', 'sts']) };
    extra.EpAny = { Type: 'AWS::EC2::VPCEndpoint', Properties: { ...extra.Epsts.Properties, ServiceName: ref('Service') } };
    const template = isolated(extra);
    template.Parameters = { Service: { Type: 'String' } };
    expect(verdicts(check(template))).toEqual(['warning (not verifiable) IsolatedNodeEndpoints']);
  });
});

describe('security groups from a launch template', () => {
  const client = (instance: Record<string, any>, lt?: Record<string, any>) => ({
    Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
    Profile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [ref('Role')] } },
    Entry: { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: ref('Cluster'), PrincipalArn: att('Role', 'Arn') } },
    Bastion: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: ref('SubA'), IamInstanceProfile: ref('Profile'), ...instance } },
    BastionSg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'bastion', VpcId: ref('Vpc') } },
    ...(lt ? { Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: lt } } } : {}),
  });
  const toCluster = (source: Record<string, any>, protocol = 'tcp') => ({
    ToApi: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: att('Cluster', 'ClusterSecurityGroupId'), IpProtocol: protocol, FromPort: 443, ToPort: 443, ...source } },
  });
  const viaTemplate = { LaunchTemplate: { LaunchTemplateId: ref('Lt'), Version: '1' } };
  const withEgress = (extra: Record<string, any>) => ({ ...extra, ...nodegroup(), ...endpoints([...NODE_SERVICES, 'ssm', 'ssmmessages', 'ec2messages']) });

  test('passes an instance whose launch template gives it the group the cluster allows', () => {
    const extra = withEgress({ ...client(viaTemplate, { SecurityGroupIds: [att('BastionSg', 'GroupId')] }), ...toCluster({ SourceSecurityGroupId: att('BastionSg', 'GroupId') }) });
    expect(verdicts(check(isolated(extra)), 'ClientSecurityGroupPath')).toEqual([]);
  });

  test('fails it when the cluster allows another group', () => {
    const extra = withEgress({ ...client(viaTemplate, { SecurityGroupIds: [att('BastionSg', 'GroupId')] }), ...toCluster({ SourceSecurityGroupId: att('EndpointSg', 'GroupId') }) });
    expect(verdicts(check(isolated(extra)), 'ClientSecurityGroupPath')).toEqual(['error ClientSecurityGroupPath']);
  });

  test('warns, and does not fail, for an instance with no group at all: the VPC default group is not in the template', () => {
    const extra = withEgress({ ...client({}), ...toCluster({ CidrIp: '10.0.0.0/16' }) });
    expect(verdicts(check(isolated(extra)), 'ClientSecurityGroupPath')).toEqual(['warning (not verifiable) ClientSecurityGroupPath']);
  });

  test('passes IpProtocol written in capitals, which EC2 takes as tcp', () => {
    const extra = withEgress({ ...client({ SecurityGroupIds: [att('BastionSg', 'GroupId')] }), ...toCluster({ SourceSecurityGroupId: att('BastionSg', 'GroupId') }, 'TCP') });
    expect(verdicts(check(isolated(extra)), 'ClientSecurityGroupPath')).toEqual([]);
  });

  describe('on a managed node group (EKS gives the cluster security group only when the template names none)', () => {
    const nodes = (endpointFrom: Record<string, any>, api: Record<string, any> = {}) => isolated({
      ...nodegroup(viaTemplate),
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { SecurityGroupIds: [att('NodeSg', 'GroupId')] } } },
      NodeSg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'nodes', VpcId: ref('Vpc') } },
      ...endpoints(NODE_SERVICES, endpointFrom),
      ...api,
    });
    const nodesToApi = toCluster({ SourceSecurityGroupId: att('NodeSg', 'GroupId') });

    test('passes nodes whose group the endpoints and the cluster admit', () => {
      expect(verdicts(check(nodes({ SourceSecurityGroupId: att('NodeSg', 'GroupId') }, nodesToApi)))).toEqual([]);
    });

    test('fails nodes whose group the endpoints do not admit (they admit only the cluster group)', () => {
      const findings = check(nodes({ SourceSecurityGroupId: att('Cluster', 'ClusterSecurityGroupId') }, nodesToApi));
      expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    });

    test('fails nodes whose group has no 443 path into the cluster: they never join', () => {
      const findings = check(nodes({ SourceSecurityGroupId: att('NodeSg', 'GroupId') }));
      expect(verdicts(findings)).toEqual(['error ClientSecurityGroupPath']);
      expect(findings[0].message).toMatch(/carry the security groups of their launch template/);
    });

    test('passes nodes without groups in their launch template: they get the cluster group', () => {
      const template = nodes({ SourceSecurityGroupId: att('Cluster', 'ClusterSecurityGroupId') });
      template.Resources.Lt.Properties.LaunchTemplateData = { MetadataOptions: { HttpTokens: 'required' } };
      expect(verdicts(check(template))).toEqual([]);
    });
  });
});

describe('a NAT gateway with secondary addresses, in Public mode with an allow-list', () => {
  function publicOnly(cidrs: unknown[]): Template {
    return {
      Resources: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } },
        Pub: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Vpc'), CidrBlock: '10.0.0.0/24' } },
        Priv: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Vpc'), CidrBlock: '10.0.1.0/24' } },
        Igw: { Type: 'AWS::EC2::InternetGateway' },
        PubRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
        PubAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref('Pub'), RouteTableId: ref('PubRt') } },
        PubDefault: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref('PubRt'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: ref('Igw') } },
        Eip: { Type: 'AWS::EC2::EIP' },
        Eip2: { Type: 'AWS::EC2::EIP' },
        Nat: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('Pub'), AllocationId: att('Eip', 'AllocationId'), SecondaryAllocationIds: [att('Eip2', 'AllocationId')] } },
        PrivRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
        PrivAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref('Priv'), RouteTableId: ref('PrivRt') } },
        PrivDefault: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref('PrivRt'), DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: ref('Nat') } },
        Cluster: {
          Type: 'AWS::EKS::Cluster',
          Properties: { RoleArn: 'r', ResourcesVpcConfig: { SubnetIds: [ref('Priv')], EndpointPublicAccess: true, EndpointPrivateAccess: false, PublicAccessCidrs: cidrs } },
        },
        Nodes: { Type: 'AWS::EKS::Nodegroup', Properties: { ClusterName: ref('Cluster'), NodeRole: 'n', Subnets: [ref('Priv')] } },
      },
    };
  }

  test('passes when every address of the NAT gateway is allowed', () => {
    expect(verdicts(check(publicOnly([sub('${Eip}/32'), sub('${Eip2}/32')])))).toEqual([]);
  });

  test('warns when only the primary address is: connections may leave from the secondary one', () => {
    expect(verdicts(check(publicOnly([sub('${Eip}/32')])))).toEqual(['warning (not verifiable) PublicOnlyNodeEgress']);
  });
});

describe('booleans as YAML 1.1 writes them', () => {
  test('takes EndpointPublicAccess: "no" for false and "yes" for true', () => {
    expect(verdicts(check(isolated({}, { ResourcesVpcConfig: { SubnetIds: [ref('SubA')], EndpointPublicAccess: 'no', EndpointPrivateAccess: 'yes' } })))).toEqual([]);
    expect(verdicts(check(isolated({}, { ResourcesVpcConfig: { SubnetIds: [ref('SubA')], EndpointPublicAccess: 'yes', EndpointPrivateAccess: 'yes' } })))).toEqual(['warning PublicEndpointOpen']);
  });
});

describe('a Fargate profile without Subnets', () => {
  const profile = { Pods: { Type: 'AWS::EKS::FargateProfile', Properties: { ClusterName: ref('Cluster'), PodExecutionRoleArn: 'p', Selectors: [{ Namespace: 'default' }] } } };

  test('fails in isolated cluster subnets without the endpoints: EKS runs the pods in the cluster\'s private subnets', () => {
    const findings = check(isolated(profile));
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^the Fargate pods of t\/Pods in t\/SubA /);
  });

  test('passes with them', () => {
    expect(verdicts(check(isolated({ ...profile, ...endpoints(['ecr.api', 'ecr.dkr', 'sts']) })))).toEqual([]);
  });
});

/** Cases a mutation run (stryker.config.json) showed no template-level test could tell apart. */
describe('the pack-only rules, on templates', () => {
  const all = (template: Template) => analyze([{ id: 't', template }], ALL_RULES);
  const logging = (types: unknown) => ({ Logging: { ClusterLogging: { EnabledTypes: types } } });
  const five = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({ Type }));

  test('ControlPlaneLogging passes all five log types', () => {
    expect(verdicts(all(isolated({}, logging(five))), 'ControlPlaneLogging')).toEqual([]);
  });

  test('ControlPlaneLogging fails two of five and names the other three', () => {
    const findings = all(isolated({}, logging(five.slice(0, 2)))).filter((f) => f.ruleId === 'ControlPlaneLogging');
    expect(verdicts(findings)).toEqual(['error ControlPlaneLogging']);
    expect(findings[0].message).toMatch(/^Control-plane log types not enabled: authenticator, controllerManager, scheduler\./);
  });

  test('ControlPlaneLogging fails a cluster without Logging, and warns when the types are a parameter', () => {
    expect(verdicts(all(isolated()), 'ControlPlaneLogging')).toEqual(['error ControlPlaneLogging']);
    const template = isolated({}, logging(ref('Types')));
    template.Parameters = { Types: { Type: 'CommaDelimitedList' } };
    expect(verdicts(all(template), 'ControlPlaneLogging')).toEqual(['warning (not verifiable) ControlPlaneLogging']);
  });

  test('PublicEndpointAccess warns on a public endpoint, says nothing on a private one, and warns unverified on a parameter', () => {
    const vpcConfig = (publicAccess: unknown) => ({ ResourcesVpcConfig: { SubnetIds: [ref('SubA')], EndpointPublicAccess: publicAccess, EndpointPrivateAccess: true, PublicAccessCidrs: ['203.0.113.0/24'] } });
    expect(verdicts(all(isolated({}, vpcConfig(true))), 'PublicEndpointAccess')).toEqual(['warning PublicEndpointAccess']);
    expect(verdicts(all(isolated({}, vpcConfig(false))), 'PublicEndpointAccess')).toEqual([]);
    const template = isolated({}, vpcConfig(ref('Public')));
    template.Parameters = { Public: { Type: 'String' } };
    expect(verdicts(all(template), 'PublicEndpointAccess')).toEqual(['warning (not verifiable) PublicEndpointAccess']);
  });

  test('SecretsEncryption passes a key for secrets, fails without one, warns when the config is a parameter', () => {
    const encryption = (config: unknown) => ({ EncryptionConfig: config });
    expect(verdicts(all(isolated({}, encryption([{ Provider: { KeyArn: 'arn:aws:kms:eu-west-1:1:key/k' }, Resources: ['secrets'] }]))), 'SecretsEncryption')).toEqual([]);
    expect(verdicts(all(isolated()), 'SecretsEncryption')).toEqual(['error SecretsEncryption']);
    const template = isolated({}, encryption([{ Provider: { KeyArn: ref('Key') }, Resources: ref('What') }]));
    template.Parameters = { Key: { Type: 'String' }, What: { Type: 'CommaDelimitedList' } };
    expect(verdicts(all(template), 'SecretsEncryption')).toEqual(['warning (not verifiable) SecretsEncryption']);
  });
});

describe('DHCP servers by address in a VPC whose CIDR block is a parameter', () => {
  function dhcp(servers: string[]): Template {
    const template = isolated({
      Dhcp: { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainNameServers: servers } },
      DhcpAssoc: { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: ref('Dhcp') } },
    });
    template.Resources.Vpc.Properties.CidrBlock = ref('Cidr');
    template.Parameters = { Cidr: { Type: 'String' } };
    return template;
  }

  test('warns for a server given by address: whether it is the VPC base plus two cannot be told', () => {
    expect(verdicts(check(dhcp(['10.0.0.2'])), 'DhcpOptionsDns')).toEqual(['warning (not verifiable) DhcpOptionsDns']);
  });

  test('passes AmazonProvidedDNS and 169.254.169.253 whatever the CIDR block', () => {
    expect(verdicts(check(dhcp(['AmazonProvidedDNS'])), 'DhcpOptionsDns')).toEqual([]);
    expect(verdicts(check(dhcp(['169.254.169.253'])), 'DhcpOptionsDns')).toEqual([]);
  });

  test('fails names that are no address and no AmazonProvidedDNS', () => {
    expect(verdicts(check(dhcp(['dns.corp.example'])), 'DhcpOptionsDns')).toEqual(['error DhcpOptionsDns']);
  });
});
