import { Judged } from '../engine/analyze';
import { ReportedFinding } from '../engine/finding';
import { ClusterView, NetworkRoutes, SubnetView, VpcView } from '../engine/model';
import { resolverForwarding } from '../engine/model/forwarded-resolution';
import { clientSubject, computeSubject, connectionSubject, networkSubject, Subject } from '../engine/rule';
import { at, describe, Fact, unique, Value } from '../engine/template/value';

/** One row of a cluster's flow table: a client, the DNS answer it gets, its path, and what allows or blocks it. */
export interface FlowRow {
  readonly client: string;
  readonly dns: 'public' | 'private' | 'private (from public DNS)' | 'private (Route 53 Resolver forwarding)' | 'depends on Route 53 Resolver forwarding'
  | 'depends on the endpoint flags' | 'the VPC\'s DNS (customer-routed egress)';
  readonly path: string;
  /** 'allowed' when nothing the check found stands in the way; else the findings' rule IDs and levels. */
  readonly status: string;
  readonly endpoint: 'public' | 'private' | 'none';
}

/** A cluster's flow report: the same model and findings the check judged it with. */
export interface ClusterReport {
  readonly templateId: string;
  readonly logicalId: string;
  readonly cluster: string;
  readonly mode: 'public' | 'public-and-private' | 'private' | 'unknown';
  readonly flows: FlowRow[];
  readonly findings: Array<Pick<ReportedFinding, 'ruleId' | 'level' | 'verified' | 'message'>>;
}

