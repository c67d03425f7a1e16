/**
 * Routes as the rules judge them: whether a route table of the cluster subnets leads back through a
 * connection (peering, Transit Gateway, a virtual private gateway) to an address space, whether a
 * client's table leads to the cluster, and whether a table leads a remote block to an on-premises
 * link. Each answer true, false, or 'unknown' where deploy-time routes, targets or conditions leave it open.
 */
import { cidrContains } from '../../../shared/cidr';
import { refOf } from '../template/resource-index';
import { Resource } from '../template/template-set';
import { Fact, literal, Text, toList, Unknown, Value } from '../template/value';
import { cidrReachesCluster } from './paths';
import { sameGateway, vpnNetworks } from './vpcs';
import { ClientView, ClusterView, ConnectionView } from './views';

/** The address space a route back must hold: a client subnet's block, or a VPC's. */
export interface Space {
  readonly label: string;
  readonly cidr?: string;
  /** The VPC whose own block (`Fn::GetAtt Vpc.CidrBlock`) holds it. */
  readonly vpc?: Resource;
  /** For a connection with no known client: a route to any part of the VPC serves whoever is there. */
  readonly overlap?: boolean;
}

/**
 * Whether a route table of the cluster subnets routes an on-premises block (any, when `block` is
 * undefined) back to a virtual private gateway: route propagation from the gateway on the table,
 * or a route to it whose destination holds the block. 'unknown' where deploy-time values or
 * conditions make either uncertain.
 */
export function vpnRouteBack(cluster: ClusterView, table: Resource, connection: ConnectionView, block: string | undefined): Fact {
  let propagated: Fact = false;
  for (const propagation of cluster.index.ofType('AWS::EC2::VPNGatewayRoutePropagation')) {
    const gateway = sameGateway(propagation.properties.VpnGatewayId, connection.vpnGatewayId);
    if (gateway === false) continue;
    const listed = toList(propagation.properties.RouteTableIds);
    const onTable: Fact = listed instanceof Unknown ? 'unknown' : listed.some((t) => cluster.model.sameRef(t, table)) ? true
      : listed.some((t) => t instanceof Unknown || t instanceof Text) ? 'unknown' : false;
    const verdict = both(both(gateway, onTable), propagation.exists === true ? true : 'unknown');
    if (verdict === true) return true;
    if (verdict === 'unknown') propagated = 'unknown';
  }
  const space: Space | undefined = block === undefined ? undefined : { label: block, cidr: block };
  const routed = routeBack(cluster, table, connection, space);
  return routed === true ? true : routed === 'unknown' || propagated === 'unknown' ? 'unknown' : false;
}

/** Whether a client in another VPC is on the far side of a connection: 'unknown' when a gateway ID is a deploy-time value. */
export function crosses(connection: ConnectionView, client: ClientView): Fact {
  if (connection.kind === 'vpn') return false; // on-premises clients are never in the templates
  if (connection.kind === 'peering') {
    return connection.peerVpc !== undefined && client.vpcKey === connection.peerVpc;
  }
  const clientVpc = typeof client.vpcKey === 'object' ? client.vpcKey : undefined;
  const same = (clientVpc?.connections ?? []).filter((c) => c.kind === 'transit-gateway').map((c) => sameGateway(c.transitGatewayId, connection.transitGatewayId));
  return same.includes(true) ? true : same.includes('unknown') ? 'unknown' : false;
}

/**
 * Whether a route table of the cluster subnets has a route back through a connection for an
 * address space (any destination when the space is not known): true, false, or 'unknown' for
 * deploy-time routes and destinations.
 */
export function routeBack(cluster: ClusterView, table: Resource, connection: ConnectionView, space: Space | undefined): Fact {
  return anyRoute(cluster, table, (route) => both(routesTo(cluster, route, connection), space ? holds(route, space) : true));
}

/** Whether a route table on the client's side routes the cluster's subnets through the connection. */
export function routeToCluster(cluster: ClusterView, table: Resource, connection: ConnectionView): Fact {
  return anyRoute(cluster, table, (route) => {
    const p = route.properties;
    const destination: Fact = p.DestinationCidrBlock !== undefined ? holdsCluster(cluster, p.DestinationCidrBlock)
      : p.DestinationPrefixListId !== undefined ? 'unknown' : false;
    return both(routesTo(cluster, route, connection), destination);
  });
}

