import { App, AspectPriority, Aspects, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ClusterCompute, ClusterEgress, EndpointCluster, EndpointClusterProps, EndpointMode, PrivateResolutionCheck } from '../lib';
import { testApp, vpcConfig } from './support/util';
import { routeConnectedThroughTransitGateway } from './support/apps';

/**
 * The options of issue 7: egress, compute, connected networks and hybrid nodes. Each app is
 * synthesized with the check on, so that "the check stays clean" is asserted with the rest.
 */
function synth(props: EndpointClusterProps, id = 'Test', routed = true): { app: App; stack: Stack; lab: EndpointCluster; template: Template } {
  const app = testApp({ context: { 'cdk-eks-endpoint:report': false } });
  Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
  const stack = new Stack(app, id);
  // an admin named, so that noClusterAdmin (the bastion is read-only by default) does not hide what these tests judge
  const lab = new EndpointCluster(stack, 'Lab', { adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'], ...props });
  // the connected networks' routes, which the platform team adds beside the cluster (ConnectedNetworkRoute judges them)
  if (routed && props.connectedCidrs && props.connectedCidrs.length > 0) routeConnectedThroughTransitGateway(lab.vpc, [...new Set(props.connectedCidrs.map((c) => c.trim()))]);
  return { app, stack, lab, template: Template.fromStack(stack) };
}

/** The service names of the interface endpoints in a template, after com.amazonaws.<region>. */
function interfaceServices(template: Template): string[] {
  return Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))
    .map((r) => serviceOf(r.Properties.ServiceName)).sort();
}

function serviceOf(name: any): string {
  const parts: any[] = name['Fn::Join'][1];
  return String(parts[parts.length - 1]).replace(/^\./, '');
}

/** The warnings and errors of a stack, as `id: text` lines (PublicEndpointOpen apart where asked). */
function findings(stack: Stack, except: string[] = []): string[] {
  const annotations = Annotations.fromStack(stack);
  return [...annotations.findWarning('*', Match.anyValue()), ...annotations.findError('*', Match.anyValue())]
    .map((m) => String(m.entry.data))
    .filter((text) => !except.some((id) => text.includes(id)));
}

const NODE_SERVICES = ['ec2', 'ecr.api', 'ecr.dkr', 'sts'];
const SESSION_SERVICES = ['ec2messages', 'ssm', 'ssmmessages'];