/**
 * The flows of a cluster as its model shows them: you on the internet, each known client
 * (bastions, access-entry clients, wherever they are), each compute that calls the API (nodes,
 * Fargate, Auto Mode), the API server to kubelet, and each connected network (peering, Transit
 * Gateway attachment, Site-to-Site VPN), each network declared as connected (a 443 rule from its
 * block: `connectedCidrs`, `connectedVpcs`) with whether the cluster subnets route there, and each
 * remote node and pod network of hybrid nodes. A row is
 * 'blocked' by the findings whose subjects include its client.
 * Source for the paths: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export function clusterReport(view: ClusterView, findings: ReportedFinding[]): ClusterReport {
  const first = findings[0];
  const pub = view.publicAccess;
  const priv = view.privateAccess;
  const mode = pub === 'unknown' || priv === 'unknown' ? 'unknown'
    : pub && priv ? 'public-and-private' : pub ? 'public' : priv ? 'private' : 'unknown';
  const verdict = (found: ReportedFinding[]) => (found.length === 0 ? 'allowed'
    : found.map((f) => `${f.level === 'error' ? 'blocked' : 'to confirm'}: ${f.ruleId}`).join('; '));
  // the findings about a client, a compute or a connection: by the subjects the rules named, never by their words
  const about = (who: Subject) => findings.filter((f) => f.subjects?.some((s) => s.kind === who.kind && s.name === who.name));
  const status = (who: Subject) => verdict(about(who));
  const inVpcDns = mode === 'unknown' ? 'depends on the endpoint flags' : priv ? 'private' : 'public';
  const inVpcPath = priv ? 'the private endpoint: the EKS-owned ENIs' : 'out through the VPC\'s egress to the public endpoint';
  const inVpcEndpoint = priv ? 'private' : 'public';
  const flows: FlowRow[] = [];

  flows.push(pub
    ? { client: 'you, on the internet', dns: 'public', path: 'the public endpoint', status: view.publicAccessOpen === true ? 'allowed: open to every address (PublicEndpointOpen)' : 'allowed from publicAccessCidrs', endpoint: 'public' }
    : { client: 'you, on the internet', dns: mode === 'unknown' ? 'depends on the endpoint flags' : 'private (from public DNS)', path: 'none: no public endpoint', status: 'unreachable', endpoint: 'none' });
  for (const client of view.clients) {
    flows.push({ client: `${client.display} (${client.kind})`, dns: inVpcDns, path: inVpcPath, status: status(clientSubject(client)), endpoint: inVpcEndpoint });
  }
  // instances that look like clients (a bastion host, kubectl in user data) though no access entry names them
  for (const { client } of view.clientLike) {
    flows.push({ client: `${client.display} (${client.kind})`, dns: inVpcDns, path: inVpcPath, status: status(clientSubject(client)), endpoint: inVpcEndpoint });
  }
  for (const compute of view.compute) {
    flows.push({ client: compute.what, dns: inVpcDns, path: inVpcPath, status: status(computeSubject(compute)), endpoint: inVpcEndpoint });
  }
  flows.push({ client: 'the API server, to kubelet', dns: 'private', path: 'the EKS-owned ENIs into the node subnets, in every mode', status: 'allowed', endpoint: 'private' });
  const egressRow = controlPlaneEgress(view, verdict(findings.filter((f) => f.ruleId === 'ControlPlaneEgress')));
  if (egressRow) flows.push(egressRow);
  // the public path from outside the cluster VPC: allowed only from the allow-list, and their egress address is not in the templates
  const fromOutside = (who: Subject, its: string) => {
    const found = about(who);
    return found.length > 0 ? verdict(found) : view.publicAccessOpen === true ? 'allowed: open to every address (PublicEndpointOpen)'
      : `allowed if ${its} egress address is in publicAccessCidrs`;
  };
  // in Public & Private mode, a connected VPC takes the private path where Route 53 Resolver forwards the endpoint's name to the cluster VPC
  const forwarded = (vpc: VpcView | string | undefined): Fact => resolverForwarding(view, typeof vpc === 'object' ? vpc : undefined).forwarded;
  const connected = (who: Subject, vpc: VpcView | string | undefined, its: string): Pick<FlowRow, 'dns' | 'path' | 'status' | 'endpoint'> => {
    const across = 'across the connection to the EKS-owned ENIs';
    if (mode === 'private') return { dns: 'private (from public DNS)', path: across, status: status(who), endpoint: 'private' };
    if (mode === 'public') return { dns: 'public', path: `${its} own egress to the public endpoint`, status: fromOutside(who, its), endpoint: 'public' };
    if (mode === 'unknown') return { dns: 'depends on the endpoint flags', path: 'depends on the endpoint flags', status: status(who), endpoint: pub === false ? 'private' : 'public' };
    const resolves = forwarded(vpc);
    if (resolves === true) return { dns: 'private (Route 53 Resolver forwarding)', path: across, status: status(who), endpoint: 'private' };
    if (resolves === false) {
      return { dns: 'public', path: `${its} own egress to the public endpoint (the private zone is not associated with ${its} VPC)`, status: fromOutside(who, its), endpoint: 'public' };
    }
    return {
      dns: 'depends on Route 53 Resolver forwarding', path: `${across} if Route 53 Resolver forwards the endpoint's name there, else the public endpoint`,
      status: verdict(findings.filter((f) => about(who).includes(f) || f.ruleId === 'ConnectedClientResolution')), endpoint: 'public',
    };
  };
  for (const client of view.remoteClients) {
    flows.push({ client: `${client.display} (${client.kind}, another VPC)`, ...connected(clientSubject(client), client.vpcKey, 'its') });
  }
  for (const client of [...view.outsideClients, ...view.unplacedClients]) {
    flows.push({
      client: `${client.display} (${client.kind})`, dns: 'depends on the endpoint flags', path: client.outsideVpc ? 'no VPC: public endpoints only' : 'not known here',
      status: client.outsideVpc && pub === true ? fromOutside(clientSubject(client), 'its') : status(clientSubject(client)), endpoint: pub ? 'public' : 'none',
    });
  }
  for (const connection of view.connections) {
    // on premises: their own DNS servers, never in a template, decide whether Resolver forwarding applies
    const who = connection.kind === 'vpn' ? `clients on premises across the VPN ${connection.display}` : `clients across ${connection.display}`;
    flows.push({ client: who, ...connected(connectionSubject(connection), connection.peerVpc, 'their') });
  }
  // each network the templates declare as connected (a 443 rule from its block), with whether the cluster subnets route there
  for (const network of view.connectedNetworks) {
    const subjects = [networkSubject(network.cidr), ...(network.connection ? [connectionSubject(network.connection)] : [])];
    const found = findings.filter((f) => f.subjects?.some((s) => subjects.some((t) => s.kind === t.kind && s.name === t.name)));
    const row = connected(subjects[0], network.vpc, 'their');
    const route = ROUTE_WORDS[network.routes.verdict];
    flows.push({
      client: `clients in the connected network ${network.cidr}${network.vpc ? ` (${network.vpc.display})` : ''}`,
      ...row,
      path: row.endpoint === 'private' ? `${row.path}; route from the cluster subnets: ${route}` : row.path,
      status: row.endpoint === 'private' ? verdict(found) : row.status,
    });
  }
  // one row per remote block, each with the findings about it and those about no block; one verdict per rule
  const hybrid = findings.filter((f) => f.ruleId.startsWith('HybridNode'));
  const hybridStatus = (block: string) => {
    const its = hybrid.filter((f) => !f.subjects?.some((s) => s.kind === 'network') || f.subjects.some((s) => s.kind === 'network' && s.name === block));
    return verdict(its.filter((f, i) => its.findIndex((g) => g.ruleId === f.ruleId && g.level === f.level) === i));
  };
  flows.push(...hybridFlows(view, mode, hybridStatus));
  return {
    templateId: first?.templateId ?? view.resource.template.id,
    logicalId: first?.logicalId ?? view.resource.logicalId,
    cluster: view.display,
    mode,
    flows,
    findings: findings.map(({ ruleId, level, verified, message }) => ({ ruleId, level, verified, message })),
  };
}

/** What a subnet's default route leads to, in the words of a flow row. */
const EGRESS_WORDS: Record<SubnetView['egress'], string> = {
  nat: 'a NAT gateway', tgw: 'a Transit Gateway', igw: 'an internet gateway', other: 'another route', none: 'no route out of the VPC', unknown: 'routes not in the templates',
};

