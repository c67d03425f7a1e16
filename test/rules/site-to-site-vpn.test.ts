import * as fs from 'fs';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { analyze } from '../../lib/check/engine/analyze';
import { loadInputs } from '../../lib/check/engine/read/load';
import { ClusterReport, clusterReport } from '../../lib/check/outputs/flow-report';
import { ALL_RULES } from '../../lib/check/rules';
import { byRule, check, KINDS, Mode, PLACEMENTS, scenario, VpcPlacement } from '../support/apps';
import {
  CLUSTER_TABLES, condition, fuzz, messages, network, NetworkOptions, param, PUBLIC, PUBLIC_AND_PRIVATE, ref, route, run, TCP_443, Template, verdicts,
} from '../support/templates';

/**
 * On-premises clients across a Site-to-Site VPN: a virtual private gateway attached to the
 * cluster VPC is a connection, whose networks are its VPN connections' static routes.
 */
const PATH = 'ConnectedClientPath';
const RESOLUTION = 'ConnectedClientResolution';
const ON_PREMISES = '192.168.0.0/16';

interface VpnOptions extends NetworkOptions {
  /** The VPN connection's static routes, or 'bgp' (StaticRoutesOnly false). @default [192.168.0.0/16] */
  readonly routes?: string[] | 'bgp';
  /** Whether the gateway's routes are propagated into the cluster subnets' route tables. @default true */
  readonly propagate?: boolean;
  /** Blocks the control-plane security group allows TCP 443 from. @default [192.168.0.0/16] */
  readonly allow?: string[];
}

/**
 * The cluster network of templates.ts with a virtual private gateway attached to its VPC, a
 * customer gateway and a VPN connection with static routes, the gateway's routes propagated into
 * the cluster subnets' route tables, and 443 from the on-premises network: as
 * examples/on-premises-vpn.ts builds it.
 */
