import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EndpointCluster, EndpointMode } from '../../../lib';
import { CONNECTED_NETWORK_RULE } from '../../../lib/shared/client-metadata';
import { aspectCheck, byRule } from '../../support/apps';
import {
  att, base, check, CLUSTER_SG, CLUSTER_TABLES, clientVpc, condition, hybrid, ingress, Json, messages, param, peering, PUBLIC, PUBLIC_AND_PRIVATE, ref, route, Template, verdicts,
} from '../../support/templates';
import { testApp } from '../../support/util';

/**
 * ConnectedNetworkRoute (rules/connected-network-route.ts): a network a TCP 443 rule declares as
 * connected is routed from every cluster subnet's route table.
 * Source: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */

const ID = 'ConnectedNetworkRoute';
const ON_PREMISES = '192.168.0.0/16';

/** The base cluster (Private, two private subnets behind NAT) with the 443 rule EndpointCluster writes for a connectedCidrs block. */
function declared(block = ON_PREMISES, o: { mode?: Record<string, Json>; rule?: Record<string, Json> } = {}): Template {
  const t = base({ mode: o.mode });
  ingress(t, 'FromConnected', CLUSTER_SG, { CidrIp: block, Description: CONNECTED_NETWORK_RULE, ...o.rule });
  return t;
}

/** Routes for `block` to a Transit Gateway in the given cluster tables. */
function tgwRoutes(t: Template, tables = CLUSTER_TABLES, block = ON_PREMISES, gateway: Json = 'tgw-0123456789abcdef0'): void {
  tables.forEach((table) => (t.Resources[`${table}ToConnected`] = route(table, block, { TransitGatewayId: gateway })));
}

/** A virtual private gateway on the VPC whose routes are propagated into both cluster tables; with `staticRoutes`, a static VPN connection. */
function propagated(t: Template, staticRoutes?: string[]): void {
  t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
  t.Resources.VgwAttachment = { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), VpnGatewayId: ref('Vgw') } };
  t.Resources.Propagation = { Type: 'AWS::EC2::VPNGatewayRoutePropagation', Properties: { VpnGatewayId: ref('Vgw'), RouteTableIds: CLUSTER_TABLES.map(ref) } };
  if (staticRoutes) {
    t.Resources.Cgw = { Type: 'AWS::EC2::CustomerGateway', Properties: { Type: 'ipsec.1', BgpAsn: 65000, IpAddress: '198.51.100.10' } };
    t.Resources.Vpn = { Type: 'AWS::EC2::VPNConnection', Properties: { Type: 'ipsec.1', CustomerGatewayId: ref('Cgw'), VpnGatewayId: ref('Vgw'), StaticRoutesOnly: true } };
    staticRoutes.forEach((block, i) => (t.Resources[`VpnRoute${i}`] = { Type: 'AWS::EC2::VPNConnectionRoute', Properties: { VpnConnectionId: ref('Vpn'), DestinationCidrBlock: block } }));
  }
}

