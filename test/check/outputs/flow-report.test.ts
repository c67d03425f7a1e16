import { App, AspectPriority, Aspects, Stack } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildLabApp, labOptions } from '../../../bin/lab';
import { EndpointCluster, PrivateResolutionCheck } from '../../../lib';
import { ASPECT_RULES } from '../../../lib/check/adapters/rule-sets';
import { analyze } from '../../../lib/check/engine/analyze';
import { ClusterReport, clusterReport, reportMarkdown } from '../../../lib/check/outputs/flow-report';
import { ALL_RULES } from '../../../lib/check/rules';
import { CONNECTED_NETWORK_RULE } from '../../../lib/shared/client-metadata';
import { att, base, bastion, CLUSTER_TABLES, hybrid, network, param, PRIVATE, PUBLIC, PUBLIC_AND_PRIVATE, ref, route, subnet, TCP_443, Template, vpn } from '../../support/templates';

/**
 * The flow report (outputs/flow-report.ts): who reaches the API and how, at synth and on templates
 * (clients in another VPC, hybrid nodes, a Site-to-Site VPN).
 */

process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-asset-staging': true });
// the example's App runs CDK's built-in CloudFormation validation, which this file does not test
// (test/lab.test.ts does): off, as `cdk synth --no-validation` turns it off
process.env.CDK_VALIDATION = 'false';
const { policyCheckApp } = require('../../../examples/policy-check');

function reportsOf(outdir: string): Array<{ md: string; json: any }> {
  const dir = path.join(outdir, PrivateResolutionCheck.REPORT_DIR);
  if (!fs.existsSync(dir)) return [];
  const md = fs.readFileSync(path.join(dir, 'flow-report.md'), 'utf8');
  const file = JSON.parse(fs.readFileSync(path.join(dir, 'flow-report.json'), 'utf8'));
  const clusters = file.clusters as any[];
  // what was judged first, the same in both files and counted from the findings; then a section per cluster, in the order of the JSON
  const [head, ...sections] = md.split(/^(?=# )/m);
  const found = clusters.flatMap((c) => c.findings);
  const errors = found.filter((f: any) => f.level === 'error').length;
  expect(file.summary).toEqual({
    clusters: clusters.length + file.summary.notChecked, notChecked: file.summary.notChecked, errors, warnings: found.length - errors + file.summary.notChecked,
    text: `${clusters.length + file.summary.notChecked} cluster(s) judged (${file.summary.notChecked} not checked): ${errors} error(s), ${found.length - errors + file.summary.notChecked} warning(s)`,
  });
  expect(head).toBe(`_cdk-eks-endpoint: ${file.summary.text}._\n\n`);
  expect(sections).toHaveLength(clusters.length);
  return clusters.map((json, i) => ({ json, md: sections[i] }));
}

/** What the Aspect annotated on a stack, as `<rule> <message>`. */
function annotated(messages: any[]): string[] {
  return messages.filter((m) => String(m.entry.data).includes('cdk-eks-endpoint:') && m.level !== 'info')
    .map((m) => {
      const text = String(m.entry.data);
      const warning = / \[ack: cdk-eks-endpoint:(\w+)\]$/.exec(text);
      return warning ? `${warning[1]} ${text.slice(0, warning.index)}` : text.replace(/^\[cdk-eks-endpoint:(\w+)\] /, '$1 ');
    })
    .sort();
}

const PATH = 'ConnectedClientPath';

const RESOLUTION = 'ConnectedClientResolution';

describe('flow reports at synth', () => {
  test.each(['public', 'public-and-private', 'private'])('the lab in %s mode: a report with a diagram, the mode, and the Aspect\'s findings', (mode) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = buildLabApp(app, labOptions({ mode, ...(mode !== 'private' ? { allowFrom: '0.0.0.0/0' } : {}) }));
    const messages = app.synth().getStackArtifact(stack.artifactId).messages;
    const [report, ...more] = reportsOf(outdir);
    expect(more).toEqual([]);
    expect(report.json.mode).toBe(mode);
    expect(report.json.cluster).toBe('EksEndpointLab/Lab/Cluster');
    expect(report.md).toMatch(/```mermaid\nflowchart LR\n[\s\S]*api -- "private, always" --> kubelet\n```/);
    const bastion = report.json.flows.find((f: any) => f.client.includes('(ClusterBastion)'));
    expect(bastion).toMatchObject({ dns: mode === 'public' ? 'public' : 'private', endpoint: mode === 'public' ? 'public' : 'private', status: 'allowed' });
    // the report and the Aspect agree: the same findings
    const fromReport = report.json.findings.map((f: any) => `${f.ruleId} ${f.message}`).sort();
    expect(fromReport).toEqual(annotated(messages));
    // no annotation says where the report is (the CDK CLI would print it as four lines): the one
    // line goes to stderr where the CLI runs the app (test/lab.test.ts runs it)
    expect(messages.filter((m: any) => m.level === 'info')).toEqual([]);
  });

  test('a bastion with no 443 rule: its row is blocked by ClientSecurityGroupPath, its edge crossed out, the error listed', () => {
    const { app } = policyCheckApp({ bastionRule: false, pack: false });
    const messages = app.synth().getStackByName('CheckedPlainEks').messages;
    const [report] = reportsOf(app.outdir);
    const row = report.json.flows.find((f: any) => f.client.startsWith('CheckedPlainEks/Bastion/Resource'));
    expect(row.status).toBe('blocked: ClientSecurityGroupPath');
    expect(report.md).toMatch(/-\. "blocked: ClientSecurityGroupPath" \.-x priv/);
    expect(report.json.findings).toContainEqual(expect.objectContaining({ ruleId: 'ClientSecurityGroupPath', level: 'error' }));
    expect(annotated(messages)).toContainEqual(expect.stringMatching(/^ClientSecurityGroupPath CheckedPlainEks\/Bastion\/Resource/));
  });

  test('can be turned off: by the Aspect\'s props, and by context', () => {
    const count = (props: { report?: boolean }, context: Record<string, unknown> = {}) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
      const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:disable-asset-staging': true, ...context } });
      new EndpointCluster(new Stack(app, 'Own'), 'Cluster');
      Aspects.of(app).add(new PrivateResolutionCheck(props), { priority: AspectPriority.READONLY });
      app.synth();
      return reportsOf(outdir).length;
    };
    expect(count({})).toBe(1);
    expect(count({ report: false })).toBe(0);
    expect(count({}, { 'cdk-eks-endpoint:report': 'false' })).toBe(0);
    expect(count({}, { 'cdk-eks-endpoint:report': false })).toBe(0);
  });
});

