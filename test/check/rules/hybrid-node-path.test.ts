import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { byRule, hybridEksApp } from '../../support/apps';
import { CLUSTER_TABLES, condition, hybrid, hybridFindings, Json, messages, NODES, param, PODS, PUBLIC, ref, route, run, Template, verdicts } from '../../support/templates';

/**
 * HybridNodePath (rules/hybrid-node-path.ts): routes from the cluster VPC to the remote networks.
 * Source: https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-concepts-traffic-flows.html
 */

describe('HybridNodePath', () => {
  const ID = 'HybridNodePath';

  test('passes routes to a Transit Gateway from the node and pod networks', () => {
    expect(hybridFindings(hybrid(), ID)).toEqual([]);
  });

  test('passes route propagation from a virtual private gateway, and a default route to a Transit Gateway', () => {
    const propagated = hybrid();
    Object.keys(propagated.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete propagated.Resources[id]);
    propagated.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
    propagated.Resources.Propagation = { Type: 'AWS::EC2::VPNGatewayRoutePropagation', Properties: { VpnGatewayId: ref('Vgw'), RouteTableIds: CLUSTER_TABLES.map(ref) } };
    expect(hybridFindings(propagated, ID)).toEqual([]);

    const defaultToTgw = hybrid();
    Object.keys(defaultToTgw.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete defaultToTgw.Resources[id]);
    CLUSTER_TABLES.forEach((_, i) => (defaultToTgw.Resources[`Private${i + 1}Default`] = route(CLUSTER_TABLES[i], '0.0.0.0/0', { TransitGatewayId: ref('Tgw') })));
    defaultToTgw.Resources.Tgw = { Type: 'AWS::EC2::TransitGateway', Properties: {} };
    expect(hybridFindings(defaultToTgw, ID)).toEqual([]);
  });

  test('warns about each remote network with no route, naming the route tables and the route to add', () => {
    const t = hybrid();
    delete t.Resources.PrivateSubnet2RtToOnPrem1; // the pod network, in the second table only
    Object.keys(t.Resources).filter((id) => id.endsWith('ToOnPrem0')).forEach((id) => delete t.Resources[id]); // the node network, in both
    const findings = run(t, [ID]);
    expect(verdicts(findings)).toEqual([`warning ${ID}`, `warning ${ID}`]);
    expect(findings[0].message).toMatch(/^no route for the remote node network 192\.168\.0\.0\/16 to your on-premises link in the route tables Stack\/PrivateSubnet1Rt, Stack\/PrivateSubnet2Rt of the cluster subnets: the API server reaches kubelet on the hybrid nodes \(TCP 10250/);
    expect(findings[0].message).toMatch(/Add to each a route for 192\.168\.0\.0\/16 to your virtual private gateway or Transit Gateway/);
    expect(findings[0].message).toMatch(new RegExp("\\(ec2\\.CfnRoute with destinationCidrBlock '192\\.168\\.0\\.0/16' and gatewayId or transitGatewayId\\), or propagate the virtual private " +
      "gateway's routes into them \\(AWS::EC2::VPNGatewayRoutePropagation\\)\\. Routes your network adds outside these templates do not show here: once they exist, acknowledge this warning\\.$"));
    expect(findings[1].message).toMatch(/^no route for the remote pod network 172\.16\.0\.0\/16 to your on-premises link in the route table Stack\/PrivateSubnet2Rt of the cluster subnets: the API server reaches webhooks/);
  });

  test('warns about a route to an internet gateway: private addresses do not cross it', () => {
    const t = hybrid({ pods: [] });
    CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToOnPrem0`] = route(table, NODES, { GatewayId: ref('Igw') })));
    expect(hybridFindings(t, ID)).toEqual([`warning ${ID}`]);
  });

  test('warns in Public mode too: the API server still reaches kubelet through the VPC', () => {
    const t = hybrid({ mode: PUBLIC, pods: [] });
    Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
    const findings = run(t, [ID]);
    expect(verdicts(findings)).toEqual([`warning ${ID}`]);
    expect(findings[0].message).toMatch(/TCP 10250.*in every endpoint mode/);
  });

  test('says "not verifiable" for a route whose table is a parameter, a route to a NAT gateway for the block, and subnets not in the templates', () => {
    const unsureTable = hybrid({ pods: [] });
    Object.keys(unsureTable.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete unsureTable.Resources[id]);
    unsureTable.Resources.Elsewhere = { Type: 'AWS::EC2::Route', Properties: { RouteTableId: param(unsureTable, 'Table'), DestinationCidrBlock: NODES, TransitGatewayId: 'tgw-0' } };
    expect(hybridFindings(unsureTable, ID)).toEqual([`unverified ${ID}`]);

    const viaNat = hybrid({ pods: [] });
    CLUSTER_TABLES.forEach((table) => (viaNat.Resources[`${table}ToOnPrem0`] = route(table, NODES, { NatGatewayId: ref('Nat') })));
    expect(messages(run(viaNat, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: the routes for the remote node network 192\.168\.0\.0\/16 in Stack\/PrivateSubnet1Rt, Stack\/PrivateSubnet2Rt/)]);
    expect(messages(run(viaNat, [ID]), ID)[0]).toMatch(/\(a NAT gateway, an appliance, a local gateway\)\. Confirm each routes 192\.168\.0\.0\/16 to your on-premises link: the API server reaches kubelet/);

    const imported = hybrid({ pods: [] });
    imported.Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds = param(imported, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    expect(messages(run(imported, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: the cluster's subnets are parameter Subnets/)]);
  });

  test('a route under a deploy-time condition is not verifiable', () => {
    const t = hybrid({ pods: [] });
    const maybe = condition(t);
    CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToOnPrem0`].Condition = maybe));
    expect(hybridFindings(t, ID)).toEqual([`unverified ${ID}`]);
  });

  test('a template shaped like EndpointCluster in Private mode: only the route warnings, one per remote network', () => {
    // GIVEN 443 from each remote block into the additional group (allow-all egress), API and ipv4, and no routes to on-premises
    const t = hybrid({ cluster: { KubernetesNetworkConfig: { IpFamily: 'ipv4' } } });
    Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
    t.Resources.ControlPlaneSg.Properties.SecurityGroupEgress = [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }];
    // WHEN every rule runs
    const findings = run(t);
    // THEN the routes are left to confirm, and nothing else
    expect(verdicts(findings)).toEqual([`warning ${ID}`, `warning ${ID}`]);
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(/remote node network 192\.168\.0\.0\/16/), expect.stringMatching(/remote pod network 172\.16\.0\.0\/16/)]);
  });

  test('names the deploy-time remote networks and what to confirm of them; says nothing more when no block is literal', () => {
    // GIVEN a node network that is a parameter, pod networks that are a parameter list, and subnets that are a parameter
    const t = hybrid({ pods: [] });
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemoteNodeNetworks[0].Cidrs = [param(t, 'OnPremNodes')];
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemotePodNetworks[0].Cidrs = param(t, 'PodCidrs', 'CommaDelimitedList');
    t.Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds = param(t, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    // THEN one finding, naming both; no route finding without a literal block
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(new RegExp('^Not verifiable at synth: some remote networks are deploy-time values ' +
      '\\(.*parameter OnPremNodes.*, parameter PodCidrs \\(CommaDelimitedList\\)\\)\\. Confirm every cluster subnet route table routes them to the gateway of your on-premises link\\.$'))]);
  });

  test('says "not verifiable", never a verified warning, for a missing route when the node networks are a deploy-time list', () => {
    const t = hybrid({ pods: [PODS] });
    Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemoteNodeNetworks[0].Cidrs = param(t, 'NodeCidrs', 'CommaDelimitedList');
    const findings = run(t, [ID]);
    expect(verdicts(findings)).toEqual([`unverified ${ID}`, `unverified ${ID}`]);
    expect(findings[1].message).toMatch(/^Not verifiable at synth: the remote node networks are a deploy-time value \(parameter NodeCidrs \(CommaDelimitedList\)\)\. If they are not empty: no route for the remote pod network 172\.16\.0\.0\/16/);
  });

  test('leaves blocks inside the cluster VPC, holding it, or not IPv4 to HybridNodeNetworks', () => {
    // GIVEN no route for any of them
    const t = hybrid({ nodes: ['10.0.128.0/20', '10.0.0.0/8'], pods: ['fd00::/64'] });
    Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
    // THEN no route finding: the errors are HybridNodeNetworks'
    expect(hybridFindings(t, ID)).toEqual([]);
    expect(messages(run(t, ['HybridNodeNetworks']), 'HybridNodeNetworks')).toEqual(expect.arrayContaining([
      expect.stringMatching(/^the remote node network 10\.0\.128\.0\/20 overlaps Stack\/Vpc's CIDR block/),
      expect.stringMatching(/^the remote node network 10\.0\.0\.0\/8 overlaps Stack\/Vpc's CIDR block/),
      expect.stringMatching(/^the remote pod network fd00::\/64 is an IPv6 block/),
    ]));
  });

  test('with subnets it cannot read, names every remote block to route; with a subnet on the main route table, names the subnet', () => {
    const unknown = hybrid();
    unknown.Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds = param(unknown, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    expect(messages(run(unknown, [ID]), ID)).toEqual([expect.stringMatching(
      /route 192\.168\.0\.0\/16, 172\.16\.0\.0\/16 to the gateway of your on-premises link \(a virtual private gateway or Transit Gateway\)\.$/)]);

    // GIVEN the first private subnet with no route table association of its own, and no routes to on premises
    const main = hybrid({ pods: [] });
    delete main.Resources.PrivateSubnet1Assoc;
    Object.keys(main.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete main.Resources[id]);
    // THEN that subnet is to confirm, and the other's table warns
    const findings = run(main, [ID]);
    expect(verdicts(findings)).toEqual([`unverified ${ID}`, `warning ${ID}`]);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the route tables of Stack\/PrivateSubnet1 are not in the templates given \(an imported subnet, or one on the VPC's main route table\)\. Confirm they route 192\.168\.0\.0\/16 to the gateway of your on-premises link\.$/);
    expect(findings[1].message).toMatch(/in the route table Stack\/PrivateSubnet2Rt of the cluster subnets/);
    // with both subnets so, both are named
    delete main.Resources.PrivateSubnet2Assoc;
    expect(messages(run(main, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: the route tables of Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 are not in the templates given/)]);
  });

  test('a propagation counts only where it certainly exists and names the table', () => {
    const propagated = (tables: (t: Template) => Json, conditional = false): Template => {
      const t = hybrid({ pods: [] });
      Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
      t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
      t.Resources.Propagation = { Type: 'AWS::EC2::VPNGatewayRoutePropagation', Properties: { VpnGatewayId: ref('Vgw'), RouteTableIds: tables(t) } };
      if (conditional) t.Resources.Propagation.Condition = condition(t);
      return t;
    };
    // into other route tables only: the cluster's still lack the route
    expect(hybridFindings(propagated(() => [ref('PublicSubnetRt')]), ID)).toEqual([`warning ${ID}`]);
    // under a deploy-time condition, or into tables that are deploy-time values (a list, or one item of it): to confirm
    expect(hybridFindings(propagated(() => CLUSTER_TABLES.map(ref), true), ID)).toEqual([`unverified ${ID}`]);
    expect(hybridFindings(propagated((t) => param(t, 'Tables', 'CommaDelimitedList')), ID)).toEqual([`unverified ${ID}`]);
    expect(hybridFindings(propagated((t) => [ref('PublicSubnetRt'), param(t, 'Table')]), ID)).toEqual([`unverified ${ID}`]);
  });

  test('the most specific route that holds the block decides', () => {
    // GIVEN a route for the node network to the internet gateway before a default route to a Transit Gateway
    const specificToIgw = hybrid({ pods: [] });
    CLUSTER_TABLES.forEach((table, i) => {
      delete specificToIgw.Resources[`Private${i + 1}Default`];
      specificToIgw.Resources[`${table}ToOnPrem0`] = route(table, NODES, { GatewayId: ref('Igw') });
      specificToIgw.Resources[`${table}Default`] = route(table, '0.0.0.0/0', { TransitGatewayId: 'tgw-0123456789abcdef0' });
    });
    expect(hybridFindings(specificToIgw, ID)).toEqual([`warning ${ID}`]);
    // GIVEN the route to the Transit Gateway before a wider one to the internet gateway
    const specificToTgw = hybrid({ pods: [] });
    CLUSTER_TABLES.forEach((table) => (specificToTgw.Resources[`${table}Wide`] = route(table, '192.0.0.0/8', { GatewayId: ref('Igw') })));
    expect(hybridFindings(specificToTgw, ID)).toEqual([]);
    // GIVEN route tables with no route at all
    const bare = hybrid({ pods: [] });
    Object.keys(bare.Resources).filter((id) => id.includes('ToOnPrem') || /^Private\dDefault$/.test(id)).forEach((id) => delete bare.Resources[id]);
    expect(hybridFindings(bare, ID)).toEqual([`warning ${ID}`]);
  });

  test('reads the destinations: a prefix list or a deploy-time block is to confirm, an IPv6 route does not hold the block', () => {
    const withRoute = (destination: (t: Template) => Record<string, Json>): Template => {
      const t = hybrid({ pods: [] });
      CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToOnPrem0`] = {
        Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref(table), TransitGatewayId: 'tgw-0123456789abcdef0', ...destination(t) },
      }));
      return t;
    };
    expect(hybridFindings(withRoute(() => ({ DestinationPrefixListId: 'pl-0123456789abcdef0' })), ID)).toEqual([`unverified ${ID}`]);
    expect(hybridFindings(withRoute((t) => ({ DestinationCidrBlock: param(t, 'OnPremises') })), ID)).toEqual([`unverified ${ID}`]);
    expect(hybridFindings(withRoute(() => ({ DestinationIpv6CidrBlock: '::/0' })), ID)).toEqual([`warning ${ID}`]);
  });

  test.each([
    ['a virtual private gateway by reference', { GatewayId: ref('Vgw') }, []],
    ['a virtual private gateway by ID', { GatewayId: 'vgw-0123456789abcdef0' }, []],
    ['an internet gateway by ID', { GatewayId: 'igw-0123456789abcdef0' }, ['warning HybridNodePath']],
    ['the local route', { GatewayId: 'local' }, ['warning HybridNodePath']],
    ['a carrier gateway', { CarrierGatewayId: 'cagw-0123456789abcdef0' }, ['warning HybridNodePath']],
    ['a gateway that is a deploy-time value', { GatewayId: { Ref: 'Gateway' } }, ['unverified HybridNodePath']],
    ['a local gateway (Outposts), which the templates do not follow', { LocalGatewayId: 'lgw-0123456789abcdef0' }, ['unverified HybridNodePath']],
  ])('a route for the block to %s', (_, target, expected) => {
    const t = hybrid({ pods: [] });
    t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
    t.Parameters.Gateway = { Type: 'String' };
    CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToOnPrem0`] = route(table, NODES, target)));
    expect(hybridFindings(t, ID)).toEqual(expected);
  });
});

