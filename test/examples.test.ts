import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { EndpointAccessChecks, EndpointCluster, EndpointMode } from '../lib';
import { testApp, vpcConfig } from './support/util';

/**
 * Every example is a complete app: importing it synthesizes it. CDK's built-in template
 * validation and the copy of the kubectl asset are switched off through the environment,
 * as `cdk synth --no-validation` would; the lab test runs the validation.
 */
process.env.CDK_VALIDATION = 'false';
process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-asset-staging': true });

const EXAMPLES_DIR = path.join(__dirname, '..', 'examples');
const exampleFiles = fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.ts')).sort();

function load(name: string): Record<string, any> {
  return require(path.join(EXAMPLES_DIR, name));
}

function endpointFlags(stack: Stack): Record<string, unknown> {
  return vpcConfig(Template.fromStack(stack));
}

/**
 * What the check (`PrivateResolutionCheck`, which these examples add) says of a stack: every
 * error, whoever reports it, and the warnings with a `cdk-eks-endpoint:` ID (CDK's own notes,
 * such as the one on cross-stack reference strength, are not the check's).
 */
function checkFindings(stack: Stack): { errors: string[]; warnings: string[] } {
  const annotations = Annotations.fromStack(stack);
  return {
    errors: annotations.findError('*', Match.anyValue()).map((m) => String(m.entry.data)),
    warnings: annotations.findWarning('*', Match.anyValue()).map((m) => String(m.entry.data))
      .flatMap((text) => /\[ack: (cdk-eks-endpoint:[^\]]+)\]$/.exec(text)?.[1] ?? []),
  };
}

/** The ingress rules of the EKS control-plane security group, as `cidr:port`. */
function controlPlaneIngress(template: Template): string[] {
  const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'EKS Control Plane Security Group' } }));
  return group.Properties.SecurityGroupIngress.map((r: any) => `${r.CidrIp}:${r.FromPort}`);
}

/** The logical IDs a list of `Ref`s names, for matching route tables and subnets by their construct path. */
function refs(list: any[]): string[] {
  return list.map((r) => r.Ref);
}

