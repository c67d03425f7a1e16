import {
  apiPath, cidrCovers, ClientView, ClusterView, ConnectionView, crosses, describeConnection, ingress443, routeBack, routeToCluster, Space, VpcView,
  vpnClientNetworks, vpnRouteBack,
} from '../engine/model';
import { resolverForwarding } from '../engine/model/forwarded-resolution';
import { Resource } from '../engine/template/template-set';
import { asList, Fact, literal, ResourceRef, unique } from '../engine/template/value';
import {
  about, clientSubject, connectionSubject, EndpointRule, Finding, mayBeMode, maybeClient, notVerifiable, violation, violationFor,
} from './rule';

/**
 * Clients in connected networks take the private endpoint in Private mode (public DNS answers
 * with its private addresses) and, in Public & Private mode, where Route 53 Resolver forwards
 * the endpoint's name to an inbound endpoint in the cluster VPC (without it they resolve the
 * public addresses and go the public way, which this rule does not judge). On the private path
 * they need a route to the cluster subnets and back, and the cluster security group must allow
 * TCP 443 from them. A known client with no path is an error; a connection with no known client
 * (a Site-to-Site VPN to on-premises networks, another account) is a warning when its path is
 * incomplete, since nothing says anyone calls the API from there.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const ConnectedClientPath: EndpointRule = {
  id: 'ConnectedClientPath',
  level: 'error',
  summary: 'Clients in connected networks on the private path (Private mode, or Public & Private with Resolver forwarding) need routes both ways and a TCP 443 rule.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  check(cluster: ClusterView): Finding[] {
    const privateOnly = mayBeMode(cluster, false, true);
    const publicAndPrivate = mayBeMode(cluster, true, true);
    // a VPN whose networks are all the hybrid nodes' is the hybrid rules' to judge
    const connections = cluster.connections.filter((c) => c.kind !== 'vpn' || vpnClientNetworks(cluster, c) !== undefined);
    if ((privateOnly === 'no' && publicAndPrivate === 'no')
      || (connections.length === 0 && cluster.remoteClients.length === 0 && cluster.outsideClients.length === 0)) return [];
    if (privateOnly === 'unknown') {
      return [notVerifiable('the endpoint access flags are deploy-time values. In Private mode, clients in connected networks need a route to the ' +
        'cluster subnets and back, and TCP 443 into the cluster security group.')];
    }
    const findings = privatePaths(this, cluster, connections, privateOnly === 'yes');
    // Public & Private with private access a deploy-time value: what holds only with it on is not verifiable
    return cluster.privateAccess === 'unknown'
      ? findings.map((f) => (f.verified ? notVerifiable(`endpointPrivateAccess is a deploy-time value. If it is true: ${f.message}`) : f))
      : findings;
  },
};

function clientSpace(client: ClientView, connection: ConnectionView): Space {
  const vpc = typeof client.vpcKey === 'object' ? client.vpcKey : connection.peerVpc;
  if (client.subnet?.cidr) return { label: client.subnet.cidr, cidr: client.subnet.cidr, vpc: client.subnet.vpc?.resource ?? vpc?.resource };
  if (vpc?.cidr) return { label: vpc.cidr, cidr: vpc.cidr, vpc: vpc.resource };
  return { label: `the address space of ${client.display}`, vpc: vpc?.resource };
}

/**
 * The findings of the private paths: in Private mode, of every connection and client; in Public &
 * Private mode, of those whose VPC has Resolver forwarding (not verifiable where that is unknown).
 */