/**
 * The API server's own calls out (admission webhooks, OIDC discovery, aggregated APIs) when
 * `ControlPlaneEgressMode` is (or may be) CUSTOMER_ROUTED: through the EKS-owned ENIs and the
 * cluster subnets' routes, resolved by the VPC's DNS. No row with the default, AWS_MANAGED.
 * https://docs.aws.amazon.com/eks/latest/userguide/control-plane-egress.html
 */
function controlPlaneEgress(view: ClusterView, status: string): FlowRow | undefined {
  const mode = at(view.properties.ResourcesVpcConfig, 'ControlPlaneEgressMode');
  if (mode === undefined || (typeof mode === 'string' && mode !== 'CUSTOMER_ROUTED')) return undefined;
  const ways = view.subnetsUnknown ? [`subnets that are ${view.subnetsUnknown}`] : unique(view.subnets.map((s) => EGRESS_WORDS[s.egress]));
  return {
    client: `the API server, out to webhooks, OIDC and aggregated APIs${mode === 'CUSTOMER_ROUTED' ? '' : ' (if ControlPlaneEgressMode is CUSTOMER_ROUTED)'}`,
    dns: 'the VPC\'s DNS (customer-routed egress)',
    path: `the EKS-owned ENIs, then the cluster subnets' routes: ${ways.join(', ')}`,
    status,
    endpoint: 'none',
  };
}

/**
 * Hybrid nodes and their pods, when the cluster has remote networks. The nodes' kubelet takes the
 * public endpoint unless only private access is on (the private zone never answers outside the
 * VPC); pods reach the API server through the kubernetes service, whose endpoints are the
 * EKS-owned ENIs, in every mode, across the on-premises link.
 * https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-concepts-traffic-flows.html
 */
function hybridFlows(view: ClusterView, mode: ClusterReport['mode'], status: (block: string) => string): FlowRow[] {
  const nodes = view.remoteNodeNetworks;
  if (nodes.present === false) return [];
  // each block its own row; the lists that are deploy-time values one row each
  const blocks = (cidrs: Value[], unlisted?: string) => [...cidrs.map((c) => describe(c).trim()), ...(unlisted ? [`<${unlisted}>`] : [])];
  const across = 'across the VPN or Direct Connect to the EKS-owned ENIs';
  const rows: FlowRow[] = blocks(nodes.cidrs, nodes.unlisted).map((block) => (mode === 'unknown'
    ? { client: `hybrid nodes in ${block} (kubelet, kube-proxy)`, dns: 'depends on the endpoint flags', path: 'depends on the endpoint flags', status: status(block), endpoint: 'public' }
    : mode === 'private'
      ? { client: `hybrid nodes in ${block} (kubelet, kube-proxy)`, dns: 'private (from public DNS)', path: across, status: status(block), endpoint: 'private' }
      : { client: `hybrid nodes in ${block} (kubelet, kube-proxy)`, dns: 'public', path: 'their on-premises internet egress to the public endpoint', status: status(block), endpoint: 'public' }));
  const pods = view.remotePodNetworks;
  const podRow = (where: string, block: string): FlowRow => ({ client: `pods ${where} (the kubernetes service)`, dns: 'private', path: `${across}, in every mode`, status: status(block), endpoint: 'private' });
  rows.push(...(pods.present === false ? [podRow('on hybrid nodes', '')] : blocks(pods.cidrs, pods.unlisted).map((block) => podRow(`in ${block}`, block))));
  return rows;
}

