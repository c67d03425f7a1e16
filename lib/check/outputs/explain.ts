import { ModeFlags } from '../../shared/endpoint-modes';
import { flowchart } from './flow-report';

/** One client of the Kubernetes API, in one mode: what DNS answers it, which path it takes, what lets it through. */
interface Flow {
  readonly client: string;
  readonly dns: 'public' | 'private' | 'private (from public DNS)';
  readonly path: string;
  /** What allows or blocks the path, with the rules that check it. */
  readonly needs: string;
  readonly reachable: boolean;
  /** The endpoint it takes, or would: the private one when there is no public one. */
  readonly endpoint: 'public' | 'private';
}

const INTERNET = 'you, on the internet';
const BASTION = 'a bastion or CI runner in the cluster VPC';
const NODES = 'the nodes (kubelet, kube-proxy)';
const KUBELET = 'the API server, to kubelet (logs, exec, webhooks)';
const CONNECTED = 'a client in a peered or Transit Gateway VPC';
const ON_PREMISES = 'a client on-premises (VPN, Direct Connect)';
const HYBRID = 'hybrid nodes (kubelet, kube-proxy)';
const HYBRID_PODS = 'pods on hybrid nodes (the kubernetes service)';
const KUBECTL_HANDLER = 'the kubectl handler (a Lambda function of aws-eks or aws-eks-v2)';

/**
 * Pods on hybrid nodes reach the API through the kubernetes service, whose endpoints are the
 * EKS-owned ENIs, in every mode. https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-concepts-traffic-flows.html
 */
const FROM_HYBRID_PODS: Flow = {
  client: HYBRID_PODS, dns: 'private', path: 'across the VPN or Direct Connect to the EKS-owned ENIs, in every mode',
  needs: 'routes to the remote networks (HybridNodePath) and TCP 443 from the pod network (HybridNodeSecurityGroup)', endpoint: 'private', reachable: true,
};

const TO_KUBELET: Flow = {
  client: KUBELET, dns: 'private', path: 'private: the EKS-owned ENIs into the node subnets, in every mode', needs: 'the cluster security group (EKS sets it up)', reachable: true, endpoint: 'private',
};

/**
 * The kubectl handler with private access on: aws-eks (v1) and aws-eks-v2 place it in the cluster's
 * private subnets and the cluster security group (aws-cdk issues 27055, 21122).
 */
const KUBECTL_IN_VPC: Flow = {
  client: KUBECTL_HANDLER, dns: 'private', path: 'the private endpoint, from the private subnets, in the cluster security group',
  needs: 'TCP 443 into the cluster security group (ClientSecurityGroupPath: the cluster security group admits its own members)', endpoint: 'private', reachable: true,
};

