/**
 * Reads a VPC as deployed, read-only, into the account template: what an app's templates leave
 * unknown for an imported VPC (issue 15 item 1). Every call goes through the caller (recorded,
 * paged, retried); a call refused leaves its fact a parameter without a value.
 */
import { AccountRead, accountRead, AccountTemplate } from './account-template';
import { Answer, Caller, NotAnswered, Paging } from './caller';

type Json = Record<string, any>;

/** The paging of the EC2 Describe* calls the reader makes (each one's largest page, from the EC2 API reference). */
const EC2_PAGES = (maxSize: number): Paging => ({ sizeKey: 'MaxResults', maxSize, token: 'NextToken' });
const RESOLVER_PAGES: Paging = { sizeKey: 'MaxResults', maxSize: 100, token: 'NextToken' };

/** An EC2 Describe* call with every page, its items (`key`) gathered. */
async function describeAll(caller: Caller, operation: string, input: Json, key: string, what: string, paging: Paging | undefined = EC2_PAGES(1000)): Promise<Answer<Json[]>> {
  const answers = paging ? await caller.pages('ec2', operation, input, paging, what) : await caller.call('ec2', operation, input, what);
  if (answers instanceof NotAnswered) return answers;
  return (Array.isArray(answers) ? answers : [answers]).flatMap((a) => (a[key] ?? []) as Json[]);
}

const byVpc = (vpcId: string, name = 'vpc-id') => ({ Filters: [{ Name: name, Values: [vpcId] }] });

/**
 * The items of an answer that are the VPC's: the filter asked for them, and they are checked again
 * (an emulator may ignore a filter; moto 5.2 ignores DescribeVpcPeeringConnections's), so that
 * nothing of another VPC is written as this one's.
 */
function ofVpc<T extends Json>(items: Answer<T[]>, vpcId: string, key = 'VpcId'): Answer<T[]> {
  return items instanceof NotAnswered ? items : items.filter((item) => item[key] === undefined || item[key] === vpcId);
}

/**
 * Reads the VPCs of some subnets (a cluster's, a node group's), each with `readVpc`. Returns the
 * VPC IDs read. Subnets not found or not read stay literal IDs (the engine reads them as imported).
 */
export async function readSubnetsVpcs(caller: Caller, subnetIds: string[], into: AccountTemplate): Promise<string[]> {
  const vpcIds = await vpcsOfSubnets(caller, subnetIds);
  if (vpcIds instanceof NotAnswered) return [];
  for (const vpcId of vpcIds) await readVpc(caller, vpcId, into);
  return vpcIds;
}

/** The VPCs of subnets (`ec2:DescribeSubnets`), without reading them. */
export async function vpcsOfSubnets(caller: Caller, subnetIds: string[]): Promise<Answer<string[]>> {
  if (subnetIds.length === 0) return [];
  const subnets = await describeAll(caller, 'DescribeSubnets', { SubnetIds: subnetIds }, 'Subnets', `the subnets ${subnetIds.join(', ')}`, undefined);
  if (subnets instanceof NotAnswered) return subnets;
  return [...new Set(subnets.map((s) => s.VpcId as string).filter((id) => typeof id === 'string'))];
}

/**
 * Reads VPCs by ID (the imported VPCs of an app, for `check --account`), and with `connected` those
 * one hop away, into one account read.
 */
export async function readVpcs(caller: Caller, vpcIds: string[], options: { readonly connected?: boolean } = {}): Promise<AccountRead> {
  const t = new AccountTemplate();
  for (const vpcId of vpcIds) await readVpc(caller, vpcId, t);
  if (options.connected) await readConnectedVpcs(caller, t, t.account);
  return accountRead(t, caller);
}

/**
 * Reads a VPC: its CIDR blocks, DNS attributes, DHCP options, subnets, route tables (the main one
 * included) and routes, internet, NAT and virtual private gateways, VPC endpoints, security groups
 * and their rules, Resolver rules associated with it and Resolver endpoints in it, peering
 * connections and Transit Gateway attachments.
 */
