import { ClusterView, describeConnection, vpnClientNetworks } from '../engine/model';
import { resolverForwarding } from '../engine/model/forwarded-resolution';
import { asList, at, describe } from '../engine/template/value';
import { about, connectionSubject, EndpointRule, Finding, mayBeMode, notVerifiable, violation } from './rule';

/** What to forward, for messages: the endpoint's own host name, or the regional EKS domain. */
const FORWARD_WHAT = 'a FORWARD rule for the endpoint\'s host name (Fn::Select [2, Fn::Split ["/", <cluster>.Endpoint]]) or <region>.eks.amazonaws.com';

/**
 * The private hosted zone EKS creates is associated with the cluster VPC only. In Public &
 * Private mode, clients in a peered or Transit Gateway-connected VPC (or on premises) get
 * the public addresses, unless a Route 53 Resolver inbound endpoint in the cluster VPC
 * answers them through a forwarding rule on their side: a FORWARD rule for the endpoint's
 * host name (or the regional EKS domain) whose targets are the inbound endpoint's addresses,
 * associated with their VPC. On premises (a Site-to-Site VPN) that forwarding is configured on
 * their own DNS servers, which no template shows: without an inbound endpoint they certainly
 * get the public addresses; with one, nothing is said.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html ; AWS Containers
 * blog, "Enabling DNS resolution for Amazon EKS cluster endpoints";
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-inbound-queries.html
 */
export const ConnectedClientResolution: EndpointRule = {
  id: 'ConnectedClientResolution',
  level: 'warning',
  summary: 'In Public & Private mode, clients in connected networks resolve the endpoint to public addresses without Resolver forwarding.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  check(cluster: ClusterView): Finding[] {
    const publicAndPrivate = mayBeMode(cluster, true, true);
    // a VPN whose networks are all the hybrid nodes' is HybridNodeEndpointMode's to judge
    const connections = cluster.connections.filter((c) => c.kind !== 'vpn' || vpnClientNetworks(cluster, c) !== undefined);
    if (publicAndPrivate === 'no' || connections.length === 0) return [];
    if (publicAndPrivate === 'unknown') {
      return [about(notVerifiable('the endpoint access flags are deploy-time values. In Public & Private mode, clients across ' +
        `${connections.map((c) => c.display).join(', ')} resolve the public addresses unless Route 53 Resolver forwards the endpoint name to the cluster VPC.`),
      ...connections.map(connectionSubject))];
    }
    const vpc = cluster.vpc;
    if (!vpc) {
      return connections.map((c) => about(notVerifiable(`clients ${describeConnection(c)} reach ${cluster.vpcDisplay}, which is not in the templates given. ` +
        'Unless it has a Route 53 Resolver inbound endpoint and their network forwards the endpoint name to it, they resolve the public addresses.'), connectionSubject(c)));
    }
    const findings: Finding[] = [];
    for (const connection of connections) {
      const through = describeConnection(connection);
      const push = (f: Finding) => findings.push(about(f, connectionSubject(connection)));
      if (connection.kind === 'vpn') {
        // their DNS servers are on premises: whether they forward to an inbound endpoint is never in a template
        if (vpc.inboundResolvers.length === 0) {
          push(violation(this, `Clients ${through} resolve the endpoint to its public addresses (the EKS private zone is associated with ${vpc.display} only) ` +
            'and go the public way, limited by publicAccessCidrs. For the private path, add a Route 53 Resolver inbound endpoint in the cluster VPC and have your ' +
            'on-premises DNS servers forward the endpoint\'s host name (or <region>.eks.amazonaws.com) to its addresses; they then also need the routes back ' +
            'over the VPN and TCP 443 from their networks.'));
        }
        continue;
      }
      const verdict = resolverForwarding(cluster, connection.peerVpc);
      const peer = connection.peerVpc?.display ?? 'the client VPC';
      switch (verdict.why) {
        case 'forwarded':
          break;
        case 'no-inbound':
          push(violation(this, `Clients ${through} resolve the endpoint to its public addresses (the EKS private zone is associated with ${vpc.display} only) ` +
            'and go the public way, limited by publicAccessCidrs. For the private path, add a Route 53 Resolver inbound endpoint in the cluster VPC and, ' +
            `for the client network, an outbound endpoint with ${FORWARD_WHAT} to its addresses, associated with the client VPC.`));
          break;
        case 'client-vpc-outside':
          push(notVerifiable(`clients ${through} are in a network outside the templates given. Confirm it forwards the endpoint's host name ` +
            `(or <region>.eks.amazonaws.com) to the inbound Resolver endpoint in ${vpc.display}.`));
          break;
        case 'doubts':
          push(notVerifiable(`the Resolver rule ${verdict.rule} is associated with ${peer}, but ${verdict.doubts.join('; ')}. Confirm it forwards the endpoint's host name ` +
            `(or <region>.eks.amazonaws.com) to the inbound Resolver endpoint in ${vpc.display}; otherwise clients ${through} resolve the public addresses.`));
          break;
        case 'astray':
          push(violation(this, `the FORWARD rule ${verdict.rule.display} for the endpoint's name is associated with ${peer}, but it forwards to ` +
            `${describe(asList(verdict.rule.properties.TargetIps).map((t) => at(t, 'Ip')))}, none of the addresses of the inbound Resolver endpoint in ${vpc.display} ` +
            `(${verdict.inbound}): clients ${through} do not get the private zone's answer. Point its TargetIps at the inbound endpoint's addresses.`));
          break;
        case 'no-rule':
          push(violation(this, `${vpc.display} has an inbound Resolver endpoint, but no FORWARD rule for the endpoint's name is associated with ${peer}: ` +
            `clients ${through} still resolve the public addresses. Associate ${FORWARD_WHAT}, targeting the inbound endpoint's addresses, with that VPC.`));
          break;
        case 'cluster-vpc-outside':
          break; // handled above: the cluster VPC is in the templates here
      }
    }
    return findings;
  },
};
