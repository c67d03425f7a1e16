import { allows443, apiPath, cidrCovers, ClientView, ClusterView, ConnectionView } from '../engine/network-model';
import { Resource } from '../engine/template-set';
import { asList, Fact, literal, sameValue, Text, Unknown, Value } from '../engine/value';
import { describeConnection } from './connected-client-resolution';
import { EndpointRule, Finding, mayBeMode, maybeClient, notVerifiable, violation, violationFor } from './rule';

/**
 * In Private mode public DNS answers with the endpoint's private addresses, so clients in
 * connected networks need no Resolver, but they need a route to the cluster subnets and
 * back, and the cluster security group must allow TCP 443 from them. A known client with no
 * path is an error; a connection with no known client (on-premises, another account) is a
 * warning when its path is incomplete, since nothing says anyone calls the API from there.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const ConnectedClientPath: EndpointRule = {
  id: 'ConnectedClientPath',
  level: 'error',
  summary: 'In Private mode, clients in connected networks need a route to the cluster subnets and a TCP 443 rule from them.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  runsIn: 'both',
  check(cluster: ClusterView): Finding[] {
    const privateOnly = mayBeMode(cluster, false, true);
    if (privateOnly === 'no' || (cluster.connections.length === 0 && cluster.remoteClients.length === 0 && cluster.outsideClients.length === 0)) return [];
    if (privateOnly === 'unknown') {
      return [notVerifiable('the endpoint access flags are deploy-time values. In Private mode, clients in connected networks need a route to the ' +
        'cluster subnets and back, and TCP 443 into the cluster security group.')];
    }
    const findings: Finding[] = [];
    const placed = new Set<ClientView>();
    for (const connection of cluster.connections) {
      const clients = cluster.remoteClients.filter((c) => crosses(connection, c) === true);
      clients.forEach((c) => placed.add(c));
      for (const client of cluster.remoteClients.filter((c) => crosses(connection, c) === 'unknown' && !placed.has(c))) {
        // whether it is across this connection depends on a deploy-time gateway ID: not a missing link, not a known path
        placed.add(client);
        findings.push(notVerifiable(`whether ${client.display} (${client.kind}) reaches the cluster ${describeConnection(connection)} depends on a ` +
          'Transit Gateway ID known only at deploy time. If it does: every cluster subnet route table needs a route back for its CIDR block, ' +
          'and the cluster security group a TCP 443 rule from it.'));
      }
      const through = describeConnection(connection);
      const who = clients.length > 0 ? clients.map((c) => `${c.display} (${c.kind})`).join(', ') : `clients ${through}`;
      const definite = (message: string) => (clients.some((c) => !c.maybe) ? violation(this, message)
        : clients.length > 0 ? notVerifiable(`${maybeClient(clients[0])} ${message}`)
          : notVerifiable(`no known API client is ${through}. If there are some: ${message}`));

      const tables = cluster.subnets.map((s) => s.routeTable);
      if (tables.some((t) => t === undefined)) {
        findings.push(notVerifiable(`the route tables of the cluster subnets are not all in the templates given. Confirm they route traffic for clients ${through} back to them.`));
      } else if (tables.some((table) => routeBack(cluster, table!, connection) === 'unknown') && tables.every((table) => routeBack(cluster, table!, connection) !== false)) {
        findings.push(notVerifiable(`routes in the cluster subnets' route tables are deploy-time values. Confirm each table routes traffic for clients ${through} back.`));
      } else if (!tables.every((table) => routeBack(cluster, table!, connection) === true)) {
        findings.push(definite(`no route in the cluster subnets' route tables leads back ${through}, so ${who} cannot reach the private endpoint. ` +
          'Add a route for their CIDR block to the peering connection or Transit Gateway in every cluster subnet route table.'));
      }

      if (clients.length > 0) {
        for (const client of clients) {
          const path = apiPath(cluster.model, cluster, client, connection.kind === 'transit-gateway' ? connection.securityGroupReferencing ?? false : true);
          if (path === 'unknown') {
            findings.push(notVerifiable(`the security groups between ${client.display} and the cluster are not all readable here. Confirm TCP 443 is allowed from it.`));
          } else if (!path) {
            const acrossTgw = connection.kind === 'transit-gateway' && connection.securityGroupReferencing === false
              && apiPath(cluster.model, cluster, client, true) === true;
            findings.push(violationFor(this, client, acrossTgw
              ? `${client.display} (${client.kind}) reaches the cluster ${through}, and the cluster security group allows TCP 443 from its security group, ` +
                'but security-group references do not work across a Transit Gateway unless SecurityGroupReferencingSupport is enabled on the gateway and ' +
                'the attachments (off by default): kubectl will time out. Allow its CIDR block instead, or enable the option.'
              : `${client.display} (${client.kind}) reaches the cluster ${through}, but no security group rule allows TCP 443 from it: ` +
                'kubectl will time out. Allow TCP 443 from its CIDR block or security group into the cluster security group.'));
          }
        }
      } else {
        const from443 = ingressFromOutside(cluster, connection);
        if (from443 === 'unknown') {
          findings.push(notVerifiable(`the rules of the cluster's security groups for clients ${through} are not all readable here. Confirm TCP 443 is allowed from their addresses.`));
        } else if (!from443) {
          findings.push(definite(`the cluster security groups allow TCP 443 from no address outside ${cluster.vpcDisplay}, so ${who} will time out. ` +
            'Allow TCP 443 from their CIDR block into the cluster security group.'));
        }
      }
    }
    // a connection whose VPCs are deploy-time values may be the missing link
    const unsureLinks = cluster.model.anyUnknown('AWS::EC2::VPCPeeringConnection', 'VpcId') || cluster.model.anyUnknown('AWS::EC2::VPCPeeringConnection', 'PeerVpcId')
      || cluster.model.anyUnknown('AWS::EC2::TransitGatewayVpcAttachment', 'VpcId') || cluster.model.anyUnknown('AWS::EC2::TransitGatewayAttachment', 'VpcId');
    for (const client of cluster.remoteClients.filter((c) => !placed.has(c))) {
      const problem = `${client.display} (${client.kind}) is in another VPC with no peering connection or Transit Gateway ` +
        `attachment to ${cluster.vpcDisplay} in the templates given: the private-only endpoint is unreachable from there. Connect the VPCs, or turn public access on.`;
      findings.push(unsureLinks ? notVerifiable(`a peering connection or attachment in the templates joins VPCs known only at deploy time. If none joins these: ${problem}`)
        : violationFor(this, client, problem));
    }
    for (const client of cluster.outsideClients) {
      const problem = `${client.display} (${client.kind}) runs in no VPC, so it can reach only public endpoints, and this one is private only. ` +
        `Give it a VpcConfig in ${cluster.vpcDisplay} (or a connected VPC), or turn public access on.`;
      findings.push(violationFor(this, client, problem));
    }
    return findings;
  },
};

/** Whether a client in another VPC is on the far side of a connection: 'unknown' when a gateway ID is a deploy-time value. */
function crosses(connection: ConnectionView, client: ClientView): Fact {
  if (connection.kind === 'peering') {
    return connection.peerVpc !== undefined && client.vpcKey === connection.peerVpc;
  }
  const clientVpc = typeof client.vpcKey === 'object' ? client.vpcKey : undefined;
  const same = (clientVpc?.connections ?? []).filter((c) => c.kind === 'transit-gateway').map((c) => sameGateway(c.transitGatewayId, connection.transitGatewayId));
  return same.includes(true) ? true : same.includes('unknown') ? 'unknown' : false;
}