export async function readVpc(caller: Caller, vpcId: string, into: AccountTemplate = new AccountTemplate()): Promise<AccountTemplate> {
  if (into.has(vpcId) || into.network.vpcs.has(vpcId)) return into;
  const t = into;
  t.network.vpcs.add(vpcId);
  const vpcs = await describeAll(caller, 'DescribeVpcs', { VpcIds: [vpcId] }, 'Vpcs', `the VPC ${vpcId}`, undefined);
  const vpc: Json | undefined = vpcs instanceof NotAnswered ? undefined : vpcs[0];
  if (vpc?.OwnerId) t.account ??= vpc.OwnerId;
  const [dnsSupport, dnsHostnames] = await Promise.all(['enableDnsSupport', 'enableDnsHostnames'].map((attribute) =>
    caller.call('ec2', 'DescribeVpcAttribute', { VpcId: vpcId, Attribute: attribute }, `the ${attribute} attribute of ${vpcId}`)));
  const attribute = (answer: Answer, key: string, name: string) => {
    if (answer instanceof NotAnswered) return t.notRead(`${name}${vpcId}`, `${name} of ${vpcId}: ${answer.why}`);
    const value = answer[key]?.Value;
    return typeof value === 'boolean' ? value : t.notRead(`${name}${vpcId}`, `${name} of ${vpcId}: not in DescribeVpcAttribute's answer`);
  };
  const primary = vpc?.CidrBlock;
  t.add('AWS::EC2::VPC', vpcId, {
    CidrBlock: vpc ? primary ?? t.notRead(`CidrBlock${vpcId}`, `the CIDR block of ${vpcId}: not in DescribeVpcs's answer`)
      : t.notRead(`CidrBlock${vpcId}`, `the CIDR block of ${vpcId}: ${vpcs instanceof NotAnswered ? vpcs.why : 'not found'}`),
    EnableDnsSupport: attribute(dnsSupport, 'EnableDnsSupport', 'EnableDnsSupport'),
    EnableDnsHostnames: attribute(dnsHostnames, 'EnableDnsHostnames', 'EnableDnsHostnames'),
  }, { ...(primary ? { CidrBlock: primary } : {}), ...(vpc?.DhcpOptionsId ? { DhcpOptionsId: vpc.DhcpOptionsId } : {}) });
  // secondary blocks: every associated one but the primary
  for (const block of (vpc?.CidrBlockAssociationSet ?? []) as Json[]) {
    if (block.CidrBlock === primary || block.CidrBlockState?.State !== 'associated') continue;
    t.add('AWS::EC2::VPCCidrBlock', block.AssociationId, { VpcId: t.ref(vpcId), CidrBlock: block.CidrBlock });
  }
  for (const block of (vpc?.Ipv6CidrBlockAssociationSet ?? []) as Json[]) {
    if (block.Ipv6CidrBlockState?.State !== 'associated') continue;
    t.add('AWS::EC2::VPCCidrBlock', block.AssociationId, { VpcId: t.ref(vpcId), Ipv6CidrBlock: block.Ipv6CidrBlock });
  }

  await Promise.all([
    readDhcpOptions(caller, t, vpcId, vpc, vpcs instanceof NotAnswered ? vpcs.why : 'not in DescribeVpcs\'s answer'),
    readSubnetsAndRoutes(caller, t, vpcId),
    readGateways(caller, t, vpcId),
    readEndpoints(caller, t, vpcId),
    readSecurityGroups(caller, t, vpcId),
    readConnections(caller, t, vpcId),
    readResolver(caller, t, vpcId),
  ]);
  return t;
}

/**
 * The VPC's DHCP options: `default` (no set: the Amazon DNS server, as EC2 documents for a VPC
 * without a custom set) is written as the association to `default`, as CloudFormation writes it.
 */
async function readDhcpOptions(caller: Caller, t: AccountTemplate, vpcId: string, vpc: Json | undefined, why: string): Promise<void> {
  const optionsId = vpc?.DhcpOptionsId as string | undefined;
  if (!optionsId) {
    // which set the VPC has is not known: an association to a set not read (never "no custom set")
    t.addPart('AWS::EC2::VPCDHCPOptionsAssociation', `${vpcId}DhcpOptions`, {
      VpcId: t.ref(vpcId), DhcpOptionsId: t.notRead(`DhcpOptions${vpcId}`, `the DHCP options set of ${vpcId}: ${why}`),
    }, { id: vpcId });
    return;
  }
  if (optionsId !== 'default') {
    const sets = await describeAll(caller, 'DescribeDhcpOptions', { DhcpOptionsIds: [optionsId] }, 'DhcpOptions', `the DHCP options ${optionsId}`, undefined);
    const set = sets instanceof NotAnswered ? undefined : sets[0];
    const servers = (set?.DhcpConfigurations as Json[] | undefined)?.find((c) => c.Key === 'domain-name-servers');
    t.add('AWS::EC2::DHCPOptions', optionsId, {
      // a set without domain-name-servers gives the instances no DNS server (DescribeDhcpOptions lists only the keys set)
      ...(sets instanceof NotAnswered ? { DomainNameServers: t.notRead(`DomainNameServers${optionsId}`, `the DNS servers of ${optionsId}: ${sets.why}`, 'CommaDelimitedList') }
        : servers ? { DomainNameServers: (servers.Values as Json[]).map((v) => v.Value) } : {}),
    });
  }
  t.addPart('AWS::EC2::VPCDHCPOptionsAssociation', `${vpcId}DhcpOptions`, { VpcId: t.ref(vpcId), DhcpOptionsId: optionsId === 'default' ? 'default' : t.ref(optionsId) }, { id: `${vpcId}/${optionsId}` });
}