describe('hybrid nodes on aws-eks-v2 clusters, through the Aspect', () => {
  test('Private, with routes to a Transit Gateway and TCP 443 from the remote networks: no hybrid finding', () => {
    expect(hybridEksApp(eks.EndpointAccess.PRIVATE, true).filter((r) => r.id.startsWith('HybridNode'))).toEqual([]);
  });

  test('Private, as aws-eks-v2 leaves it: warnings for the missing routes and 443 rules, no error', () => {
    const reported = hybridEksApp(eks.EndpointAccess.PRIVATE, false);
    expect(reported.filter((r) => r.level === 'error')).toEqual([]);
    expect(byRule(reported, 'HybridNodePath').map((r) => [r.level, r.message])).toEqual([
      ['warning', expect.stringMatching(/^no route for the remote node network 192\.168\.0\.0\/16 to your on-premises link in the route tables Hybrid\/Vpc\/PrivateSubnet1\/RouteTable, Hybrid\/Vpc\/PrivateSubnet2\/RouteTable/)],
      ['warning', expect.stringMatching(/^no route for the remote pod network 172\.16\.0\.0\/16/)],
    ]);
    expect(byRule(reported, 'HybridNodeSecurityGroup').map((r) => [r.level, r.message])).toEqual([
      ['warning', expect.stringMatching(/^no rule of the cluster's security groups allows TCP 443 from the remote node network 192\.168\.0\.0\/16: kubelet and kube-proxy on the hybrid nodes/)],
      ['warning', expect.stringMatching(/^no rule of the cluster's security groups allows TCP 443 from the remote pod network 172\.16\.0\.0\/16/)],
    ]);
  });
});