/**
 * Who reaches the Kubernetes API by which path in each endpoint mode: the same model the
 * check judges an app against, with no app. Source: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
function flows(mode: ModeFlags): Flow[] {
  if (!mode.privateAccess) {
    return [
      { client: INTERNET, dns: 'public', path: 'the public endpoint', needs: 'your address in publicAccessCidrs (PublicEndpointOpen warns when it is open to all)', endpoint: 'public', reachable: true },
      { client: BASTION, dns: 'public', path: 'out through the NAT gateway to the public endpoint', needs: 'the NAT gateway\'s address in publicAccessCidrs (PublicOnlyNodeEgress)', endpoint: 'public', reachable: true },
      { client: NODES, dns: 'public', path: 'out through the NAT gateway to the public endpoint', needs: 'internet egress, and the NAT address in publicAccessCidrs (PublicOnlyNodeEgress)', endpoint: 'public', reachable: true },
      TO_KUBELET,
      { client: CONNECTED, dns: 'public', path: 'its own internet egress to the public endpoint', needs: 'its egress address in publicAccessCidrs', endpoint: 'public', reachable: true },
      { client: ON_PREMISES, dns: 'public', path: 'the internet to the public endpoint', needs: 'its egress address in publicAccessCidrs', endpoint: 'public', reachable: true },
      { client: HYBRID, dns: 'public', path: 'their internet egress to the public endpoint', needs: 'their egress addresses in publicAccessCidrs (HybridNodeEndpointMode); for kubelet, routes from the cluster subnets to their network (HybridNodePath)', endpoint: 'public', reachable: true },
      FROM_HYBRID_PODS,
      {
        client: KUBECTL_HANDLER, dns: 'public', path: 'outside any VPC (where aws-eks and aws-eks-v2 put it in this mode), from AWS\'s shared addresses to the public endpoint',
        needs: 'an allow-list open to every address (OutsideVpcClientAllowList); placed in the VPC, the NAT address in publicAccessCidrs (PublicOnlyNodeEgress)', endpoint: 'public', reachable: true,
      },
    ];
  }
  const inVpc = 'the private endpoint: the EKS-owned ENIs in the cluster subnets';
  const vpcNeeds = 'TCP 443 into the cluster security group (ClientSecurityGroupPath; ClientLikeInstancePath without an access entry); VPC DNS support and hostnames (VpcDnsSupport, VpcDnsHostnames, DhcpOptionsDns)';
  const own: Flow[] = [
    { client: BASTION, dns: 'private', path: inVpc, needs: vpcNeeds, endpoint: 'private', reachable: true },
    { client: NODES, dns: 'private', path: inVpc, needs: `${vpcNeeds}; without internet egress, VPC endpoints (IsolatedNodeEndpoints)`, endpoint: 'private', reachable: true },
    TO_KUBELET,
  ];
  if (mode.publicAccess) {
    return [
      { client: INTERNET, dns: 'public', path: 'the public endpoint', needs: 'your address in publicAccessCidrs (PublicEndpointOpen warns when it is open to all)', endpoint: 'public', reachable: true },
      ...own,
      { client: CONNECTED, dns: 'public', path: 'the public endpoint, unless Route 53 Resolver forwards the name to the cluster VPC', needs: 'its egress address in publicAccessCidrs; for the private path, Resolver forwarding, a route and TCP 443 (ConnectedClientResolution)', endpoint: 'public', reachable: true },
      { client: ON_PREMISES, dns: 'public', path: 'the public endpoint, unless on-premises DNS forwards the name to an inbound Resolver endpoint', needs: 'its egress address in publicAccessCidrs; for the private path, forwarding, a route and TCP 443 (ConnectedClientResolution)', endpoint: 'public', reachable: true },
      { client: HYBRID, dns: 'public', path: 'the public endpoint: AWS advises Public or Private for hybrid nodes, not both', needs: 'their egress addresses in publicAccessCidrs, or Private mode (HybridNodeEndpointMode)', endpoint: 'public', reachable: true },
      FROM_HYBRID_PODS,
      { ...KUBECTL_IN_VPC, needs: `${KUBECTL_IN_VPC.needs}; outside any VPC, an allow-list open to every address (OutsideVpcClientAllowList)` },
    ];
  }
  return [
    { client: INTERNET, dns: 'private (from public DNS)', path: 'none: there is no public endpoint', needs: 'a network connected to the VPC, or the bastion', endpoint: 'private', reachable: false },
    ...own,
    { client: CONNECTED, dns: 'private (from public DNS)', path: 'across the peering or Transit Gateway to the EKS-owned ENIs', needs: 'routes both ways and TCP 443 from its CIDR block (ConnectedClientPath; ConnectedNetworkRoute for a block the 443 rule declares)', endpoint: 'private', reachable: true },
    { client: ON_PREMISES, dns: 'private (from public DNS)', path: 'across the VPN or Direct Connect to the EKS-owned ENIs', needs: 'routes both ways and TCP 443 from its CIDR block (ConnectedClientPath; ConnectedNetworkRoute for a block the 443 rule declares)', endpoint: 'private', reachable: true },
    { client: HYBRID, dns: 'private (from public DNS)', path: 'across the VPN or Direct Connect to the EKS-owned ENIs', needs: 'routes both ways (HybridNodePath), TCP 443 from the node network (HybridNodeSecurityGroup), networks EKS accepts (HybridNodeNetworks)', endpoint: 'private', reachable: true },
    FROM_HYBRID_PODS,
    { ...KUBECTL_IN_VPC, needs: `${KUBECTL_IN_VPC.needs}; outside any VPC it has no path at all (ConnectedClientPath)` },
  ];
}

/** The flow table and a Mermaid flowchart of a mode, as Markdown. */
export function explainMode(mode: ModeFlags): string {
  const rows = flows(mode);
  const table = [
    '| client | DNS answer | path | what it needs (rule) |',
    '|---|---|---|---|',
    ...rows.map((f) => `| ${f.client} | ${f.dns} | ${f.path} | ${f.needs} |`),
  ].join('\n');
  return `# ${mode.name}: who reaches the Kubernetes API, and how\n\n${table}\n\n\`\`\`mermaid\n${mermaid(rows, mode)}\n\`\`\`\n`;
}

function mermaid(rows: Flow[], mode: ModeFlags): string {
  // the diagram draws the endpoints; without private access the ENIs the API server and hybrid
  // pods use are no endpoint, so those rows stay in the table only
  const drawn = (f: Flow) => f.client !== KUBELET && (mode.privateAccess || f.client !== HYBRID_PODS);
  return flowchart(rows.map((f) => (!drawn(f) ? undefined : {
    client: f.client,
    endpoint: f.endpoint,
    blocked: f.reachable ? undefined : 'no route',
    label: f.client === HYBRID_PODS ? 'service address'
      : f.dns === 'private' ? 'private zone' : f.dns === 'public' ? 'public DNS' : 'public DNS, private addresses',
  })));
}