/** The route target properties of the EC2 API's Route that CloudFormation's AWS::EC2::Route names the same. */
const ROUTE_TARGETS = ['NatGatewayId', 'TransitGatewayId', 'VpcPeeringConnectionId', 'NetworkInterfaceId', 'InstanceId',
  'CarrierGatewayId', 'LocalGatewayId', 'EgressOnlyInternetGatewayId', 'CoreNetworkArn'];
const ROUTE_DESTINATIONS = ['DestinationCidrBlock', 'DestinationIpv6CidrBlock', 'DestinationPrefixListId'];

/**
 * Subnets, route tables and their routes. A subnet with no explicit association uses the VPC's
 * main route table: it is written with an explicit association to the main table, which is its
 * effective routing ("Subnets that you don't explicitly associate with any route table are
 * implicitly associated with the main route table", vpc/latest/userguide/VPC_Route_Tables.html).
 */
async function readSubnetsAndRoutes(caller: Caller, t: AccountTemplate, vpcId: string): Promise<void> {
  const [subnets, tables] = await Promise.all([
    describeAll(caller, 'DescribeSubnets', byVpc(vpcId), 'Subnets', `the subnets of ${vpcId}`).then((a) => ofVpc(a, vpcId)),
    describeAll(caller, 'DescribeRouteTables', byVpc(vpcId), 'RouteTables', `the route tables of ${vpcId}`, EC2_PAGES(100)).then((a) => ofVpc(a, vpcId)),
  ]);
  if (subnets instanceof NotAnswered) {
    t.notRead(`Subnets${vpcId}`, `the subnets of ${vpcId}: ${subnets.why}`, 'CommaDelimitedList');
  } else {
    for (const s of subnets) {
      t.add('AWS::EC2::Subnet', s.SubnetId, {
        VpcId: t.ref(vpcId), CidrBlock: s.CidrBlock, ...(s.AvailabilityZone ? { AvailabilityZone: s.AvailabilityZone } : {}),
      }, { ...(s.AvailabilityZone ? { AvailabilityZone: s.AvailabilityZone } : {}) });
    }
  }
  if (tables instanceof NotAnswered) {
    // no association is written: the engine reads each subnet's routing as unknown
    t.notRead(`RouteTables${vpcId}`, `the route tables of ${vpcId}: ${tables.why}`, 'CommaDelimitedList');
    return;
  }
  const explicit = new Set<string>();
  let main: string | undefined;
  const propagations = new Map<string, string[]>();
  for (const table of tables) {
    const tableId = table.RouteTableId as string;
    t.add('AWS::EC2::RouteTable', tableId, { VpcId: t.ref(vpcId) });
    for (const a of (table.Associations ?? []) as Json[]) {
      if (a.AssociationState?.State && a.AssociationState.State !== 'associated') continue;
      if (a.Main) main = tableId;
      if (a.SubnetId) {
        explicit.add(a.SubnetId);
        t.addPart('AWS::EC2::SubnetRouteTableAssociation', `${a.SubnetId}RouteTableAssociation`, { SubnetId: t.ref(a.SubnetId), RouteTableId: t.ref(tableId) },
          { id: a.RouteTableAssociationId ?? `${a.SubnetId}/${tableId}` });
      }
    }
    for (const vgw of (table.PropagatingVgws ?? []) as Json[]) propagations.set(vgw.GatewayId, [...(propagations.get(vgw.GatewayId) ?? []), tableId]);
    let n = 0;
    for (const r of (table.Routes ?? []) as Json[]) {
      // the local route is not written (CloudFormation has none); propagated routes are the propagation below;
      // a gateway endpoint's routes (to its prefix list) come with the endpoint's RouteTableIds
      if (r.GatewayId === 'local' || r.Origin === 'CreateRouteTable' || r.Origin === 'EnableVgwRoutePropagation') continue;
      if (typeof r.GatewayId === 'string' && r.GatewayId.startsWith('vpce-') && r.DestinationPrefixListId) continue;
      const destination = Object.fromEntries(ROUTE_DESTINATIONS.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));
      const target: Json = {};
      for (const k of ROUTE_TARGETS) if (r[k] !== undefined) target[k] = t.ref(r[k]);
      if (typeof r.GatewayId === 'string') {
        // a Gateway Load Balancer endpoint is a GatewayId in the API and a VpcEndpointId in CloudFormation
        target[r.GatewayId.startsWith('vpce-') ? 'VpcEndpointId' : 'GatewayId'] = t.ref(r.GatewayId);
      }
      t.addPart('AWS::EC2::Route', `${tableId}Route${++n}`, { RouteTableId: t.ref(tableId), ...destination, ...target },
        { id: `${tableId}/${r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId}`, ...(r.State ? { attributes: { State: r.State } } : {}) });
    }
  }
  if (!(subnets instanceof NotAnswered) && main) {
    for (const s of subnets) {
      if (explicit.has(s.SubnetId)) continue;
      // its effective routing: the main route table (see above)
      t.addPart('AWS::EC2::SubnetRouteTableAssociation', `${s.SubnetId}MainRouteTableAssociation`, { SubnetId: t.ref(s.SubnetId), RouteTableId: t.ref(main) },
        { id: `${s.SubnetId}/${main}`, attributes: { Main: 'true' } });
    }
  }
  for (const [vgw, tableIds] of propagations) {
    t.addPart('AWS::EC2::VPNGatewayRoutePropagation', `${vgw}Propagation${vpcId}`, { VpnGatewayId: t.ref(vgw), RouteTableIds: tableIds.map((id) => t.ref(id)) }, { id: `${vgw}/${vpcId}` });
  }
}

