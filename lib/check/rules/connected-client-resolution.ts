import { ClusterView, ConnectionView } from '../engine/network-model';
import { describe } from '../engine/value';
import { EndpointRule, Finding, mayBeMode, notVerifiable, violation } from './rule';

/**
 * The private hosted zone EKS creates is associated with the cluster VPC only. In Public &
 * Private mode, clients in a peered or Transit Gateway-connected VPC (or on-premises) get
 * the public addresses, unless a Route 53 Resolver inbound endpoint in the cluster VPC
 * answers them through a forwarding rule on their side.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html ; AWS Containers
 * blog, "Enabling DNS resolution for Amazon EKS cluster endpoints".
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
    const forwardRules = cluster.index.ofType('AWS::Route53Resolver::ResolverRule')
      .filter((r) => r.properties.RuleType === 'FORWARD' && /(^|\.)eks\.amazonaws\.com\.?$/.test(describe(r.properties.DomainName)));
    for (const connection of cluster.connections) {
      const through = describeConnection(connection);
      if (vpc.inboundResolvers.length === 0) {
        findings.push(violation(this, `Clients ${through} resolve the endpoint to its public addresses (the EKS private zone is associated with ${vpc.display} only) ` +
          'and go the public way, limited by publicAccessCidrs. For the private path, add a Route 53 Resolver inbound endpoint in the cluster VPC and, ' +
          'in the client network, an outbound endpoint with a FORWARD rule for <region>.eks.amazonaws.com to it.'));
        continue;
      }
      const peer = connection.peerVpc;
      if (!peer) {
        findings.push(notVerifiable(`clients ${through} are in a network outside the templates given. Confirm it forwards <region>.eks.amazonaws.com ` +
          `to the inbound Resolver endpoint in ${vpc.display}.`));
        continue;
      }
      const associated = forwardRules.some((rule) => cluster.index.ofType('AWS::Route53Resolver::ResolverRuleAssociation')
        .some((a) => cluster.model.sameRef(a.properties.ResolverRuleId, rule) && peer.resource && cluster.model.sameRef(a.properties.VPCId, peer.resource)));
      if (!associated) {
        findings.push(violation(this, `${vpc.display} has an inbound Resolver endpoint, but no FORWARD rule for eks.amazonaws.com is associated with ${peer.display}: ` +
          `clients ${through} still resolve the public addresses. Associate a forwarding rule with that VPC.`));
      }
    }
    return findings;
  },
};

export function describeConnection(connection: ConnectionView): string {
  return connection.kind === 'peering'
    ? `across the peering ${connection.display}${connection.peerVpc ? ` in ${connection.peerVpc.display}` : ''}`
    : `behind the Transit Gateway attachment ${connection.display}`;
}
