import { ClusterView, ConnectedNetwork } from '../engine/model';
import { about, EndpointRule, Finding, mayBePrivate, networkSubject, notVerifiable, violation } from './rule';

/**
 * A network declared as connected (a TCP 443 rule from its block into the cluster's security
 * groups: `connectedCidrs`, `connectedVpcs`) reaches the private endpoint only if the cluster
 * subnets route its block back: the EKS-owned ENIs answer from any of them, through their route
 * tables ("the route table for each subnet must have a route" to the other network: peering,
 * Transit Gateway, virtual private gateway). An error when every route table of the cluster
 * subnets is in the templates and none leads there; a warning when some do and others do not;
 * not verifiable when routes may come from outside the templates (route propagation from a
 * virtual private gateway whose routes BGP learns, a gateway given by an ID, a route table not in
 * the templates). A block whose connection is in the templates (a peering to its VPC, a VPN whose
 * static routes hold it) is ConnectedClientPath's to judge; the hybrid nodes' networks are
 * HybridNodePath's.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html ;
 * https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-route-priority.html
 */
export const ConnectedNetworkRoute: EndpointRule = {
  id: 'ConnectedNetworkRoute',
  level: 'error',
  summary: 'Every network declared as connected (a TCP 443 rule from its block: connectedCidrs, connectedVpcs) is routed from the cluster subnets\' route tables.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  check(cluster: ClusterView): Finding[] {
    if (!mayBePrivate(cluster)) return []; // with no private endpoint, connected networks take the public one: their routes are not the cluster's
    const findings: Finding[] = [];
    for (const network of cluster.connectedNetworks.filter((n) => n.connection === undefined)) {
      const found = judge(this, cluster, network);
      if (!found) continue;
      const hedged = network.maybe && found.verified
        ? notVerifiable(`the TCP 443 rule from ${network.cidr} exists under a condition, or its group or port is a deploy-time value. If it exists: ${found.message}`)
        : cluster.privateAccess === 'unknown' && found.verified
          ? notVerifiable(`endpointPrivateAccess is a deploy-time value. If it is true: ${found.message}`) : found;
      findings.push(about(hedged, networkSubject(network.cidr)));
    }
    return findings;
  },
};

/** The finding for one network, or none when every cluster subnet routes it. */
function judge(rule: EndpointRule, cluster: ClusterView, network: ConnectedNetwork): Finding | undefined {
  const what = `the connected network ${network.cidr}${network.vpc ? ` (${network.vpc.display})` : ''}`;
  const how = `Add to each a route for ${network.cidr} to the link that leads there: a Transit Gateway (ec2.CfnRoute with destinationCidrBlock ` +
    `'${network.cidr}' and transitGatewayId), a peering connection (vpcPeeringConnectionId) or a virtual private gateway (gatewayId, or its route ` +
    'propagation: vpnRoutePropagation on ec2.Vpc).';
  const { tables, unread, verdict } = network.routes;
  const why = 'the EKS-owned ENIs answer its clients from the cluster subnets, so their replies follow those subnets\' route tables';
  if (cluster.subnets.length === 0) {
    return notVerifiable(`the cluster's subnets are ${cluster.subnetsUnknown ?? 'not in the templates given'}. Confirm the route tables of its subnets ` +
      `route ${network.cidr} to the link to ${what}: ${why}.`);
  }
  const missing = tables.filter((t) => t.routed === false).map((t) => t.table.display);
  if (verdict === 'routed') return undefined;
  if (verdict === 'no route') {
    return violation(rule, `no route table of the cluster subnets (${missing.join(', ')}) leads to ${what}, which a TCP 443 rule declares a client ` +
      `network: its clients resolve the endpoint to private addresses and time out, as ${why}. ${how}`);
  }
  if (verdict === 'partly routed') {
    return { level: 'warning', verified: true, message: `the route table${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of the cluster subnets ` +
      `lead${missing.length > 1 ? '' : 's'} nowhere for ${what}, while others route it: EKS may put its ENIs in any cluster subnet, and clients whose ` +
      `answer comes from one there time out. ${how}` };
  }
  const unsure = tables.filter((t) => t.routed === 'unknown').map((t) => t.table.display);
  const parts = [
    ...(unread.length > 0 ? [`the route tables of ${[...new Set(unread.map((s) => s.display))].join(', ')} are not in the templates given`] : []),
    ...(unsure.length > 0 ? [`the routes for ${network.cidr} in ${unsure.join(', ')} may come from outside the templates (route propagation from a virtual private ` +
      'gateway whose routes are learned at run time, a gateway given by an ID) or depend on deploy-time values'] : []),
    ...(missing.length > 0 ? [`${missing.join(', ')} ${missing.length > 1 ? 'have' : 'has'} no route for it`] : []),
  ];
  return notVerifiable(`${parts.join('; ')}. Confirm every route table of the cluster subnets routes ${network.cidr} to the link to ${what}: ${why}.`);
}