describe('ConnectedNetworkRoute on templates', () => {
  test('passes a route for the block to a Transit Gateway in every cluster subnet route table', () => {
    const t = declared();
    tgwRoutes(t);
    expect(verdicts(check(t), ID)).toEqual([]);
  });

  test('passes a wider route (a default route to a Transit Gateway) and route propagation whose static VPN routes hold the block', () => {
    const wide = declared();
    CLUSTER_TABLES.forEach((table, i) => (wide.Resources[`Private${i + 1}Default`] = route(table, '0.0.0.0/0', { TransitGatewayId: 'tgw-0123456789abcdef0' })));
    expect(verdicts(check(wide), ID)).toEqual([]);
    const vpn = declared();
    propagated(vpn, ['192.168.0.0/16']);
    expect(verdicts(check(vpn), ID)).toEqual([]);
  });

  test('fails when every cluster subnet route table is in the templates and none leads to the block, naming them and the route to add', () => {
    const findings = check(declared());
    expect(verdicts(findings, ID)).toEqual([`error ${ID}`]);
    expect(messages(findings, ID)[0]).toMatch(/^no route table of the cluster subnets \(Stack\/PrivateSubnet1Rt, Stack\/PrivateSubnet2Rt\) leads to the connected network 192\.168\.0\.0\/16/);
    expect(messages(findings, ID)[0]).toMatch(/ec2\.CfnRoute with destinationCidrBlock '192\.168\.0\.0\/16' and transitGatewayId/);
    expect(findings.find((f) => f.ruleId === ID)!.subjects).toEqual([{ kind: 'network', name: ON_PREMISES }]);
  });

  test('fails for a block whose only route goes to the internet gateway, or is the default route to a NAT gateway', () => {
    const t = declared();
    CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToIgw`] = route(table, ON_PREMISES, { GatewayId: ref('Igw') })));
    expect(verdicts(check(t), ID)).toEqual([`error ${ID}`]);
  });

  test('fails without the construct\'s description too: any 443 rule from a block outside the VPC declares it', () => {
    const t = base();
    ingress(t, 'FromOffice', CLUSTER_SG, { CidrIp: '172.20.0.0/16' });
    expect(verdicts(check(t), ID)).toEqual([`error ${ID}`]);
  });

  test('warns (verified) when one cluster subnet route table routes the block and the other does not', () => {
    const t = declared();
    tgwRoutes(t, ['PrivateSubnet1Rt']);
    const findings = check(t);
    expect(verdicts(findings, ID)).toEqual([`warning ${ID}`]);
    expect(messages(findings, ID)[0]).toMatch(/^the route table Stack\/PrivateSubnet2Rt of the cluster subnets leads nowhere for the connected network 192\.168\.0\.0\/16, while others route it/);
  });

  test.each([
    ['route propagation from a virtual private gateway whose VPN connections are not in the templates', (t: Template) => propagated(t)],
    ['route propagation from a gateway whose static routes do not hold the block, and a BGP connection', (t: Template) => {
      propagated(t, ['10.200.0.0/16']);
      t.Resources.Vpn.Properties.StaticRoutesOnly = false;
    }],
    ['a route to a gateway given by an ID of unknown kind', (t: Template) => CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToX`] = route(table, ON_PREMISES, { GatewayId: 'xgw-0123' })))],
    ['a route whose destination is a parameter', (t: Template) => CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToP`] = route(table, param(t, `Dest${table}`), { TransitGatewayId: 'tgw-1' })))],
    ['a route whose route table is a parameter', (t: Template) => (t.Resources.Unsure = route('x', ON_PREMISES, { TransitGatewayId: 'tgw-1' }), t.Resources.Unsure.Properties.RouteTableId = param(t, 'Table'))],
  ])('warns not verifiable for %s', (_, add) => {
    const t = declared();
    add(t);
    const findings = check(t);
    expect(verdicts(findings, ID)).toEqual([`unverified ${ID}`]);
    expect(messages(findings, ID)[0]).toMatch(/^Not verifiable at synth: .*Confirm every route table of the cluster subnets routes 192\.168\.0\.0\/16/);
  });

  test('warns not verifiable when the cluster subnets are imported (their route tables are not in the templates), or a deploy-time list', () => {
    const imported = declared();
    imported.Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds = ['subnet-0aaa', 'subnet-0bbb'];
    expect(verdicts(check(imported), ID)).toEqual([`unverified ${ID}`]);
    const listed = declared();
    listed.Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds = param(listed, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    expect(verdicts(check(listed), ID)).toEqual([`unverified ${ID}`]);
  });

  test('warns not verifiable for a rule under a condition, or with private access a deploy-time value', () => {
    const conditional = declared();
    conditional.Resources.FromConnected.Condition = condition(conditional);
    expect(messages(check(conditional), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: the TCP 443 rule from 192\.168\.0\.0\/16 exists under a condition/)]);
    const flags = declared(ON_PREMISES, { mode: { EndpointPublicAccess: false, EndpointPrivateAccess: param(base(), 'Private') } });
    flags.Parameters.Private = { Type: 'String' };
    expect(messages(check(flags), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: endpointPrivateAccess is a deploy-time value/)]);
  });

  test.each([
    ['a public-only cluster (connected networks take the public endpoint)', () => declared(ON_PREMISES, { mode: PUBLIC })],
    ['a rule from the cluster VPC\'s own block', () => declared('10.0.0.0/16')],
    ['a rule from a subnet of the cluster VPC', () => declared('10.0.1.0/24')],
    ['a rule from 0.0.0.0/0', () => declared('0.0.0.0/0')],
    ['a rule for port 22 only', () => declared(ON_PREMISES, { rule: { FromPort: 22, ToPort: 22 } })],
    ['a rule from a block that is a parameter', () => {
      const t = base();
      ingress(t, 'FromParam', CLUSTER_SG, { CidrIp: param(t, 'Block') });
      return t;
    }],
  ])('says nothing of %s', (_, build) => {
    expect(verdicts(check(build()), ID)).toEqual([]);
  });

  test('leaves the hybrid nodes\' remote networks to HybridNodePath: no second finding for their 443 rules', () => {
    const t = hybrid();
    Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
    expect(verdicts(check(t), ID)).toEqual([]);
    expect(verdicts(check(t), 'HybridNodePath').length).toBeGreaterThan(0);
  });

  test('leaves a peered VPC\'s block to ConnectedClientPath, which judges the route through the peering', () => {
    const t = declared('10.1.0.0/16', { mode: PUBLIC_AND_PRIVATE });
    t.Resources.Cluster.Properties.ResourcesVpcConfig.EndpointPublicAccess = false;
    clientVpc(t, 'ClientVpc', '10.1.0.0/16', false);
    peering(t, 'Peering', ref('ClientVpc'), '10.1.0.0/16', false);
    const findings = check(t);
    expect(verdicts(findings, ID)).toEqual([]);
    expect(verdicts(findings, 'ConnectedClientPath')).toContain('unverified ConnectedClientPath');
  });

  test('reads a connected VPC\'s block by reference (Fn::GetAtt Vpc.CidrBlock), as connectedVpcs renders it', () => {
    const t = base();
    clientVpc(t, 'ToolsVpc', '10.1.0.0/16', false);
    ingress(t, 'FromTools', CLUSTER_SG, { CidrIp: att('ToolsVpc', 'CidrBlock'), Description: CONNECTED_NETWORK_RULE });
    const findings = check(t);
    expect(messages(findings, ID)).toEqual([expect.stringMatching(/leads to the connected network 10\.1\.0\.0\/16 \(Stack\/ToolsVpc\)/)]);
  });
});

describe('ConnectedNetworkRoute on EndpointCluster apps', () => {
  /** An EndpointCluster in Private mode with a connected network; with `tgwRoute`, the user's routes to their Transit Gateway. */
  function app(tgwRoute: boolean) {
    const a = testApp();
    const stack = new Stack(a, 'Lab');
    const cluster = new EndpointCluster(stack, 'Cluster', { mode: EndpointMode.PRIVATE, connectedCidrs: [ON_PREMISES] });
    if (tgwRoute) {
      // how a user adds the route: one per subnet the cluster may put its ENIs in, to the Transit Gateway their network team gives them
      [...cluster.vpc.publicSubnets, ...cluster.vpc.privateSubnets].forEach((subnet, i) => new ec2.CfnRoute(stack, `ToOnPremises${i}`, {
        routeTableId: subnet.routeTable.routeTableId, destinationCidrBlock: ON_PREMISES, transitGatewayId: 'tgw-0123456789abcdef0',
      }));
    }
    return byRule(aspectCheck(a), ID);
  }

  test('fails connectedCidrs with no route to the network, naming each route table', () => {
    expect(app(false)).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/^no route table of the cluster subnets \(Lab\/Cluster\/Vpc\/PublicSubnet1\/RouteTable, .*leads to the connected network 192\.168\.0\.0\/16/) })]);
  });

  test('passes connectedCidrs with a route to a Transit Gateway in every cluster subnet route table', () => {
    expect(app(true)).toEqual([]);
  });
});
