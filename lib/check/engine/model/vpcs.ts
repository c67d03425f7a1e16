/** VPCs: DNS attributes, DHCP options, endpoints, inbound Resolvers, and connections (peering, Transit Gateway, Site-to-Site VPN). */
import { parseCidr } from '../../../shared/cidr';
import { refersTo, refOf } from '../template/resource-index';
import { Resource } from '../template/template-set';
import { asList, at, describe, Fact, isOpaque, literal, sameValue, Text, toFact, unique, Unknown, Value } from '../template/value';
import { isDeployTime } from './values';
import { ConnectionView, ModelReader, VpcView, VpnNetworks } from './views';

export function buildVpc(model: ModelReader, vpc: Resource): Omit<VpcView, 'display' | 'resource'> {
  const p = vpc.properties;
  const association = model.index.referrers('AWS::EC2::VPCDHCPOptionsAssociation', 'VpcId', vpc)[0];
  let dhcpServers: string[] | 'unknown' | undefined;
  let dhcpOptions: Resource | undefined;
  if (association && association.properties.DhcpOptionsId !== 'default') {
    dhcpOptions = model.index.deref(association.properties.DhcpOptionsId, 'AWS::EC2::DHCPOptions');
    const servers = dhcpOptions?.properties.DomainNameServers;
    dhcpServers = association.exists !== true ? 'unknown'
      : Array.isArray(servers) && !isOpaque(servers) ? servers.map(String)
        : dhcpOptions && servers === undefined ? [] : 'unknown';
  }
  const subnetInVpc = (s: Value) => refersTo(model.index.deref(s, 'AWS::EC2::Subnet')?.properties.VpcId, vpc);
  const cidr = literal(p.CidrBlock);
  return {
    dnsSupport: toFact(p.EnableDnsSupport, true),
    dnsHostnames: toFact(p.EnableDnsHostnames, false),
    dhcpServers,
    dhcpOptions,
    cidr: cidr && parseCidr(cidr) ? cidr : undefined,
    // with those whose VPC is a deploy-time value: they may be this VPC's (the rules count them as unsure)
    endpoints: [...model.index.referrers('AWS::EC2::VPCEndpoint', 'VpcId', vpc),
      ...model.index.ofType('AWS::EC2::VPCEndpoint').filter((e) => isDeployTime(e.properties.VpcId))],
    // with those whose addresses are a deploy-time value: they may be in this VPC (as endpoints above)
    inboundResolvers: model.index.ofType('AWS::Route53Resolver::ResolverEndpoint')
      .filter((e) => e.properties.Direction === 'INBOUND'
        && (isDeployTime(e.properties.IpAddresses) || asList(e.properties.IpAddresses).some((ip) => subnetInVpc(at(ip, 'SubnetId'))))),
    connections: connections(model, (value) => refersTo(value, vpc), vpc),
    secondaryCidrBlocks: [...model.index.referrers('AWS::EC2::VPCCidrBlock', 'VpcId', vpc),
      ...model.index.ofType('AWS::EC2::VPCCidrBlock').filter((b) => isDeployTime(b.properties.VpcId))],
  };
}

/**
 * Peering connections, Transit Gateway attachments and virtual private gateways of a VPC in the
 * templates, or of an imported one by its literal ID.
 */
export function connections(model: ModelReader, isThisVpc: (value: Value) => boolean, resource?: Resource): ConnectionView[] {
  const referring = (type: string, property: string) => resource
    ? model.index.referrers(type, property, resource)
    : model.index.ofType(type).filter((r) => isThisVpc(r.properties[property]));
  return [
    ...[...referring('AWS::EC2::VPCPeeringConnection', 'VpcId'), ...referring('AWS::EC2::VPCPeeringConnection', 'PeerVpcId')]
      .map((pc) => ({
        kind: 'peering' as const,
        display: pc.display,
        resource: pc,
        peerVpc: model.vpc(isThisVpc(pc.properties.VpcId) ? pc.properties.PeerVpcId : pc.properties.VpcId),
      })),
    ...[...referring('AWS::EC2::TransitGatewayAttachment', 'VpcId'), ...referring('AWS::EC2::TransitGatewayVpcAttachment', 'VpcId')]
      .map((a) => ({
        kind: 'transit-gateway' as const, display: a.display, resource: a, transitGatewayId: a.properties.TransitGatewayId,
        securityGroupReferencing: securityGroupReferencing(model, a),
      })),
    // a gateway attachment with VpnGatewayId (with InternetGatewayId it attaches an internet gateway)
    ...referring('AWS::EC2::VPCGatewayAttachment', 'VpcId').filter((a) => a.properties.VpnGatewayId !== undefined)
      .map((a) => vpnGateway(model, a)),
  ];
}

