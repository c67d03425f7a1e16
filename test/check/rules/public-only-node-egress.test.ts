import { Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EndpointCluster, EndpointMode } from '../../../lib';
import { ASPECT_RULES } from '../../../lib/check/adapters/rule-sets';
import { aspectCheck, byRule, ISOLATED_VPC, KINDS, PLACEMENTS, scenario, Scenario } from '../../support/apps';
import { att, base, check, error, instanceClient, join, Json, kinds, nodegroup, nodeNetwork, param, PUBLIC, ref, route, securityGroup, subnet, Template, verdicts } from '../../support/templates';
import { testApp } from '../../support/util';

/**
 * PublicOnlyNodeEgress (rules/public-only-node-egress.ts): with the public endpoint only, nodes and
 * clients must leave from an address the allow-list admits; on CDK apps, then on hand-written
 * templates.
 */

function allowList(s: Scenario, cidrs: string[]): void {
  (s.cluster as eks.CfnCluster).addPropertyOverride('ResourcesVpcConfig.PublicAccessCidrs', cidrs);
}

function natAddress(s: Scenario): string {
  const eip = s.vpc!.publicSubnets[0].node.findChild('EIP') as ec2.CfnEIP;
  return Fn.join('', [eip.attrPublicIp, '/32']);
}

describe('PublicOnlyNodeEgress', () => {
  const ID = 'PublicOnlyNodeEgress';

  describe.each(KINDS)('on a %s cluster', (kind) => {
    test.each(PLACEMENTS)('with the VPC in the %s: passes when the allow-list holds the NAT address', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'public' });
      allowList(s, ['203.0.113.0/24', natAddress(s)]);
      expect(byRule(aspectCheck(s.app), ID)).toEqual([]);
    });

    test.each(PLACEMENTS)('with the VPC in the %s: fails when the allow-list lacks the NAT address: nodes never join', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'public' });
      allowList(s, ['203.0.113.0/24']);
      expect(byRule(aspectCheck(s.app), ID)).toEqual([expect.objectContaining({
        level: 'error',
        message: expect.stringMatching(/allows only \[203\.0\.113\.0\/24\], but the nodes of \S+ in Network\/Vpc\/PrivateSubnet1\/Subnet, Network\/Vpc\/PrivateSubnet2\/Subnet reach it from the NAT gateway address Network\/Vpc\/PublicSubnet1\/EIP: nodes will never join/),
      })]);
    });

    test('passes with an open endpoint', () => {
      const s = scenario({ kind, mode: 'public' });
      expect(byRule(aspectCheck(s.app), ID)).toEqual([]);
    });

    test('fails for nodes with no internet egress, even with an open endpoint', () => {
      const s = scenario({ kind, mode: 'public', vpc: ISOLATED_VPC, nodes: ec2.SubnetType.PRIVATE_ISOLATED });
      expect(byRule(aspectCheck(s.app), ID)).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/have no internet egress, so they cannot reach a public-only endpoint/) })]);
    });

    test('fails for nodes in public subnets behind an allow-list: their addresses change', () => {
      const s = scenario({ kind, mode: 'public', nodes: ec2.SubnetType.PUBLIC });
      allowList(s, ['203.0.113.0/24']);
      expect(byRule(aspectCheck(s.app), ID)).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/own public IPs, which change/) })]);
    });

    test('warns on an imported VPC, whose routes it cannot see', () => {
      const s = scenario({ kind, vpcIn: 'imported', mode: 'public' });
      allowList(s, ['203.0.113.0/24']);
      expect(byRule(aspectCheck(s.app), ID).map((r) => [r.level, r.message.slice(0, 27)])).toEqual([['warning', 'Not verifiable at synth: th']]);
    });

    test('passes in Public & Private mode, where nodes use the private endpoint', () => {
      const s = scenario({ kind, mode: 'public-and-private' });
      allowList(s, ['203.0.113.0/24']);
      expect(byRule(aspectCheck(s.app), ID)).toEqual([]);
    });
  });

  test('passes for EndpointCluster with PUBLIC.onlyFrom(), which adds its NAT address', () => {
    const app = testApp();
    new EndpointCluster(new Stack(app, 'Lab'), 'Cluster', { mode: EndpointMode.PUBLIC.onlyFrom('203.0.113.0/24'), adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'] });
    expect(aspectCheck(app)).toEqual([]);
  });
});

describe('public-only endpoint and a private NAT gateway', () => {
  test('passes nodes behind a public NAT gateway whose EIP is in the allow-list', () => {
    const findings = check(nodeNetwork({ ...PUBLIC, publicAccessCidrs: [{ 'Fn::Join': ['', [ref('NatEip'), '/32']] }] }));
    expect(findings).toEqual([]);
  });

  test('fails nodes behind a NAT gateway with ConnectivityType private in a subnet with no default route', () => {
    const findings = check(nodeNetwork({ ...PUBLIC, egress: 'private-nat', publicAccessCidrs: ['203.0.113.0/24'] }));
    expect(kinds(findings)).toEqual([error('PublicOnlyNodeEgress')]);
    expect(findings[0].message).toMatch(/have no internet egress, so they cannot reach a public-only endpoint/);
  });
});

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
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

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
describe('PublicOnlyNodeEgress: node subnets that are a parameter', () => {
  test('warns once, naming the parameter', () => {
    const t = base({ mode: PUBLIC, cidrs: ['203.0.113.0/24'] });
    nodegroup(t, [], { Subnets: param(t, 'NodeSubnets', 'List<AWS::EC2::Subnet::Id>') });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified PublicOnlyNodeEgress']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the subnets of the nodes of Stack\/Nodes are parameter NodeSubnets/);
  });
});

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
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