describe('flow rows of clients in another VPC', () => {
  /**
   * GIVEN a Public & Private cluster (allow-list 203.0.113.0/24) peered with ClientVpc (10.1.0.0/16),
   * routes both ways, TCP 443 from 10.1.0.0/16, and a runner in ClientVpc with an access entry;
   * `forwarding` adds a Route 53 Resolver inbound endpoint and a FORWARD rule for the endpoint's
   * host name associated with ClientVpc.
   */
  function peeredApp(forwarding: boolean, mode: Record<string, unknown> = PUBLIC_AND_PRIVATE): Template {
    const t = network({ mode, cidrs: ['203.0.113.0/24'] });
    t.Resources.ClientVpc = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } };
    subnet(t, 'ClientSubnet', '10.1.1.0/24', 'ClientVpc');
    t.Resources.Peering = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: ref('Vpc'), PeerVpcId: ref('ClientVpc') } };
    CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToClients`] = route(table, '10.1.0.0/16', { VpcPeeringConnectionId: ref('Peering') })));
    t.Resources.ClientsBack = route('ClientSubnetRt', att('Vpc', 'CidrBlock'), { VpcPeeringConnectionId: ref('Peering') });
    t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ ...TCP_443, CidrIp: '10.1.0.0/16' }];
    t.Resources.RunnerRole = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } };
    t.Resources.RunnerProfile = { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [ref('RunnerRole')] } };
    t.Resources.RunnerSg = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'runner', VpcId: ref('ClientVpc') } };
    t.Resources.Runner = {
      Type: 'AWS::EC2::Instance',
      Properties: { ImageId: 'ami-0123456789abcdef0', SubnetId: ref('ClientSubnet'), SecurityGroupIds: [att('RunnerSg', 'GroupId')], IamInstanceProfile: ref('RunnerProfile') },
    };
    t.Resources.RunnerAccess = { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: ref('Cluster'), PrincipalArn: att('RunnerRole', 'Arn') } };
    if (forwarding) {
      const endpoint = (direction: string, ips: string[]) => ({
        Type: 'AWS::Route53Resolver::ResolverEndpoint',
        Properties: { Direction: direction, SecurityGroupIds: ['sg-0123456789abcdef0'], IpAddresses: CLUSTER_TABLES.map((rt, i) => ({ SubnetId: ref(rt.replace(/Rt$/, '')), ...(ips[i] ? { Ip: ips[i] } : {}) })) },
      });
      t.Resources.Inbound = endpoint('INBOUND', ['10.0.1.10', '10.0.2.10']);
      t.Resources.Outbound = endpoint('OUTBOUND', []);
      t.Resources.Forward = {
        Type: 'AWS::Route53Resolver::ResolverRule',
        Properties: {
          RuleType: 'FORWARD', DomainName: { 'Fn::Select': [2, { 'Fn::Split': ['/', att('Cluster', 'Endpoint')] }] },
          ResolverEndpointId: att('Outbound', 'ResolverEndpointId'), TargetIps: [{ Ip: '10.0.1.10', Port: '53' }],
        },
      };
      t.Resources.ForwardClients = { Type: 'AWS::Route53Resolver::ResolverRuleAssociation', Properties: { ResolverRuleId: att('Forward', 'ResolverRuleId'), VPCId: ref('ClientVpc') } };
    }
    return t;
  }

  function rows(t: Template): ClusterReport['flows'] {
    const reports: ClusterReport[] = [];
    analyze([{ id: 'Stack', template: t }], ASPECT_RULES, (view, found) => reports.push(clusterReport(view, found)));
    return reports[0].flows;
  }

  test('Public & Private with Resolver forwarding: the runner gets the private answer and takes the private path, allowed', () => {
    const runner = rows(peeredApp(true)).find((f) => f.client.startsWith('Stack/Runner'));
    expect(runner).toEqual(expect.objectContaining({ dns: 'private (Route 53 Resolver forwarding)', path: 'across the connection to the EKS-owned ENIs', status: 'allowed', endpoint: 'private' }));
  });

  test('Public & Private with forwarding and no route back: the runner\'s private path is blocked by ConnectedClientPath', () => {
    const t = peeredApp(true);
    CLUSTER_TABLES.forEach((table) => delete t.Resources[`${table}ToClients`]);
    const runner = rows(t).find((f) => f.client.startsWith('Stack/Runner'));
    expect(runner).toEqual(expect.objectContaining({ endpoint: 'private', status: 'blocked: ConnectedClientPath' }));
  });

  test('Public & Private without forwarding: the public way, allowed only if its egress address is in the allow-list', () => {
    const flows = rows(peeredApp(false));
    expect(flows.find((f) => f.client.startsWith('Stack/Runner'))).toEqual(expect.objectContaining({
      dns: 'public', endpoint: 'public', status: 'allowed if its egress address is in publicAccessCidrs',
    }));
    expect(flows.find((f) => f.client === 'clients across Stack/Peering')?.status).toBe('to confirm: ConnectedClientResolution');
  });

  test('Public only: the runner\'s public path is not "allowed" outright', () => {
    const runner = rows(peeredApp(false, PUBLIC)).find((f) => f.client.startsWith('Stack/Runner'));
    expect(runner).toEqual(expect.objectContaining({ dns: 'public', status: 'allowed if its egress address is in publicAccessCidrs' }));
  });
});

describe('the flow report of a cluster with hybrid nodes', () => {
  function report(t: Template): ClusterReport {
    let made: ClusterReport | undefined;
    analyze([{ id: 'Stack', template: t }], ALL_RULES, (view, found) => (made = clusterReport(view, found)));
    return made!;
  }

  test.each([
    ['private', PRIVATE, 'private (from public DNS)', 'across the VPN or Direct Connect to the EKS-owned ENIs', 'private'],
    ['public-and-private', PUBLIC_AND_PRIVATE, 'public', 'their on-premises internet egress to the public endpoint', 'public'],
  ])('%s: a row for the hybrid nodes and one for their pods, with what the hybrid rules found', (_, mode, dns, path, endpoint) => {
    const t = hybrid({ mode, cidrs: mode === PRIVATE ? undefined : ['203.0.113.0/24'] });
    delete t.Resources.PrivateSubnet1RtToOnPrem0;
    const r = report(t);
    const nodes = r.flows.find((f) => f.client.startsWith('hybrid nodes'));
    expect(nodes).toEqual({ client: 'hybrid nodes in 192.168.0.0/16 (kubelet, kube-proxy)', dns, path, endpoint, status: expect.stringContaining('to confirm: HybridNodePath') });
    expect(r.flows.find((f) => f.client.startsWith('pods in'))).toMatchObject({ client: 'pods in 172.16.0.0/16 (the kubernetes service)', endpoint: 'private' });
    expect(reportMarkdown(r)).toContain('| hybrid nodes in 192.168.0.0/16 (kubelet, kube-proxy) |');
  });

  test('no hybrid rows without remote networks, and no crash when they are deploy-time values', () => {
    expect(report(network()).flows.filter((f) => f.client.includes('hybrid'))).toEqual([]);
    const t = hybrid();
    t.Resources.Cluster.Properties.RemoteNetworkConfig = param(t, 'Remote');
    t.Resources.Cluster.Properties.ResourcesVpcConfig.EndpointPublicAccess = param(t, 'PublicAccess');
    expect(report(t).flows.find((f) => f.client.startsWith('hybrid nodes'))).toMatchObject({ dns: 'depends on the endpoint flags' });
  });
});

describe('the flow report of networks declared as connected, remote blocks, and instances that look like clients', () => {
  function report(t: Template): ClusterReport {
    let made: ClusterReport | undefined;
    analyze([{ id: 'Stack', template: t }], ALL_RULES, (view, found) => (made = clusterReport(view, found)));
    return made!;
  }
  /** The base cluster with the 443 rule EndpointCluster writes for connectedCidrs 192.168.0.0/16; with `routed`, routes there to a Transit Gateway. */
  function declared(routed: boolean, mode = PRIVATE): Template {
    const t = base({ mode });
    t.Resources.FromConnected = {
      Type: 'AWS::EC2::SecurityGroupIngress',
      Properties: { GroupId: att('Cluster', 'ClusterSecurityGroupId'), ...TCP_443, CidrIp: '192.168.0.0/16', Description: CONNECTED_NETWORK_RULE },
    };
    if (routed) CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToConnected`] = route(table, '192.168.0.0/16', { TransitGatewayId: 'tgw-0123456789abcdef0' })));
    return t;
  }

  test('a connected network with no route: its row is blocked by ConnectedNetworkRoute, in the JSON, the table and the diagram', () => {
    const r = report(declared(false));
    const row = r.flows.find((f) => f.client === 'clients in the connected network 192.168.0.0/16');
    expect(row).toEqual({
      client: 'clients in the connected network 192.168.0.0/16', dns: 'private (from public DNS)', endpoint: 'private',
      path: 'across the connection to the EKS-owned ENIs; route from the cluster subnets: none in the templates', status: 'blocked: ConnectedNetworkRoute',
    });
    const md = reportMarkdown(r);
    expect(md).toContain('| clients in the connected network 192.168.0.0/16 | private (from public DNS) | across the connection to the EKS-owned ENIs; route from the cluster subnets: none in the templates | blocked: ConnectedNetworkRoute |');
    const i = r.flows.indexOf(row!);
    expect(md).toContain(`  c${i}["clients in the connected network 192.168.0.0/16"]\n  c${i} -. "blocked: ConnectedNetworkRoute" .-x priv`);
  });

  test('a connected network routed from every cluster subnet: allowed, and drawn to the private endpoint', () => {
    const r = report(declared(true));
    const row = r.flows.find((f) => f.client === 'clients in the connected network 192.168.0.0/16')!;
    expect(row).toMatchObject({ status: 'allowed', path: expect.stringContaining('route from the cluster subnets: in every route table') });
    expect(reportMarkdown(r)).toContain(`  c${r.flows.indexOf(row)} -- "private (from public DNS)" --> priv`);
  });

  test('a connected VPC\'s row names the VPC; a route to confirm says so', () => {
    const t = declared(false);
    t.Resources.ToolsVpc = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16' } };
    t.Resources.FromTools = { ...t.Resources.FromConnected, Properties: { ...t.Resources.FromConnected.Properties, CidrIp: att('ToolsVpc', 'CidrBlock') } };
    t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
    t.Resources.Propagation = { Type: 'AWS::EC2::VPNGatewayRoutePropagation', Properties: { VpnGatewayId: ref('Vgw'), RouteTableIds: CLUSTER_TABLES.map(ref) } };
    const rows = report(t).flows.filter((f) => f.client.startsWith('clients in the connected network'));
    expect(rows.map((f) => [f.client, f.status])).toEqual([
      ['clients in the connected network 192.168.0.0/16', 'to confirm: ConnectedNetworkRoute'],
      ['clients in the connected network 10.1.0.0/16 (Stack/ToolsVpc)', 'to confirm: ConnectedNetworkRoute'],
    ]);
    expect(rows[0].path).toContain('route from the cluster subnets: not verifiable at synth');
  });

  test('no connected-network row without a 443 rule from outside the VPC', () => {
    expect(report(base()).flows.filter((f) => f.client.startsWith('clients in the connected network'))).toEqual([]);
  });

  test('each remote node and pod network has its own row, with the findings about it', () => {
    const t = hybrid({ nodes: ['192.168.0.0/16', '10.200.0.0/16'] });
    Object.keys(t.Resources).filter((id) => id.endsWith('ToOnPrem1')).forEach((id) => delete t.Resources[id]); // 10.200.0.0/16 unrouted
    const rows = report(t).flows.filter((f) => f.client.startsWith('hybrid nodes') || f.client.startsWith('pods in'));
    expect(rows.map((f) => [f.client, f.status.includes('HybridNodePath')])).toEqual([
      ['hybrid nodes in 192.168.0.0/16 (kubelet, kube-proxy)', false],
      ['hybrid nodes in 10.200.0.0/16 (kubelet, kube-proxy)', true],
      ['pods in 172.16.0.0/16 (the kubernetes service)', false],
    ]);
  });

  test('an instance that looks like a client has its row, to confirm when it has no 443 path', () => {
    const t = base();
    t.Resources.HostSg = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'host', VpcId: ref('Vpc') } };
    t.Resources.Host = {
      Type: 'AWS::EC2::Instance',
      Properties: { ImageId: 'ami-0123456789abcdef0', SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att('HostSg', 'GroupId')], Tags: [{ Key: 'Name', Value: 'BastionHost' }] },
    };
    const r = report(t);
    expect(r.flows).toContainEqual({
      client: 'Stack/Host (looks like a client)', dns: 'private', path: 'the private endpoint: the EKS-owned ENIs', status: 'to confirm: ClientLikeInstancePath', endpoint: 'private',
    });
  });
});