/**
 * Whether two gateway ID values name the same gateway: the same reference, the same literal,
 * or the same deploy-time value (one parameter); 'unknown' when either is a deploy-time value
 * that may or may not be the other.
 */
function sameGateway(a: Value, b: Value): Fact {
  if (a === undefined || b === undefined) return false;
  if (a instanceof Unknown && b instanceof Unknown && a.key !== undefined && a.key === b.key) return true;
  if (a instanceof Unknown || b instanceof Unknown || a instanceof Text || b instanceof Text) return sameValue(a, b) ? true : 'unknown';
  return sameValue(a, b);
}

/** Whether a route table has a route back through a connection: true, false, or 'unknown' for deploy-time routes. */
function routeBack(cluster: ClusterView, table: Resource, connection: ConnectionView): Fact {
  const own = cluster.model.routesOf(table).map((r) => routesTo(cluster, r, connection));
  if (own.includes(true)) return true;
  // a route whose table is a deploy-time value may be this table's
  const unsure = cluster.model.anyUnknown('AWS::EC2::Route', 'RouteTableId');
  return own.includes('unknown') || unsure ? 'unknown' : false;
}

function routesTo(cluster: ClusterView, route: Resource, connection: ConnectionView): Fact {
  const p = route.properties;
  const target = connection.kind === 'peering' ? p.VpcPeeringConnectionId : p.TransitGatewayId;
  if (target === undefined) return false;
  if (connection.kind === 'peering' && (target instanceof Unknown || target instanceof Text)) return 'unknown';
  const matches: Fact = connection.kind === 'peering' ? cluster.model.sameRef(target, connection.resource) : sameGateway(target, connection.transitGatewayId);
  return matches === true && route.exists !== true ? 'unknown' : matches;
}

function ingressFromOutside(cluster: ClusterView, connection: ConnectionView): boolean | 'unknown' {
  const vpcCidr = cluster.vpc?.cidr;
  const peerCidr = connection.peerVpc?.cidr;
  let unknown = false;
  for (const sg of cluster.controlPlaneSecurityGroups) {
    for (const rule of cluster.model.ingressInto(cluster.model.securityGroupKey(sg))) {
      const port = allows443(rule);
      if (port === false) continue;
      if (port === 'unknown' || rule.opaque || rule.maybe) {
        unknown = true;
        continue;
      }
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
        const inside = cidrCovers(vpcCidr ?? '', literal(asList(rule.CidrIp)[0]));
        if (inside === false) return true; // some block outside the cluster VPC
        if (inside === 'unknown') unknown = true;
      }
    }
  }
  return unknown ? 'unknown' : false;
}
