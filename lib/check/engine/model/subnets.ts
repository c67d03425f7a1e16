/** Subnets: their route table and how they reach the internet. */
import { cidrContains, parseCidr, REMOTE_NETWORK_RANGES } from '../../../shared/cidr';
import { Resource } from '../template/template-set';
import { literal, Value } from '../template/value';
import { listOrUnknown } from './values';
import { Egress, ModelReader, SubnetView } from './views';

export function routeTableOf(model: ModelReader, subnet: Resource): { association?: Resource; routeTable?: Resource } {
  const association = model.index.referrers('AWS::EC2::SubnetRouteTableAssociation', 'SubnetId', subnet)[0];
  return { association, routeTable: association ? model.index.deref(association.properties.RouteTableId, 'AWS::EC2::RouteTable') : undefined };
}

export function buildSubnet(model: ModelReader, subnet: Resource): SubnetView {
  const vpc = model.vpc(subnet.properties.VpcId);
  const { association, routeTable } = routeTableOf(model, subnet);
  const routes = routeTable ? model.routesOf(routeTable) : [];
  let egress: Egress;
  let natEip: Resource | undefined;
  let natSecondaryEips: Resource[] | 'unknown' | undefined;
  // an association or a route whose subnet or table is a deploy-time value may be this subnet's
  const unsure = (!association && model.anyUnknown('AWS::EC2::SubnetRouteTableAssociation', 'SubnetId'))
    || (association !== undefined && association.exists !== true)
    || (routeTable !== undefined && model.anyUnknown('AWS::EC2::Route', 'RouteTableId'));
  // no association: the VPC's main route table, which no template holds (CloudFormation creates it
  // with the local route only, but it can be changed outside CloudFormation): not verifiable
  if (!association || !routeTable || (unsure && !routes.some((r) => r.exists === true && r.properties.DestinationCidrBlock === '0.0.0.0/0'))) {
    egress = 'unknown';
  } else {
    const defaultRoute = routes.find((r) => r.properties.DestinationCidrBlock === '0.0.0.0/0');
    const p = defaultRoute?.properties ?? {};
    if (!defaultRoute) {
      egress = vpc?.resource && routes.every((r) => r.exists === true && isPrivateDestination(r.properties)) ? 'none' : 'unknown';
    } else if (defaultRoute.exists !== true) {
      egress = 'unknown';
    } else if (p.NatGatewayId !== undefined) {
      // the NAT gateway the traffic leaves from: this one, or the public one a private one leads to
      const first = model.index.deref(p.NatGatewayId, 'AWS::EC2::NatGateway');
      const led = first ? natEgress(model, first) : { egress: 'nat' as const, publicNat: undefined };
      egress = led.egress;
      const nat = led.publicNat;
      natEip = nat && egress === 'nat' ? model.index.deref(nat.properties.AllocationId, 'AWS::EC2::EIP') : undefined;
      const secondary = nat ? listOrUnknown(nat.properties.SecondaryAllocationIds).map((a) => model.index.deref(a, 'AWS::EC2::EIP')) : [];
      natSecondaryEips = secondary.length === 0 ? undefined : secondary.every((e) => e !== undefined) ? secondary as Resource[] : 'unknown';
    } else if (p.GatewayId !== undefined) {
      const gateway = model.index.deref(p.GatewayId);
      egress = gateway?.type === 'AWS::EC2::InternetGateway' || /^igw-/.test(String(p.GatewayId)) ? 'igw' : gateway ? 'other' : 'unknown';
    } else if (p.TransitGatewayId !== undefined) {
      egress = 'tgw';
    } else {
      egress = 'other';
    }
  }
  const cidr = literal(subnet.properties.CidrBlock);
  const region = subnet.template.input.region;
  return {
    display: subnet.display, resource: subnet, vpc, cidr: cidr && parseCidr(cidr) ? cidr : undefined, ...(region !== undefined ? { region } : {}),
    egress, natEip, natSecondaryEips, routes, routeTable,
  };
}

/**
 * Where a NAT gateway leads, and the public NAT gateway the traffic leaves from when it reaches
 * the internet. A public one is NAT egress itself. A private one (`ConnectivityType: private`)
 * has no internet path of its own: it leads on only through its own subnet's default route, to
 * a Transit Gateway (an egress VPC, say) or a public NAT gateway (whose address the traffic
 * then leaves from); to an internet gateway, which drops it; back to itself or round a chain of
 * private NAT gateways, which is a loop. A chain that reaches what the templates do not show is unknown.
 * "You can route traffic from the NAT gateway through a transit gateway or a virtual private
 * gateway ... if you route traffic from the private NAT gateway to the internet gateway, the
 * internet gateway drops the traffic" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html).
 */
export function natEgress(model: ModelReader, nat: Resource, visited: Set<Resource> = new Set()): { egress: Egress; publicNat?: Resource } {
  const connectivity = nat.properties.ConnectivityType;
  if (connectivity === undefined || connectivity === 'public') return { egress: 'nat', publicNat: nat };
  if (connectivity !== 'private') return { egress: 'unknown' };
  // a loop: the traffic comes back to a private NAT gateway it has passed, and never leaves
  if (visited.has(nat)) return { egress: 'none' };
  visited.add(nat);
  const natSubnet = model.index.deref(nat.properties.SubnetId, 'AWS::EC2::Subnet');
  if (!natSubnet) return { egress: 'unknown' };
  const { routeTable } = routeTableOf(model, natSubnet);
  if (!routeTable) return { egress: 'unknown' };
  const onward = model.routesOf(routeTable).find((r) => r.properties.DestinationCidrBlock === '0.0.0.0/0');
  if (!onward) return { egress: 'none' };
  if (onward.exists !== true) return { egress: 'unknown' };
  const p = onward.properties;
  if (p.TransitGatewayId !== undefined) return { egress: 'tgw' };
  if (p.NatGatewayId !== undefined) {
    const next = model.index.deref(p.NatGatewayId, 'AWS::EC2::NatGateway');
    return next ? natEgress(model, next, visited) : { egress: 'unknown' };
  }
  const gatewayId = p.GatewayId;
  if (gatewayId !== undefined) {
    const gateway = model.index.deref(gatewayId);
    if (gateway?.type === 'AWS::EC2::InternetGateway' || /^igw-/.test(String(literal(gatewayId)))) return { egress: 'none' };
  }
  return { egress: 'other' };
}

/** Whether a route (other than 0.0.0.0/0) certainly does not lead to the internet. */
export function isPrivateDestination(route: Record<string, Value>): boolean {
  if (route.DestinationCidrBlock === undefined) {
    return route.DestinationIpv6CidrBlock !== undefined && route.DestinationPrefixListId === undefined;
  }
  return REMOTE_NETWORK_RANGES.some((range) => cidrContains(range, route.DestinationCidrBlock) === true);
}