function privatePaths(rule: EndpointRule, cluster: ClusterView, connections: ConnectionView[], privateOnly: boolean): Finding[] {
  const findings: Finding[] = [];
  const placed = new Set<ClientView>();
  // in Public & Private mode, whether a VPC's clients take the private path at all
  const forwarding = (vpc: VpcView | string | undefined): Fact => (privateOnly ? true
    : resolverForwarding(cluster, typeof vpc === 'object' ? vpc : undefined).forwarded);
  const ifForwarded = (what: string) => `whether ${what} resolve${what.startsWith('clients') ? '' : 's'} the endpoint's private addresses depends on Route 53 ` +
    'Resolver forwarding not known at synth (see ConnectedClientResolution). If it does:';
  for (const connection of connections) {
    if (connection.kind === 'vpn') {
      // in Public & Private mode on-premises clients resolve the public addresses, unless their own DNS servers
      // forward the name to an inbound Resolver endpoint, which no template shows: ConnectedClientResolution speaks
      if (privateOnly) findings.push(...vpnPath(cluster, connection).map((f) => about(f, connectionSubject(connection))));
      continue;
    }
    // a finding about this connection, and about the clients it names
    const add = (f: Finding, ...named: ClientView[]) => findings.push(about(f, connectionSubject(connection), ...named.map(clientSubject)));
    const across = cluster.remoteClients.filter((c) => crosses(connection, c) === true);
    across.forEach((c) => placed.add(c));
    for (const client of cluster.remoteClients.filter((c) => crosses(connection, c) === 'unknown' && !placed.has(c))) {
      // whether it is across this connection depends on a deploy-time gateway ID: not a missing link, not a known path
      placed.add(client);
      if (forwarding(client.vpcKey) === false) continue;
      add(notVerifiable(`whether ${client.display} (${client.kind}) reaches the cluster ${describeConnection(connection)} depends on a ` +
        'Transit Gateway ID known only at deploy time. If it does: every cluster subnet route table needs a route back for its CIDR block, ' +
        'and the cluster security group a TCP 443 rule from it.'), client);
    }
    const through = describeConnection(connection);
    // the known clients on the private path, and whether that is certain
    const clients = across.map((client) => ({ client, forwarded: forwarding(client.vpcKey) })).filter((c) => c.forwarded !== false);
    if (across.length > 0 && clients.length === 0) continue; // all go the public way
    const connectionForwarded = across.length > 0 ? true : forwarding(connection.peerVpc);
    if (connectionForwarded === false) continue; // nobody across resolves the private addresses

    const tables = cluster.subnets.map((s) => s.routeTable);
    const tablesKnown = !tables.some((t) => t === undefined);
    if (!tablesKnown) {
      add(notVerifiable(`the route tables of the cluster subnets are not all in the templates given. Confirm they route traffic for clients ${through} back to them, and that the clients' route tables route ${clusterSpace(cluster)} ${through}.`));
    }

    if (clients.length > 0) {
      // one route finding per address space, naming the clients in it
      const bySpace = new Map<string, { space: Space; clients: typeof clients }>();
      for (const c of clients) {
        const space = clientSpace(c.client, connection);
        bySpace.set(space.label, { space, clients: [...bySpace.get(space.label)?.clients ?? [], c] });
      }
      const judged = (group: typeof clients, message: string): Finding => {
        const sure = group.filter((c) => c.forwarded === true);
        if (sure.some((c) => !c.client.maybe)) return violation(rule, message);
        if (sure.length > 0) return notVerifiable(`${maybeClient(sure[0].client)} ${message}`);
        return notVerifiable(`${ifForwarded(group.map((c) => c.client.display).join(', '))} ${message}`);
      };
      for (const { space, clients: group } of bySpace.values()) {
        const who = group.map((c) => `${c.client.display} (${c.client.kind})`).join(', ');
        if (tablesKnown) {
          const verdicts = tables.map((table) => routeBack(cluster, table!, connection, space));
          if (verdicts.some((v) => v === false)) {
            add(judged(group, `no route in the cluster subnets' route tables leads back ${through}, so ${who} cannot reach the private endpoint. ` +
              `Add a route for ${space.label} (or a block that holds it) to the peering connection or Transit Gateway in every cluster subnet route table.`),
            ...group.map((c) => c.client));
          } else if (verdicts.some((v) => v === 'unknown')) {
            add(notVerifiable(`routes in the cluster subnets' route tables are deploy-time values. Confirm each table routes traffic for clients ${through} back: ` +
              `${space.label}, for ${who} (a destination that is a prefix list or a deploy-time value is not read here).`), ...group.map((c) => c.client));
          }
        }
        // the client's side: its subnet's route table, when the templates hold it
        for (const c of group) {
          const table = c.client.subnet?.routeTable;
          if (!table) continue;
          const back = routeToCluster(cluster, table, connection);
          if (back === false) {
            add(judged([c], `the route table ${table.display} of ${c.client.display} (${c.client.kind}) has no route for ${clusterSpace(cluster)} ${through}: ` +
              `its requests never reach the private endpoint. Add a route for ${clusterSpace(cluster)} to the peering connection or Transit Gateway in that table.`), c.client);
          } else if (back === 'unknown' && tablesKnown) {
            // (with the cluster's tables unreadable, the warning above already asks to confirm the routes)
            add(notVerifiable(`the routes of ${table.display}, the route table of ${c.client.display}, depend on deploy-time values. ` +
              `Confirm it routes ${clusterSpace(cluster)} ${through}.`), c.client);
          }
        }
      }
      for (const { client, forwarded } of clients) {
        const path = apiPath(cluster.model, cluster, client, connection.kind === 'transit-gateway' ? connection.securityGroupReferencing ?? false : true);
        if (path === 'unknown') {
          findings.push(about(notVerifiable(`the security groups between ${client.display} and the cluster are not all readable here. Confirm TCP 443 is allowed from it.`),
            clientSubject(client)));
        } else if (!path) {
          const acrossTgw = connection.kind === 'transit-gateway' && connection.securityGroupReferencing === false
            && apiPath(cluster.model, cluster, client, true) === true;
          const message = acrossTgw
            ? `${client.display} (${client.kind}) reaches the cluster ${through}, and the cluster security group allows TCP 443 from its security group, ` +
              'but security-group references do not work across a Transit Gateway unless SecurityGroupReferencingSupport is enabled on the gateway and ' +
              'the attachments (off by default): kubectl will time out. Allow its CIDR block instead, or enable the option.'
            : `${client.display} (${client.kind}) reaches the cluster ${through}, but no security group rule allows TCP 443 from it: ` +
              'kubectl will time out. Allow TCP 443 from its CIDR block or security group into the cluster security group.';
          add(forwarded === true ? violationFor(rule, client, message) : notVerifiable(`${ifForwarded(client.display)} ${message}`), client);
        }
      }
      continue;
    }

    // no known client across: whoever may be there
    const who = `clients ${through}`;
    const anyone = (message: string) => notVerifiable(connectionForwarded === true ? `no known API client is ${through}. If there are some: ${message}`
      : `no known API client is ${through}, and ${ifForwarded(`clients ${through}`)} ${message}`);
    const peer = connection.peerVpc;
    const space: Space | undefined = peer ? { label: peer.cidr ?? peer.display, cidr: peer.cidr, vpc: peer.resource, overlap: true } : undefined;
    if (tablesKnown) {
      const verdicts = tables.map((table) => routeBack(cluster, table!, connection, space));
      if (verdicts.some((v) => v === false)) {
        add(anyone(`no route in the cluster subnets' route tables leads back ${through}${space ? ` for ${space.label}` : ''}, so ${who} cannot reach the private endpoint. ` +
          'Add a route for their CIDR block to the peering connection or Transit Gateway in every cluster subnet route table.'));
      } else if (verdicts.some((v) => v === 'unknown')) {
        add(notVerifiable(`routes in the cluster subnets' route tables are deploy-time values. Confirm each table routes traffic for clients ${through} back.`));
      }
    }
    if (peer?.resource) {
      const peerTables = unique(cluster.index.referrers('AWS::EC2::Subnet', 'VpcId', peer.resource)
        .map((s) => cluster.model.subnet(new ResourceRef(s, 'Ref')).routeTable)
        .filter((t): t is Resource => t !== undefined));
      const back = peerTables.map((table) => routeToCluster(cluster, table, connection));
      if (back.length > 0 && back.every((b) => b === false)) {
        add(anyone(`no route table of ${peer.display} routes ${clusterSpace(cluster)} ${through}, so requests from there never reach the private endpoint. ` +
          `Add a route for ${clusterSpace(cluster)} to the peering connection in the route tables of its client subnets.`));
      }
    }
    const from443 = ingressFromOutside(cluster, connection, connection.peerVpc?.cidr);
    if (from443 === 'unknown') {
      add(notVerifiable(`the rules of the cluster's security groups for clients ${through} are not all readable here. Confirm TCP 443 is allowed from their addresses.`));
    } else if (!from443) {
      add(anyone(`the cluster security groups allow TCP 443 from no address outside ${cluster.vpcDisplay}, so ${who} will time out. ` +
        'Allow TCP 443 from their CIDR block into the cluster security group.'));
    }
  }
  if (!privateOnly) return findings; // in Public & Private mode, a client with no private path takes the public one
  // a connection whose VPCs are deploy-time values may be the missing link
  const unsureLinks = cluster.model.anyUnknown('AWS::EC2::VPCPeeringConnection', 'VpcId') || cluster.model.anyUnknown('AWS::EC2::VPCPeeringConnection', 'PeerVpcId')
    || cluster.model.anyUnknown('AWS::EC2::TransitGatewayVpcAttachment', 'VpcId') || cluster.model.anyUnknown('AWS::EC2::TransitGatewayAttachment', 'VpcId');
  for (const client of cluster.remoteClients.filter((c) => !placed.has(c))) {
    const problem = `${client.display} (${client.kind}) is in another VPC with no peering connection or Transit Gateway ` +
      `attachment to ${cluster.vpcDisplay} in the templates given: the private-only endpoint is unreachable from there. Connect the VPCs, or turn public access on.`;
    findings.push(about(unsureLinks ? notVerifiable(`a peering connection or attachment in the templates joins VPCs known only at deploy time. If none joins these: ${problem}`)
      : violationFor(rule, client, problem), clientSubject(client)));
  }
  for (const client of cluster.outsideClients) {
    const problem = `${client.display} (${client.kind}) runs in no VPC, so it can reach only public endpoints, and this one is private only. ` +
      `Give it a VpcConfig in ${cluster.vpcDisplay} (or a connected VPC), or turn public access on.` +
      (client.kind === 'kubectl handler' ? ' For an aws-eks cluster imported with Cluster.fromClusterAttributes, give kubectlPrivateSubnetIds and ' +
        'kubectlSecurityGroupId; for aws-eks-v2, kubectlProviderOptions.privateSubnets (aws-cdk issues 6642, 9542).' : '');
    findings.push(about(violationFor(rule, client, problem), clientSubject(client)));
  }
  return findings;
}

