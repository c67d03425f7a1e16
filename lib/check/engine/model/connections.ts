/** Connections from the cluster VPC to other networks, as the rules name and judge them. */
import { cidrContains } from '../../../shared/cidr';
import { literal } from '../template/value';
import { ClusterView, ConnectionView } from './views';

/** How to say where clients of a connection are, for messages: "across the peering ...", "on premises across the VPN ...". */
export function describeConnection(connection: ConnectionView): string {
  return connection.kind === 'peering'
    ? `across the peering ${connection.display}${connection.peerVpc ? ` in ${connection.peerVpc.display}` : ''}`
    : connection.kind === 'vpn' ? `on premises across the VPN ${connection.display}`
      : `behind the Transit Gateway attachment ${connection.display}`;
}

/**
 * The on-premises networks behind a virtual private gateway whose clients the connected-client
 * rules judge: its static routes' blocks, less those inside a remote node or pod network (hybrid
 * nodes, which HybridNodePath, HybridNodeSecurityGroup and HybridNodeEndpointMode judge), and why
 * there may be others. Undefined when nothing is left.
 */
export function vpnClientNetworks(cluster: ClusterView, connection: ConnectionView): { blocks: string[]; unlisted?: string } | undefined {
  const networks = connection.onPremises ?? { cidrs: [] };
  const hybrid = [...cluster.remoteNodeNetworks.cidrs, ...cluster.remotePodNetworks.cidrs].map((c) => literal(c)?.trim()).filter((c): c is string => c !== undefined);
  const blocks = networks.cidrs.filter((block) => !hybrid.some((h) => cidrContains(h, block) === true));
  return blocks.length === 0 && networks.unlisted === undefined ? undefined : { blocks, unlisted: networks.unlisted };
}