describe('examples', () => {
  test('are all listed in examples/README.md, with the command that synthesizes them', () => {
    const readme = fs.readFileSync(path.join(EXAMPLES_DIR, 'README.md'), 'utf8');
    expect(exampleFiles.length).toBeGreaterThanOrEqual(7);
    for (const file of exampleFiles) {
      expect(readme).toContain(`[${file}](${file})`);
      const source = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8');
      expect(source).toContain(`npx cdk synth --app "node build/examples/${file.replace(/\.ts$/, '.js')}"`);
    }
  });

  test('public.ts: public only, allow-list plus the NAT address', () => {
    const flags = endpointFlags(load('public.ts').stack);
    expect(flags).toMatchObject({ EndpointPublicAccess: true, EndpointPrivateAccess: false });
    expect(flags.PublicAccessCidrs).toHaveLength(2);
  });

  test('public-and-private.ts: both endpoints, two allowed ranges, an admin role', () => {
    const { stack } = load('public-and-private.ts');
    expect(endpointFlags(stack)).toMatchObject({
      EndpointPublicAccess: true, EndpointPrivateAccess: true, PublicAccessCidrs: ['203.0.113.0/24', '198.51.100.0/24'],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: 'arn:aws:iam::123456789012:role/platform-admins' });
  });

  test('private.ts: private only, with the bastion session output', () => {
    const { stack } = load('private.ts');
    expect(endpointFlags(stack)).toMatchObject({ EndpointPublicAccess: false, EndpointPrivateAccess: true });
    expect(Template.fromStack(stack).toJSON().Outputs.BastionSession).toBeDefined();
  });

  test('byo-vpc.ts: uses the imported subnets and creates no VPC', () => {
    const template = Template.fromStack(load('byo-vpc.ts').stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::EKS::Nodegroup', { Subnets: ['subnet-0bbb0000000000001', 'subnet-0bbb0000000000002'] });
  });

  test('multi-stack.ts: the cluster stack imports the network stack\'s subnets', () => {
    const { platform } = load('multi-stack.ts');
    const template = Template.fromStack(platform);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    expect(JSON.stringify(template.toJSON())).toContain('Fn::ImportValue');
  });

  test('nag-pack.ts: the README\'s pack example passes as written: no finding left unacknowledged', () => {
    const { stack } = load('nag-pack.ts');
    expect(new EndpointAccessChecks().validateScope(stack).violations).toEqual([]);
  });

  test('nag-pack.ts: without its acknowledgement the same cluster fails the pack on the public endpoint', () => {
    const app = testApp();
    const stack = new Stack(app, 'NagPackLab');
    new EndpointCluster(stack, 'Cluster', { mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24') });
    expect(new EndpointAccessChecks().validateScope(stack).violations.map((v) => v.ruleName)).toEqual(['EndpointAccess-PublicEndpointAccess']);
  });

  test('policy-check.ts: the check and the pack pass a plain aws-eks-v2 cluster whose bastion has its 443 rule', () => {
    const { stack } = load('policy-check.ts');
    const messages = stack.node.root.synth().getStackByName('CheckedPlainEks').messages;
    expect(messages.filter((m: any) => m.level === 'error')).toEqual([]);
    expect(messages.filter((m: any) => String(m.entry.data).includes('cdk-eks-endpoint:'))).toEqual([]);
  });

  test('policy-check.ts, as its header says: without the 443 rule the Aspect alone fails synthesis, and so does the pack', () => {
    const { policyCheckApp } = load('policy-check.ts');
    const aspectOnly = policyCheckApp({ bastionRule: false, pack: false }).app.synth().getStackByName('CheckedPlainEks').messages;
    const errors = aspectOnly.filter((m: any) => m.level === 'error').map((m: any) => String(m.entry.data));
    expect(errors).toEqual([expect.stringMatching(/^\[cdk-eks-endpoint:ClientSecurityGroupPath\] CheckedPlainEks\/Bastion\/Resource /)]);
    expect(() => policyCheckApp({ bastionRule: false }).app.synth()).toThrow();
    const pack = new EndpointAccessChecks().validateScope(policyCheckApp({ bastionRule: false, pack: false }).stack);
    expect(pack.violations.filter((v) => v.severity === 'error').map((v) => v.ruleName)).toEqual(['EndpointAccess-ClientSecurityGroupPath']);
  });

  describe('peered-tools-vpc.ts', () => {
    const { stack, tools } = load('peered-tools-vpc.ts');
    const template = Template.fromStack(stack);

    test('peers the cluster VPC with the tools VPC of the other stack, and routes both ways over the peering', () => {
      template.hasResourceProperties('AWS::EC2::VPCPeeringConnection', {
        VpcId: { Ref: Match.stringLikeRegexp('^ClusterVpc') },
        PeerVpcId: { 'Fn::ImportValue': Match.stringLikeRegexp('^Tools:') },
      });
      const routes = Object.values(template.findResources('AWS::EC2::Route', { Properties: { VpcPeeringConnectionId: { Ref: 'ToolsPeering' } } }));
      // every subnet the EKS-owned ENIs may be in (the cluster's public and private subnets) routes the tools range back
      const toTools = routes.filter((r) => r.Properties.DestinationCidrBlock === '10.1.0.0/16').map((r) => r.Properties.RouteTableId.Ref).sort();
      expect(toTools).toEqual(expect.arrayContaining([
        expect.stringMatching(/^ClusterVpcPublicSubnet1RouteTable/), expect.stringMatching(/^ClusterVpcPublicSubnet2RouteTable/),
        expect.stringMatching(/^ClusterVpcPrivateSubnet1RouteTable/), expect.stringMatching(/^ClusterVpcPrivateSubnet2RouteTable/),
      ]));
      expect(toTools).toHaveLength(4);
      const fromTools = routes.filter((r) => r.Properties.DestinationCidrBlock?.['Fn::GetAtt']?.[1] === 'CidrBlock');
      expect(fromTools.map((r) => r.Properties.RouteTableId['Fn::ImportValue'])).toEqual([
        expect.stringMatching(/^Tools:.*PrivateSubnet1RouteTable/), expect.stringMatching(/^Tools:.*PrivateSubnet2RouteTable/),
      ]);
    });

    test('443 from the tools VPC, and the Resolver forwarding rule associated with it', () => {
      expect(controlPlaneIngress(template)).toEqual(['10.1.0.0/16:443']);
      template.resourceCountIs('AWS::Route53Resolver::ResolverRuleAssociation', 1);
      template.hasResourceProperties('AWS::Route53Resolver::ResolverRuleAssociation', {
        ResolverRuleId: { 'Fn::GetAtt': [Match.stringLikeRegexp('EndpointRule'), 'ResolverRuleId'] },
        VPCId: { 'Fn::ImportValue': Match.stringLikeRegexp('^Tools:.*RefVpc') },
      });
      expect(template.toJSON().Outputs.ResolverInboundAddresses.Value).toBe('10.0.63.254,10.0.95.254');
    });

    test('the CI runner: an access entry scoped to one namespace, IMDSv2, an encrypted root volume, no SSH key, no public address', () => {
      template.hasResourceProperties('AWS::EKS::AccessEntry', {
        PrincipalArn: { 'Fn::ImportValue': Match.stringLikeRegexp('^Tools:.*CiRunnerInstanceRole.*Arn') },
        AccessPolicies: [{ AccessScope: { Type: 'namespace', Namespaces: ['apps'] }, PolicyArn: Match.anyValue() }],
      });
      const toolsTemplate = Template.fromStack(tools);
      toolsTemplate.hasResourceProperties('AWS::EC2::Instance', {
        KeyName: Match.absent(),
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true }) }],
        NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false, SubnetId: { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet') } })],
      });
      toolsTemplate.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } } });
      toolsTemplate.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.1.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true });
    });

    test('the check, as its header says: no error, no warning', () => {
      expect(checkFindings(stack)).toEqual({ errors: [], warnings: [] });
      expect(checkFindings(tools)).toEqual({ errors: [], warnings: [] });
    });
  });

  describe('on-premises-vpn.ts', () => {
    const { stack } = load('on-premises-vpn.ts');
    const template = Template.fromStack(stack);

    test('a virtual private gateway, a VPN connection for the on-premises range, its routes propagated to the private route tables', () => {
      template.resourceCountIs('AWS::EC2::VPNGateway', 1);
      template.hasResourceProperties('AWS::EC2::VPCGatewayAttachment', { VpnGatewayId: { Ref: Match.stringLikeRegexp('VpnGateway') } });
      template.hasResourceProperties('AWS::EC2::VPNConnection', { StaticRoutesOnly: true, VpnGatewayId: { Ref: Match.stringLikeRegexp('VpnGateway') } });
      template.hasResourceProperties('AWS::EC2::VPNConnectionRoute', { DestinationCidrBlock: '192.168.0.0/16' });
      const [propagation] = Object.values(template.findResources('AWS::EC2::VPNGatewayRoutePropagation'));
      expect(refs(propagation.Properties.RouteTableIds)).toEqual([
        expect.stringMatching(/^VpcPrivateSubnet1RouteTable/), expect.stringMatching(/^VpcPrivateSubnet2RouteTable/),
      ]);
    });

    test('private only, the control plane in the private subnets, 443 from the on-premises range, no Resolver', () => {
      const config = endpointFlags(stack);
      expect(config).toMatchObject({ EndpointPublicAccess: false, EndpointPrivateAccess: true });
      expect(refs(config.SubnetIds as any[])).toEqual([expect.stringMatching(/^VpcPrivateSubnet1Subnet/), expect.stringMatching(/^VpcPrivateSubnet2Subnet/)]);
      expect(controlPlaneIngress(template)).toEqual(['192.168.0.0/16:443']);
      template.resourceCountIs('AWS::Route53Resolver::ResolverEndpoint', 0);
    });

    test('the check, as its header says: no error, no warning', () => {
      expect(checkFindings(stack)).toEqual({ errors: [], warnings: [] });
    });
  });

  describe('isolated-auto-mode.ts', () => {
    const { stack } = load('isolated-auto-mode.ts');
    const template = Template.fromStack(stack);

    test('no way to the internet: no NAT gateway, no internet gateway, no route', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::InternetGateway', 0);
      template.resourceCountIs('AWS::EC2::Route', 0);
    });

    test('Auto Mode with the built-in node pools, and no managed node group', () => {
      template.hasResourceProperties('AWS::EKS::Cluster', { ComputeConfig: Match.objectLike({ Enabled: true, NodePools: ['system', 'general-purpose'] }) });
      template.resourceCountIs('AWS::EKS::Nodegroup', 0);
    });

    test('the VPC endpoints Auto Mode and the bastion need, with private DNS, listed in the output with the bastion command', () => {
      const interfaces = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface', PrivateDnsEnabled: true } }));
      expect(interfaces.map((e) => String(e.Properties.ServiceName['Fn::Join'][1].slice(-1)[0]).replace(/^\./, '')).sort())
        .toEqual(['ec2', 'ec2messages', 'ecr.api', 'ecr.dkr', 'eks-auth', 'ssm', 'ssmmessages', 'sts']);
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 9);
      const outputs = template.toJSON().Outputs;
      expect(outputs.VpcEndpoints.Value).toBe('ec2,ecr.api,ecr.dkr,sts,eks-auth,ssm,ssmmessages,ec2messages,s3');
      expect(JSON.stringify(outputs.BastionSession.Value)).toContain('aws ssm start-session --target ');
    });

    test('the check, as its header says: no error, no warning', () => {
      expect(checkFindings(stack)).toEqual({ errors: [], warnings: [] });
    });
  });

  describe('hybrid-nodes.ts', () => {
    const { stack } = load('hybrid-nodes.ts');
    const template = Template.fromStack(stack);

    test('renders the remote node and pod networks, with 443 from both, in Private mode', () => {
      template.hasResourceProperties('AWS::EKS::Cluster', {
        RemoteNetworkConfig: { RemoteNodeNetworks: [{ Cidrs: ['192.168.0.0/16'] }], RemotePodNetworks: [{ Cidrs: ['172.16.0.0/16'] }] },
        AccessConfig: Match.objectLike({ AuthenticationMode: 'API' }),
      });
      expect(endpointFlags(stack)).toMatchObject({ EndpointPublicAccess: false, EndpointPrivateAccess: true });
      expect(controlPlaneIngress(template)).toEqual(['192.168.0.0/16:443', '172.16.0.0/16:443']);
    });

    test('the nodes\' role is SSM\'s, for this account only, with the HYBRID_LINUX access entry they join with', () => {
      const [entry] = Object.values(template.findResources('AWS::EKS::AccessEntry', { Properties: { Type: 'HYBRID_LINUX' } }));
      expect(entry.Properties.PrincipalArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^HybridNodesRole/), 'Arn'] });
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({
          Principal: { Service: 'ssm.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnEquals: Match.anyValue() },
        })] },
      });
    });

    test('every cluster subnet\'s route table gets the virtual private gateway\'s routes, which the VPN has for both networks', () => {
      const subnets = refs(endpointFlags(stack).SubnetIds as any[]);
      expect(subnets).toEqual([expect.stringMatching(/^VpcPrivateSubnet1Subnet/), expect.stringMatching(/^VpcPrivateSubnet2Subnet/)]);
      const [propagation] = Object.values(template.findResources('AWS::EC2::VPNGatewayRoutePropagation'));
      const resources = template.toJSON().Resources;
      const tablesOfClusterSubnets = Object.values(resources)
        .filter((r: any) => r.Type === 'AWS::EC2::SubnetRouteTableAssociation' && subnets.includes(r.Properties.SubnetId.Ref))
        .map((r: any) => r.Properties.RouteTableId.Ref).sort();
      expect(refs(propagation.Properties.RouteTableIds).sort()).toEqual(tablesOfClusterSubnets);
      const vpnRoutes = Object.values(template.findResources('AWS::EC2::VPNConnectionRoute')).map((r) => r.Properties.DestinationCidrBlock).sort();
      expect(vpnRoutes).toEqual(['172.16.0.0/16', '192.168.0.0/16']);
    });

    test('the check, as its header says: no error, no warning (HybridNodePath sees the propagated routes)', () => {
      expect(checkFindings(stack)).toEqual({ errors: [], warnings: [] });
    });
  });

  test('bastion-on-eks-v2.ts: a bastion on a plain aws-eks-v2 cluster', () => {
    const template = Template.fromStack(load('bastion-on-eks-v2.ts').stack);
    template.resourceCountIs('AWS::EC2::Instance', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 443, ToPort: 443 });
  });
});