/** Internet gateways, NAT gateways (with their addresses as Elastic IPs) and virtual private gateways. */
async function readGateways(caller: Caller, t: AccountTemplate, vpcId: string): Promise<void> {
  const [igws, nats, vgws] = await Promise.all([
    describeAll(caller, 'DescribeInternetGateways', byVpc(vpcId, 'attachment.vpc-id'), 'InternetGateways', `the internet gateways of ${vpcId}`),
    // DescribeNatGateways names its filters `Filter`
    describeAll(caller, 'DescribeNatGateways', { Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }, 'NatGateways', `the NAT gateways of ${vpcId}`).then((a) => ofVpc(a, vpcId)),
    // DescribeVpnGateways is not paged
    describeAll(caller, 'DescribeVpnGateways', byVpc(vpcId, 'attachment.vpc-id'), 'VpnGateways', `the virtual private gateways of ${vpcId}`, undefined),
  ]);
  for (const [answer, what] of [[igws, 'InternetGateways'], [nats, 'NatGateways'], [vgws, 'VpnGateways']] as const) {
    if (answer instanceof NotAnswered) t.notRead(`${what}${vpcId}`, `the ${what} of ${vpcId}: ${answer.why}`, 'CommaDelimitedList');
  }
  if (!(igws instanceof NotAnswered)) {
    for (const igw of igws) {
      if (!((igw.Attachments ?? []) as Json[]).some((a) => a.VpcId === vpcId && ['available', 'attached'].includes(a.State))) continue;
      t.add('AWS::EC2::InternetGateway', igw.InternetGatewayId, {});
      t.addPart('AWS::EC2::VPCGatewayAttachment', `${igw.InternetGatewayId}Attachment`, { VpcId: t.ref(vpcId), InternetGatewayId: t.ref(igw.InternetGatewayId) }, { id: `${igw.InternetGatewayId}/${vpcId}` });
    }
  }
  if (!(nats instanceof NotAnswered)) {
    for (const nat of nats) {
      if (!['available', 'pending'].includes(nat.State)) continue;
      const addresses = (nat.NatGatewayAddresses ?? []) as Json[];
      const isPublic = nat.ConnectivityType !== 'private';
      const eip = (a: Json) => {
        if (!isPublic || !a.AllocationId) return undefined;
        t.add('AWS::EC2::EIP', a.AllocationId, { Domain: 'vpc' }, { ...(a.PublicIp ? { PublicIp: a.PublicIp } : {}), AllocationId: a.AllocationId });
        return t.ref(a.AllocationId, 'AllocationId');
      };
      const primary = addresses.find((a) => a.IsPrimary !== false);
      const secondary = addresses.filter((a) => a !== primary).map(eip).filter((a) => a !== undefined);
      t.add('AWS::EC2::NatGateway', nat.NatGatewayId, {
        SubnetId: t.ref(nat.SubnetId),
        ConnectivityType: nat.ConnectivityType ?? t.notRead(`ConnectivityType${nat.NatGatewayId}`, `the connectivity type of ${nat.NatGatewayId}: not in DescribeNatGateways's answer`),
        ...(primary && eip(primary) ? { AllocationId: eip(primary) } : {}),
        ...(secondary.length > 0 ? { SecondaryAllocationIds: secondary } : {}),
      });
    }
  }
  if (!(vgws instanceof NotAnswered)) {
    for (const vgw of vgws) {
      if (!((vgw.VpcAttachments ?? []) as Json[]).some((a) => a.VpcId === vpcId && a.State === 'attached')) continue;
      t.add('AWS::EC2::VPNGateway', vgw.VpnGatewayId, { Type: vgw.Type ?? 'ipsec.1', ...(vgw.AmazonSideAsn ? { AmazonSideAsn: vgw.AmazonSideAsn } : {}) });
      t.addPart('AWS::EC2::VPCGatewayAttachment', `${vgw.VpnGatewayId}Attachment`, { VpcId: t.ref(vpcId), VpnGatewayId: t.ref(vgw.VpnGatewayId) }, { id: `${vgw.VpnGatewayId}/${vpcId}` });
    }
  }
}