describe('the flow report of a cluster with a Site-to-Site VPN', () => {
  function report(t: Template): ClusterReport {
    let made: ClusterReport | undefined;
    analyze([{ id: 'Stack', template: t }], ALL_RULES, (view, found) => (made = clusterReport(view, found)));
    return made!;
  }
  const row = (r: ClusterReport) => r.flows.find((f) => f.client.startsWith('clients on premises'));

  test('a row for the clients on premises, on the private path in Private mode, allowed when the path is complete', () => {
    expect(row(report(vpn()))).toEqual({
      client: 'clients on premises across the VPN Stack/Vgw', dns: 'private (from public DNS)', path: 'across the connection to the EKS-owned ENIs', status: 'allowed', endpoint: 'private',
    });
  });

  test('to confirm when the route back is missing', () => {
    expect(row(report(vpn({ propagate: false })))).toMatchObject({ status: `to confirm: ${PATH}` });
  });

  test('the public path in Public & Private mode without an inbound Resolver endpoint', () => {
    expect(row(report(vpn({ mode: PUBLIC_AND_PRIVATE })))).toMatchObject({ dns: 'public', endpoint: 'public', status: `to confirm: ${RESOLUTION}` });
  });
});

describe('a row takes the findings about its client, by their subjects', () => {
  /** The report of the one cluster of a template, judged by `rules`. */
  const reportOf = (t: Template, rules = ASPECT_RULES): ClusterReport => {
    const reports: ClusterReport[] = [];
    analyze([{ id: 'Stack', template: t }], rules, (view, found) => reports.push(clusterReport(view, found)));
    return reports[0];
  };
  const row = (r: ClusterReport, client: string) => r.flows.find((f) => f.client.startsWith(client))!;

  test('fails the bastion\'s row when the error names the bastion as its subject', () => {
    // GIVEN a private cluster and a bastion with no 443 rule into the cluster
    const t = base();
    bastion(t);
    // WHEN the report is made
    const report = reportOf(t);
    // THEN the bastion's row is blocked by ClientSecurityGroupPath, whose finding is about it
    expect(row(report, 'Stack/Bastion').status).toBe('blocked: ClientSecurityGroupPath');
  });

  test('leaves a row allowed when a finding only mentions the client in its words', () => {
    // GIVEN a bastion with its 443 rule, and a rule whose message names the bastion without being about it
    const t = base();
    bastion(t);
    t.Resources.BastionIngress = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: att('Cluster', 'ClusterSecurityGroupId'), SourceSecurityGroupId: att('ClientSg', 'GroupId'), ...TCP_443 } };
    const mentions = { id: 'Mentions', level: 'error' as const, summary: 's', source: 'https://example.com', check: () => [{ level: 'error' as const, verified: true, message: 'Stack/Bastion is a name in a sentence' }] };
    // WHEN the report is made with it
    const report = reportOf(t, [...ASPECT_RULES, mentions]);
    // THEN the finding is listed, and the bastion's row stays allowed: its words do not place it
    expect(report.findings.map((f) => f.ruleId)).toContain('Mentions');
    expect(row(report, 'Stack/Bastion').status).toBe('allowed');
  });
});