describe('egress ISOLATED, Private mode, node group and bastion', () => {
  const { stack, lab, template } = synth({ egress: ClusterEgress.ISOLATED });

  test('the VPC has isolated subnets only: no NAT gateway, no internet gateway, no default route', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::Route', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    expect(JSON.stringify(vpcConfig(template).SubnetIds)).toMatch(/^\[\{"Ref":"LabVpcIsolatedSubnet1[^"]*"\},\{"Ref":"LabVpcIsolatedSubnet2[^"]*"\}\]$/);
  });

  test('creates exactly the interface endpoints nodes and bastion need, with private DNS, and an S3 gateway endpoint on both route tables', () => {
    expect(interfaceServices(template)).toEqual([...NODE_SERVICES, ...SESSION_SERVICES].sort());
    for (const endpoint of Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))) {
      expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
    }
    const gateways = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }));
    expect(gateways).toHaveLength(1);
    expect(serviceOf(gateways[0].Properties.ServiceName)).toBe('s3');
    expect(gateways[0].Properties.RouteTableIds).toHaveLength(2);
    expect(lab.vpcEndpointServices).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'sts', 'ssm', 'ssmmessages', 'ec2messages', 's3']);
  });

  test('one endpoint security group admits TCP 443 from the VPC and nothing else', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('VPC endpoints'),
      SecurityGroupIngress: [{ CidrIp: '10.0.0.0/16', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  test('node group and bastion are in the isolated subnets and wait for the endpoints', () => {
    const [nodegroup] = Object.values(template.findResources('AWS::EKS::Nodegroup'));
    expect(JSON.stringify(nodegroup.Properties.Subnets)).toMatch(/VpcIsolatedSubnet1.*VpcIsolatedSubnet2/);
    expect(nodegroup.DependsOn.filter((d: string) => /VpcEndpoints/.test(d)).length).toBeGreaterThanOrEqual(9);
    const [instance] = Object.values(template.findResources('AWS::EC2::Instance'));
    expect(JSON.stringify(instance.Properties.NetworkInterfaces)).toMatch(/VpcIsolatedSubnet1/);
    expect(instance.DependsOn.some((d: string) => /VpcEndpointsS3/.test(d))).toBe(true);
  });

  test('the bastion downloads kubectl from the asset bucket\'s own region, which the S3 gateway endpoint serves', () => {
    const [instance] = Object.values(template.findResources('AWS::EC2::Instance'));
    expect(JSON.stringify(instance.Properties.UserData)).toMatch(/aws s3 cp 's3:\/\/.*' '\/tmp\/kubectl\.zip' --region ",\{"Ref":"AWS::Region"\}/);
  });

  test('the check is clean: no error, no warning', () => {
    expect(findings(stack)).toEqual([]);
  });
});

describe('egress ISOLATED, Public & Private mode, Auto Mode', () => {
  const { stack, lab, template } = synth({ mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('0.0.0.0/0'), egress: ClusterEgress.ISOLATED, compute: ClusterCompute.AUTO_MODE });

  test('adds eks-auth for Auto Mode\'s Pod Identity, and no node group', () => {
    expect(interfaceServices(template)).toEqual([...NODE_SERVICES, ...SESSION_SERVICES, 'eks-auth'].sort());
    template.resourceCountIs('AWS::EKS::Nodegroup', 0);
    expect(lab.nodegroup).toBeUndefined();
  });

  test('enables Auto Mode with the built-in node pools and a node role of the two minimal managed policies', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      ComputeConfig: { Enabled: true, NodePools: ['system', 'general-purpose'], NodeRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('LabAutoModeNodeRole'), 'Arn'] } },
      StorageConfig: { BlockStorage: { Enabled: true } },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('Auto Mode nodes'),
      ManagedPolicyArns: [Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy'])] }),
        Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':iam::aws:policy/AmazonEC2ContainerRegistryPullOnly'])] })],
    });
  });

  test('the cluster waits for the endpoints: Auto Mode launches nodes as soon as it exists', () => {
    const [cluster] = Object.values(template.findResources('AWS::EKS::Cluster'));
    expect(cluster.DependsOn.some((d: string) => /VpcEndpointsEksAuth/.test(d))).toBe(true);
  });

  test('the check is clean apart from the open public endpoint the mode was asked for', () => {
    expect(findings(stack, ['PublicEndpointOpen'])).toEqual([]);
  });
});

describe('Auto Mode with a NAT gateway', () => {
  const { stack, template } = synth({ compute: ClusterCompute.AUTO_MODE }, 'AutoNat');

  test('gives the cluster (so the built-in node class) the private subnets only: nodes never land in a public subnet', () => {
    const ids = JSON.stringify(vpcConfig(template).SubnetIds);
    expect(ids).toMatch(/VpcPrivateSubnet1.*VpcPrivateSubnet2/);
    expect(ids).not.toMatch(/Public/);
  });

  test('creates no VPC endpoint, and the check is clean', () => {
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(findings(stack)).toEqual([]);
  });
});

