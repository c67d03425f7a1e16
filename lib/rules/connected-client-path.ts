import { allows443, asList, cidrCovers, ClusterView, ConnectionView } from '../private/network-model';
import { describeConnection } from './connected-client-resolution';
import { EndpointRule, Finding, notVerifiable, violation } from './rule';

/**
 * In Private mode public DNS answers with the endpoint's private addresses, so clients in
 * connected networks need no Resolver, but they need a route to the cluster subnets and
 * back, and the cluster security group must allow TCP 443 from them.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const ConnectedClientPath: EndpointRule = {
  id: 'ConnectedClientPath',
  level: 'error',
  summary: 'In Private mode, connected networks need a route to the cluster subnets and a TCP 443 rule from them.',
  runsIn: 'both',
  check(cluster: ClusterView): Finding[] {
    if (cluster.publicAccess !== false || cluster.privateAccess !== true) return [];
    const findings: Finding[] = [];
    for (const connection of cluster.connections) {
      const through = describeConnection(connection);
      const tables = cluster.subnets.map((s) => s.routeTable);
      if (tables.some((t) => t === undefined)) {
        findings.push(notVerifiable(`the route tables of the cluster subnets are not all in this app. Confirm they route traffic for clients ${through} back to them.`));
      } else if (!tables.every((table) => cluster.model.routesOf(table!).some((r) => routesTo(cluster, r.properties, connection)))) {
        findings.push(violation(this, `No route in the cluster subnets' route tables leads back ${through}: clients there cannot reach the private endpoint. ` +
          'Add a route for their CIDR block to the peering connection or Transit Gateway in every cluster subnet route table.'));
      }
      const from443 = ingressFromOutside(cluster, connection);
      if (from443 === 'unknown') {
        findings.push(notVerifiable(`the rules of the cluster's security groups for clients ${through} are not all readable here. Confirm TCP 443 is allowed from their addresses.`));
      } else if (!from443) {
        findings.push(violation(this, `The cluster security groups allow TCP 443 from no address outside ${cluster.vpcDisplay}: clients ${through} will time out. ` +
          'Allow TCP 443 from their CIDR block into the cluster security group.'));
      }
    }
    return findings;
  },
};

function routesTo(cluster: ClusterView, route: Record<string, any>, connection: ConnectionView): boolean {
  if (connection.kind === 'peering') {
    return route.VpcPeeringConnectionId !== undefined && cluster.model.sameRef(route.VpcPeeringConnectionId, connection.resource);
  }
  return route.TransitGatewayId !== undefined && cluster.index.describe(route.TransitGatewayId) === cluster.index.describe(connection.transitGatewayId);
}

function ingressFromOutside(cluster: ClusterView, connection: ConnectionView): boolean | 'unknown' {
  const vpcCidr = cluster.vpc?.cidr;
  const peerCidr = connection.peerVpc?.cidr;
  let unknown = false;
  for (const sg of cluster.controlPlaneSecurityGroups) {
    for (const rule of cluster.model.ingressInto(cluster.model.securityGroupKey(sg)).filter(allows443)) {
      if (rule.CidrIp === undefined) {
        if (rule.SourceSecurityGroupId !== undefined && connection.peerVpc) {
          const source = cluster.index.deref(rule.SourceSecurityGroupId, 'AWS::EC2::SecurityGroup');
          if (source && connection.peerVpc.resource && cluster.model.sameRef(source.properties.VpcId, connection.peerVpc.resource)) return true;
        }
        continue;
      }
      if (peerCidr) {
        const covers = cidrCovers(rule.CidrIp, peerCidr);
        if (covers === true) return true;
        if (covers === 'unknown') unknown = true;
      } else {
        const inside = cidrCovers(vpcCidr ?? '', asList(rule.CidrIp)[0]);
        if (inside === false) return true; // some block outside the cluster VPC
        if (inside === 'unknown') unknown = true;
      }
    }
  }
  return unknown ? 'unknown' : false;
}
