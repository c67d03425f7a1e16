/**
 * The networks a cluster's templates declare as connected: each block outside the cluster VPC that
 * a TCP 443 rule lets into the cluster's security groups (what `EndpointCluster` makes of each
 * `connectedCidrs` block and each connected VPC's), and whether the route tables of the cluster
 * subnets lead there. The remote node and pod networks of hybrid nodes are not among them: they
 * are the cluster's own (`RemoteNetworkConfig`), judged by the HybridNode rules.
 */
import { cidrContains, overlaps, parseCidr } from '../../../shared/cidr';
import { CONNECTED_NETWORK_RULE } from '../../../shared/client-metadata';
import { refOf } from '../template/resource-index';
import { Resource } from '../template/template-set';
import { literal, ResourceRef, unique } from '../template/value';
import { vpnClientNetworks } from './connections';
import { ingress443 } from './paths';
import { routedToNetwork } from './routes';
import { ClusterView, ConnectedNetwork, ConnectionView, NetworkRoutes, VpcView } from './views';

const cache = new WeakMap<ClusterView, ConnectedNetwork[]>();

/** The connected networks of a cluster, built once per cluster view. */
export function connectedNetworks(cluster: ClusterView): ConnectedNetwork[] {
  let found = cache.get(cluster);
  if (!found) {
    found = buildConnectedNetworks(cluster);
    cache.set(cluster, found);
  }
  return found;
}

function buildConnectedNetworks(cluster: ClusterView): ConnectedNetwork[] {
  const vpcCidr = cluster.vpc?.cidr;
  const ownBlocks = [vpcCidr, ...(cluster.vpc?.secondaryCidrBlocks ?? []).map((b) => literal(b.properties.CidrBlock)?.trim())]
    .filter((b): b is string => b !== undefined && parseCidr(b) !== undefined);
  const hybrid = [...cluster.remoteNodeNetworks.cidrs, ...cluster.remotePodNetworks.cidrs]
    .map((c) => literal(c)?.trim()).filter((c): c is string => c !== undefined && parseCidr(c) !== undefined);
  const found = new Map<string, ConnectedNetwork>();
  // the one walk over the rules that may let TCP 443 in: each CIDR source is read, none is counted as a path
  ingress443(cluster, (rule, port) => {
    const ref = refOf(rule.CidrIp);
    const vpc = ref?.resource.type === 'AWS::EC2::VPC' && ref.attribute === 'CidrBlock' ? cluster.model.vpc(rule.CidrIp) : undefined;
    const cidr = (vpc ? vpc.cidr : literal(rule.CidrIp))?.trim();
    if (cidr === undefined || parseCidr(cidr) === undefined || cidr === '0.0.0.0/0' || (vpc !== undefined && vpc === cluster.vpc)) return false;
    const marked = rule.Description === CONNECTED_NETWORK_RULE;
    // a block of the cluster VPC is its own subnets; where the VPC's block is not known, only the construct's mark says it is outside
    if (ownBlocks.some((own) => overlaps(own, cidr) !== false) || (vpcCidr === undefined && !marked)) return false;
    if (hybrid.some((h) => cidrContains(h, cidr) === true)) return false;
    const known = found.get(cidr);
    found.set(cidr, {
      cidr,
      vpc: known?.vpc ?? vpc ?? vpcWithBlock(cluster, cidr),
      marked: (known?.marked ?? false) || marked,
      maybe: (known?.maybe ?? true) && (rule.maybe === true || port !== true),
      connection: known?.connection ?? judgedConnection(cluster, cidr, vpc),
      routes: known?.routes ?? networkRoutes(cluster, cidr),
    });
    return false;
  }, false);
  return [...found.values()];
}

/** A VPC in the templates, other than the cluster's, whose literal block is this one. */
function vpcWithBlock(cluster: ClusterView, cidr: string): VpcView | undefined {
  const vpc = cluster.index.ofType('AWS::EC2::VPC').find((v) => v !== cluster.vpc?.resource && literal(v.properties.CidrBlock)?.trim() === cidr);
  return vpc ? cluster.model.vpc(new ResourceRef(vpc, 'Ref')) : undefined;
}

/** The connection whose routes ConnectedClientPath judges for this block, when there is one. */
function judgedConnection(cluster: ClusterView, cidr: string, vpc: VpcView | undefined): ConnectionView | undefined {
  return cluster.connections.find((c) => {
    if (c.kind === 'peering') return c.peerVpc !== undefined && (c.peerVpc === vpc || cidrContains(c.peerVpc.cidr, cidr) === true);
    if (c.kind === 'vpn') return (vpnClientNetworks(cluster, c)?.blocks ?? []).some((block) => cidrContains(block, cidr) === true);
    return false; // what is behind a Transit Gateway is not in the VPC's templates
  });
}

/** Whether every route table of the cluster subnets leads to a block (`routedToNetwork`). */
export function networkRoutes(cluster: ClusterView, cidr: string): NetworkRoutes {
  const unread = cluster.subnets.filter((s) => s.routeTable === undefined);
  const tables = unique(cluster.subnets.map((s) => s.routeTable).filter((t): t is Resource => t !== undefined))
    .map((table) => ({ table, routed: routedToNetwork(cluster, table, cidr) }));
  const verdicts = tables.map((t) => t.routed);
  const verdict = cluster.subnets.length === 0 ? 'not verifiable'
    : verdicts.length > 0 && verdicts.every((v) => v === false) && unread.length === 0 ? 'no route'
      : verdicts.includes(false) && verdicts.includes(true) && !verdicts.includes('unknown') && unread.length === 0 ? 'partly routed'
        : verdicts.every((v) => v === true) && unread.length === 0 ? 'routed' : 'not verifiable';
  return { tables, unread, verdict };
}