function vpn(o: VpnOptions = {}): Template {
  const t = network(o);
  const routes = o.routes ?? [ON_PREMISES];
  t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
  t.Resources.VgwAttachment = { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Vpc'), VpnGatewayId: ref('Vgw') } };
  t.Resources.Cgw = { Type: 'AWS::EC2::CustomerGateway', Properties: { Type: 'ipsec.1', IpAddress: '198.51.100.10', BgpAsn: 65000 } };
  t.Resources.Vpn = {
    Type: 'AWS::EC2::VPNConnection',
    Properties: { Type: 'ipsec.1', CustomerGatewayId: ref('Cgw'), VpnGatewayId: ref('Vgw'), StaticRoutesOnly: routes !== 'bgp' },
  };
  if (routes !== 'bgp') {
    routes.forEach((cidr, i) => (t.Resources[`VpnRoute${i}`] = {
      Type: 'AWS::EC2::VPNConnectionRoute', Properties: { DestinationCidrBlock: cidr, VpnConnectionId: ref('Vpn') },
    }));
  }
  if (o.propagate ?? true) {
    t.Resources.Propagation = {
      Type: 'AWS::EC2::VPNGatewayRoutePropagation', DependsOn: 'VgwAttachment', Properties: { VpnGatewayId: ref('Vgw'), RouteTableIds: CLUSTER_TABLES.map(ref) },
    };
  }
  t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = (o.allow ?? [ON_PREMISES]).map((cidr) => ({ ...TCP_443, CidrIp: cidr }));
  return t;
}

/** Routes for `cidr` to the virtual private gateway in the given cluster route tables. */
function routeToGateway(t: Template, cidr: string, tables = CLUSTER_TABLES): void {
  tables.forEach((table) => (t.Resources[`${table}ToVgw`] = route(table, cidr, { GatewayId: ref('Vgw') })));
}

describe('ConnectedClientPath across a Site-to-Site VPN (Private mode)', () => {
  test('passes the gateway\'s routes propagated into every cluster subnet route table and 443 from the on-premises network: no finding at all', () => {
    expect(verdicts(run(vpn()))).toEqual([]);
  });

  test('passes routes for the on-premises network to the gateway instead of propagation', () => {
    const t = vpn({ propagate: false });
    routeToGateway(t, ON_PREMISES);
    expect(verdicts(run(t), PATH)).toEqual([]);
  });

  test('passes a route for a block that holds the on-premises network, and a 443 rule for a block that holds it', () => {
    const t = vpn({ propagate: false, allow: ['192.0.0.0/8'] });
    routeToGateway(t, '192.0.0.0/8');
    expect(verdicts(run(t), PATH)).toEqual([]);
  });

  test('warns, as not verifiable, with neither propagation nor a route: no known client is on premises', () => {
    const findings = run(vpn({ propagate: false }));
    expect(verdicts(findings, PATH)).toEqual([`unverified ${PATH}`]);
    expect(messages(findings, PATH)[0]).toMatch(new RegExp('^Not verifiable at synth: no known API client is on premises across the VPN Stack/Vgw\\. If there are some: ' +
      'no route in the cluster subnets\' route tables leads 192\\.168\\.0\\.0/16 back to its virtual private gateway, so they cannot reach the private endpoint\\. .*VPNGatewayRoutePropagation'));
  });

  test('warns when the gateway\'s routes are propagated into one cluster subnet\'s route table only', () => {
    const t = vpn();
    t.Resources.Propagation.Properties.RouteTableIds = [ref(CLUSTER_TABLES[0])];
    expect(verdicts(run(t), PATH)).toEqual([`unverified ${PATH}`]);
  });

  test('warns when the route to the gateway is for another block, or goes to another gateway', () => {
    const other = vpn({ propagate: false });
    routeToGateway(other, '10.200.0.0/16');
    expect(messages(run(other), PATH)).toEqual([expect.stringMatching(/leads 192\.168\.0\.0\/16 back to its virtual private gateway/)]);

    const elsewhere = vpn({ propagate: false });
    elsewhere.Resources.OtherVgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
    CLUSTER_TABLES.forEach((table) => (elsewhere.Resources[`${table}ToOther`] = route(table, ON_PREMISES, { GatewayId: ref('OtherVgw') })));
    expect(verdicts(run(elsewhere), PATH)).toEqual([`unverified ${PATH}`]);
  });

  test('warns when no rule allows TCP 443 from the on-premises network, naming it', () => {
    const findings = run(vpn({ allow: ['10.0.0.0/16', '172.16.0.0/12'] }));
    expect(verdicts(findings, PATH)).toEqual([`unverified ${PATH}`]);
    expect(messages(findings, PATH)[0]).toMatch(/If there are some: no rule of the cluster security groups allows TCP 443 from 192\.168\.0\.0\/16, .*connectedCidrs/);
  });

  test('judges each static route: one of two networks without a route and a 443 rule', () => {
    const t = vpn({ routes: [ON_PREMISES, '172.20.0.0/16'], propagate: false });
    routeToGateway(t, ON_PREMISES);
    const found = messages(run(t), PATH);
    expect(found).toEqual([expect.stringMatching(/leads 172\.20\.0\.0\/16 back/), expect.stringMatching(/allows TCP 443 from 172\.20\.0\.0\/16,/)]);
  });

  test('with BGP (no static routes) passes propagation and a 443 rule from outside the cluster VPC', () => {
    expect(verdicts(run(vpn({ routes: 'bgp' })), PATH)).toEqual([]);
  });

  test('with BGP warns with no route to the gateway and no 443 rule from outside the VPC, saying the networks are learned at run time', () => {
    const findings = run(vpn({ routes: 'bgp', propagate: false, allow: [] }));
    expect(verdicts(findings, PATH)).toEqual([`unverified ${PATH}`, `unverified ${PATH}`]);
    expect(messages(findings, PATH)).toEqual([
      expect.stringMatching(/across the VPN Stack\/Vgw\. If there are some: no route .* leads the on-premises networks back to its virtual private gateway \(the networks behind it are not all known at synth: the VPN connection Stack\/Vpn learns its routes by BGP at run time\)/),
      expect.stringMatching(/allow TCP 443 from no address outside Stack\/Vpc/),
    ]);
  });

  test('with the gateway attached but no VPN connection in the templates, a route to the gateway counts', () => {
    const t = vpn({ propagate: false });
    ['Vpn', 'VpnRoute0', 'Cgw'].forEach((id) => delete t.Resources[id]);
    routeToGateway(t, '172.31.0.0/16');
    expect(verdicts(run(t), PATH)).toEqual([]);
  });

  test('says "not verifiable" when the propagation exists under a condition', () => {
    const t = vpn();
    t.Resources.Propagation.Condition = condition(t);
    const findings = run(t);
    expect(verdicts(findings, PATH)).toEqual([`unverified ${PATH}`]);
    expect(messages(findings, PATH)[0]).toMatch(/^Not verifiable at synth: routes or route propagation in the cluster subnets' route tables depend on deploy-time values\. Confirm each table routes 192\.168\.0\.0\/16/);
  });

  test('says "not verifiable" when the propagation\'s route tables or gateway are parameters, never an error', () => {
    const tables = vpn();
    tables.Resources.Propagation.Properties.RouteTableIds = param(tables, 'Tables', 'CommaDelimitedList');
    expect(verdicts(run(tables), PATH)).toEqual([`unverified ${PATH}`]);
    const gateway = vpn();
    gateway.Resources.Propagation.Properties.VpnGatewayId = param(gateway, 'Gateway');
    expect(verdicts(run(gateway), PATH)).toEqual([`unverified ${PATH}`]);
  });

  test('says "not verifiable" when a static route\'s block is a parameter, and judges the rest as with BGP', () => {
    const t = vpn({ propagate: false, allow: [] });
    t.Resources.VpnRoute0.Properties.DestinationCidrBlock = param(t, 'OnPremises');
    expect(messages(run(t), PATH)).toEqual([
      expect.stringMatching(/^Not verifiable at synth: .*\(the networks behind it are not all known at synth: the block of Stack\/VpnRoute0 is <parameter OnPremises/),
      expect.stringMatching(/^Not verifiable at synth: .*allow TCP 443 from no address outside/),
    ]);
  });

  test('says "not verifiable" when the 443 rule exists under a condition', () => {
    const t = vpn();
    t.Resources.Rule443 = {
      Type: 'AWS::EC2::SecurityGroupIngress', Condition: condition(t),
      Properties: { GroupId: { 'Fn::GetAtt': ['ControlPlaneSg', 'GroupId'] }, ...TCP_443, CidrIp: ON_PREMISES },
    };
    delete t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress;
    expect(messages(run(t), PATH)).toEqual([expect.stringMatching(/^Not verifiable at synth: the rules of the cluster's security groups for clients on premises across the VPN Stack\/Vgw are not all readable/)]);
  });

  test('says nothing in Public & Private mode: on-premises clients resolve the public addresses unless their own DNS servers forward the name', () => {
    expect(verdicts(run(vpn({ mode: PUBLIC_AND_PRIVATE, propagate: false, allow: [] })), PATH)).toEqual([]);
    const inbound = vpn({ mode: PUBLIC_AND_PRIVATE, propagate: false, allow: [] });
    inboundResolver(inbound);
    expect(verdicts(run(inbound), PATH)).toEqual([]);
  });

  test('says nothing in Public mode', () => {
    expect(verdicts(run(vpn({ mode: PUBLIC, propagate: false, allow: [] })), PATH)).toEqual([]);
  });

  test('adds nothing for a virtual private gateway that is not attached to the cluster VPC', () => {
    const t = vpn({ propagate: false, allow: [] });
    delete t.Resources.VgwAttachment;
    expect(run(t)).toEqual(run(network()));
  });

  test('leaves networks that are the hybrid nodes\' to the hybrid rules, and judges the others', () => {
    const hybrid = { RemoteNetworkConfig: { RemoteNodeNetworks: [{ Cidrs: [ON_PREMISES] }] } };
    const only = vpn({ cluster: hybrid, propagate: false, allow: [] });
    expect(verdicts(run(only), PATH)).toEqual([]);
    expect(verdicts(run(only), 'HybridNodePath')).toEqual(['warning HybridNodePath']);

    const more = vpn({ cluster: hybrid, routes: [ON_PREMISES, '172.20.0.0/16'], propagate: false, allow: [ON_PREMISES] });
    expect(messages(run(more), PATH)).toEqual([expect.stringMatching(/leads 172\.20\.0\.0\/16 back/), expect.stringMatching(/allows TCP 443 from 172\.20\.0\.0\/16,/)]);
  });

  test('says "not verifiable" when the endpoint flags are deploy-time values', () => {
    const t = vpn();
    t.Resources.Cluster.Properties.ResourcesVpcConfig.EndpointPublicAccess = param(t, 'PublicAccess');
    expect(verdicts(run(t), PATH)).toEqual([`unverified ${PATH}`]);
  });
});

/** A Route 53 Resolver inbound endpoint in the cluster VPC's private subnets. */
function inboundResolver(t: Template): void {
  t.Resources.Inbound = {
    Type: 'AWS::Route53Resolver::ResolverEndpoint',
    Properties: {
      Direction: 'INBOUND', SecurityGroupIds: [{ 'Fn::GetAtt': ['ControlPlaneSg', 'GroupId'] }],
      IpAddresses: [{ SubnetId: ref('PrivateSubnet1'), Ip: '10.0.1.10' }, { SubnetId: ref('PrivateSubnet2'), Ip: '10.0.2.10' }],
    },
  };
}

describe('ConnectedClientResolution across a Site-to-Site VPN', () => {
  test('warns in Public & Private mode without an inbound Resolver endpoint: on-premises clients get the public addresses', () => {
    const findings = run(vpn({ mode: PUBLIC_AND_PRIVATE }));
    expect(verdicts(findings, RESOLUTION)).toEqual([`warning ${RESOLUTION}`]);
    expect(messages(findings, RESOLUTION)[0]).toMatch(/^Clients on premises across the VPN Stack\/Vgw resolve the endpoint to its public addresses .*have your on-premises DNS servers forward the endpoint's host name/);
  });

  test('passes with an inbound Resolver endpoint in the cluster VPC: the forwarding is on the on-premises DNS servers, which no template shows', () => {
    const t = vpn({ mode: PUBLIC_AND_PRIVATE });
    inboundResolver(t);
    expect(verdicts(run(t), RESOLUTION)).toEqual([]);
  });

  test('says nothing in Private mode, or for a VPN whose networks are all the hybrid nodes\' (HybridNodeEndpointMode speaks)', () => {
    expect(verdicts(run(vpn()), RESOLUTION)).toEqual([]);
    const hybrid = vpn({ mode: PUBLIC_AND_PRIVATE, cluster: { RemoteNetworkConfig: { RemoteNodeNetworks: [{ Cidrs: [ON_PREMISES] }] } } });
    expect(verdicts(run(hybrid), RESOLUTION)).toEqual([]);
    expect(verdicts(run(hybrid), 'HybridNodeEndpointMode')).toEqual(['warning HybridNodeEndpointMode']);
  });
});

describe('the flow report of a cluster with a Site-to-Site VPN', () => {
  function report(t: Template): ClusterReport {
    let made: ClusterReport | undefined;
    analyze([{ id: 'Stack', template: t }], ALL_RULES, (view, found) => (made = clusterReport(view, found)));
    return made!;
  }
  const row = (r: ClusterReport) => r.flows.find((f) => f.client.startsWith('clients on premises'));

  test('a row for the clients on premises, on the private path in Private mode, allowed when the path is complete', () => {
    expect(row(report(vpn()))).toEqual({
      client: 'clients on premises across the VPN Stack/Vgw', dns: 'private (from public DNS)', path: 'across the connection to the EKS-owned ENIs', status: 'allowed', endpoint: 'private',
    });
  });

  test('to confirm when the route back is missing', () => {
    expect(row(report(vpn({ propagate: false })))).toMatchObject({ status: `to confirm: ${PATH}` });
  });

  test('the public path in Public & Private mode without an inbound Resolver endpoint', () => {
    expect(row(report(vpn({ mode: PUBLIC_AND_PRIVATE })))).toMatchObject({ dns: 'public', endpoint: 'public', status: `to confirm: ${RESOLUTION}` });
  });
});

describe('the VPN reading on every kind of value where it reads one', () => {
  test('never throws, never stops, never turns a deploy-time value into an error', () => {
    const paths = [
      'VgwAttachment Properties.VpcId', 'VgwAttachment Properties.VpnGatewayId', 'Vpn Properties.VpnGatewayId', 'Vpn Properties.StaticRoutesOnly',
      'VpnRoute0 Properties.DestinationCidrBlock', 'VpnRoute0 Properties.VpnConnectionId', 'Propagation Properties.VpnGatewayId',
      'Propagation Properties.RouteTableIds', 'Propagation Properties.RouteTableIds.0',
    ];
    expect([...fuzz(() => vpn(), paths), ...fuzz(() => vpn({ mode: PUBLIC_AND_PRIVATE }), paths)]).toEqual([]);
    const routed = () => {
      const t = vpn({ propagate: false });
      routeToGateway(t, ON_PREMISES);
      return t;
    };
    expect(fuzz(routed, ['GatewayId', 'DestinationCidrBlock', 'RouteTableId'].map((p) => `${CLUSTER_TABLES[0]}ToVgw Properties.${p}`))).toEqual([]);
  });
});

/** A CDK app: the VPC with a virtual private gateway and a VPN connection with a static route, as examples/on-premises-vpn.ts builds it. */
function vpnApp(kind: (typeof KINDS)[number], vpcIn: VpcPlacement, mode: Mode, propagateTo: ec2.SubnetType, allow443 = true, context?: Record<string, unknown>) {
  const s = scenario({
    kind, vpcIn, mode, context,
    vpc: {
      vpnGateway: true,
      vpnConnections: { onPremises: { ip: '198.51.100.10', staticRoutes: [ON_PREMISES] } },
      vpnRoutePropagation: [{ subnetType: propagateTo }],
    },
  });
  if (allow443) {
    new ec2.CfnSecurityGroupIngress(s.clusterStack, 'OnPremisesTo443', {
      groupId: s.cluster.getAtt('ClusterSecurityGroupId').toString(), cidrIp: ON_PREMISES, ipProtocol: 'tcp', fromPort: 443, toPort: 443,
    });
  }
  return s;
}

describe.each(KINDS)('a Site-to-Site VPN on a %s cluster, through the Aspect', (kind) => {
  test.each(PLACEMENTS)('with the VPC in the %s: passes the routes propagated into the cluster subnets and 443 from the on-premises network', (vpcIn) => {
    expect(byRule(check(vpnApp(kind, vpcIn, 'private', ec2.SubnetType.PRIVATE_WITH_EGRESS).app), PATH)).toEqual([]);
  });

  test.each(PLACEMENTS)('with the VPC in the %s: warns when the routes are propagated into the public subnets only', (vpcIn) => {
    expect(byRule(check(vpnApp(kind, vpcIn, 'private', ec2.SubnetType.PUBLIC).app), PATH)).toEqual([expect.objectContaining({
      level: 'warning',
      message: expect.stringMatching(/^Not verifiable at synth: no known API client is on premises across the VPN Network\/Vpc\/VpnGateway\/Default\. If there are some: no route .* leads 192\.168\.0\.0\/16 back/),
    })]);
  });

  test('warns without a 443 rule for the on-premises network', () => {
    expect(byRule(check(vpnApp(kind, 'same-stack', 'private', ec2.SubnetType.PRIVATE_WITH_EGRESS, false).app), PATH)).toEqual([expect.objectContaining({
      level: 'warning', message: expect.stringMatching(/allows TCP 443 from 192\.168\.0\.0\/16,/),
    })]);
  });

  test('warns in Public & Private mode that on-premises clients get the public addresses (ConnectedClientResolution), and ConnectedClientPath says nothing', () => {
    const reported = check(vpnApp(kind, 'same-stack', 'public-and-private', ec2.SubnetType.PUBLIC, false).app);
    expect(byRule(reported, RESOLUTION)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Clients on premises across the VPN Network\/Vpc\/VpnGateway\/Default resolve/) })]);
    expect(byRule(reported, PATH)).toEqual([]);
  });
});

describe('a Site-to-Site VPN through the CLI', () => {
  test('reads the synthesized template as the Aspect reads the construct tree: the same findings', () => {
    // GIVEN the routes propagated into the public subnets only, and no 443 rule
    // (path metadata on, as `cdk synth` sets it, so that the CLI names resources by their construct paths too)
    const build = () => vpnApp('cfn', 'cross-stack', 'private', ec2.SubnetType.PUBLIC, false, { 'aws:cdk:enable-path-metadata': true }).app;
    const aspect = byRule(check(build()), PATH).map((r) => r.message).sort();
    const assembly = build().synth();
    const cli = analyze(loadInputs([assembly.directory]), ALL_RULES.filter((r) => r.id === PATH)).map((f) => f.message).sort();
    fs.rmSync(assembly.directory, { recursive: true, force: true });
    // THEN both name the missing route back and the missing 443 rule
    expect(aspect).toHaveLength(2);
    expect(cli).toEqual(aspect);
  });
});