/**
 * The flow report files of an App or a Stage: what was judged first (the clusters, those not
 * checked, the findings), then a section (an entry) per cluster; two files for the whole unit,
 * as files cost more than their text.
 */
export function reportFiles(reports: ClusterReport[], judged: Judged): { markdown: string; json: string } {
  const all = reports.flatMap((r) => r.findings);
  const errors = all.filter((f) => f.level === 'error').length;
  // a cluster not checked has no section, and one ClusterNotChecked warning
  const summary = { clusters: judged.clusters, notChecked: judged.notChecked, errors, warnings: all.length - errors + judged.notChecked };
  const text = `${summary.clusters} cluster(s) judged (${summary.notChecked} not checked): ${errors} error(s), ${summary.warnings} warning(s)`;
  return {
    markdown: [`_cdk-eks-endpoint: ${text}._`, '', reports.map(reportMarkdown).join('\n')].join('\n'),
    json: JSON.stringify({ summary: { ...summary, text }, clusters: reports }, undefined, 2) + '\n',
  };
}

/** How a flow row says whether the cluster subnets route a connected network. */
const ROUTE_WORDS: Record<NetworkRoutes['verdict'], string> = {
  'routed': 'in every route table',
  'no route': 'none in the templates',
  'partly routed': 'in some route tables only',
  'not verifiable': 'not verifiable at synth',
};

/** The report as Markdown: the flow table, the findings, and a Mermaid flowchart of the same. */
export function reportMarkdown(r: ClusterReport): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  const lines = [
    `# ${r.cluster}: who reaches the Kubernetes API, and how`,
    '',
    `Mode: **${r.mode}**. Template \`${r.templateId}\`, logical ID \`${r.logicalId}\`. Written by cdk-eks-endpoint at synth, from the model its check judged.`,
    '',
    '| client | DNS answer | path | status |',
    '|---|---|---|---|',
    ...r.flows.map((f) => `| ${cell(f.client)} | ${f.dns} | ${cell(f.path)} | ${cell(f.status)} |`),
    '',
    '## Findings',
    '',
    ...(r.findings.length === 0 ? ['None.'] : r.findings.map((f) => `- **${f.level}** \`${f.ruleId}\`${f.verified ? '' : ' (not verifiable at synth)'}: ${cell(f.message)}`)),
    '',
    '## Diagram',
    '',
    '```mermaid',
    mermaid(r),
    '```',
    '',
  ];
  return lines.join('\n');
}

function mermaid(r: ClusterReport): string {
  // the API server's own rows (to kubelet, out through customer-routed egress) are not clients of the endpoint
  return flowchart(r.flows.map((f) => (f.client.startsWith('the API server, ') ? undefined : {
    client: f.client,
    endpoint: f.endpoint === 'public' ? 'public' : 'private',
    blocked: f.endpoint === 'none' ? 'no route' : f.status.startsWith('blocked') ? f.status : undefined,
    label: f.dns,
  })));
}

/** One client's edge in a flowchart: to which endpoint, labelled how, or crossed out and why. */
export interface ChartRow {
  readonly client: string;
  readonly endpoint: 'public' | 'private';
  readonly label: string;
  readonly blocked?: string;
}

/**
 * A Mermaid flowchart of clients reaching the API: each client to the endpoint it takes (crossed
 * out when blocked), the endpoints to the API server, the API server to kubelet. An undefined
 * row keeps its place in the numbering and draws nothing (the API server's own row).
 */
export function flowchart(rows: Array<ChartRow | undefined>): string {
  const quote = (text: string) => text.replace(/"/g, '\'');
  const used = new Set(rows.map((r) => r?.endpoint));
  const lines = ['flowchart LR'];
  if (used.has('public')) lines.push('  pub(["public endpoint"])');
  if (used.has('private')) lines.push('  priv(["private endpoint: EKS-owned ENIs"])');
  lines.push('  api[["Kubernetes API server"]]', '  kubelet["kubelet on the nodes"]');
  rows.forEach((row, i) => {
    if (!row) return;
    const target = row.endpoint === 'public' ? 'pub' : 'priv';
    lines.push(`  c${i}["${quote(row.client)}"]`);
    lines.push(row.blocked !== undefined ? `  c${i} -. "${quote(row.blocked)}" .-x ${target}` : `  c${i} -- "${quote(row.label)}" --> ${target}`);
  });
  if (used.has('public')) lines.push('  pub --> api');
  if (used.has('private')) lines.push('  priv --> api');
  lines.push('  api -- "private, always" --> kubelet');
  return lines.join('\n');
}