describe('egress ISOLATED: what is created follows the features in use', () => {
  test('without a bastion, no Session Manager endpoint', () => {
    const { lab, template } = synth({ egress: ClusterEgress.ISOLATED, bastion: false, adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'] }, 'NoBastion');
    expect(interfaceServices(template)).toEqual(NODE_SERVICES);
    expect(lab.vpcEndpointServices).toContain('s3');
  });

  test('session logs to CloudWatch and session encryption add logs and kms', () => {
    const stack = new Stack(testApp(), 'SessionOptions');
    const key = new kms.Key(stack, 'SessionKey', { enableKeyRotation: true });
    const logGroup = new logs.LogGroup(stack, 'Sessions');
    new EndpointCluster(stack, 'Lab', { egress: ClusterEgress.ISOLATED, bastionOptions: { sessionEncryptionKey: key, sessionLogGroup: logGroup } });
    expect(interfaceServices(Template.fromStack(stack))).toEqual([...NODE_SERVICES, ...SESSION_SERVICES, 'kms', 'logs'].sort());
  });
});

describe('egress ISOLATED with a VPC of yours', () => {
  function isolatedVpc(stack: Stack): ec2.Vpc {
    return new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
  }

  test('creates only the endpoints it lacks, and no S3 gateway where one serves its route tables', () => {
    const stack = new Stack(testApp(), 'Partial');
    const vpc = isolatedVpc(stack);
    vpc.addInterfaceEndpoint('Ecr', { service: ec2.InterfaceVpcEndpointAwsService.ECR });
    vpc.addInterfaceEndpoint('Sts', { service: ec2.InterfaceVpcEndpointAwsService.STS });
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const lab = new EndpointCluster(stack, 'Lab', { vpc, bastion: false, adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'] });
    // the default egress stays NAT_GATEWAY; with ISOLATED asked for:
    const lab2 = new EndpointCluster(stack, 'Iso', { vpc, egress: ClusterEgress.ISOLATED, bastion: false, adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'] });
    expect(lab.vpcEndpointServices).toEqual([]);
    expect(lab2.vpcEndpointServices).toEqual(['ec2', 'ecr.dkr']);
    expect(interfaceServices(Template.fromStack(stack))).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'sts']);
  });

  test('creates again an endpoint the VPC has with private DNS off: the service\'s usual name would not reach it', () => {
    const stack = new Stack(testApp(), 'DnsOff');
    const vpc = isolatedVpc(stack);
    vpc.addInterfaceEndpoint('Sts', { service: ec2.InterfaceVpcEndpointAwsService.STS, privateDnsEnabled: false });
    const lab = new EndpointCluster(stack, 'Lab', { vpc, egress: ClusterEgress.ISOLATED, bastion: false, adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'] });
    expect(lab.vpcEndpointServices).toContain('sts');
  });

  test('with the default egress and a VPC of isolated subnets only, warns that no endpoint is created and names ISOLATED', () => {
    const stack = new Stack(testApp(), 'NatDefault');
    new EndpointCluster(stack, 'Lab', { vpc: isolatedVpc(stack) });
    Annotations.fromStack(stack).hasWarning('/NatDefault/Lab', Match.stringLikeRegexp('no VPC endpoint is created for them.*egress: ClusterEgress\\.ISOLATED'));
  });

  test('refuses, at synth, an endpoint added after the cluster for a service it already created', () => {
    const stack = new Stack(testApp(), 'Late');
    const vpc = isolatedVpc(stack);
    new EndpointCluster(stack, 'Lab', { vpc, egress: ClusterEgress.ISOLATED });
    vpc.addInterfaceEndpoint('LateSts', { service: ec2.InterfaceVpcEndpointAwsService.STS });
    expect(() => Template.fromStack(stack)).toThrow(/created the sts endpoint because the VPC had none when it was constructed.*LateSts.*Define your endpoint before the EndpointCluster/s);
  });

  test('with a VPC it cannot see, creates none and warns with the list of what the VPC must have', () => {
    const stack = new Stack(testApp(), 'Unseen');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d', availabilityZones: ['eu-west-1a', 'eu-west-1b'], isolatedSubnetIds: ['subnet-iso1', 'subnet-iso2'],
    });
    const lab = new EndpointCluster(stack, 'Lab', { vpc, egress: ClusterEgress.ISOLATED });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(lab.vpcEndpointServices).toEqual([]);
    Annotations.fromStack(stack).hasWarning('/Unseen/Lab', Match.stringLikeRegexp(
      'VPC vpc-0a1b2c3d is not defined in this app.*ec2 \\(nodes\\), ecr\\.api \\(nodes\\), ecr\\.dkr \\(nodes\\), sts \\(nodes\\), ssm .*ec2messages.*S3 gateway endpoint'));
  });

  test('refuses a VPC with no isolated subnets, naming what it has and the ways out', () => {
    const stack = new Stack(testApp(), 'NoIsolated');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-priv1', 'subnet-priv2'],
    });
    expect(() => new EndpointCluster(stack, 'Lab', { vpc, egress: ClusterEgress.ISOLATED })).toThrow(
      /egress ISOLATED places nodes and bastion in isolated subnets, but the VPC has none \(it has 2 private subnet\(s\) with egress and 0 public\).*egress NAT_GATEWAY/);
  });
});

describe('connected networks', () => {
  describe('Private mode', () => {
    const { stack, lab, template } = synth({ connectedCidrs: ['10.1.0.0/16', ' 192.168.10.0/24', '10.1.0.0/16'] }, 'ConnectedPrivate');

    test('adds TCP 443 from each connected block, trimmed and once, into the control-plane security group', () => {
      const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('EKS Control Plane') } }));
      const rules = group.Properties.SecurityGroupIngress.map((r: any) => `${r.CidrIp}:${r.FromPort}`);
      expect(rules).toEqual(['10.1.0.0/16:443', '192.168.10.0/24:443']);
    });

    test('builds no Resolver: public DNS already answers with the private addresses', () => {
      template.resourceCountIs('AWS::Route53Resolver::ResolverEndpoint', 0);
      expect(lab.resolverInboundAddresses).toEqual([]);
      expect(lab.resolverRuleId).toBeUndefined();
    });

    test('the check is clean', () => {
      expect(findings(stack)).toEqual([]);
    });
  });

  describe('Public & Private mode, a VPC of another stack and an on-premises block', () => {
    const app = testApp({ context: { 'cdk-eks-endpoint:report': false } });
    Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    const tools = new Stack(app, 'Tools');
    const toolsVpc = new ec2.Vpc(tools, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), maxAzs: 2, restrictDefaultSecurityGroup: false });
    const stack = new Stack(app, 'ConnectedPP');
    const lab = new EndpointCluster(stack, 'Lab', {
      mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'),
      connectedVpcs: [toolsVpc],
      connectedCidrs: ['192.168.0.0/16'],
      adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'],
    });
    // the routes the platform team adds: both blocks through a Transit Gateway
    routeConnectedThroughTransitGateway(lab.vpc, ['10.1.0.0/16', '192.168.0.0/16']);
    const template = Template.fromStack(stack);

    test('an inbound endpoint at fixed addresses in two AZs, and an outbound endpoint, in the cluster VPC', () => {
      expect(lab.resolverInboundAddresses).toEqual(['10.0.63.254', '10.0.95.254']);
      template.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', {
        Direction: 'INBOUND',
        IpAddresses: [{ Ip: '10.0.63.254', SubnetId: { Ref: Match.stringLikeRegexp('PrivateSubnet1') } }, { Ip: '10.0.95.254', SubnetId: { Ref: Match.stringLikeRegexp('PrivateSubnet2') } }],
      });
      template.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', { Direction: 'OUTBOUND', IpAddresses: [{ SubnetId: Match.anyValue() }, { SubnetId: Match.anyValue() }] });
    });

    test('a FORWARD rule for the endpoint\'s own host name to the inbound addresses, associated with the connected VPC', () => {
      template.hasResourceProperties('AWS::Route53Resolver::ResolverRule', {
        RuleType: 'FORWARD',
        DomainName: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [Match.stringLikeRegexp('LabCluster'), 'Endpoint'] }] }] },
        TargetIps: [{ Ip: '10.0.63.254', Port: '53' }, { Ip: '10.0.95.254', Port: '53' }],
        ResolverEndpointId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Outbound'), 'ResolverEndpointId'] },
      });
      template.resourceCountIs('AWS::Route53Resolver::ResolverRuleAssociation', 1);
      template.hasResourceProperties('AWS::Route53Resolver::ResolverRuleAssociation', { VPCId: { 'Fn::ImportValue': Match.stringLikeRegexp('Tools') } });
      expect(Token.isUnresolved(lab.resolverRuleId)).toBe(true);
    });

    test('DNS from the connected networks into the inbound endpoint; the outbound endpoint may send DNS to the inbound addresses only', () => {
      const [inbound] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Route 53 Resolver inbound') } }));
      const froms = inbound.Properties.SecurityGroupIngress.map((r: any) => `${r.IpProtocol}:${r.FromPort}:${r.CidrIp}`).sort();
      expect(froms).toEqual(['tcp:53:10.1.0.0/16', 'tcp:53:192.168.0.0/16', 'udp:53:10.1.0.0/16', 'udp:53:192.168.0.0/16']);
      // from group to group: a resource of its own
      const fromOutbound = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { FromPort: 53 } }));
      expect(fromOutbound.map((r) => r.Properties.IpProtocol).sort()).toEqual(['tcp', 'udp']);
      for (const rule of fromOutbound) {
        expect(rule.Properties.SourceSecurityGroupId['Fn::GetAtt'][0]).toMatch(/OutboundSecurityGroup/);
        expect(rule.Properties.GroupId['Fn::GetAtt'][0]).toMatch(/InboundSecurityGroup/);
      }
      const [outbound] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Route 53 Resolver outbound') } }));
      expect(outbound.Properties.SecurityGroupEgress.map((r: any) => `${r.IpProtocol}:${r.CidrIp}`).sort())
        .toEqual(['tcp:10.0.63.254/32', 'tcp:10.0.95.254/32', 'udp:10.0.63.254/32', 'udp:10.0.95.254/32']);
    });

    test('443 from the connected VPC\'s CIDR and the on-premises block', () => {
      const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('EKS Control Plane') } }));
      expect(group.Properties.SecurityGroupIngress.map((r: any) => `${r.CidrIp}:${r.FromPort}`)).toEqual(['10.1.0.0/16:443', '192.168.0.0/16:443']);
    });

    test('the check is clean', () => {
      // (CDK's own note on the cross-stack reference to the tools VPC apart, and the DNS of the networks
      // behind the Transit Gateway, outside the templates: whether they forward to the inbound endpoint)
      expect(findings(stack, ['crossStackReferencesDefaultStrong', 'ConnectedClientResolution'])).toEqual([]);
    });
  });

  test('refuses connected networks in Public mode, naming the modes with a private endpoint', () => {
    expect(() => synth({ mode: EndpointMode.PUBLIC, connectedCidrs: ['10.1.0.0/16'] }, 'ConnPublic')).toThrow(
      /connectedVpcs\/connectedCidrs are given, but mode public has no private endpoint.*EndpointMode\.PRIVATE or EndpointMode\.PUBLIC_AND_PRIVATE/);
  });

  test('refuses a block that is not one, 0.0.0.0/0, and one that overlaps the cluster VPC', () => {
    expect(() => synth({ connectedCidrs: ['10.1.0.0/33'] }, 'C1')).toThrow(/connectedCidrs\[0\] "10\.1\.0\.0\/33" has prefix \/33/);
    expect(() => synth({ connectedCidrs: ['0.0.0.0/0'] }, 'C2')).toThrow(/connectedCidrs has 0\.0\.0\.0\/0.*List the connected networks' own blocks/);
    expect(() => synth({ connectedCidrs: ['10.0.128.0/20'] }, 'C3')).toThrow(/connected network 10\.0\.128\.0\/20 overlaps the cluster VPC's 10\.0\.0\.0\/16/);
  });

  test('refuses a connected VPC imported without its CIDR block, and one that is the cluster\'s own', () => {
    const stack = new Stack(testApp(), 'C4');
    const other = ec2.Vpc.fromVpcAttributes(stack, 'Other', { vpcId: 'vpc-other', availabilityZones: ['eu-west-1a'] });
    expect(() => new EndpointCluster(stack, 'Lab', { connectedVpcs: [other] })).toThrow(/connectedVpcs\[0\] \(C4\/Other\) has no known CIDR block.*vpcCidrBlock/);
    const vpc = new ec2.Vpc(stack, 'Own', { maxAzs: 2, restrictDefaultSecurityGroup: false });
    expect(() => new EndpointCluster(stack, 'Lab2', { vpc, connectedVpcs: [vpc] })).toThrow(/connectedVpcs\[0\] is the cluster's own VPC/);
  });

  test('warns when the networks would pass the default quota of 60 inbound rules per security group', () => {
    const blocks = (n: number) => Array.from({ length: n }, (_, i) => `172.${16 + Math.floor(i / 256)}.${i % 256}.0/24`);
    const { stack: under } = synth({ connectedCidrs: blocks(59) }, 'Quota59');
    expect(findings(under)).toEqual([]);
    const { stack: over } = synth({ connectedCidrs: blocks(60) }, 'Quota60');
    Annotations.fromStack(over).hasWarning('/Quota60/Lab', Match.stringLikeRegexp('make 61 inbound rules in the control-plane security group; the default quota is 60'));
    const { stack: resolver } = synth({ mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), connectedCidrs: blocks(30) }, 'Quota30');
    Annotations.fromStack(resolver).hasWarning('/Quota30/Lab', Match.stringLikeRegexp('and 62 in the Resolver inbound endpoint\'s'));
  });

  test('refuses a connected VPC listed twice: the Resolver rule cannot be associated with one VPC twice', () => {
    const stack = new Stack(testApp(), 'Twice');
    const a = ec2.Vpc.fromVpcAttributes(stack, 'A', { vpcId: 'vpc-0a', vpcCidrBlock: '10.7.0.0/16', availabilityZones: ['eu-west-1a'] });
    const b = ec2.Vpc.fromVpcAttributes(stack, 'B', { vpcId: 'vpc-0a', vpcCidrBlock: '10.7.0.0/16', availabilityZones: ['eu-west-1a'] });
    expect(() => new EndpointCluster(stack, 'Lab', { mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), connectedVpcs: [a, b] })).toThrow(
      /connectedVpcs lists vpc-0a twice \(connectedVpcs\[0\] and connectedVpcs\[1\]\)/);
  });

  test('Private mode takes a connected VPC of another account (only its 443 rule is needed)', () => {
    const stack = new Stack(testApp(), 'OtherAccountPrivate', { env: { account: '111111111111', region: 'eu-west-1' } });
    const other = ec2.Vpc.fromVpcAttributes(stack, 'Other', {
      vpcId: 'vpc-other', vpcCidrBlock: '10.7.0.0/16', availabilityZones: ['eu-west-1a'], region: 'eu-central-1',
    });
    new EndpointCluster(stack, 'Lab', { connectedVpcs: [other] });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '10.7.0.0/16', FromPort: 443 })]),
    });
  });

  test('refuses Public & Private forwarding when the nodes\' subnets span one AZ', () => {
    const stack = new Stack(testApp(), 'OneAz');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d', vpcCidrBlock: '10.9.0.0/16', availabilityZones: ['eu-west-1a'],
      privateSubnetIds: ['subnet-priv1'], privateSubnetIpv4CidrBlocks: ['10.9.0.0/24'],
    });
    expect(() => new EndpointCluster(stack, 'Lab', { vpc, mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), connectedCidrs: ['10.1.0.0/16'] })).toThrow(
      /Route 53 Resolver endpoints, which need subnets in two Availability Zones; the nodes' subnets span 1.*EndpointMode\.PRIVATE/);
  });

  test('warns when the cluster VPC\'s CIDR block is a deploy-time value: overlaps cannot be checked', () => {
    const stack = new Stack(testApp(), 'TokenVpc');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d', vpcCidrBlock: Token.asString({ 'Fn::ImportValue': 'NetworkCidr' }), availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-priv1', 'subnet-priv2'],
    });
    new EndpointCluster(stack, 'Lab', { vpc, connectedCidrs: ['192.168.0.0/16'] });
    Annotations.fromStack(stack).hasWarning('/TokenVpc/Lab', Match.stringLikeRegexp('whether they overlap cannot be checked at synth'));
  });

  test('refuses a connected VPC of another account or region, naming connectedCidrs and AWS RAM', () => {
    const app = testApp();
    const stack = new Stack(app, 'C7', { env: { account: '111111111111', region: 'eu-west-1' } });
    const other = ec2.Vpc.fromVpcAttributes(stack, 'Other', {
      vpcId: 'vpc-other', vpcCidrBlock: '10.7.0.0/16', availabilityZones: ['eu-west-1a'], region: 'eu-central-1',
    });
    expect(() => new EndpointCluster(stack, 'Lab', { mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), connectedVpcs: [other] })).toThrow(
      /connectedVpcs\[0\] \(C7\/Other\) is in 111111111111\/eu-central-1, the cluster in 111111111111\/eu-west-1.*connectedCidrs.*AWS RAM/);
  });

  test('refuses Public & Private forwarding on subnets whose CIDR blocks are unknown, naming Private as the way out', () => {
    const stack = new Stack(testApp(), 'C5');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d', vpcCidrBlock: '10.9.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-priv1', 'subnet-priv2'],
    });
    expect(() => new EndpointCluster(stack, 'Lab', { vpc, mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), connectedCidrs: ['10.1.0.0/16'] })).toThrow(
      /Route 53 Resolver inbound endpoint at a fixed address in subnet subnet-priv1, whose CIDR block is not known at synth.*EndpointMode\.PRIVATE/);
  });

  test('warns that deploy-time blocks are not verifiable, and still renders their rule', () => {
    const { stack, template } = synth({ connectedCidrs: [Token.asString({ Ref: 'OnPremCidr' })] }, 'C6');
    Annotations.fromStack(stack).hasWarning('/C6/Lab', Match.stringLikeRegexp('deploy-time values, so whether they overlap cannot be checked'));
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: { Ref: 'OnPremCidr' }, FromPort: 443 })]) });
  });
});

