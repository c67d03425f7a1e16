import { ClusterView, ConnectionView, VpcView } from '../engine/network-model';
import { Resource } from '../engine/template-set';
import { asList, at, describe, Fact, literal, ResourceRef, Text, toList, Unknown, Value } from '../engine/value';
import { EndpointRule, Finding, mayBeMode, notVerifiable, violation } from './rule';

/** What to forward, for messages: the endpoint's own host name, or the regional EKS domain. */
const FORWARD_WHAT = 'a FORWARD rule for the endpoint\'s host name (Fn::Select [2, Fn::Split ["/", <cluster>.Endpoint]]) or <region>.eks.amazonaws.com';

/**
 * The private hosted zone EKS creates is associated with the cluster VPC only. In Public &
 * Private mode, clients in a peered or Transit Gateway-connected VPC (or on-premises) get
 * the public addresses, unless a Route 53 Resolver inbound endpoint in the cluster VPC
 * answers them through a forwarding rule on their side: a FORWARD rule for the endpoint's
 * host name (or the regional EKS domain) whose targets are the inbound endpoint's addresses,
 * associated with their VPC.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html ; AWS Containers
 * blog, "Enabling DNS resolution for Amazon EKS cluster endpoints";
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-inbound-queries.html
 */
export const ConnectedClientResolution: EndpointRule = {
  id: 'ConnectedClientResolution',
  level: 'warning',
  summary: 'In Public & Private mode, clients in connected networks resolve the endpoint to public addresses without Resolver forwarding.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  runsIn: 'both',
  check(cluster: ClusterView): Finding[] {
    const publicAndPrivate = mayBeMode(cluster, true, true);
    if (publicAndPrivate === 'no' || cluster.connections.length === 0) return [];
    if (publicAndPrivate === 'unknown') {
      return [notVerifiable('the endpoint access flags are deploy-time values. In Public & Private mode, clients across ' +
        `${cluster.connections.map((c) => c.display).join(', ')} resolve the public addresses unless Route 53 Resolver forwards the endpoint name to the cluster VPC.`)];
    }
    const vpc = cluster.vpc;
    if (!vpc) {
      return cluster.connections.map((c) => notVerifiable(`clients ${describeConnection(c)} reach ${cluster.vpcDisplay}, which is not in the templates given. ` +
        'Unless it has a Route 53 Resolver inbound endpoint and their network forwards the endpoint name to it, they resolve the public addresses.'));
    }
    const findings: Finding[] = [];
    for (const connection of cluster.connections) {
      const through = describeConnection(connection);
      if (vpc.inboundResolvers.length === 0) {
        findings.push(violation(this, `Clients ${through} resolve the endpoint to its public addresses (the EKS private zone is associated with ${vpc.display} only) ` +
          'and go the public way, limited by publicAccessCidrs. For the private path, add a Route 53 Resolver inbound endpoint in the cluster VPC and, ' +
          `for the client network, an outbound endpoint with ${FORWARD_WHAT} to its addresses, associated with the client VPC.`));
        continue;
      }
      const peer = connection.peerVpc;
      if (!peer?.resource) {
        findings.push(notVerifiable(`clients ${through} are in a network outside the templates given. Confirm it forwards the endpoint's host name ` +
          `(or <region>.eks.amazonaws.com) to the inbound Resolver endpoint in ${vpc.display}.`));
        continue;
      }
      const finding = forwarding(this, cluster, vpc, peer, through);
      if (finding) findings.push(finding);
    }
    return findings;
  },
};

/** How a FORWARD rule associated with the client VPC serves the endpoint's name: each part true, false or 'unknown'. */
interface Forwarding {
  /** The rule, or the association when the rule is not in the templates (a rule shared through AWS RAM, by ID). */
  readonly display: string;
  readonly rule?: Resource;
  /** Whether its domain holds the endpoint's name. */
  readonly domain: Fact;
  /** Whether it forwards to the inbound endpoint's addresses. */
  readonly targets: Fact;
  /** Whether it is a FORWARD rule, and it and its association with the client VPC certainly exist. */
  readonly exists: Fact;
}

