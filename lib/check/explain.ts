import { EndpointMode } from '../endpoint-mode';

/** One client of the Kubernetes API, in one mode: what DNS answers it, which path it takes, what lets it through. */
interface Flow {
  readonly client: string;
  readonly dns: 'public' | 'private' | 'private (from public DNS)';
  readonly path: string;
  /** What allows or blocks the path, with the rules that check it. */
  readonly needs: string;
  readonly reachable: boolean;
}

const INTERNET = 'you, on the internet';
const BASTION = 'a bastion or CI runner in the cluster VPC';
const NODES = 'the nodes (kubelet, kube-proxy)';
const KUBELET = 'the API server, to kubelet (logs, exec, webhooks)';
const CONNECTED = 'a client in a peered or Transit Gateway VPC';
const ON_PREMISES = 'a client on-premises (VPN, Direct Connect)';

const TO_KUBELET: Flow = {
  client: KUBELET, dns: 'private', path: 'private: the EKS-owned ENIs into the node subnets, in every mode', needs: 'the cluster security group (EKS sets it up)', reachable: true,
};

/**
 * Who reaches the Kubernetes API by which path in each endpoint mode: the same model the
 * check judges an app against, with no app. Source: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
function flows(mode: EndpointMode): Flow[] {
  if (!mode.privateAccess) {
    return [
      { client: INTERNET, dns: 'public', path: 'the public endpoint', needs: 'your address in publicAccessCidrs (PublicEndpointOpen warns when it is open to all)', reachable: true },
      { client: BASTION, dns: 'public', path: 'out through the NAT gateway to the public endpoint', needs: 'the NAT gateway\'s address in publicAccessCidrs (PublicOnlyNodeEgress)', reachable: true },
      { client: NODES, dns: 'public', path: 'out through the NAT gateway to the public endpoint', needs: 'internet egress, and the NAT address in publicAccessCidrs (PublicOnlyNodeEgress)', reachable: true },
      TO_KUBELET,
      { client: CONNECTED, dns: 'public', path: 'its own internet egress to the public endpoint', needs: 'its egress address in publicAccessCidrs', reachable: true },
      { client: ON_PREMISES, dns: 'public', path: 'the internet to the public endpoint', needs: 'its egress address in publicAccessCidrs', reachable: true },
    ];
  }
  const inVpc = 'the private endpoint: the EKS-owned ENIs in the cluster subnets';
  const vpcNeeds = 'TCP 443 into the cluster security group (ClientSecurityGroupPath); VPC DNS support and hostnames (VpcDnsSupport, VpcDnsHostnames, DhcpOptionsDns)';
  const own: Flow[] = [
    { client: BASTION, dns: 'private', path: inVpc, needs: vpcNeeds, reachable: true },
    { client: NODES, dns: 'private', path: inVpc, needs: `${vpcNeeds}; without internet egress, VPC endpoints (IsolatedNodeEndpoints)`, reachable: true },
    TO_KUBELET,
  ];
  if (mode.publicAccess) {
    return [
      { client: INTERNET, dns: 'public', path: 'the public endpoint', needs: 'your address in publicAccessCidrs (PublicEndpointOpen warns when it is open to all)', reachable: true },
      ...own,
      { client: CONNECTED, dns: 'public', path: 'the public endpoint, unless Route 53 Resolver forwards the name to the cluster VPC', needs: 'its egress address in publicAccessCidrs; for the private path, Resolver forwarding, a route and TCP 443 (ConnectedClientResolution)', reachable: true },
      { client: ON_PREMISES, dns: 'public', path: 'the public endpoint, unless on-premises DNS forwards the name to an inbound Resolver endpoint', needs: 'its egress address in publicAccessCidrs; for the private path, forwarding, a route and TCP 443 (ConnectedClientResolution)', reachable: true },
    ];
  }
  return [
    { client: INTERNET, dns: 'private (from public DNS)', path: 'none: there is no public endpoint', needs: 'a network connected to the VPC, or the bastion', reachable: false },
    ...own,
    { client: CONNECTED, dns: 'private (from public DNS)', path: 'across the peering or Transit Gateway to the EKS-owned ENIs', needs: 'routes both ways and TCP 443 from its CIDR block (ConnectedClientPath)', reachable: true },
    { client: ON_PREMISES, dns: 'private (from public DNS)', path: 'across the VPN or Direct Connect to the EKS-owned ENIs', needs: 'routes both ways and TCP 443 from its CIDR block (ConnectedClientPath)', reachable: true },
  ];
}

/** The flow table and a Mermaid flowchart of a mode, as Markdown. */
export function explainMode(mode: EndpointMode): string {
  const rows = flows(mode);
  const table = [
    '| client | DNS answer | path | what it needs (rule) |',
    '|---|---|---|---|',
    ...rows.map((f) => `| ${f.client} | ${f.dns} | ${f.path} | ${f.needs} |`),
  ].join('\n');
  return `# ${mode.name}: who reaches the Kubernetes API, and how\n\n${table}\n\n\`\`\`mermaid\n${mermaid(mode, rows)}\n\`\`\`\n`;
}

function mermaid(mode: EndpointMode, rows: Flow[]): string {
  const id = (client: string) => `c${rows.findIndex((r) => r.client === client)}`;
  const lines = ['flowchart LR'];
  for (const f of rows.filter((r) => r.client !== KUBELET)) lines.push(`  ${id(f.client)}["${f.client}"]`);
  if (mode.publicAccess) lines.push('  pub(["public endpoint"])');
  if (mode.privateAccess) lines.push('  priv(["private endpoint: EKS-owned ENIs"])');
  lines.push('  api[["Kubernetes API server"]]', '  kubelet["kubelet on the nodes"]');
  for (const f of rows.filter((r) => r.client !== KUBELET)) {
    const target = f.path.startsWith('none') ? (mode.privateAccess ? 'priv' : 'pub')
      : /private endpoint|EKS-owned ENIs/.test(f.path) ? 'priv' : 'pub';
    const label = f.dns === 'private' ? 'private zone' : f.dns === 'public' ? 'public DNS' : 'public DNS, private addresses';
    lines.push(f.reachable ? `  ${id(f.client)} -- "${label}" --> ${target}` : `  ${id(f.client)} -. "no route" .-x ${target}`);
  }
  if (mode.publicAccess) lines.push('  pub --> api');
  if (mode.privateAccess) lines.push('  priv --> api');
  lines.push('  api -- "private, always" --> kubelet');
  return lines.join('\n');
}