/** VPC endpoints: service, type, private DNS, subnets, groups and route tables. */
async function readEndpoints(caller: Caller, t: AccountTemplate, vpcId: string): Promise<void> {
  const endpoints = ofVpc(await describeAll(caller, 'DescribeVpcEndpoints', byVpc(vpcId), 'VpcEndpoints', `the VPC endpoints of ${vpcId}`), vpcId);
  if (endpoints instanceof NotAnswered) {
    // not "no endpoint": one endpoint of the VPC whose service and type are not read, which the
    // engine reads as one that may serve any service (IsolatedNodeEndpoints: not verifiable, never an error)
    const unknown = t.notRead(`VpcEndpoints${vpcId}`, `the VPC endpoints of ${vpcId}: ${endpoints.why}`);
    t.addPart('AWS::EC2::VPCEndpoint', `${vpcId}EndpointsNotRead`, { VpcId: t.ref(vpcId), ServiceName: unknown, VpcEndpointType: unknown }, { id: `${vpcId}/endpoints` });
    return;
  }
  for (const e of endpoints) {
    if (['deleted', 'deleting', 'failed', 'rejected', 'expired'].includes(String(e.State).toLowerCase())) continue;
    const type = e.VpcEndpointType ?? 'Gateway';
    t.add('AWS::EC2::VPCEndpoint', e.VpcEndpointId, {
      ServiceName: e.ServiceName,
      VpcId: t.ref(vpcId),
      VpcEndpointType: type,
      ...(type === 'Interface' ? {
        PrivateDnsEnabled: typeof e.PrivateDnsEnabled === 'boolean' ? e.PrivateDnsEnabled
          : t.notRead(`PrivateDnsEnabled${e.VpcEndpointId}`, `whether ${e.VpcEndpointId} has private DNS: not in DescribeVpcEndpoints's answer`),
        SubnetIds: ((e.SubnetIds ?? []) as string[]).map((id) => t.ref(id)),
        SecurityGroupIds: ((e.Groups ?? []) as Json[]).map((g) => t.ref(g.GroupId)),
      } : {}),
      ...(type === 'Gateway' ? { RouteTableIds: ((e.RouteTableIds ?? []) as string[]).map((id) => t.ref(id)) } : {}),
      ...(type === 'GatewayLoadBalancer' ? { SubnetIds: ((e.SubnetIds ?? []) as string[]).map((id) => t.ref(id)) } : {}),
    });
  }
}

/**
 * The security groups of the VPC and their rules, as inline rules in CloudFormation's shape. The
 * cluster security group (when the cluster was read first) is not a resource: its rules beyond the
 * ones EKS gives it (all traffic from itself; all traffic out) are separate ingress and egress
 * resources on `Fn::GetAtt <cluster>.ClusterSecurityGroupId`, as an app would add them.
 */