describe('the flow report of a cluster with customer-routed control-plane egress', () => {
  function report(t: Template): ClusterReport {
    let made: ClusterReport | undefined;
    analyze([{ id: 'Stack', template: t }], ALL_RULES, (view, found) => (made = clusterReport(view, found)));
    return made!;
  }
  const egressRow = (r: ClusterReport) => r.flows.find((f) => f.client.startsWith('the API server, out to'));
  function routed(mode: unknown, egress: 'nat' | 'isolated' = 'nat'): Template {
    const t = base({ egress });
    t.Resources.Cluster.Properties.ResourcesVpcConfig.ControlPlaneEgressMode = mode;
    return t;
  }

  test('a row for the API server\'s calls out, through the cluster subnets\' NAT gateway, allowed', () => {
    const r = report(routed('CUSTOMER_ROUTED'));
    expect(egressRow(r)).toEqual({
      client: 'the API server, out to webhooks, OIDC and aggregated APIs', dns: 'the VPC\'s DNS (customer-routed egress)',
      path: 'the EKS-owned ENIs, then the cluster subnets\' routes: a NAT gateway', status: 'allowed', endpoint: 'none',
    });
    // not drawn as a client of the endpoint
    expect(reportMarkdown(r)).not.toMatch(/c\d+\["the API server/);
    expect(reportMarkdown(r)).toContain('| the API server, out to webhooks, OIDC and aggregated APIs | the VPC\'s DNS (customer-routed egress) |');
  });

  test('isolated subnets: the row says there is no route out, with what ControlPlaneEgress found', () => {
    expect(egressRow(report(routed('CUSTOMER_ROUTED', 'isolated')))).toMatchObject({
      path: 'the EKS-owned ENIs, then the cluster subnets\' routes: no route out of the VPC', status: 'to confirm: ControlPlaneEgress',
    });
  });

  test('no row with AWS_MANAGED or without the property; a conditional row when the mode is a parameter', () => {
    expect(egressRow(report(routed('AWS_MANAGED')))).toBeUndefined();
    expect(egressRow(report(base()))).toBeUndefined();
    const t = base();
    t.Resources.Cluster.Properties.ResourcesVpcConfig.ControlPlaneEgressMode = param(t, 'EgressMode');
    expect(egressRow(report(t))).toMatchObject({ client: 'the API server, out to webhooks, OIDC and aggregated APIs (if ControlPlaneEgressMode is CUSTOMER_ROUTED)' });
  });
});
