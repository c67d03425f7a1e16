import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { byRule, check, KINDS, Mode, PLACEMENTS, Scenario, scenario, VpcPlacement, ClusterKind } from './fixtures';

/** The cluster VPC peered with a client VPC (10.50.0.0/16) in the network stack. */
function peered(kind: ClusterKind, vpcIn: VpcPlacement, mode: Mode): Scenario & { peer: ec2.Vpc; peering: ec2.CfnVPCPeeringConnection } {
  const s = scenario({ kind, vpcIn, mode });
  const peer = new ec2.Vpc(s.networkStack, 'ClientVpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.50.0.0/16'), maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: false,
    subnetConfiguration: [{ name: 'Clients', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const peering = new ec2.CfnVPCPeeringConnection(s.networkStack, 'Peering', { vpcId: s.vpc!.vpcId, peerVpcId: peer.vpcId });
  return { ...s, peer, peering };
}

function routeBack(s: Scenario & { peering: ec2.CfnVPCPeeringConnection }): void {
  s.vpc!.privateSubnets.forEach((subnet, i) => new ec2.CfnRoute(s.networkStack, `ToClients${i}`, {
    routeTableId: subnet.routeTable.routeTableId, destinationCidrBlock: '10.50.0.0/16', vpcPeeringConnectionId: s.peering.ref,
  }));
}

function allow443FromClients(s: Scenario): void {
  new ec2.CfnSecurityGroupIngress(s.clusterStack, 'ClientsTo443', {
    groupId: s.cluster.getAtt('ClusterSecurityGroupId').toString(), cidrIp: '10.50.0.0/16', ipProtocol: 'tcp', fromPort: 443, toPort: 443,
  });
}

function resolverForwarding(s: Scenario & { peer: ec2.Vpc }, associate: boolean): void {
  const sg = new ec2.SecurityGroup(s.networkStack, 'ResolverSg', { vpc: s.vpc! });
  new route53resolver.CfnResolverEndpoint(s.networkStack, 'Inbound', {
    direction: 'INBOUND', securityGroupIds: [sg.securityGroupId],
    ipAddresses: s.vpc!.privateSubnets.map((subnet) => ({ subnetId: subnet.subnetId })),
  });
  const rule = new route53resolver.CfnResolverRule(s.networkStack, 'ForwardEks', {
    domainName: 'eu-west-1.eks.amazonaws.com', ruleType: 'FORWARD', targetIps: [{ ip: '10.0.128.10' }],
  });
  if (associate) {
    new route53resolver.CfnResolverRuleAssociation(s.networkStack, 'ForwardEksClients', { resolverRuleId: rule.attrResolverRuleId, vpcId: s.peer.vpcId });
  }
}

describe.each(KINDS)('ConnectedClientResolution on a %s cluster', (kind) => {
  const ID = 'ConnectedClientResolution';

  test.each(PLACEMENTS)('with the VPC in the %s: warns that peered clients get public answers without Resolver forwarding', (vpcIn) => {
    const s = peered(kind, vpcIn, 'public-and-private');
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'warning',
      message: expect.stringMatching(/^Clients across the peering Network\/Peering in Network\/ClientVpc resolve the endpoint to its public addresses .*inbound endpoint in the cluster VPC/),
    })]);
  });

  test.each(PLACEMENTS)('with the VPC in the %s: passes with an inbound endpoint and a FORWARD rule associated with the client VPC', (vpcIn) => {
    const s = peered(kind, vpcIn, 'public-and-private');
    resolverForwarding(s, true);
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('warns when the forwarding rule is not associated with the client VPC', () => {
    const s = peered(kind, 'same-stack', 'public-and-private');
    resolverForwarding(s, false);
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/no FORWARD rule for eks\.amazonaws\.com is associated with Network\/ClientVpc/) })]);
  });

  test('says "not verifiable" for a Transit Gateway attachment with an inbound endpoint: the other side is not in the app', () => {
    const s = peered(kind, 'same-stack', 'public-and-private');
    resolverForwarding(s, true);
    new ec2.CfnTransitGatewayAttachment(s.networkStack, 'Tgw', { transitGatewayId: 'tgw-0abc', vpcId: s.vpc!.vpcId, subnetIds: s.vpc!.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds });
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Not verifiable at synth: clients behind the Transit Gateway attachment Network\/Tgw/) })]);
  });

  test.each(['public', 'private'] as const)('says nothing in %s mode', (mode) => {
    const s = peered(kind, 'same-stack', mode);
    expect(byRule(check(s.app), ID)).toEqual([]);
  });
});

describe.each(KINDS)('ConnectedClientPath on a %s cluster', (kind) => {
  const ID = 'ConnectedClientPath';

  test.each(PLACEMENTS)('with the VPC in the %s: passes with a route back and 443 from the client network', (vpcIn) => {
    const s = peered(kind, vpcIn, 'private');
    routeBack(s);
    allow443FromClients(s);
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test.each(PLACEMENTS)('with the VPC in the %s: fails with no route back to the peering', (vpcIn) => {
    const s = peered(kind, vpcIn, 'private');
    allow443FromClients(s);
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'error', message: expect.stringMatching(/^No route in the cluster subnets' route tables leads back across the peering Network\/Peering/),
    })]);
  });

  test('fails with no 443 rule from outside the cluster VPC', () => {
    const s = peered(kind, 'same-stack', 'private');
    routeBack(s);
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'error', message: expect.stringMatching(/allow TCP 443 from no address outside Network\/Vpc/),
    })]);
  });

  test('says nothing in Public & Private mode (ConnectedClientResolution speaks there)', () => {
    const s = peered(kind, 'same-stack', 'public-and-private');
    expect(byRule(check(s.app), ID)).toEqual([]);
  });
});

describe.each(KINDS)('connected networks of an imported VPC, on a %s cluster', (kind) => {
  function importedPeered(mode: Mode): Scenario {
    const s = scenario({ kind, vpcIn: 'imported', mode });
    new ec2.CfnVPCPeeringConnection(s.clusterStack, 'Peering', { vpcId: 'vpc-0abc', peerVpcId: 'vpc-0client' });
    return s;
  }

  test('ConnectedClientResolution: not verifiable, with what to confirm', () => {
    const reported = byRule(check(importedPeered('public-and-private').app), 'ConnectedClientResolution');
    expect(reported).toEqual([expect.objectContaining({
      level: 'warning', message: expect.stringMatching(/^Not verifiable at synth: clients across the peering Network\/Peering reach imported VPC vpc-0abc/),
    })]);
  });

  test('ConnectedClientPath: routes not verifiable, and a definite error with no 443 rule in the cluster security groups', () => {
    const reported = byRule(check(importedPeered('private').app), 'ConnectedClientPath');
    expect(reported.map((r) => [r.level, r.message.slice(0, 40)])).toEqual([
      ['warning', 'Not verifiable at synth: the route table'],
      ['error', 'The cluster security groups allow TCP 44'],
    ]);
  });

  test('ConnectedClientPath: with a 443 rule for the client block, only the routes are left to confirm', () => {
    const s = importedPeered('private');
    allow443FromClients(s);
    expect(byRule(check(s.app), 'ConnectedClientPath').map((r) => r.level)).toEqual(['warning', 'warning']);
  });
});
