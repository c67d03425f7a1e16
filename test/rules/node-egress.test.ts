import { Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ClusterBastion, EndpointCluster, EndpointMode } from '../../lib';
import { testApp } from '../support/util';
import { byRule, check, KINDS, PLACEMENTS, Scenario, scenario } from '../support/apps';

function allowList(s: Scenario, cidrs: string[]): void {
  (s.cluster as eks.CfnCluster).addPropertyOverride('ResourcesVpcConfig.PublicAccessCidrs', cidrs);
}

function natAddress(s: Scenario): string {
  const eip = s.vpc!.publicSubnets[0].node.findChild('EIP') as ec2.CfnEIP;
  return Fn.join('', [eip.attrPublicIp, '/32']);
}

const ISOLATED_VPC: ec2.VpcProps = {
  natGateways: 0,
  subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }],
};

describe('PublicOnlyNodeEgress', () => {
  const ID = 'PublicOnlyNodeEgress';

  describe.each(KINDS)('on a %s cluster', (kind) => {
    test.each(PLACEMENTS)('with the VPC in the %s: passes when the allow-list holds the NAT address', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'public' });
      allowList(s, ['203.0.113.0/24', natAddress(s)]);
      expect(byRule(check(s.app), ID)).toEqual([]);
    });

    test.each(PLACEMENTS)('with the VPC in the %s: fails when the allow-list lacks the NAT address: nodes never join', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'public' });
      allowList(s, ['203.0.113.0/24']);
      expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
        level: 'error',
        message: expect.stringMatching(/allows only \[203\.0\.113\.0\/24\], but the nodes of \S+ in Network\/Vpc\/PrivateSubnet1\/Subnet, Network\/Vpc\/PrivateSubnet2\/Subnet reach it from the NAT gateway address Network\/Vpc\/PublicSubnet1\/EIP: nodes will never join/),
      })]);
    });

    test('passes with an open endpoint', () => {
      const s = scenario({ kind, mode: 'public' });
      expect(byRule(check(s.app), ID)).toEqual([]);
    });

    test('fails for nodes with no internet egress, even with an open endpoint', () => {
      const s = scenario({ kind, mode: 'public', vpc: ISOLATED_VPC, nodes: ec2.SubnetType.PRIVATE_ISOLATED });
      expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/have no internet egress, so they cannot reach a public-only endpoint/) })]);
    });

    test('fails for nodes in public subnets behind an allow-list: their addresses change', () => {
      const s = scenario({ kind, mode: 'public', nodes: ec2.SubnetType.PUBLIC });
      allowList(s, ['203.0.113.0/24']);
      expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/own public IPs, which change/) })]);
    });

    test('warns on an imported VPC, whose routes it cannot see', () => {
      const s = scenario({ kind, vpcIn: 'imported', mode: 'public' });
      allowList(s, ['203.0.113.0/24']);
      expect(byRule(check(s.app), ID).map((r) => [r.level, r.message.slice(0, 27)])).toEqual([['warning', 'Not verifiable at synth: th']]);
    });

    test('passes in Public & Private mode, where nodes use the private endpoint', () => {
      const s = scenario({ kind, mode: 'public-and-private' });
      allowList(s, ['203.0.113.0/24']);
      expect(byRule(check(s.app), ID)).toEqual([]);
    });
  });

  test('passes for EndpointCluster with PUBLIC.onlyFrom(), which adds its NAT address', () => {
    const app = testApp();
    new EndpointCluster(new Stack(app, 'Lab'), 'Cluster', { mode: EndpointMode.PUBLIC.onlyFrom('203.0.113.0/24') });
    expect(check(app)).toEqual([]);
  });
});