async function readSecurityGroups(caller: Caller, t: AccountTemplate, vpcId: string): Promise<void> {
  const groups = ofVpc(await describeAll(caller, 'DescribeSecurityGroups', byVpc(vpcId), 'SecurityGroups', `the security groups of ${vpcId}`), vpcId);
  if (groups instanceof NotAnswered) {
    t.notRead(`SecurityGroups${vpcId}`, `the security groups of ${vpcId}: ${groups.why}`, 'CommaDelimitedList');
    // the groups stay literal IDs, which the engine reads as groups not in the templates; the cluster security group is never one
    t.clusterGroupNotRead(`the rules of the cluster security group: ${groups.why}`);
    return;
  }
  for (const g of groups) {
    const ingress = ((g.IpPermissions ?? []) as Json[]).flatMap((p) => rulesOf(t, p, 'Source'));
    const egress = ((g.IpPermissionsEgress ?? []) as Json[]).flatMap((p) => rulesOf(t, p, 'Destination'));
    if (g.GroupId === t.clusterSecurityGroupId) {
      const group = t.ref(g.GroupId);
      let n = 0;
      for (const rule of ingress) {
        if (rule.SourceSecurityGroupId instanceof Object && isSelf(rule, g.GroupId)) continue;
        t.addPart('AWS::EC2::SecurityGroupIngress', `ClusterSecurityGroupIngress${++n}`, { GroupId: group, ...rule }, { id: `${g.GroupId}/ingress/${n}` });
      }
      n = 0;
      for (const rule of egress) {
        if (rule.IpProtocol === '-1' && (rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0')) continue;
        t.addPart('AWS::EC2::SecurityGroupEgress', `ClusterSecurityGroupEgress${++n}`, { GroupId: group, ...rule }, { id: `${g.GroupId}/egress/${n}` });
      }
      continue;
    }
    t.add('AWS::EC2::SecurityGroup', g.GroupId, {
      GroupDescription: g.Description ?? '',
      GroupName: g.GroupName,
      VpcId: t.ref(vpcId),
      SecurityGroupIngress: ingress,
      // written even when empty: a group with no egress rule lets nothing out (inline egress replaces EC2's default)
      SecurityGroupEgress: egress,
    }, { GroupId: g.GroupId, ...(g.GroupName ? { GroupName: g.GroupName } : {}) });
  }
}

/** Whether a rule is EKS's "all traffic from the cluster security group itself". */
function isSelf(rule: Json, groupId: string): boolean {
  return rule.IpProtocol === '-1' && (rule.SourceSecurityGroupId as { id?: string }).id === groupId;
}

/** One IpPermission of the EC2 API as CloudFormation's rules, one per source or destination. */
function rulesOf(t: AccountTemplate, p: Json, side: 'Source' | 'Destination'): Json[] {
  const base: Json = { IpProtocol: String(p.IpProtocol) };
  if (p.FromPort !== undefined && p.IpProtocol !== '-1') base.FromPort = p.FromPort;
  if (p.ToPort !== undefined && p.IpProtocol !== '-1') base.ToPort = p.ToPort;
  const rules: Json[] = [];
  for (const r of (p.IpRanges ?? []) as Json[]) rules.push({ ...base, CidrIp: r.CidrIp, ...(r.Description ? { Description: r.Description } : {}) });
  for (const r of (p.Ipv6Ranges ?? []) as Json[]) rules.push({ ...base, CidrIpv6: r.CidrIpv6, ...(r.Description ? { Description: r.Description } : {}) });
  for (const r of (p.UserIdGroupPairs ?? []) as Json[]) {
    if (r.GroupId) rules.push({ ...base, [`${side}SecurityGroupId`]: t.ref(r.GroupId), ...(r.UserId && side === 'Source' ? { SourceSecurityGroupOwnerId: r.UserId } : {}) });
  }
  for (const r of (p.PrefixListIds ?? []) as Json[]) rules.push({ ...base, [side === 'Source' ? 'SourcePrefixListId' : 'DestinationPrefixListId']: r.PrefixListId });
  return rules;
}

/** Peering connections (the VPC as requester or accepter) and Transit Gateway VPC attachments, with their gateways. */
async function readConnections(caller: Caller, t: AccountTemplate, vpcId: string): Promise<void> {
  const [requested, accepted, attachments] = await Promise.all([
    describeAll(caller, 'DescribeVpcPeeringConnections', byVpc(vpcId, 'requester-vpc-info.vpc-id'), 'VpcPeeringConnections', `the peering connections ${vpcId} requested`),
    describeAll(caller, 'DescribeVpcPeeringConnections', byVpc(vpcId, 'accepter-vpc-info.vpc-id'), 'VpcPeeringConnections', `the peering connections ${vpcId} accepted`),
    describeAll(caller, 'DescribeTransitGatewayVpcAttachments', byVpc(vpcId), 'TransitGatewayVpcAttachments', `the Transit Gateway attachments of ${vpcId}`).then((a) => ofVpc(a, vpcId)),
  ]);
  // a list not read is not an empty list: one connection whose other side is unknown stands for
  // whatever it holds, so that the rules on connected clients say "not verifiable" rather than nothing
  for (const answer of [requested, accepted]) {
    if (!(answer instanceof NotAnswered)) continue;
    const side = answer === requested ? 'requested' : 'accepted';
    t.addPart('AWS::EC2::VPCPeeringConnection', `PeeringNotRead${side}${vpcId}`, {
      VpcId: t.ref(vpcId), PeerVpcId: t.notRead(`Peering${side}${vpcId}`, `the peering connections ${vpcId} ${side}: ${answer.why}`),
    }, { id: `the peering connections ${vpcId} ${side} (not read)` });
  }
  if (attachments instanceof NotAnswered) {
    t.addPart('AWS::EC2::TransitGatewayVpcAttachment', `TransitGatewayAttachmentsNotRead${vpcId}`, {
      VpcId: t.ref(vpcId),
      TransitGatewayId: t.notRead(`TransitGatewayAttachments${vpcId}`, `the Transit Gateway attachments of ${vpcId}: ${attachments.why}`),
      SubnetIds: t.notRead(`TransitGatewayAttachmentSubnets${vpcId}`, `the subnets of the Transit Gateway attachments of ${vpcId}: ${attachments.why}`, 'CommaDelimitedList'),
    }, { id: `the Transit Gateway attachments of ${vpcId} (not read)` });
  }
  for (const pc of [...(requested instanceof NotAnswered ? [] : requested), ...(accepted instanceof NotAnswered ? [] : accepted)]) {
    if (pc.Status?.Code !== 'active') continue;
    const requester = pc.RequesterVpcInfo ?? {};
    const accepter = pc.AccepterVpcInfo ?? {};
    if (requester.VpcId !== vpcId && accepter.VpcId !== vpcId) continue;
    const other = requester.VpcId === vpcId ? accepter : requester;
    if (other.VpcId && other.VpcId !== vpcId) t.network.peers.set(other.VpcId, { owner: other.OwnerId, region: other.Region });
    t.add('AWS::EC2::VPCPeeringConnection', pc.VpcPeeringConnectionId, {
      VpcId: t.ref(requester.VpcId),
      PeerVpcId: t.ref(accepter.VpcId),
      ...(accepter.OwnerId ? { PeerOwnerId: accepter.OwnerId } : {}),
      ...(accepter.Region ? { PeerRegion: accepter.Region } : {}),
    }, { ...(requester.CidrBlock ? { RequesterCidrBlock: requester.CidrBlock } : {}), ...(accepter.CidrBlock ? { AccepterCidrBlock: accepter.CidrBlock } : {}) });
  }
  if (attachments instanceof NotAnswered) return;
  const live = attachments.filter((a) => ['available', 'pending', 'modifying'].includes(a.State));
  for (const a of live) {
    const o = (a.Options ?? {}) as Json;
    const options = Object.fromEntries(['DnsSupport', 'Ipv6Support', 'ApplianceModeSupport', 'SecurityGroupReferencingSupport']
      .filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
    t.add('AWS::EC2::TransitGatewayVpcAttachment', a.TransitGatewayAttachmentId, {
      VpcId: t.ref(vpcId),
      SubnetIds: ((a.SubnetIds ?? []) as string[]).map((id) => t.ref(id)),
      TransitGatewayId: t.ref(a.TransitGatewayId),
      ...(Object.keys(options).length > 0 ? { Options: options } : {}),
    });
  }
  live.forEach((a) => t.network.transitGateways.add(a.TransitGatewayId));
  const gatewayIds = [...new Set(live.map((a) => a.TransitGatewayId as string))].filter((id) => !t.has(id));
  if (gatewayIds.length === 0) return;
  const gateways = await describeAll(caller, 'DescribeTransitGateways', { TransitGatewayIds: gatewayIds }, 'TransitGateways', `the Transit Gateways ${gatewayIds.join(', ')}`, undefined);
  if (gateways instanceof NotAnswered) return; // the attachments name them by literal ID: their options unknown
  for (const g of gateways) {
    const o = (g.Options ?? {}) as Json;
    t.add('AWS::EC2::TransitGateway', g.TransitGatewayId, {
      ...(o.SecurityGroupReferencingSupport ? { SecurityGroupReferencingSupport: o.SecurityGroupReferencingSupport }
        : { SecurityGroupReferencingSupport: t.notRead(`SecurityGroupReferencingSupport${g.TransitGatewayId}`, `the security-group referencing of ${g.TransitGatewayId}: not in DescribeTransitGateways's answer`) }),
      ...(o.DnsSupport ? { DnsSupport: o.DnsSupport } : {}),
    }, { ...(g.OwnerId ? { OwnerId: g.OwnerId } : {}) });
  }
}

/** Route 53 Resolver: rules associated with the VPC (each rule read), and the inbound and outbound endpoints in it with their addresses. */
async function readResolver(caller: Caller, t: AccountTemplate, vpcId: string): Promise<void> {
  const [associations, endpoints] = await Promise.all([
    resolverAll(caller, 'ListResolverRuleAssociations', { Filters: [{ Name: 'VPCId', Values: [vpcId] }] }, 'ResolverRuleAssociations', `the Resolver rules associated with ${vpcId}`)
      .then((a) => ofVpc(a, vpcId, 'VPCId')),
    resolverAll(caller, 'ListResolverEndpoints', { Filters: [{ Name: 'HostVPCId', Values: [vpcId] }] }, 'ResolverEndpoints', `the Resolver endpoints in ${vpcId}`)
      .then((a) => ofVpc(a, vpcId, 'HostVPCId')),
  ]);
  if (associations instanceof NotAnswered) {
    // as for connections: one association of an unknown rule stands for the list not read
    t.addPart('AWS::Route53Resolver::ResolverRuleAssociation', `ResolverRulesNotRead${vpcId}`, {
      ResolverRuleId: t.notRead(`ResolverRules${vpcId}`, `the Resolver rules associated with ${vpcId}: ${associations.why}`), VPCId: t.ref(vpcId),
    }, { id: `the Resolver rules associated with ${vpcId} (not read)` });
  }
  if (endpoints instanceof NotAnswered) t.notRead(`ResolverEndpoints${vpcId}`, `the Resolver endpoints in ${vpcId}: ${endpoints.why}`, 'CommaDelimitedList');
  if (!(endpoints instanceof NotAnswered)) {
    for (const e of endpoints) {
      const addresses = await resolverAll(caller, 'ListResolverEndpointIpAddresses', { ResolverEndpointId: e.Id }, 'IpAddresses', `the addresses of the Resolver endpoint ${e.Id}`);
      t.add('AWS::Route53Resolver::ResolverEndpoint', e.Id, {
        Direction: e.Direction,
        SecurityGroupIds: ((e.SecurityGroupIds ?? []) as string[]).map((id) => t.ref(id)),
        IpAddresses: addresses instanceof NotAnswered
          ? t.notRead(`IpAddresses${e.Id}`, `the addresses of the Resolver endpoint ${e.Id}: ${addresses.why}`, 'CommaDelimitedList')
          : addresses.map((a) => ({ SubnetId: t.ref(a.SubnetId), ...(a.Ip ? { Ip: a.Ip } : {}) })),
      }, { ResolverEndpointId: e.Id, ...(e.Arn ? { Arn: e.Arn } : {}) });
    }
  }
  if (associations instanceof NotAnswered) return;
  for (const a of associations) {
    if (a.Status && !['COMPLETE', 'CREATING', 'OVERRIDDEN'].includes(a.Status)) continue;
    if (!t.has(a.ResolverRuleId)) {
      const answer = await caller.call('route53resolver', 'GetResolverRule', { ResolverRuleId: a.ResolverRuleId }, `the Resolver rule ${a.ResolverRuleId}`);
      const rule = answer instanceof NotAnswered ? undefined : answer.ResolverRule as Json | undefined;
      const notRead = (what: string) => t.notRead(`${what}${a.ResolverRuleId}`, `the ${what} of the Resolver rule ${a.ResolverRuleId}: ${answer instanceof NotAnswered ? answer.why : 'not in GetResolverRule\'s answer'}`);
      t.add('AWS::Route53Resolver::ResolverRule', a.ResolverRuleId, {
        RuleType: rule?.RuleType ?? notRead('RuleType'),
        DomainName: rule?.DomainName ?? notRead('DomainName'),
        ...(rule?.TargetIps ? { TargetIps: (rule.TargetIps as Json[]).map((ip) => ({ ...(ip.Ip ? { Ip: ip.Ip } : {}), ...(ip.Ipv6 ? { Ipv6: ip.Ipv6 } : {}), ...(ip.Port !== undefined ? { Port: String(ip.Port) } : {}) })) }
          : rule ? {} : { TargetIps: t.notRead(`TargetIps${a.ResolverRuleId}`, `the targets of the Resolver rule ${a.ResolverRuleId}: ${(answer as NotAnswered).why}`, 'CommaDelimitedList') }),
        ...(rule?.ResolverEndpointId ? { ResolverEndpointId: t.ref(rule.ResolverEndpointId) } : {}),
      }, { ResolverRuleId: a.ResolverRuleId, ...(rule?.Arn ? { Arn: rule.Arn } : {}) });
    }
    t.add('AWS::Route53Resolver::ResolverRuleAssociation', a.Id, { ResolverRuleId: t.ref(a.ResolverRuleId), VPCId: t.ref(vpcId) });
  }
}

/**
 * The VPCs connected to the ones read, one hop away, in the same account and region: the other
 * sides of their peering connections, and the other VPCs attached to their Transit Gateways.
 * Reading them makes their Resolver rules, routes back and clients known (ConnectedClientResolution,
 * ConnectedClientPath) instead of "outside the templates". Returns the VPC IDs it read.
 */
export async function readConnectedVpcs(caller: Caller, into: AccountTemplate, account: string | undefined): Promise<string[]> {
  const t = into;
  const here = (owner?: string, region?: string) => (owner === undefined || owner === account) && (region === undefined || region === caller.region);
  const found = new Set([...t.network.peers].filter(([, where]) => here(where.owner, where.region)).map(([id]) => id));
  for (const gateway of t.network.transitGateways) {
    const attachments = await describeAll(caller, 'DescribeTransitGatewayVpcAttachments', { Filters: [{ Name: 'transit-gateway-id', Values: [gateway] }] },
      'TransitGatewayVpcAttachments', `the VPCs attached to ${gateway}`);
    if (attachments instanceof NotAnswered) continue;
    for (const a of attachments) {
      if (['available', 'pending', 'modifying'].includes(a.State) && here(a.VpcOwnerId)) found.add(a.VpcId);
    }
  }
  const read: string[] = [];
  for (const vpcId of found) {
    if (t.network.vpcs.has(vpcId)) continue;
    await readVpc(caller, vpcId, t);
    read.push(vpcId);
  }
  return read;
}

async function resolverAll(caller: Caller, operation: string, input: Json, key: string, what: string): Promise<Answer<Json[]>> {
  const answers = await caller.pages('route53resolver', operation, input, RESOLVER_PAGES, what);
  if (answers instanceof NotAnswered) return answers;
  return answers.flatMap((a) => (a[key] ?? []) as Json[]);
}