/**
 * Whether a destination holds the cluster's subnets, where the EKS-owned ENIs are: the cluster
 * VPC's block (literal, or by reference), or a literal block that holds every cluster subnet.
 */
export function holdsCluster(cluster: ClusterView, destination: Value): Fact {
  const ref = refOf(destination);
  if (ref && ref.resource === cluster.vpc?.resource && ref.attribute === 'CidrBlock') return true;
  const block = literal(destination)?.trim();
  if (block !== undefined && cluster.vpc?.cidr !== undefined && cidrContains(block, cluster.vpc.cidr) === true) return true;
  return cidrReachesCluster(destination, cluster);
}

/** Whether some route of a table passes `test`: a route whose table is a deploy-time value may be this table's. */
export function anyRoute(cluster: ClusterView, table: Resource, test: (route: Resource) => Fact): Fact {
  const own = cluster.model.routesOf(table).map(test);
  if (own.includes(true)) return true;
  const unsure = cluster.model.anyUnknown('AWS::EC2::Route', 'RouteTableId');
  return own.includes('unknown') || unsure ? 'unknown' : false;
}

export function both(a: Fact, b: Fact): Fact {
  return a === false || b === false ? false : a === true && b === true ? true : 'unknown';
}

/**
 * Whether a route's destination holds an address space: a literal block that contains it (for
 * a connection with no known client, one that overlaps the VPC), or a VPC's own block by
 * reference (`Fn::GetAtt Vpc.CidrBlock`). A prefix list or a deploy-time block is 'unknown'.
 */
export function holds(route: Resource, space: Space): Fact {
  const p = route.properties;
  const destination = p.DestinationCidrBlock;
  if (destination === undefined) return p.DestinationPrefixListId !== undefined ? 'unknown' : false;
  const ref = refOf(destination);
  let block: string | undefined;
  if (ref?.resource.type === 'AWS::EC2::VPC' && ref.attribute === 'CidrBlock') {
    if (ref.resource === space.vpc) return true;
    block = literal(ref.resource.properties.CidrBlock);
  } else {
    block = literal(destination);
  }
  if (block === undefined || space.cidr === undefined) return 'unknown';
  const contains = cidrContains(block.trim(), space.cidr);
  if (contains === undefined) return 'unknown';
  return contains || (space.overlap === true && cidrContains(space.cidr, block.trim()) === true);
}

export function routesTo(cluster: ClusterView, route: Resource, connection: ConnectionView): Fact {
  const p = route.properties;
  const target = connection.kind === 'peering' ? p.VpcPeeringConnectionId : connection.kind === 'vpn' ? p.GatewayId : p.TransitGatewayId;
  if (target === undefined) return false;
  if (connection.kind === 'peering' && (target instanceof Unknown || target instanceof Text)) return 'unknown';
  const matches: Fact = connection.kind === 'peering' ? cluster.model.sameRef(target, connection.resource)
    : sameGateway(target, connection.kind === 'vpn' ? connection.vpnGatewayId : connection.transitGatewayId);
  return matches === true && route.exists !== true ? 'unknown' : matches;
}

/**
 * Whether a route table leads a remote block to an on-premises link: route propagation from a
 * virtual private gateway, or its most specific route that holds the block going to a virtual
 * private gateway, a Transit Gateway, a peering connection, a network interface or instance, or
 * Cloud WAN. False when it goes to the internet (an internet gateway, or the default route to a
 * NAT gateway) or nowhere; 'unknown' where deploy-time values or other targets make it uncertain.
 */
export function routed(cluster: ClusterView, table: Resource, cidr: string): Fact {
  const propagations = cluster.index.referrers('AWS::EC2::VPNGatewayRoutePropagation', 'RouteTableIds', table);
  if (propagations.some((p) => p.exists === true)) return true;
  // a propagation whose route tables are a deploy-time value may be this table's
  const unsure = propagations.length > 0 || unsurePropagations(cluster).length > 0;
  const route = staticRoute(cluster, table, cidr);
  return route === true ? true : route === 'unknown' || unsure ? 'unknown' : false;
}