describe('hybrid nodes', () => {
  describe('Private mode', () => {
    const { stack, template } = synth({ remoteNodeNetworks: ['192.168.0.0/16'], remotePodNetworks: ['172.16.0.0/16', '100.64.0.0/16'] }, 'Hybrid');

    test('renders the remote network config', () => {
      template.hasResourceProperties('AWS::EKS::Cluster', {
        RemoteNetworkConfig: {
          RemoteNodeNetworks: [{ Cidrs: ['192.168.0.0/16'] }],
          RemotePodNetworks: [{ Cidrs: ['172.16.0.0/16', '100.64.0.0/16'] }],
        },
        AccessConfig: Match.objectLike({ AuthenticationMode: 'API' }),
        KubernetesNetworkConfig: Match.objectLike({ IpFamily: 'ipv4' }),
      });
    });

    test('adds 443 from the node and pod networks into the control-plane security group, which allows all outbound (kubelet, webhooks)', () => {
      const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('EKS Control Plane') } }));
      expect(group.Properties.SecurityGroupIngress.map((r: any) => `${r.CidrIp}:${r.FromPort}`)).toEqual(['192.168.0.0/16:443', '172.16.0.0/16:443', '100.64.0.0/16:443']);
      expect(group.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: '-1' })]);
    });

    test('the construct itself adds no warning', () => {
      expect(findings(stack).filter((f) => !/HybridNode/.test(f))).toEqual([]);
    });
  });

  test('Public mode renders the networks and the 443 rules too: pods reach the API through the kubernetes service, on the EKS-owned ENIs', () => {
    const { template } = synth({ mode: EndpointMode.PUBLIC.onlyFrom('0.0.0.0/0'), remoteNodeNetworks: ['192.168.0.0/16'] }, 'HybridPublic');
    template.hasResourceProperties('AWS::EKS::Cluster', { RemoteNetworkConfig: { RemoteNodeNetworks: [{ Cidrs: ['192.168.0.0/16'] }] } });
    const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('EKS Control Plane') } }));
    expect(group.Properties.SecurityGroupIngress.map((r: any) => `${r.CidrIp}:${r.FromPort}`)).toEqual(['192.168.0.0/16:443']);
  });

  test('refuses Public & Private, naming Private and Public with the on-premises egress addresses', () => {
    expect(() => synth({ mode: EndpointMode.PUBLIC_AND_PRIVATE, remoteNodeNetworks: ['192.168.0.0/16'] }, 'H1')).toThrow(
      /remoteNodeNetworks with mode public-and-private: hybrid nodes .* resolve the endpoint to its public addresses.*EndpointMode\.PRIVATE.*EndpointMode\.PUBLIC\.onlyFrom/);
  });

  test('hybridNodesRole gets the HYBRID_LINUX access entry that lets the nodes join, with no access policy', () => {
    const stack = new Stack(testApp(), 'HybridRole');
    const role = iam.Role.fromRoleArn(stack, 'NodesRole', 'arn:aws:iam::123456789012:role/HybridNodes');
    new EndpointCluster(stack, 'Lab', { remoteNodeNetworks: ['192.168.0.0/16'], hybridNodesRole: role });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: 'arn:aws:iam::123456789012:role/HybridNodes', Type: 'HYBRID_LINUX', AccessPolicies: [],
    });
  });

  test('refuses hybridNodesRole without remote node networks', () => {
    const stack = new Stack(testApp(), 'HybridRoleAlone');
    const role = iam.Role.fromRoleArn(stack, 'NodesRole', 'arn:aws:iam::123456789012:role/HybridNodes');
    expect(() => new EndpointCluster(stack, 'Lab', { hybridNodesRole: role })).toThrow(/hybridNodesRole is given without remoteNodeNetworks/);
  });

  test('refuses pod networks without node networks', () => {
    expect(() => synth({ remotePodNetworks: ['172.16.0.0/16'] }, 'H2')).toThrow(/remotePodNetworks \(172\.16\.0\.0\/16\) is given without remoteNodeNetworks/);
  });

  test('refuses a block outside the ranges EKS accepts, overlapping blocks, and a block inside the VPC, naming the prop and index', () => {
    expect(() => synth({ remoteNodeNetworks: ['203.0.113.0/24'] }, 'H3')).toThrow(/remoteNodeNetworks\[0\] 203\.0\.113\.0\/24 is in none of the ranges EKS accepts.*100\.64\.0\.0\/10/);
    expect(() => synth({ remoteNodeNetworks: ['192.168.0.0/16'], remotePodNetworks: ['172.16.0.0/16', '192.168.128.0/17'] }, 'H4')).toThrow(
      /remoteNodeNetworks\[0\] 192\.168\.0\.0\/16 and remotePodNetworks\[1\] 192\.168\.128\.0\/17 overlap/);
    expect(() => synth({ remoteNodeNetworks: ['192.168.0.0/16', '10.0.0.0/8'] }, 'H5')).toThrow(/remoteNodeNetworks\[1\] 10\.0\.0\.0\/8 overlaps the cluster VPC's 10\.0\.0\.0\/16.*a VPC in another range/);
    expect(() => synth({ remoteNodeNetworks: ['192.168.0.0/16 x'] }, 'H6')).toThrow(/remoteNodeNetworks\[0\] "192\.168\.0\.0\/16 x" is not an IPv4 CIDR block/);
  });

  test('serviceIpv4Cidr is rendered, and refused outside EKS\'s rule, over the VPC or over a remote network', () => {
    const { template } = synth({ remoteNodeNetworks: ['192.168.0.0/16'], serviceIpv4Cidr: '172.20.0.0/16' }, 'Svc');
    template.hasResourceProperties('AWS::EKS::Cluster', { KubernetesNetworkConfig: Match.objectLike({ ServiceIpv4Cidr: '172.20.0.0/16' }) });
    expect(() => synth({ serviceIpv4Cidr: '172.20.0.0/25' }, 'Svc1')).toThrow(/serviceIpv4Cidr 172\.20\.0\.0\/25 must be a block from \/12 to \/24/);
    expect(() => synth({ serviceIpv4Cidr: '100.64.0.0/16' }, 'Svc2')).toThrow(/serviceIpv4Cidr 100\.64\.0\.0\/16 must be a block .* inside 10\.0\.0\.0\/8/);
    expect(() => synth({ serviceIpv4Cidr: '10.0.128.0/20' }, 'Svc3')).toThrow(/serviceIpv4Cidr 10\.0\.128\.0\/20 overlaps the cluster VPC's 10\.0\.0\.0\/16/);
    expect(() => synth({ remoteNodeNetworks: ['172.16.0.0/12'], serviceIpv4Cidr: '172.20.0.0/16' }, 'Svc4')).toThrow(
      /remoteNodeNetworks\[0\] 172\.16\.0\.0\/12 overlaps serviceIpv4Cidr 172\.20\.0\.0\/16/);
  });

  test('refuses the hybrid nodes\' role when it is also an admin principal: one access entry per principal', () => {
    const stack = new Stack(testApp(), 'HybridAdmin');
    const role = iam.Role.fromRoleArn(stack, 'NodesRole', 'arn:aws:iam::123456789012:role/HybridNodes');
    expect(() => new EndpointCluster(stack, 'Lab', {
      remoteNodeNetworks: ['192.168.0.0/16'], hybridNodesRole: role, adminPrincipals: ['arn:aws:iam::123456789012:role/Admin', 'arn:aws:iam::123456789012:role/HybridNodes'],
    })).toThrow(/hybridNodesRole \(arn:aws:iam::123456789012:role\/HybridNodes\) is also adminPrincipals\[1\]/);
  });

  test('warns that deploy-time networks are not verifiable', () => {
    const { stack } = synth({ remoteNodeNetworks: [Token.asString({ Ref: 'NodeCidr' })] }, 'H7');
    Annotations.fromStack(stack).hasWarning('/H7/Lab', Match.stringLikeRegexp('hybrid-nodes requirements cannot be checked at synth'));
  });
});

describe('refused combinations', () => {
  test('refuses egress ISOLATED with a public-only endpoint, naming the modes and NAT_GATEWAY', () => {
    expect(() => synth({ mode: EndpointMode.PUBLIC, egress: ClusterEgress.ISOLATED }, 'R1')).toThrow(
      /egress ISOLATED with mode public: nodes without internet egress cannot reach a public-only endpoint.*EndpointMode\.PRIVATE or EndpointMode\.PUBLIC_AND_PRIVATE.*egress NAT_GATEWAY/);
  });

  test('refuses nodegroup options with Auto Mode', () => {
    expect(() => synth({ compute: ClusterCompute.AUTO_MODE, nodegroup: { desiredSize: 3 } }, 'R2')).toThrow(
      /nodegroup \(desiredSize\) shapes the managed node group, which compute AUTO_MODE does not create/);
  });
});