/** The finding for one client VPC: none when a FORWARD rule for the endpoint's name to the inbound endpoint is associated with it. */
function forwarding(rule: EndpointRule, cluster: ClusterView, vpc: VpcView, peer: VpcView, through: string): Finding | undefined {
  const inbound = inboundAddresses(vpc);
  const candidates: Forwarding[] = [];
  for (const association of cluster.index.ofType('AWS::Route53Resolver::ResolverRuleAssociation')) {
    const vpcId = association.properties.VPCId;
    // an association whose VPC is a deploy-time value may be the client VPC's
    const toPeer: Fact = cluster.model.sameRef(vpcId, peer.resource) ? true : vpcId instanceof Unknown || vpcId instanceof Text ? 'unknown' : false;
    if (toPeer === false) continue;
    const forward = cluster.index.deref(association.properties.ResolverRuleId, 'AWS::Route53Resolver::ResolverRule');
    if (!forward) {
      candidates.push({ display: association.display, domain: 'unknown', targets: 'unknown', exists: 'unknown' });
      continue;
    }
    const type = forward.properties.RuleType;
    if (type !== 'FORWARD' && !(type instanceof Unknown)) continue;
    const exists: Fact = toPeer === true && type === 'FORWARD' && association.exists === true && forward.exists === true ? true : 'unknown';
    candidates.push({
      display: forward.display, rule: forward, exists,
      domain: forwardsEndpointName(forward.properties.DomainName, cluster), targets: targetsInbound(forward, inbound),
    });
  }
  if (candidates.some((c) => c.domain === true && c.targets === true && c.exists === true)) return undefined;

  const maybe = candidates.find((c) => c.domain !== false && c.targets !== false);
  if (maybe) {
    const doubts = !maybe.rule ? ['the rule is not in the templates given (a rule shared through AWS RAM, say)'] : [
      maybe.domain === 'unknown' ? `its DomainName (${describe(maybe.rule.properties.DomainName)}) is a deploy-time value, or not read as the endpoint's host name here` : undefined,
      maybe.targets === 'unknown' ? 'its TargetIps or the inbound endpoint\'s addresses are not known at synth (an inbound endpoint without a fixed Ip ' +
        `gets its addresses when it is created; the inbound addresses: ${inbound.describe})` : undefined,
      maybe.exists === 'unknown' ? 'its type, or whether it or its association with the client VPC exists, depends on a deploy-time value' : undefined,
    ].filter((d): d is string => d !== undefined);
    return notVerifiable(`the Resolver rule ${maybe.display} is associated with ${peer.display}, but ${doubts.join('; ')}. Confirm it forwards the endpoint's host name ` +
      `(or <region>.eks.amazonaws.com) to the inbound Resolver endpoint in ${vpc.display}; otherwise clients ${through} resolve the public addresses.`);
  }
  const astray = candidates.find((c) => c.domain === true && c.targets === false && c.rule);
  if (astray) {
    return violation(rule, `the FORWARD rule ${astray.display} for the endpoint's name is associated with ${peer.display}, but it forwards to ` +
      `${describe(asList(astray.rule!.properties.TargetIps).map((t) => at(t, 'Ip')))}, none of the addresses of the inbound Resolver endpoint in ${vpc.display} ` +
      `(${inbound.describe}): clients ${through} do not get the private zone's answer. Point its TargetIps at the inbound endpoint's addresses.`);
  }
  return violation(rule, `${vpc.display} has an inbound Resolver endpoint, but no FORWARD rule for the endpoint's name is associated with ${peer.display}: ` +
    `clients ${through} still resolve the public addresses. Associate ${FORWARD_WHAT}, targeting the inbound endpoint's addresses, with that VPC.`);
}

/**
 * Whether a rule's DomainName holds the endpoint's name: a literal (or built) name that ends in
 * eks.amazonaws.com, or this cluster's own host name cut from its `Endpoint` attribute
 * (`https://<host>`: item 2 of a split on "/", or item 1 of a split on "//"). The host of
 * another resource (another cluster) is not this one's; a deploy-time value may be anything.
 */
function forwardsEndpointName(domain: Value, cluster: ClusterView): Fact {
  const eksDomain = /(^|\.)eks\.amazonaws\.com\.?$/;
  if (typeof domain === 'string') return eksDomain.test(domain.trim());
  if (domain instanceof Text) {
    // the host name with a trailing dot: `Fn::Join ["", [<host>, "."]]`
    if (domain.parts.length === 2 && domain.parts[1] === '.' && domain.parts[0] instanceof Unknown) return forwardsEndpointName(domain.parts[0], cluster);
    const last = domain.parts[domain.parts.length - 1];
    if (typeof last !== 'string') return 'unknown';
    if (eksDomain.test(last)) return true;
    // a deploy-time part before the literal tail may still make the name end in eks.amazonaws.com
    return 'eks.amazonaws.com'.endsWith(last.replace(/\.$/, '')) ? 'unknown' : false;
  }
  if (domain instanceof Unknown && domain.cut) {
    const { ref, delimiter, index } = domain.cut;
    if (ref.resource !== cluster.resource || ref.attribute !== 'Endpoint') return false;
    return (delimiter === '/' && index === 2) || (delimiter === '//' && index === 1) ? true : 'unknown';
  }
  return domain instanceof Unknown || domain instanceof ResourceRef ? 'unknown' : false;
}

/** The addresses of the inbound endpoints in the cluster VPC, and whether all are literal. */
interface InboundAddresses {
  readonly known: Set<string>;
  readonly complete: boolean;
  readonly describe: string;
}

function inboundAddresses(vpc: VpcView): InboundAddresses {
  const known = new Set<string>();
  let complete = true;
  for (const endpoint of vpc.inboundResolvers) {
    const list = toList(endpoint.properties.IpAddresses);
    if (list instanceof Unknown) {
      complete = false;
      continue;
    }
    for (const address of list) {
      const ip = literal(at(address, 'Ip'));
      if (ip === undefined) complete = false;
      else known.add(ip.trim());
    }
  }
  const shown = [...known].join(', ');
  return { known, complete, describe: complete ? shown : `${shown ? `${shown} and ` : ''}some chosen by Route 53 at creation` };
}

/**
 * Whether a FORWARD rule's targets include an inbound endpoint's address: true when a literal
 * target is one; false when all targets and all inbound addresses are literal and none matches;
 * 'unknown' otherwise.
 */
function targetsInbound(rule: Resource, inbound: InboundAddresses): Fact {
  const list = toList(rule.properties.TargetIps);
  if (list instanceof Unknown) return 'unknown';
  const ips = list.map((target) => literal(at(target, 'Ip')));
  if (ips.some((ip) => ip !== undefined && inbound.known.has(ip.trim()))) return true;
  return inbound.complete && ips.every((ip) => ip !== undefined) ? false : 'unknown';
}

export function describeConnection(connection: ConnectionView): string {
  return connection.kind === 'peering'
    ? `across the peering ${connection.display}${connection.peerVpc ? ` in ${connection.peerVpc.display}` : ''}`
    : `behind the Transit Gateway attachment ${connection.display}`;
}