/** A virtual private gateway attached to a VPC, and the on-premises networks behind it. */
export function vpnGateway(model: ModelReader, attachment: Resource): ConnectionView {
  const id = attachment.properties.VpnGatewayId;
  const gateway = model.index.deref(id, 'AWS::EC2::VPNGateway');
  return { kind: 'vpn', display: gateway?.display ?? attachment.display, resource: gateway ?? attachment, vpnGatewayId: id, onPremises: vpnNetworks(model, id) };
}

/**
 * The static routes of the Site-to-Site VPN connections on a virtual private gateway. A
 * connection without `StaticRoutesOnly: true` learns its routes by BGP at run time; a gateway
 * with no VPN connection in the templates has its connections elsewhere: both leave the
 * networks unlisted, as do connections and routes linked by deploy-time values.
 */
export function vpnNetworks(model: ModelReader, gatewayId: Value): VpnNetworks {
  const cidrs: string[] = [];
  const unlisted: string[] = [];
  const connections = model.index.ofType('AWS::EC2::VPNConnection').map((c) => ({ c, same: sameGateway(c.properties.VpnGatewayId, gatewayId) }))
    .filter(({ same }) => same !== false);
  if (!connections.some(({ same }) => same === true)) unlisted.push('no Site-to-Site VPN connection on it is in the templates given');
  for (const { c, same } of connections) {
    if (same === 'unknown') {
      unlisted.push(`the VPN connection ${c.display} names its gateway by a deploy-time value`);
      continue;
    }
    const staticOnly = toFact(c.properties.StaticRoutesOnly, false);
    if (staticOnly === false) unlisted.push(`the VPN connection ${c.display} learns its routes by BGP at run time`);
    else if (staticOnly === 'unknown') unlisted.push(`whether the VPN connection ${c.display} uses static routes is a deploy-time value`);
    for (const route of model.index.referrers('AWS::EC2::VPNConnectionRoute', 'VpnConnectionId', c)) {
      const block = literal(route.properties.DestinationCidrBlock)?.trim();
      if (block !== undefined && parseCidr(block)) cidrs.push(block);
      else unlisted.push(`the block of ${route.display} is ${describe(route.properties.DestinationCidrBlock)}`);
    }
  }
  if (connections.length > 0 && model.anyUnknown('AWS::EC2::VPNConnectionRoute', 'VpnConnectionId')) {
    unlisted.push('a VPN connection route names its connection by a deploy-time value');
  }
  return { cidrs: unique(cidrs), unlisted: unlisted.length > 0 ? unique(unlisted).join('; ') : undefined };
}

/**
 * Security-group referencing across a Transit Gateway: it works only when enabled on the gateway
 * (off by default) and on the attachments (the EC2 API gives on as the attachment's default, the
 * CloudFormation reference off: absent there, it is unknown). A gateway not in the templates is
 * unknown. (vpc/latest/tgw/tgw-vpc-attachments.html; AWS::EC2::TransitGateway and
 * AWS::EC2::TransitGatewayVpcAttachment Options)
 */
export function securityGroupReferencing(model: ModelReader, attachment: Resource): Fact {
  const option = (value: Value, absent: Fact): Fact => (value === undefined ? absent : value === 'enable' ? true : value === 'disable' ? false : 'unknown');
  const own = option(at(attachment.properties.Options, 'SecurityGroupReferencingSupport'), 'unknown');
  const gateway = model.index.deref(attachment.properties.TransitGatewayId, 'AWS::EC2::TransitGateway');
  const gatewayOption = gateway ? option(gateway.properties.SecurityGroupReferencingSupport, false) : 'unknown';
  if (own === false || gatewayOption === false) return false;
  return own === true && gatewayOption === true ? true : 'unknown';
}

/**
 * Whether two gateway ID values name the same gateway: references to the same resource, the
 * same literal, or the same deploy-time value (one parameter); 'unknown' when either is a
 * deploy-time value that may or may not be the other. A reference and a literal ID are not
 * the same: a gateway the templates create has a new ID.
 */
export function sameGateway(a: Value, b: Value): Fact {
  if (a === undefined || b === undefined) return false;
  if (a instanceof Unknown && b instanceof Unknown && a.key !== undefined && a.key === b.key) return true;
  if (a instanceof Unknown || b instanceof Unknown || a instanceof Text || b instanceof Text) return sameValue(a, b) ? true : 'unknown';
  const refA = refOf(a);
  const refB = refOf(b);
  if (refA || refB) return refA?.resource === refB?.resource;
  return sameValue(a, b);
}