describe('IsolatedNodeEndpoints', () => {
  const ID = 'IsolatedNodeEndpoints';

  function addEndpoints(vpc: ec2.Vpc, services: string[]): void {
    const interfaces: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      'ec2': ec2.InterfaceVpcEndpointAwsService.EC2,
      'ecr.api': ec2.InterfaceVpcEndpointAwsService.ECR,
      'ecr.dkr': ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      'sts': ec2.InterfaceVpcEndpointAwsService.STS,
      'ssm': ec2.InterfaceVpcEndpointAwsService.SSM,
      'ssmmessages': ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES,
      'ec2messages': ec2.InterfaceVpcEndpointAwsService.EC2_MESSAGES,
    };
    for (const service of services) {
      if (service === 's3') {
        vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
      } else {
        vpc.addInterfaceEndpoint(service.replace('.', ''), { service: interfaces[service] });
      }
    }
  }

  describe.each(KINDS)('on a %s cluster', (kind) => {
    test.each(PLACEMENTS)('with the VPC in the %s: passes with the five endpoints nodes need', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'private', vpc: ISOLATED_VPC, nodes: ec2.SubnetType.PRIVATE_ISOLATED });
      addEndpoints(s.vpc!, ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 's3']);
      expect(byRule(check(s.app), ID)).toEqual([]);
    });

    test.each(PLACEMENTS)('with the VPC in the %s: fails and names every missing endpoint', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'private', vpc: ISOLATED_VPC, nodes: ec2.SubnetType.PRIVATE_ISOLATED });
      addEndpoints(s.vpc!, ['ec2', 'ecr.api']);
      expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
        level: 'error', message: expect.stringMatching(/the nodes of .* have no internet egress and Network\/Vpc has no usable VPC endpoint for: ecr\.dkr, sts, s3\. They cannot pull images/),
      })]);
    });

    test('counts an interface endpoint with private DNS off as missing', () => {
      const s = scenario({ kind, mode: 'private', vpc: ISOLATED_VPC, nodes: ec2.SubnetType.PRIVATE_ISOLATED });
      addEndpoints(s.vpc!, ['ec2', 'ecr.api', 'ecr.dkr', 's3']);
      s.vpc!.addInterfaceEndpoint('StsNoDns', { service: ec2.InterfaceVpcEndpointAwsService.STS, privateDnsEnabled: false });
      expect(byRule(check(s.app), ID)[0].message).toMatch(/has no usable VPC endpoint for: sts\./);
    });

    test('passes when the nodes have NAT egress', () => {
      const s = scenario({ kind, mode: 'private' });
      expect(byRule(check(s.app), ID)).toEqual([]);
    });

    test('warns on an imported VPC, whose routes it cannot see', () => {
      const s = scenario({ kind, vpcIn: 'imported', mode: 'private' });
      expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/confirm VPC endpoints for ec2, ecr\.api, ecr\.dkr, sts, s3/) })]);
    });
  });

  test('warns, not fails, when the default route is split in two halves: egress it cannot classify', () => {
    const s = scenario({ kind: 'cfn', mode: 'private', vpc: ISOLATED_VPC, nodes: ec2.SubnetType.PRIVATE_ISOLATED });
    s.vpc!.isolatedSubnets.forEach((subnet, i) => ['0.0.0.0/1', '128.0.0.0/1'].forEach((destinationCidrBlock, j) =>
      new ec2.CfnRoute(s.networkStack, `Half${i}${j}`, { routeTableId: subnet.routeTable.routeTableId, destinationCidrBlock, transitGatewayId: 'tgw-0abc' })));
    expect(byRule(check(s.app), ID).map((r) => r.level)).toEqual(['warning']);
  });

  test('counts a raw S3 endpoint with no VpcEndpointType as a gateway: it must be on the node route tables', () => {
    const s = scenario({ kind: 'cfn', mode: 'private', vpc: ISOLATED_VPC, nodes: ec2.SubnetType.PRIVATE_ISOLATED });
    addEndpoints(s.vpc!, ['ec2', 'ecr.api', 'ecr.dkr', 'sts']);
    new ec2.CfnVPCEndpoint(s.networkStack, 'RawS3', { vpcId: s.vpc!.vpcId, serviceName: 'com.amazonaws.eu-west-1.s3' });
    expect(byRule(check(s.app), ID)[0].message).toMatch(/has no usable VPC endpoint for: s3\./);
  });

  test('counts an S3 interface endpoint without private DNS as missing', () => {
    const s = scenario({ kind: 'cfn', mode: 'private', vpc: ISOLATED_VPC, nodes: ec2.SubnetType.PRIVATE_ISOLATED });
    addEndpoints(s.vpc!, ['ec2', 'ecr.api', 'ecr.dkr', 'sts']);
    s.vpc!.addInterfaceEndpoint('S3Interface', { service: ec2.InterfaceVpcEndpointAwsService.S3, privateDnsEnabled: false });
    expect(byRule(check(s.app), ID)[0].message).toMatch(/has no usable VPC endpoint for: s3\./);
  });

  test('fails for a ClusterBastion in isolated subnets without Session Manager endpoints', () => {
    const s = scenario({ kind: 'eks-v2', mode: 'private', vpc: ISOLATED_VPC, nodes: ec2.SubnetType.PRIVATE_ISOLATED });
    addEndpoints(s.vpc!, ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 's3']);
    new ClusterBastion(s.clusterStack, 'Bastion', { cluster: s.eksCluster! });
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'error', message: expect.stringMatching(/Network\/Bastion\/Instance in .* has no usable VPC endpoint for: ssm, ssmmessages, ec2messages\. Session Manager and kubectl cannot work/),
    })]);
  });

  test('passes for a ClusterBastion once Session Manager endpoints exist', () => {
    const s = scenario({ kind: 'eks-v2', mode: 'private', vpc: ISOLATED_VPC, nodes: ec2.SubnetType.PRIVATE_ISOLATED });
    addEndpoints(s.vpc!, ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 's3', 'ssm', 'ssmmessages', 'ec2messages']);
    new ClusterBastion(s.clusterStack, 'Bastion', { cluster: s.eksCluster! });
    expect(byRule(check(s.app), ID)).toEqual([]);
  });
});
