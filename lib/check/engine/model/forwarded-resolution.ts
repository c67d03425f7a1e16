import { ClusterView, VpcView } from './views';
import { Resource } from '../template/template-set';
import { at, describe, Fact, literal, ResourceRef, Text, toList, Unknown, Value } from '../template/value';

/**
 * Whether the clients of a VPC get the endpoint's private addresses through Route 53 Resolver:
 * an inbound endpoint in the cluster VPC, and a FORWARD rule for the endpoint's host name (or
 * the regional EKS domain) to its addresses, associated with their VPC. In Public & Private
 * mode that decides their path: private with forwarding, public without. One reading for
 * ConnectedClientResolution (which reports it) and ConnectedClientPath (which follows it).
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html ;
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-inbound-queries.html
 */
export type Forwarding =
  /** Forwarded: the rule and its association certainly exist and name the endpoint and the inbound addresses. */
  | { readonly forwarded: true; readonly why: 'forwarded' }
  /** The cluster VPC has no inbound Resolver endpoint. */
  | { readonly forwarded: false; readonly why: 'no-inbound' }
  /** No FORWARD rule for the endpoint's name is associated with the client VPC. */
  | { readonly forwarded: false; readonly why: 'no-rule' }
  /** A FORWARD rule for the endpoint's name is associated, but targets none of the inbound addresses. */
  | { readonly forwarded: false; readonly why: 'astray'; readonly rule: Resource; readonly inbound: string }
  /** The cluster VPC is not in the templates. */
  | { readonly forwarded: 'unknown'; readonly why: 'cluster-vpc-outside' }
  /** The client network is not in the templates (a Transit Gateway's other side, an imported VPC). */
  | { readonly forwarded: 'unknown'; readonly why: 'client-vpc-outside' }
  /** A rule that may forward the name, with the doubts about it. */
  | { readonly forwarded: 'unknown'; readonly why: 'doubts'; readonly rule: string; readonly doubts: string[] };

/** How a FORWARD rule associated with the client VPC serves the endpoint's name: each part true, false or 'unknown'. */
interface Candidate {
  /** The rule, or the association when the rule is not in the templates (a rule shared through AWS RAM, by ID). */
  readonly display: string;
  readonly rule?: Resource;
  readonly domain: Fact;
  readonly targets: Fact;
  /** Whether it is a FORWARD rule, and it and its association with the client VPC certainly exist. */
  readonly exists: Fact;
}

/** Whether the clients in `client` (a VPC in the templates, or undefined for a network outside them) resolve the private addresses. */
export function resolverForwarding(cluster: ClusterView, client: VpcView | undefined): Forwarding {
  const vpc = cluster.vpc;
  if (!vpc) return { forwarded: 'unknown', why: 'cluster-vpc-outside' };
  if (vpc.inboundResolvers.length === 0) return { forwarded: false, why: 'no-inbound' };
  if (!client?.resource) return { forwarded: 'unknown', why: 'client-vpc-outside' };
  const inbound = inboundAddresses(vpc);
  const candidates: Candidate[] = [];
  for (const association of cluster.index.ofType('AWS::Route53Resolver::ResolverRuleAssociation')) {
    const vpcId = association.properties.VPCId;
    // an association whose VPC is a deploy-time value may be the client VPC's
    const toClient: Fact = cluster.model.sameRef(vpcId, client.resource) ? true : vpcId instanceof Unknown || vpcId instanceof Text ? 'unknown' : false;
    if (toClient === false) continue;
    const forward = cluster.index.deref(association.properties.ResolverRuleId, 'AWS::Route53Resolver::ResolverRule');
    if (!forward) {
      candidates.push({ display: association.display, domain: 'unknown', targets: 'unknown', exists: 'unknown' });
      continue;
    }
    const type = forward.properties.RuleType;
    if (type !== 'FORWARD' && !(type instanceof Unknown)) continue;
    const exists: Fact = toClient === true && type === 'FORWARD' && association.exists === true && forward.exists === true ? true : 'unknown';
    candidates.push({
      display: forward.display, rule: forward, exists,
      domain: forwardsEndpointName(forward.properties.DomainName, cluster), targets: targetsInbound(forward, inbound),
    });
  }
  if (candidates.some((c) => c.domain === true && c.targets === true && c.exists === true)) return { forwarded: true, why: 'forwarded' };

  const maybe = candidates.find((c) => c.domain !== false && c.targets !== false);
  if (maybe) {
    const doubts = !maybe.rule ? ['the rule is not in the templates given (a rule shared through AWS RAM, say)'] : [
      maybe.domain === 'unknown' ? `its DomainName (${describe(maybe.rule.properties.DomainName)}) is a deploy-time value, or not read as the endpoint's host name here` : undefined,
      maybe.targets === 'unknown' ? 'its TargetIps or the inbound endpoint\'s addresses are not known at synth (an inbound endpoint without a fixed Ip ' +
        `gets its addresses when it is created; the inbound addresses: ${inbound.describe})` : undefined,
      maybe.exists === 'unknown' ? 'its type, or whether it or its association with the client VPC exists, depends on a deploy-time value' : undefined,
    ].filter((d): d is string => d !== undefined);
    return { forwarded: 'unknown', why: 'doubts', rule: maybe.display, doubts };
  }
  const astray = candidates.find((c) => c.domain === true && c.targets === false && c.rule);
  if (astray) return { forwarded: false, why: 'astray', rule: astray.rule!, inbound: inbound.describe };
  return { forwarded: false, why: 'no-rule' };
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