/**
 * The private path of on-premises clients across a Site-to-Site VPN, in Private mode: for each
 * network behind the virtual private gateway (its VPN connections' static routes), every cluster
 * subnet route table routes it back to the gateway (route propagation from it, or a route whose
 * destination holds the block), and the cluster's security groups allow TCP 443 from it. Where
 * the networks are not known (BGP, connections outside the templates), a route to the gateway
 * and a 443 rule from outside the cluster VPC count. No client on premises is ever known, so
 * each finding is a not-verifiable warning: nothing in the app says anyone calls the API from there.
 */
function vpnPath(cluster: ClusterView, connection: ConnectionView): Finding[] {
  const networks = vpnClientNetworks(cluster, connection);
  if (!networks) return [];
  const through = describeConnection(connection);
  const unlisted = networks.unlisted ? ` (the networks behind it are not all known at synth: ${networks.unlisted})` : '';
  const anyone = (message: string) => notVerifiable(`no known API client is ${through}. If there are some: ${message}`);
  const findings: Finding[] = [];
  // the known blocks, or, when none is known, whatever is behind the gateway
  const spaces: Array<string | undefined> = networks.blocks.length > 0 ? networks.blocks : [undefined];
  const what = (blocks: Array<string | undefined>) => (blocks.every((b) => b === undefined) ? 'the on-premises networks' : blocks.join(', '));

  const tables = cluster.subnets.map((s) => s.routeTable);
  if (tables.some((t) => t === undefined)) {
    findings.push(notVerifiable(`the route tables of the cluster subnets are not all in the templates given. Confirm they route ${what(spaces)} to the ` +
      `virtual private gateway ${connection.display} (a route, or route propagation from it) for clients ${through}${unlisted}.`));
  } else {
    const verdicts = spaces.map((block) => ({ block, routed: tables.map((table) => vpnRouteBack(cluster, table!, connection, block)) }));
    const missing = verdicts.filter((v) => v.routed.includes(false)).map((v) => v.block);
    const unsure = verdicts.filter((v) => !v.routed.includes(false) && v.routed.includes('unknown')).map((v) => v.block);
    if (missing.length > 0) {
      findings.push(anyone(`no route in the cluster subnets' route tables leads ${what(missing)} back to its virtual private gateway${unlisted}, ` +
        'so they cannot reach the private endpoint. Propagate the gateway\'s routes into every cluster subnet route table ' +
        '(AWS::EC2::VPNGatewayRoutePropagation; vpnRoutePropagation on ec2.Vpc), or add to each a route for ' +
        `${what(missing)} with the gateway as its GatewayId.`));
    }
    if (unsure.length > 0) {
      findings.push(notVerifiable(`routes or route propagation in the cluster subnets' route tables depend on deploy-time values. Confirm each table routes ` +
        `${what(unsure)} to the virtual private gateway ${connection.display}, for clients ${through}.`));
    }
  }

  const allowed = spaces.map((block) => ({ block, from443: ingressFromOutside(cluster, connection, block) }));
  const closed = allowed.filter((a) => a.from443 === false).map((a) => a.block);
  if (closed.length > 0) {
    findings.push(anyone(closed.every((b) => b === undefined)
      ? `the cluster security groups allow TCP 443 from no address outside ${cluster.vpcDisplay}${unlisted}, so they will time out. ` +
        'Allow TCP 443 from their CIDR blocks into the cluster security group (connectedCidrs on EndpointCluster).'
      : `no rule of the cluster security groups allows TCP 443 from ${what(closed)}, so they will time out. ` +
        `Allow TCP 443 from ${what(closed)} into the cluster security group (connectedCidrs on EndpointCluster).`));
  }
  if (allowed.some((a) => a.from443 === 'unknown')) {
    findings.push(notVerifiable(`the rules of the cluster's security groups for clients ${through} are not all readable here. ` +
      `Confirm TCP 443 is allowed from ${what(allowed.filter((a) => a.from443 === 'unknown').map((a) => a.block))}.`));
  }
  return findings;
}

