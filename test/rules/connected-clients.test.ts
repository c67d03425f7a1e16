import { CfnParameter, CfnResource, Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { accessEntryClient, byRule, check, ClusterKind, KINDS, Mode, PLACEMENTS, Scenario, scenario, VpcPlacement } from '../support/apps';

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

/** Routes for the client VPC in the cluster subnets' route tables, to the peering (`destination`: 10.50.0.0/16). */
function routeBack(s: Scenario & { peering: ec2.CfnVPCPeeringConnection }, destination = '10.50.0.0/16'): void {
  s.vpc!.privateSubnets.forEach((subnet, i) => new ec2.CfnRoute(s.networkStack, `ToClients${i}`, {
    routeTableId: subnet.routeTable.routeTableId, destinationCidrBlock: destination, vpcPeeringConnectionId: s.peering.ref,
  }));
}

/** The client side: a route for the cluster VPC's block (by reference, as CDK writes it) in the client subnets' route tables. */
function routeFromClients(s: Scenario & { peer: ec2.Vpc; peering: ec2.CfnVPCPeeringConnection }): void {
  s.peer.isolatedSubnets.forEach((subnet, i) => new ec2.CfnRoute(s.networkStack, `FromClients${i}`, {
    routeTableId: subnet.routeTable.routeTableId, destinationCidrBlock: s.vpc!.vpcCidrBlock, vpcPeeringConnectionId: s.peering.ref,
  }));
}

function allow443FromClients(s: Scenario): void {
  new ec2.CfnSecurityGroupIngress(s.clusterStack, 'ClientsTo443', {
    groupId: s.cluster.getAtt('ClusterSecurityGroupId').toString(), cidrIp: '10.50.0.0/16', ipProtocol: 'tcp', fromPort: 443, toPort: 443,
  });
}

interface ForwardingOptions {
  /** Whether the rule is associated with the client VPC. @default true */
  readonly associate?: boolean;
  /** The rule's DomainName. @default 'eu-west-1.eks.amazonaws.com' */
  readonly domainName?: string;
  /** Whether the inbound endpoint has fixed addresses (10.0.128.10, 10.0.192.10). @default true */
  readonly fixedAddresses?: boolean;
  /** The rule's target addresses. @default the inbound endpoint's first address */
  readonly targets?: string[];
}

/**
 * Resolver forwarding as EndpointCluster builds it, in the cluster's stack: an inbound endpoint in
 * the cluster VPC's private subnets (10.0.128.0/18, 10.0.192.0/18), an outbound endpoint beside it,
 * and a FORWARD rule to the inbound addresses, associated with the client VPC.
 */
function resolverForwarding(s: Scenario & { peer: ec2.Vpc }, o: ForwardingOptions = {}): route53resolver.CfnResolverRule {
  const stack = s.clusterStack;
  const sg = new ec2.SecurityGroup(stack, 'ResolverSg', { vpc: s.vpc! });
  const addresses = ['10.0.128.10', '10.0.192.10'];
  new route53resolver.CfnResolverEndpoint(stack, 'Inbound', {
    direction: 'INBOUND', securityGroupIds: [sg.securityGroupId],
    ipAddresses: s.vpc!.privateSubnets.map((subnet, i) => ({ subnetId: subnet.subnetId, ip: o.fixedAddresses === false ? undefined : addresses[i] })),
  });
  const outbound = new route53resolver.CfnResolverEndpoint(stack, 'Outbound', {
    direction: 'OUTBOUND', securityGroupIds: [sg.securityGroupId],
    ipAddresses: s.vpc!.privateSubnets.map((subnet) => ({ subnetId: subnet.subnetId })),
  });
  const rule = new route53resolver.CfnResolverRule(stack, 'ForwardEks', {
    domainName: o.domainName ?? 'eu-west-1.eks.amazonaws.com', ruleType: 'FORWARD', resolverEndpointId: outbound.attrResolverEndpointId,
    targetIps: (o.targets ?? [addresses[0]]).map((ip) => ({ ip, port: '53' })),
  });
  if (o.associate ?? true) {
    new route53resolver.CfnResolverRuleAssociation(stack, 'ForwardEksClients', { resolverRuleId: rule.attrResolverRuleId, vpcId: s.peer.vpcId });
  }
  return rule;
}

/** The host name of the cluster's endpoint (`https://<host>`), as EndpointCluster writes the rule's DomainName. */
function endpointHost(cluster: CfnResource): string {
  return Fn.select(2, Fn.split('/', cluster.getAtt('Endpoint').toString()));
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
    resolverForwarding(s);
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test.each(PLACEMENTS)('with the VPC in the %s: passes a FORWARD rule for the endpoint\'s own host name (as EndpointCluster builds it)', (vpcIn) => {
    const s = peered(kind, vpcIn, 'public-and-private');
    resolverForwarding(s, { domainName: endpointHost(s.cluster) });
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('warns when the forwarding rule is not associated with the client VPC', () => {
    const s = peered(kind, 'same-stack', 'public-and-private');
    resolverForwarding(s, { associate: false });
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'warning', message: expect.stringMatching(/no FORWARD rule for the endpoint's name is associated with Network\/ClientVpc: .*the endpoint's host name/),
    })]);
  });

  test('warns when the rule forwards another cluster\'s host name', () => {
    const s = peered(kind, 'same-stack', 'public-and-private');
    const other = new eks.CfnCluster(s.clusterStack, 'OtherCluster', {
      roleArn: 'arn:aws:iam::123456789012:role/eks-cluster', version: '1.34',
      resourcesVpcConfig: { subnetIds: s.vpc!.privateSubnets.map((subnet) => subnet.subnetId), endpointPublicAccess: false, endpointPrivateAccess: true },
    });
    resolverForwarding(s, { domainName: endpointHost(other) });
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/no FORWARD rule for the endpoint's name is associated with Network\/ClientVpc/) })]);
  });

  test('warns when the rule forwards to addresses that are not the inbound endpoint\'s, and names both', () => {
    const s = peered(kind, 'same-stack', 'public-and-private');
    resolverForwarding(s, { domainName: endpointHost(s.cluster), targets: ['10.0.128.99'] });
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'warning',
      message: expect.stringMatching(/^the FORWARD rule Network\/ForwardEks for the endpoint's name is associated with Network\/ClientVpc, but it forwards to \[10\.0\.128\.99\], none of the addresses of the inbound Resolver endpoint in Network\/Vpc \(10\.0\.128\.10, 10\.0\.192\.10\)/),
    })]);
  });

  test('says "not verifiable" when Route 53 picks the inbound endpoint\'s addresses', () => {
    const s = peered(kind, 'same-stack', 'public-and-private');
    resolverForwarding(s, { domainName: endpointHost(s.cluster), fixedAddresses: false });
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'warning', message: expect.stringMatching(/^Not verifiable at synth: the Resolver rule Network\/ForwardEks is associated with Network\/ClientVpc, but its TargetIps or the inbound endpoint's addresses are not known at synth/),
    })]);
  });

  test('says "not verifiable" when the rule\'s domain is a parameter', () => {
    const s = peered(kind, 'same-stack', 'public-and-private');
    resolverForwarding(s, { domainName: new CfnParameter(s.clusterStack, 'EndpointHost').valueAsString });
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'warning', message: expect.stringMatching(/^Not verifiable at synth: the Resolver rule Network\/ForwardEks is associated with Network\/ClientVpc, but its DomainName \(<parameter EndpointHost \(String\)>\) is a deploy-time value/),
    })]);
  });

  test('says "not verifiable" for a Transit Gateway attachment with an inbound endpoint: the other side is not in the app', () => {
    const s = peered(kind, 'same-stack', 'public-and-private');
    resolverForwarding(s);
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

  /** A kubectl runner in the client VPC, with an access entry on the cluster. */
  function clientAcross(s: ReturnType<typeof peered>): void {
    accessEntryClient(s, 'Runner', { vpc: s.peer });
  }

  test.each(PLACEMENTS)('with the VPC in the %s: passes for a client across the peering with routes both ways and 443 from its network', (vpcIn) => {
    const s = peered(kind, vpcIn, 'private');
    clientAcross(s);
    routeBack(s);
    routeFromClients(s);
    allow443FromClients(s);
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test.each(PLACEMENTS)('with the VPC in the %s: fails for a client across the peering with no route back', (vpcIn) => {
    const s = peered(kind, vpcIn, 'private');
    clientAcross(s);
    routeFromClients(s);
    allow443FromClients(s);
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'error',
      message: expect.stringMatching(/^no route in the cluster subnets' route tables leads back across the peering Network\/Peering .*, so (Network|Platform)\/Runner \(access entry\) cannot reach the private endpoint/),
    })]);
  });

  test('fails for a client across the peering whose route back is for another block (the route must hold the client\'s subnet)', () => {
    const s = peered(kind, 'same-stack', 'private');
    clientAcross(s);
    routeBack(s, '10.60.0.0/16');
    routeFromClients(s);
    allow443FromClients(s);
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'error', message: expect.stringMatching(/^no route in the cluster subnets' route tables leads back across the peering .*Add a route for 10\.50\.\d+\.0\/\d+ \(or a block that holds it\)/),
    })]);
  });

  test('says "not verifiable" for a route back to a prefix list', () => {
    const s = peered(kind, 'same-stack', 'private');
    clientAcross(s);
    s.vpc!.privateSubnets.forEach((subnet, i) => new ec2.CfnRoute(s.networkStack, `ToClients${i}`, {
      routeTableId: subnet.routeTable.routeTableId, destinationPrefixListId: 'pl-0123456789abcdef0', vpcPeeringConnectionId: s.peering.ref,
    }));
    routeFromClients(s);
    allow443FromClients(s);
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'warning', message: expect.stringMatching(/^Not verifiable at synth: routes in the cluster subnets' route tables are deploy-time values/),
    })]);
  });

  test('fails for a client whose own subnet does not route the cluster VPC back across the peering', () => {
    const s = peered(kind, 'same-stack', 'private');
    clientAcross(s);
    routeBack(s);
    allow443FromClients(s);
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'error',
      message: expect.stringMatching(/^the route table Network\/ClientVpc\/ClientsSubnet1\/RouteTable of Network\/Runner \(access entry\) has no route for 10\.0\.0\.0\/16 across the peering Network\/Peering/),
    })]);
  });

  test('fails for a client across the peering with no 443 rule for it', () => {
    const s = peered(kind, 'same-stack', 'private');
    clientAcross(s);
    routeBack(s);
    routeFromClients(s);
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'error', message: expect.stringMatching(/^Network\/Runner \(access entry\) reaches the cluster across the peering .*no security group rule allows TCP 443 from it/),
    })]);
  });

  test('warns, and does not fail, when no known client is across: the path is incomplete for whoever may be there', () => {
    const s = peered(kind, 'same-stack', 'private');
    expect(byRule(check(s.app), ID)).toEqual([
      expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Not verifiable at synth: no known API client is across .* no route in the cluster subnets' route tables/) }),
      expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Not verifiable at synth: no known API client is across .* no route table of Network\/ClientVpc routes 10\.0\.0\.0\/16/) }),
      expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Not verifiable at synth: no known API client is across .* allow TCP 443 from no address outside/) }),
    ]);
  });

  test('says nothing for a connection with no known client when its path is complete', () => {
    const s = peered(kind, 'same-stack', 'private');
    routeBack(s);
    routeFromClients(s);
    allow443FromClients(s);
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('fails for a known client in a VPC with no connection to the cluster VPC', () => {
    const s = scenario({ kind, mode: 'private' });
    const island = new ec2.Vpc(s.networkStack, 'Island', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: false,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    accessEntryClient(s, 'Runner', { vpc: island });
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'error', message: expect.stringMatching(/^Network\/Runner \(access entry\) is in another VPC with no peering connection or Transit Gateway attachment/),
    })]);
  });

  test('says nothing in Public & Private mode without Resolver forwarding: the client goes the public way (ConnectedClientResolution speaks there)', () => {
    const s = peered(kind, 'same-stack', 'public-and-private');
    clientAcross(s);
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test.each(PLACEMENTS)('with the VPC in the %s: fails in Public & Private mode for a client whose VPC forwards the endpoint\'s name, with no route back', (vpcIn) => {
    // GIVEN the tools-VPC shape: Resolver forwarding for the peer VPC, 443 from it, the client's own route, but no route back
    const s = peered(kind, vpcIn, 'public-and-private');
    clientAcross(s);
    resolverForwarding(s, { domainName: endpointHost(s.cluster) });
    routeFromClients(s);
    allow443FromClients(s);
    // THEN the private path's missing route is the known client's error
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'error',
      message: expect.stringMatching(/^no route in the cluster subnets' route tables leads back across the peering Network\/Peering .*, so (Network|Platform)\/Runner \(access entry\) cannot reach the private endpoint/),
    })]);
    expect(byRule(check(s.app), 'ConnectedClientResolution')).toEqual([]);
  });

  test.each(PLACEMENTS)('with the VPC in the %s: passes in Public & Private mode for a client whose VPC forwards the name, with routes both ways and 443', (vpcIn) => {
    const s = peered(kind, vpcIn, 'public-and-private');
    clientAcross(s);
    resolverForwarding(s, { domainName: endpointHost(s.cluster) });
    routeBack(s);
    routeFromClients(s);
    allow443FromClients(s);
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('says "not verifiable", and does not fail, in Public & Private mode when the forwarding rule\'s targets are not known', () => {
    const s = peered(kind, 'same-stack', 'public-and-private');
    clientAcross(s);
    resolverForwarding(s, { domainName: endpointHost(s.cluster), fixedAddresses: false });
    routeFromClients(s);
    allow443FromClients(s);
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'warning',
      message: expect.stringMatching(/^Not verifiable at synth: whether Network\/Runner resolves the endpoint's private addresses depends on Route 53 Resolver forwarding .*no route in the cluster subnets' route tables/),
    })]);
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

  test('ConnectedClientPath: routes not verifiable, and no 443 rule for whoever is across', () => {
    const reported = byRule(check(importedPeered('private').app), 'ConnectedClientPath');
    expect(reported.map((r) => [r.level, r.message.slice(0, 40)])).toEqual([
      ['warning', 'Not verifiable at synth: the route table'],
      ['warning', 'Not verifiable at synth: no known API cl'],
    ]);
  });

  test('ConnectedClientPath in Public & Private mode: whether forwarding applies cannot be read, so the path is only to confirm, never an error', () => {
    const reported = byRule(check(importedPeered('public-and-private').app), 'ConnectedClientPath');
    expect(reported.map((r) => [r.level, r.message.slice(0, 40)])).toEqual([
      ['warning', 'Not verifiable at synth: the route table'],
      ['warning', 'Not verifiable at synth: no known API cl'],
    ]);
    expect(reported[1].message).toMatch(/depends on Route 53 Resolver forwarding not known at synth/);
  });

  test('ConnectedClientPath: with a 443 rule for the client block, only the routes are left to confirm', () => {
    const s = importedPeered('private');
    allow443FromClients(s);
    expect(byRule(check(s.app), 'ConnectedClientPath').map((r) => r.level)).toEqual(['warning', 'warning']);
  });
});