/**
 * Whether a route table leads a declared network's block (a `connectedCidrs` block, a connected
 * VPC's) to a link out of the VPC: its most specific static route that holds the block going to a
 * virtual private gateway, a Transit Gateway, a peering connection, a network interface or instance,
 * or Cloud WAN (as `routed`), or route propagation from a virtual private gateway whose Site-to-Site
 * VPN static routes hold it. Propagation from a gateway whose routes are learned by BGP, or whose
 * VPN connections are not in the templates, may bring the block at run time: 'unknown', never a
 * pass. False when nothing leads there.
 * https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-route-priority.html
 */
export function routedToNetwork(cluster: ClusterView, table: Resource, cidr: string): Fact {
  const route = staticRoute(cluster, table, cidr);
  if (route === true) return true;
  let result: Fact = route;
  const onTable = cluster.index.referrers('AWS::EC2::VPNGatewayRoutePropagation', 'RouteTableIds', table);
  for (const propagation of [...onTable, ...unsurePropagations(cluster).filter((p) => !onTable.includes(p))]) {
    const networks = vpnNetworks(cluster.model, propagation.properties.VpnGatewayId);
    const holds = networks.cidrs.some((block) => cidrContains(block, cidr) === true);
    if (holds && onTable.includes(propagation) && propagation.exists === true) return true;
    if (holds || networks.unlisted !== undefined) result = 'unknown';
  }
  return result;
}

/** Route propagations whose route tables are deploy-time values: each may be any table's. */
function unsurePropagations(cluster: ClusterView): Resource[] {
  return cluster.index.ofType('AWS::EC2::VPNGatewayRoutePropagation').filter((p) => {
    const tables = toList(p.properties.RouteTableIds);
    return tables instanceof Unknown || tables.some((t) => t instanceof Unknown || t instanceof Text);
  });
}

/**
 * Whether a route table's most specific static route that holds a block leads out of the VPC
 * (see `routeTarget`): 'unknown' for deploy-time routes, destinations or targets, or a route whose
 * table is a deploy-time value (it may be this table's).
 */
function staticRoute(cluster: ClusterView, table: Resource, cidr: string): Fact {
  let unsure = cluster.model.anyUnknown('AWS::EC2::Route', 'RouteTableId');
  let best: { route: Resource; prefix: number } | undefined;
  for (const route of cluster.model.routesOf(table)) {
    const p = route.properties;
    if (p.DestinationCidrBlock === undefined) {
      if (p.DestinationPrefixListId !== undefined) unsure = true;
      continue;
    }
    const destination = literal(p.DestinationCidrBlock)?.trim();
    const contains = cidrContains(destination, cidr);
    if (contains === undefined) unsure = true;
    if (!contains) continue;
    const prefix = Number(destination!.split('/')[1]);
    if (!best || prefix > best.prefix) best = { route, prefix };
  }
  if (best) {
    const target = routeTarget(cluster, best.route, best.prefix);
    if (target === true) return best.route.exists === true ? true : 'unknown';
    if (target === 'unknown') return 'unknown';
  }
  return unsure ? 'unknown' : false;
}

export function routeTarget(cluster: ClusterView, route: Resource, prefix: number): Fact {
  const p = route.properties;
  if ([p.TransitGatewayId, p.VpcPeeringConnectionId, p.NetworkInterfaceId, p.InstanceId, p.CoreNetworkArn].some((t) => t !== undefined)) return true;
  if (p.GatewayId !== undefined) {
    const gateway = cluster.index.deref(p.GatewayId);
    const id = literal(p.GatewayId) ?? '';
    if (gateway?.type === 'AWS::EC2::VPNGateway' || id.startsWith('vgw-')) return true;
    if (gateway?.type === 'AWS::EC2::InternetGateway' || id.startsWith('igw-') || id === 'local') return false;
    return 'unknown';
  }
  // the default route to a NAT gateway is the way to the internet, not to the remote network
  if (p.NatGatewayId !== undefined) return prefix === 0 ? false : 'unknown';
  if (p.CarrierGatewayId !== undefined || p.EgressOnlyInternetGatewayId !== undefined) return false;
  return 'unknown';
}