/** The cluster's address space, for messages. */
function clusterSpace(cluster: ClusterView): string {
  return cluster.vpc?.cidr ?? `the block of ${cluster.vpcDisplay}`;
}

/**
 * Whether the cluster's security groups allow TCP 443 from across a connection: from `peerCidr`
 * (a rule whose block holds it) when it is known, else from any block outside the cluster VPC
 * (or, across a peering, the peer VPC's security groups).
 */
function ingressFromOutside(cluster: ClusterView, connection: ConnectionView, peerCidr: string | undefined): Fact {
  const vpcCidr = cluster.vpc?.cidr;
  // a group not in the templates is not counted against: only the rules read here can open the path
  return ingress443(cluster, (rule, port) => {
    if (port === 'unknown' || rule.maybe) return 'unknown';
    if (rule.CidrIp === undefined) {
      if (rule.SourceSecurityGroupId !== undefined && connection.peerVpc) {
        const source = cluster.index.deref(rule.SourceSecurityGroupId, 'AWS::EC2::SecurityGroup');
        if (source && connection.peerVpc.resource && cluster.model.sameRef(source.properties.VpcId, connection.peerVpc.resource)) return true;
      }
      return false;
    }
    if (peerCidr) return cidrCovers(rule.CidrIp, peerCidr);
    const inside = cidrCovers(vpcCidr ?? '', literal(asList(rule.CidrIp)[0]));
    return inside === false ? true : inside === 'unknown' ? 'unknown' : false; // true: some block outside the cluster VPC
  }, false);
}
