import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { analyze } from '../../lib/check/engine/analyze';
import { ClusterReport, clusterReport, reportMarkdown } from '../../lib/check/outputs/flow-report';
import { ALL_RULES } from '../../lib/check/rules';
import { byRule, check } from '../support/apps';
import { att, CLUSTER_TABLES, condition, fuzz, Json, messages, network, NetworkOptions, param, PRIVATE, PUBLIC, PUBLIC_AND_PRIVATE, ref, route, run, TCP_443, Template, verdicts } from '../support/templates';
import { testApp } from '../support/util';

/**
 * EKS Hybrid Nodes: the remote networks themselves (HybridNodeNetworks), the endpoint mode
 * (HybridNodeEndpointMode) and the path through the cluster VPC (HybridNodePath), on hand-written
 * templates, then on aws-eks-v2 clusters through the Aspect.
 * Sources: https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html,
 * hybrid-nodes-cluster-create.html, hybrid-nodes-concepts-kubernetes.html, hybrid-nodes-concepts-traffic-flows.html
 */

const NODES = '192.168.0.0/16';
const PODS = '172.16.0.0/16';
const HYBRID_RULES = ['HybridNodeNetworks', 'HybridNodeEndpointMode', 'HybridNodePath', 'HybridNodeSecurityGroup'];

function remote(nodes: Json, pods?: Json): Record<string, Json> {
  return {
    RemoteNetworkConfig: {
      RemoteNodeNetworks: [{ Cidrs: nodes }],
      ...(pods !== undefined ? { RemotePodNetworks: [{ Cidrs: pods }] } : {}),
    },
  };
}

/** A hybrid cluster (nodes 192.168.0.0/16, pods 172.16.0.0/16 unless given) with the path complete: routes to a Transit Gateway and TCP 443 from both. */
function hybrid(o: NetworkOptions & { nodes?: Json; pods?: Json } = {}): Template {
  const nodes = o.nodes ?? [NODES];
  const pods = o.pods ?? [PODS];
  const t = network({ ...o, cluster: { ...remote(nodes, pods), ...o.cluster } });
  const blocks = [...(Array.isArray(nodes) ? nodes : []), ...(Array.isArray(pods) ? pods : [])].filter((c) => typeof c === 'string');
  blocks.forEach((cidr, i) => CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToOnPrem${i}`] = route(table, cidr, { TransitGatewayId: 'tgw-0123456789abcdef0' }))));
  t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = blocks.map((cidr) => ({ ...TCP_443, CidrIp: cidr }));
  return t;
}

function hybridFindings(t: Template, rule?: string): string[] {
  return verdicts(run(t, rule ? [rule] : HYBRID_RULES));
}

describe('HybridNodeNetworks', () => {
  const ID = 'HybridNodeNetworks';

  test.each([
    ['RFC 1918 blocks', [NODES], [PODS]],
    ['a CGNAT block (RFC 6598), which the user guide allows', ['100.64.0.0/16'], ['100.65.0.0/16']],
    ['node networks only', ['10.80.0.0/16', '10.81.0.0/24'], undefined],
  ])('passes %s that overlap nothing, on an IPv4 cluster with access entries', (_, nodes, pods) => {
    expect(hybridFindings(hybrid({ nodes, pods }), ID)).toEqual([]);
  });

  test('says nothing without remote networks, or with empty lists (hybrid nodes turned off)', () => {
    expect(hybridFindings(network({ cluster: { AccessConfig: undefined } }))).toEqual([]);
    const t = network({ cluster: { AccessConfig: undefined, RemoteNetworkConfig: { RemoteNodeNetworks: [], RemotePodNetworks: [] } } });
    expect(hybridFindings(t)).toEqual([]);
  });

  test('passes API_AND_CONFIG_MAP', () => {
    expect(hybridFindings(hybrid({ cluster: { AccessConfig: { AuthenticationMode: 'API_AND_CONFIG_MAP' } } }), ID)).toEqual([]);
  });

  test.each([
    ['left out (CloudFormation creates CONFIG_MAP)', undefined, /authentication mode is left out, which CloudFormation creates as CONFIG_MAP/],
    ['CONFIG_MAP', { AuthenticationMode: 'CONFIG_MAP' }, /authentication mode is CONFIG_MAP, and hybrid nodes need access entries: AccessConfig\.AuthenticationMode API or API_AND_CONFIG_MAP/],
  ])('fails an authentication mode %s', (_, access, message) => {
    const findings = run(hybrid({ cluster: { AccessConfig: access } }), [ID]);
    expect(verdicts(findings)).toEqual([`error ${ID}`]);
    expect(findings[0].message).toMatch(message);
  });

  test('fails an IPv6 cluster', () => {
    const findings = run(hybrid({ cluster: { KubernetesNetworkConfig: { IpFamily: 'ipv6' } } }), [ID]);
    expect(verdicts(findings)).toEqual([`error ${ID}`]);
    expect(findings[0].message).toMatch(/the cluster is IPv6 .*hybrid nodes need an IPv4 cluster/);
  });

  test('fails a block of public address space, and an IPv6 block', () => {
    const findings = run(hybrid({ nodes: ['203.0.113.0/24'], pods: ['fd00::/64'] }), [ID]);
    expect(verdicts(findings)).toEqual([`error ${ID}`, `error ${ID}`]);
    expect(findings[0].message).toMatch(/^the remote node network 203\.0\.113\.0\/24 is not private address space: .*10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16, 100\.64\.0\.0\/10/);
    expect(findings[1].message).toMatch(/^the remote pod network fd00::\/64 is an IPv6 block/);
  });

  test('fails remote networks that overlap each other, naming both', () => {
    const findings = run(hybrid({ nodes: ['192.168.0.0/16'], pods: ['192.168.128.0/17'] }), [ID]);
    expect(verdicts(findings)).toEqual([`error ${ID}`]);
    expect(findings[0].message).toMatch(/^the remote node network 192\.168\.0\.0\/16 and the remote pod network 192\.168\.128\.0\/17 overlap/);
  });

  test('fails a remote network inside the cluster VPC, and one inside a secondary CIDR block of it', () => {
    const t = hybrid({ nodes: ['10.0.128.0/20'], pods: ['10.1.0.0/20'] });
    t.Resources.Secondary = { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: ref('Vpc'), CidrBlock: '10.1.0.0/16' } };
    const findings = run(t, [ID]);
    expect(verdicts(findings)).toEqual([`error ${ID}`, `error ${ID}`]);
    expect(findings[0].message).toMatch(/^the remote node network 10\.0\.128\.0\/20 overlaps Stack\/Vpc's CIDR block \(10\.0\.0\.0\/16\)/);
    expect(findings[1].message).toMatch(/^the remote pod network 10\.1\.0\.0\/20 overlaps the secondary CIDR block Stack\/Secondary \(10\.1\.0\.0\/16\)/);
  });

  test('says "not verifiable" for a secondary CIDR block from an IPAM pool, and for a cluster VPC not in the templates', () => {
    const t = hybrid();
    t.Resources.Secondary = { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: ref('Vpc'), Ipv4IpamPoolId: 'ipam-pool-0123', Ipv4NetmaskLength: 20 } };
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: the secondary CIDR block Stack\/Secondary is not known at synth/)]);

    const imported = hybrid();
    imported.Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds = ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'];
    expect(hybridFindings(imported, ID)).toEqual([`unverified ${ID}`]);
  });

  test('fails a remote network that overlaps the service range given, and is silent when it does not', () => {
    const findings = run(hybrid({ nodes: ['10.100.0.0/16'], pods: [], cluster: { KubernetesNetworkConfig: { ServiceIpv4Cidr: '10.96.0.0/12' } } }), [ID]);
    expect(verdicts(findings)).toEqual([`error ${ID}`]);
    expect(findings[0].message).toMatch(/^the remote node network 10\.100\.0\.0\/16 overlaps the Kubernetes service range \(KubernetesNetworkConfig\.ServiceIpv4Cidr 10\.96\.0\.0\/12\)/);
    expect(hybridFindings(hybrid({ cluster: { KubernetesNetworkConfig: { ServiceIpv4Cidr: '10.96.0.0/12' } } }), ID)).toEqual([]);
  });

  test('says "not verifiable", never an error, for a remote network over a default service range when ServiceIpv4Cidr is left out', () => {
    // EKS picks a range clear of the remote networks for a cluster created with them, but not for remote networks added later
    const findings = run(hybrid({ nodes: ['172.20.0.0/16'], pods: [] }), [ID]);
    expect(verdicts(findings)).toEqual([`unverified ${ID}`]);
    expect(findings[0].message).toMatch(/the remote node network 172\.20\.0\.0\/16 overlaps a service range EKS may pick when ServiceIpv4Cidr is left out \(10\.100\.0\.0\/16 or 172\.20\.0\.0\/16\)/);
  });

  test('fails remote pod networks without remote node networks', () => {
    const t = network({ cluster: { RemoteNetworkConfig: { RemotePodNetworks: [{ Cidrs: [PODS] }] } } });
    const findings = run(t, HYBRID_RULES);
    expect(verdicts(findings)).toEqual([`error ${ID}`]);
    expect(findings[0].message).toMatch(/^RemotePodNetworks \(172\.16\.0\.0\/16\) is given without RemoteNodeNetworks/);
  });

  test('says "not verifiable", never an error, when the blocks or the settings are deploy-time values', () => {
    const t = hybrid({ pods: [] });
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemoteNodeNetworks[0].Cidrs = param(t, 'NodeCidrs', 'CommaDelimitedList');
    t.Resources.Cluster.Properties.AccessConfig = undefined;
    t.Resources.Cluster.Properties.KubernetesNetworkConfig = { IpFamily: param(t, 'Family'), ServiceIpv4Cidr: param(t, 'ServiceCidr') };
    const findings = run(t, [ID]);
    expect(verdicts(findings)).toEqual([`unverified ${ID}`, `unverified ${ID}`, `unverified ${ID}`]);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^Not verifiable at synth: the cluster's IpFamily is a deploy-time value/),
      expect.stringMatching(/^Not verifiable at synth: the remote node networks are a deploy-time value \(parameter NodeCidrs \(CommaDelimitedList\)\)\. If they are not empty: the cluster's authentication mode is left out/),
      expect.stringMatching(/^Not verifiable at synth: some remote networks are deploy-time values/),
    ]);
  });

  test('says "not verifiable" for a block with host bits set', () => {
    expect(messages(run(hybrid({ nodes: ['192.168.1.1/16'] }), [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: the remote node network 192\.168\.1\.1\/16 has host bits set/)]);
  });

  test('names the way out in each error: what to add, remove, use or renumber', () => {
    // GIVEN one template per error
    const podsOnly = network({ cluster: { RemoteNetworkConfig: { RemotePodNetworks: [{ Cidrs: [PODS, '172.17.0.0/16'] }] } } });
    const cases: Array<[Template, RegExp]> = [
      [podsOnly, /^RemotePodNetworks \(172\.16\.0\.0\/16, 172\.17\.0\.0\/16\) is given without RemoteNodeNetworks: .*Add the node networks, or remove the pod networks\.$/],
      [hybrid({ cluster: { KubernetesNetworkConfig: { IpFamily: 'ipv6' } } }), /Use IpFamily ipv4 \(the default\); the address family cannot change on an existing cluster\.$/],
      [hybrid({ cluster: { AccessConfig: { AuthenticationMode: 'CONFIG_MAP' } } }),
        /\(aws-eks-v2 `authenticationMode: eks\.AuthenticationMode\.API`\)\. The mode can go from CONFIG_MAP to the others in place, not back\.$/],
      [hybrid({ nodes: ['203.0.113.0/24'], pods: [] }), /\(RFC 1918, or the RFC 6598 CGNAT range\)\. Use the private block the hybrid nodes or their pods are numbered from\.$/],
      [hybrid({ nodes: ['192.168.0.0/16'], pods: ['192.168.128.0/17'] }), /must not overlap each other\. Give the nodes and the pods separate blocks\.$/],
      [hybrid({ nodes: ['10.0.128.0/20'], pods: [] }), /must not overlap, since the control plane routes to the remote networks through the VPC\. Renumber one of them\.$/],
    ];
    // THEN each error ends with its way out
    for (const [t, message] of cases) {
      expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(message)]);
    }
  });

  test('says "not verifiable" for an authentication mode that is a deploy-time value, naming the modes that work', () => {
    const t = hybrid();
    t.Resources.Cluster.Properties.AccessConfig = { AuthenticationMode: param(t, 'Mode') };
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(
      /^Not verifiable at synth: the cluster's authentication mode is a deploy-time value \(.*parameter Mode.*\)\. Hybrid nodes need API or API_AND_CONFIG_MAP: confirm it is one of them\.$/)]);
  });

  test('says "not verifiable" for a deploy-time block beside literal ones, naming each and what to confirm, and still judges the literal ones', () => {
    // GIVEN a node network that is a parameter beside a literal one, and pod networks that are a parameter list
    const t = hybrid({ nodes: [NODES], pods: [] });
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemoteNodeNetworks[0].Cidrs = [param(t, 'OnPremNodes'), NODES];
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemotePodNetworks[0].Cidrs = param(t, 'PodCidrs', 'CommaDelimitedList');
    t.Resources.Cluster.Properties.KubernetesNetworkConfig = { ServiceIpv4Cidr: '192.168.128.0/20' };
    // THEN one finding lists both deploy-time values and the ranges; the literal block still meets the service range
    const findings = run(t, [ID]);
    expect(verdicts(findings)).toEqual([`unverified ${ID}`, `error ${ID}`]);
    expect(findings[0].message).toMatch(new RegExp('^Not verifiable at synth: some remote networks are deploy-time values \\(.*parameter OnPremNodes.*, parameter PodCidrs \\(CommaDelimitedList\\)\\)\\. ' +
      'Confirm each is an IPv4 block within 10\\.0\\.0\\.0/8, 172\\.16\\.0\\.0/12, 192\\.168\\.0\\.0/16, 100\\.64\\.0\\.0/10 that overlaps no other remote network, ' +
      'the cluster VPC\'s CIDR blocks or the Kubernetes service range\\.$'));
    expect(findings[1].message).toMatch(/^the remote node network 192\.168\.0\.0\/16 overlaps the Kubernetes service range \(KubernetesNetworkConfig\.ServiceIpv4Cidr 192\.168\.128\.0\/20\): .*Renumber one of them\.$/);

    // and with the deploy-time block as the only one, beside no deploy-time list
    const single = hybrid({ pods: [] });
    single.Resources.Cluster.Properties.RemoteNetworkConfig.RemoteNodeNetworks[0].Cidrs = [param(single, 'OnPremNodes')];
    expect(messages(run(single, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: some remote networks are deploy-time values \(.*parameter OnPremNodes.*\)\. Confirm each/)]);
  });

  test('says "not verifiable" when the cluster VPC is not in the templates, naming the command that lists its CIDR blocks', () => {
    const t = hybrid();
    t.Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds = ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'];
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(
      /^Not verifiable at synth: the CIDR blocks of .* are not in the templates given\. Confirm no remote node or pod network overlaps any of the VPC's CIDR blocks \(aws ec2 describe-vpcs\)\.$/)]);
  });

  test('compares the IPv4 secondary blocks only, and says "not verifiable" for one that may not exist or is of an unknown size', () => {
    // GIVEN an IPv6 block, two IPAM blocks, and an IPv4 block under a deploy-time condition over the pod network
    const t = hybrid({ pods: ['172.21.0.0/16'] });
    t.Resources.Ipv6 = { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: ref('Vpc'), AmazonProvidedIpv6CidrBlock: true } };
    t.Resources.Ipam1 = { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: ref('Vpc'), Ipv4IpamPoolId: 'ipam-pool-1', Ipv4NetmaskLength: 20 } };
    t.Resources.Ipam2 = { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: ref('Vpc'), Ipv4IpamPoolId: 'ipam-pool-2', Ipv4NetmaskLength: 20 } };
    t.Resources.Maybe = { Type: 'AWS::EC2::VPCCidrBlock', Condition: condition(t), Properties: { VpcId: ref('Vpc'), CidrBlock: '172.21.0.0/16' } };
    // THEN nothing of the IPv6 block, one finding for both IPAM blocks, and the overlap as "if it is this VPC's", never an error
    const findings = run(t, [ID]);
    expect(verdicts(findings)).toEqual([`unverified ${ID}`, `unverified ${ID}`]);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the secondary CIDR block Stack\/Ipam1, the secondary CIDR block Stack\/Ipam2 are not known at synth \(an IPAM pool, a parameter\)\./);
    expect(findings[1].message).toMatch(/^Not verifiable at synth: the secondary CIDR block Stack\/Maybe may be of another VPC, or may not exist \(a deploy-time value or condition\)\. If it is this VPC's: the remote pod network 172\.21\.0\.0\/16 overlaps the secondary CIDR block Stack\/Maybe \(172\.21\.0\.0\/16\)/);
  });

  test('names every remote network over a default service range in one finding, with how to find the range EKS gave', () => {
    const findings = run(hybrid({ nodes: ['10.100.0.0/16'], pods: ['172.20.0.0/16'] }), [ID]);
    expect(verdicts(findings)).toEqual([`unverified ${ID}`]);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the remote node network 10\.100\.0\.0\/16, the remote pod network 172\.20\.0\.0\/16 overlap a service range EKS may pick/);
    expect(findings[0].message).toMatch(/must avoid the one it has \(aws eks describe-cluster --query cluster\.kubernetesNetworkConfig\.serviceIpv4Cidr\)\. Give ServiceIpv4Cidr explicitly, as AWS recommends\.$/);
  });

  test('says "not verifiable" for a service range that is a deploy-time value beside literal remote networks', () => {
    const t = hybrid();
    t.Resources.Cluster.Properties.KubernetesNetworkConfig = { ServiceIpv4Cidr: param(t, 'ServiceCidr') };
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(
      /^Not verifiable at synth: the Kubernetes service range is a deploy-time value \(.*parameter ServiceCidr.*\)\. Confirm no remote node or pod network overlaps it\.$/)]);
  });
});

describe('HybridNodeEndpointMode', () => {
  const ID = 'HybridNodeEndpointMode';

  test.each([
    ['Private', PRIVATE, undefined],
    ['Public, open', PUBLIC, undefined],
  ])('says nothing in %s mode', (_, mode, cidrs) => {
    expect(hybridFindings(hybrid({ mode, cidrs }), ID)).toEqual([]);
  });

  test('warns in Public & Private mode, naming EndpointMode.PRIVATE and PUBLIC with the on-premises addresses', () => {
    const findings = run(hybrid({ mode: PUBLIC_AND_PRIVATE, cidrs: ['203.0.113.0/24'] }), [ID]);
    expect(verdicts(findings)).toEqual([`warning ${ID}`]);
    expect(findings[0].message).toMatch(/^the hybrid nodes \(192\.168\.0\.0\/16\) are outside the VPC, .*in Public & Private mode they resolve the endpoint to its public addresses/);
    expect(findings[0].message).toMatch(/Use EndpointMode\.PRIVATE .*or EndpointMode\.PUBLIC with the on-premises egress addresses in publicAccessCidrs/);
  });

  test('says "not verifiable" for Public with an allow-list: whether it holds the on-premises egress addresses cannot be known', () => {
    const findings = run(hybrid({ mode: PUBLIC, cidrs: ['203.0.113.0/24'] }), [ID]);
    expect(verdicts(findings)).toEqual([`unverified ${ID}`]);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the public endpoint is limited to 203\.0\.113\.0\/24, and the hybrid nodes \(192\.168\.0\.0\/16\) reach it from their on-premises internet egress addresses/);
  });

  test('says "not verifiable" when the endpoint flags are deploy-time values, saying what is unknown', () => {
    const t = hybrid();
    t.Resources.Cluster.Properties.ResourcesVpcConfig.EndpointPublicAccess = param(t, 'PublicAccess');
    expect(hybridFindings(t, ID)).toEqual([`unverified ${ID}`]);
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(
      /^Not verifiable at synth: the endpoint access flags are deploy-time values\. If both are on: the hybrid nodes \(192\.168\.0\.0\/16\) are outside the VPC/)]);
  });

  test('says nothing without hybrid nodes in Public & Private mode', () => {
    expect(hybridFindings(network({ mode: PUBLIC_AND_PRIVATE }), ID)).toEqual([]);
  });

  test('names every node network, and ends with the way through DNS forwarding', () => {
    const findings = run(hybrid({ mode: PUBLIC_AND_PRIVATE, nodes: [NODES, '10.80.0.0/16'] }), [ID]);
    expect(verdicts(findings)).toEqual([`warning ${ID}`]);
    expect(findings[0].message).toMatch(/^the hybrid nodes \(192\.168\.0\.0\/16, 10\.80\.0\.0\/16\) are outside the VPC/);
    expect(findings[0].message).toMatch(/or have your on-premises DNS forward the endpoint's host name to a Route 53 Resolver inbound endpoint in the cluster VPC\.$/);
  });

  test('says "not verifiable", never a verified warning, when the remote node networks are a deploy-time value', () => {
    // GIVEN Public & Private mode and node networks from a parameter list
    const t = hybrid({ mode: PUBLIC_AND_PRIVATE, pods: [] });
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemoteNodeNetworks[0].Cidrs = param(t, 'NodeCidrs', 'CommaDelimitedList');
    const findings = run(t, [ID]);
    // THEN the problem is put as a condition on there being hybrid nodes
    expect(verdicts(findings)).toEqual([`unverified ${ID}`]);
    expect(findings[0].message).toMatch(
      /^Not verifiable at synth: the remote node networks are a deploy-time value \(parameter NodeCidrs \(CommaDelimitedList\)\)\. If there are hybrid nodes: hybrid nodes are outside the VPC/);
  });

  test('in Public mode, names each allowed block, or a deploy-time allow-list, and what happens when the nodes\' addresses are not in it', () => {
    const listed = run(hybrid({ mode: PUBLIC, cidrs: ['203.0.113.0/24', '198.51.100.0/24'] }), [ID]);
    expect(listed[0].message).toMatch(/^Not verifiable at synth: the public endpoint is limited to 203\.0\.113\.0\/24, 198\.51\.100\.0\/24, .*Confirm those addresses are in publicAccessCidrs, or the nodes never join\.$/);

    const t = hybrid({ mode: PUBLIC });
    t.Resources.Cluster.Properties.ResourcesVpcConfig.PublicAccessCidrs = param(t, 'Allowed', 'CommaDelimitedList');
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: the public endpoint is limited to a deploy-time value, and the hybrid nodes/)]);
  });
});

describe('HybridNodePath', () => {
  const ID = 'HybridNodePath';

  test('passes routes to a Transit Gateway from the node and pod networks', () => {
    expect(hybridFindings(hybrid(), ID)).toEqual([]);
  });

  test('passes route propagation from a virtual private gateway, and a default route to a Transit Gateway', () => {
    const propagated = hybrid();
    Object.keys(propagated.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete propagated.Resources[id]);
    propagated.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
    propagated.Resources.Propagation = { Type: 'AWS::EC2::VPNGatewayRoutePropagation', Properties: { VpnGatewayId: ref('Vgw'), RouteTableIds: CLUSTER_TABLES.map(ref) } };
    expect(hybridFindings(propagated, ID)).toEqual([]);

    const defaultToTgw = hybrid();
    Object.keys(defaultToTgw.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete defaultToTgw.Resources[id]);
    CLUSTER_TABLES.forEach((_, i) => (defaultToTgw.Resources[`Private${i + 1}Default`] = route(CLUSTER_TABLES[i], '0.0.0.0/0', { TransitGatewayId: ref('Tgw') })));
    defaultToTgw.Resources.Tgw = { Type: 'AWS::EC2::TransitGateway', Properties: {} };
    expect(hybridFindings(defaultToTgw, ID)).toEqual([]);
  });

  test('warns about each remote network with no route, naming the route tables and the route to add', () => {
    const t = hybrid();
    delete t.Resources.PrivateSubnet2RtToOnPrem1; // the pod network, in the second table only
    Object.keys(t.Resources).filter((id) => id.endsWith('ToOnPrem0')).forEach((id) => delete t.Resources[id]); // the node network, in both
    const findings = run(t, [ID]);
    expect(verdicts(findings)).toEqual([`warning ${ID}`, `warning ${ID}`]);
    expect(findings[0].message).toMatch(/^no route for the remote node network 192\.168\.0\.0\/16 to your on-premises link in the route tables Stack\/PrivateSubnet1Rt, Stack\/PrivateSubnet2Rt of the cluster subnets: the API server reaches kubelet on the hybrid nodes \(TCP 10250/);
    expect(findings[0].message).toMatch(/Add to each a route for 192\.168\.0\.0\/16 to your virtual private gateway or Transit Gateway/);
    expect(findings[0].message).toMatch(new RegExp("\\(ec2\\.CfnRoute with destinationCidrBlock '192\\.168\\.0\\.0/16' and gatewayId or transitGatewayId\\), or propagate the virtual private " +
      "gateway's routes into them \\(AWS::EC2::VPNGatewayRoutePropagation\\)\\. Routes your network adds outside these templates do not show here: once they exist, acknowledge this warning\\.$"));
    expect(findings[1].message).toMatch(/^no route for the remote pod network 172\.16\.0\.0\/16 to your on-premises link in the route table Stack\/PrivateSubnet2Rt of the cluster subnets: the API server reaches webhooks/);
  });

  test('warns about a route to an internet gateway: private addresses do not cross it', () => {
    const t = hybrid({ pods: [] });
    CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToOnPrem0`] = route(table, NODES, { GatewayId: ref('Igw') })));
    expect(hybridFindings(t, ID)).toEqual([`warning ${ID}`]);
  });

  test('warns in Public mode too: the API server still reaches kubelet through the VPC', () => {
    const t = hybrid({ mode: PUBLIC, pods: [] });
    Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
    const findings = run(t, [ID]);
    expect(verdicts(findings)).toEqual([`warning ${ID}`]);
    expect(findings[0].message).toMatch(/TCP 10250.*in every endpoint mode/);
  });

  test('says "not verifiable" for a route whose table is a parameter, a route to a NAT gateway for the block, and subnets not in the templates', () => {
    const unsureTable = hybrid({ pods: [] });
    Object.keys(unsureTable.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete unsureTable.Resources[id]);
    unsureTable.Resources.Elsewhere = { Type: 'AWS::EC2::Route', Properties: { RouteTableId: param(unsureTable, 'Table'), DestinationCidrBlock: NODES, TransitGatewayId: 'tgw-0' } };
    expect(hybridFindings(unsureTable, ID)).toEqual([`unverified ${ID}`]);

    const viaNat = hybrid({ pods: [] });
    CLUSTER_TABLES.forEach((table) => (viaNat.Resources[`${table}ToOnPrem0`] = route(table, NODES, { NatGatewayId: ref('Nat') })));
    expect(messages(run(viaNat, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: the routes for the remote node network 192\.168\.0\.0\/16 in Stack\/PrivateSubnet1Rt, Stack\/PrivateSubnet2Rt/)]);
    expect(messages(run(viaNat, [ID]), ID)[0]).toMatch(/\(a NAT gateway, an appliance, a local gateway\)\. Confirm each routes 192\.168\.0\.0\/16 to your on-premises link: the API server reaches kubelet/);

    const imported = hybrid({ pods: [] });
    imported.Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds = param(imported, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    expect(messages(run(imported, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: the cluster's subnets are parameter Subnets/)]);
  });

  test('a route under a deploy-time condition is not verifiable', () => {
    const t = hybrid({ pods: [] });
    const maybe = condition(t);
    CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToOnPrem0`].Condition = maybe));
    expect(hybridFindings(t, ID)).toEqual([`unverified ${ID}`]);
  });

  test('a template shaped like EndpointCluster in Private mode: only the route warnings, one per remote network', () => {
    // GIVEN 443 from each remote block into the additional group (allow-all egress), API and ipv4, and no routes to on-premises
    const t = hybrid({ cluster: { KubernetesNetworkConfig: { IpFamily: 'ipv4' } } });
    Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
    t.Resources.ControlPlaneSg.Properties.SecurityGroupEgress = [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }];
    // WHEN every rule runs
    const findings = run(t);
    // THEN the routes are left to confirm, and nothing else
    expect(verdicts(findings)).toEqual([`warning ${ID}`, `warning ${ID}`]);
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(/remote node network 192\.168\.0\.0\/16/), expect.stringMatching(/remote pod network 172\.16\.0\.0\/16/)]);
  });

  test('names the deploy-time remote networks and what to confirm of them; says nothing more when no block is literal', () => {
    // GIVEN a node network that is a parameter, pod networks that are a parameter list, and subnets that are a parameter
    const t = hybrid({ pods: [] });
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemoteNodeNetworks[0].Cidrs = [param(t, 'OnPremNodes')];
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemotePodNetworks[0].Cidrs = param(t, 'PodCidrs', 'CommaDelimitedList');
    t.Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds = param(t, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    // THEN one finding, naming both; no route finding without a literal block
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(new RegExp('^Not verifiable at synth: some remote networks are deploy-time values ' +
      '\\(.*parameter OnPremNodes.*, parameter PodCidrs \\(CommaDelimitedList\\)\\)\\. Confirm every cluster subnet route table routes them to the gateway of your on-premises link\\.$'))]);
  });

  test('says "not verifiable", never a verified warning, for a missing route when the node networks are a deploy-time list', () => {
    const t = hybrid({ pods: [PODS] });
    Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemoteNodeNetworks[0].Cidrs = param(t, 'NodeCidrs', 'CommaDelimitedList');
    const findings = run(t, [ID]);
    expect(verdicts(findings)).toEqual([`unverified ${ID}`, `unverified ${ID}`]);
    expect(findings[1].message).toMatch(/^Not verifiable at synth: the remote node networks are a deploy-time value \(parameter NodeCidrs \(CommaDelimitedList\)\)\. If they are not empty: no route for the remote pod network 172\.16\.0\.0\/16/);
  });

  test('leaves blocks inside the cluster VPC, holding it, or not IPv4 to HybridNodeNetworks', () => {
    // GIVEN no route for any of them
    const t = hybrid({ nodes: ['10.0.128.0/20', '10.0.0.0/8'], pods: ['fd00::/64'] });
    Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
    // THEN no route finding: the errors are HybridNodeNetworks'
    expect(hybridFindings(t, ID)).toEqual([]);
    expect(messages(run(t, ['HybridNodeNetworks']), 'HybridNodeNetworks')).toEqual(expect.arrayContaining([
      expect.stringMatching(/^the remote node network 10\.0\.128\.0\/20 overlaps Stack\/Vpc's CIDR block/),
      expect.stringMatching(/^the remote node network 10\.0\.0\.0\/8 overlaps Stack\/Vpc's CIDR block/),
      expect.stringMatching(/^the remote pod network fd00::\/64 is an IPv6 block/),
    ]));
  });

  test('with subnets it cannot read, names every remote block to route; with a subnet on the main route table, names the subnet', () => {
    const unknown = hybrid();
    unknown.Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds = param(unknown, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    expect(messages(run(unknown, [ID]), ID)).toEqual([expect.stringMatching(
      /route 192\.168\.0\.0\/16, 172\.16\.0\.0\/16 to the gateway of your on-premises link \(a virtual private gateway or Transit Gateway\)\.$/)]);

    // GIVEN the first private subnet with no route table association of its own, and no routes to on premises
    const main = hybrid({ pods: [] });
    delete main.Resources.PrivateSubnet1Assoc;
    Object.keys(main.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete main.Resources[id]);
    // THEN that subnet is to confirm, and the other's table warns
    const findings = run(main, [ID]);
    expect(verdicts(findings)).toEqual([`unverified ${ID}`, `warning ${ID}`]);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the route tables of Stack\/PrivateSubnet1 are not in the templates given \(an imported subnet, or one on the VPC's main route table\)\. Confirm they route 192\.168\.0\.0\/16 to the gateway of your on-premises link\.$/);
    expect(findings[1].message).toMatch(/in the route table Stack\/PrivateSubnet2Rt of the cluster subnets/);
    // with both subnets so, both are named
    delete main.Resources.PrivateSubnet2Assoc;
    expect(messages(run(main, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: the route tables of Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 are not in the templates given/)]);
  });

  test('a propagation counts only where it certainly exists and names the table', () => {
    const propagated = (tables: (t: Template) => Json, conditional = false): Template => {
      const t = hybrid({ pods: [] });
      Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
      t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
      t.Resources.Propagation = { Type: 'AWS::EC2::VPNGatewayRoutePropagation', Properties: { VpnGatewayId: ref('Vgw'), RouteTableIds: tables(t) } };
      if (conditional) t.Resources.Propagation.Condition = condition(t);
      return t;
    };
    // into other route tables only: the cluster's still lack the route
    expect(hybridFindings(propagated(() => [ref('PublicSubnetRt')]), ID)).toEqual([`warning ${ID}`]);
    // under a deploy-time condition, or into tables that are deploy-time values (a list, or one item of it): to confirm
    expect(hybridFindings(propagated(() => CLUSTER_TABLES.map(ref), true), ID)).toEqual([`unverified ${ID}`]);
    expect(hybridFindings(propagated((t) => param(t, 'Tables', 'CommaDelimitedList')), ID)).toEqual([`unverified ${ID}`]);
    expect(hybridFindings(propagated((t) => [ref('PublicSubnetRt'), param(t, 'Table')]), ID)).toEqual([`unverified ${ID}`]);
  });

  test('the most specific route that holds the block decides', () => {
    // GIVEN a route for the node network to the internet gateway before a default route to a Transit Gateway
    const specificToIgw = hybrid({ pods: [] });
    CLUSTER_TABLES.forEach((table, i) => {
      delete specificToIgw.Resources[`Private${i + 1}Default`];
      specificToIgw.Resources[`${table}ToOnPrem0`] = route(table, NODES, { GatewayId: ref('Igw') });
      specificToIgw.Resources[`${table}Default`] = route(table, '0.0.0.0/0', { TransitGatewayId: 'tgw-0123456789abcdef0' });
    });
    expect(hybridFindings(specificToIgw, ID)).toEqual([`warning ${ID}`]);
    // GIVEN the route to the Transit Gateway before a wider one to the internet gateway
    const specificToTgw = hybrid({ pods: [] });
    CLUSTER_TABLES.forEach((table) => (specificToTgw.Resources[`${table}Wide`] = route(table, '192.0.0.0/8', { GatewayId: ref('Igw') })));
    expect(hybridFindings(specificToTgw, ID)).toEqual([]);
    // GIVEN route tables with no route at all
    const bare = hybrid({ pods: [] });
    Object.keys(bare.Resources).filter((id) => id.includes('ToOnPrem') || /^Private\dDefault$/.test(id)).forEach((id) => delete bare.Resources[id]);
    expect(hybridFindings(bare, ID)).toEqual([`warning ${ID}`]);
  });

  test('reads the destinations: a prefix list or a deploy-time block is to confirm, an IPv6 route does not hold the block', () => {
    const withRoute = (destination: (t: Template) => Record<string, Json>): Template => {
      const t = hybrid({ pods: [] });
      CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToOnPrem0`] = {
        Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref(table), TransitGatewayId: 'tgw-0123456789abcdef0', ...destination(t) },
      }));
      return t;
    };
    expect(hybridFindings(withRoute(() => ({ DestinationPrefixListId: 'pl-0123456789abcdef0' })), ID)).toEqual([`unverified ${ID}`]);
    expect(hybridFindings(withRoute((t) => ({ DestinationCidrBlock: param(t, 'OnPremises') })), ID)).toEqual([`unverified ${ID}`]);
    expect(hybridFindings(withRoute(() => ({ DestinationIpv6CidrBlock: '::/0' })), ID)).toEqual([`warning ${ID}`]);
  });

  test.each([
    ['a virtual private gateway by reference', { GatewayId: ref('Vgw') }, []],
    ['a virtual private gateway by ID', { GatewayId: 'vgw-0123456789abcdef0' }, []],
    ['an internet gateway by ID', { GatewayId: 'igw-0123456789abcdef0' }, ['warning HybridNodePath']],
    ['the local route', { GatewayId: 'local' }, ['warning HybridNodePath']],
    ['a carrier gateway', { CarrierGatewayId: 'cagw-0123456789abcdef0' }, ['warning HybridNodePath']],
    ['a gateway that is a deploy-time value', { GatewayId: { Ref: 'Gateway' } }, ['unverified HybridNodePath']],
    ['a local gateway (Outposts), which the templates do not follow', { LocalGatewayId: 'lgw-0123456789abcdef0' }, ['unverified HybridNodePath']],
  ])('a route for the block to %s', (_, target, expected) => {
    const t = hybrid({ pods: [] });
    t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
    t.Parameters.Gateway = { Type: 'String' };
    CLUSTER_TABLES.forEach((table) => (t.Resources[`${table}ToOnPrem0`] = route(table, NODES, target)));
    expect(hybridFindings(t, ID)).toEqual(expected);
  });
});

describe('HybridNodeSecurityGroup', () => {
  const ID = 'HybridNodeSecurityGroup';

  test('passes TCP 443 from the node and pod networks', () => {
    expect(hybridFindings(hybrid(), ID)).toEqual([]);
  });

  test('warns about a remote network with no TCP 443 rule, naming the rule to add', () => {
    const t = hybrid();
    t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ ...TCP_443, CidrIp: NODES }, { IpProtocol: 'tcp', FromPort: 10250, ToPort: 10250, CidrIp: PODS }];
    const findings = run(t, [ID]);
    expect(verdicts(findings)).toEqual([`warning ${ID}`]);
    expect(findings[0].message).toMatch(/^no rule of the cluster's security groups allows TCP 443 from the remote pod network 172\.16\.0\.0\/16: pods on hybrid nodes whose CNI does not masquerade/);
    expect(findings[0].message).toMatch(/addIngressRule\(ec2\.Peer\.ipv4\('172\.16\.0\.0\/16'\), ec2\.Port\.tcp\(443\)\)/);
  });

  test('passes a 443 rule into the cluster security group from a wider block; not verifiable from a prefix list', () => {
    const wide = hybrid();
    wide.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [];
    wide.Resources.Pods = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: att('Cluster', 'ClusterSecurityGroupId'), ...TCP_443, CidrIp: '172.16.0.0/12' } };
    wide.Resources.Nodes = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: att('Cluster', 'ClusterSecurityGroupId'), IpProtocol: '-1', CidrIp: '192.168.0.0/16' } };
    expect(hybridFindings(wide, ID)).toEqual([]);

    const prefixList = hybrid({ pods: [] });
    prefixList.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ ...TCP_443, SourcePrefixListId: 'pl-0123456789abcdef0' }];
    expect(hybridFindings(prefixList, ID)).toEqual([`unverified ${ID}`]);
  });

  test('warns about a missing 443 rule even where the routes are missing too: a rule apart from HybridNodePath, acknowledged apart', () => {
    // GIVEN no routes to on-premises and no 443 rule from the node network
    const t = hybrid({ pods: [] });
    Object.keys(t.Resources).filter((id) => id.includes('ToOnPrem')).forEach((id) => delete t.Resources[id]);
    t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [];
    // THEN one warning from each rule, each with its own ID
    expect(verdicts(run(t, HYBRID_RULES))).toEqual(['warning HybridNodePath', `warning ${ID}`]);
  });

  test('says "not verifiable" for a remote network that is a deploy-time value, and nothing without remote networks', () => {
    const t = hybrid({ pods: [] });
    t.Resources.Cluster.Properties.RemoteNetworkConfig.RemoteNodeNetworks[0].Cidrs = [param(t, 'OnPremises')];
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: some remote networks are deploy-time values .*Confirm the cluster security group allows TCP 443 from them/)]);
    expect(run(network(), [ID])).toEqual([]);
  });

  test('says who calls from a node network by mode: kubelet and kube-proxy too only in Private mode', () => {
    const nodeMessage = (mode: Record<string, Json>) => {
      const t = hybrid({ mode, pods: [] });
      t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [];
      return messages(run(t, [ID]), ID)[0];
    };
    expect(nodeMessage(PRIVATE)).toMatch(/from the remote node network 192\.168\.0\.0\/16: kubelet and kube-proxy on the hybrid nodes, and pods that leave with their node's address .* at the EKS-owned ENIs in the cluster subnets\. Add an ingress rule for TCP 443 from 192\.168\.0\.0\/16 to the cluster security group /);
    for (const mode of [PUBLIC, PUBLIC_AND_PRIVATE]) {
      expect(nodeMessage(mode)).toMatch(/from the remote node network 192\.168\.0\.0\/16: pods that leave with their node's address .* in the cluster subnets through the kubernetes service, in every endpoint mode\. Add an ingress rule/);
    }
  });

  test('names the pods\' way in every endpoint mode', () => {
    const t = hybrid({ nodes: [NODES], pods: [PODS] });
    t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ ...TCP_443, CidrIp: NODES }];
    expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(/reach the API server through the kubernetes service, whose endpoints are the EKS-owned ENIs in the cluster subnets, in every endpoint mode\. Add an ingress rule for TCP 443 from 172\.16\.0\.0\/16 to the cluster security group/)]);
  });

  test('says "not verifiable", with what cannot be read, for an imported control-plane group, a conditional rule, a deploy-time port and a prefix list', () => {
    const unreadable = /^Not verifiable at synth: the rules of the cluster's security groups that could allow TCP 443 from the remote node network 192\.168\.0\.0\/16 are not all readable here \(an imported group, a prefix list, a deploy-time value or condition\)\. Confirm TCP 443 is allowed from it\.$/;
    const cases: Array<(t: Template) => void> = [
      (t) => (t.Resources.Cluster.Properties.ResourcesVpcConfig.SecurityGroupIds = ['sg-0123456789abcdef0']),
      (t) => (t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ 'Fn::If': [condition(t), { ...TCP_443, CidrIp: NODES }, ref('AWS::NoValue')] }]),
      (t) => (t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: param(t, 'From', 'Number'), ToPort: param(t, 'To', 'Number'), CidrIp: NODES }]),
      (t) => (t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ ...TCP_443, SourcePrefixListId: 'pl-0123456789abcdef0' }]),
    ];
    for (const change of cases) {
      const t = hybrid({ pods: [] });
      change(t);
      expect(messages(run(t, [ID]), ID)).toEqual([expect.stringMatching(unreadable)]);
    }
  });

  test('warns for 443 from a security group or from the VPC\'s own block: neither holds a remote network', () => {
    for (const source of [{ SourceSecurityGroupId: 'sg-0fedcba9876543210' }, { CidrIp: att('Vpc', 'CidrBlock') }]) {
      const t = hybrid({ pods: [] });
      t.Resources.ControlPlaneSg.Properties.SecurityGroupIngress = [{ ...TCP_443, ...source }];
      expect(hybridFindings(t, ID)).toEqual([`warning ${ID}`]);
    }
  });
});

describe('hybrid nodes on aws-eks-v2 clusters, through the Aspect', () => {
  function eksApp(endpointAccess: eks.EndpointAccess, complete: boolean): ReturnType<typeof check> {
    const app = testApp();
    const stack = new Stack(app, 'Hybrid');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
    const cluster = new eks.Cluster(stack, 'Cluster', {
      vpc, vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }], version: eks.KubernetesVersion.V1_34, endpointAccess,
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP, defaultCapacity: 0,
      remoteNodeNetworks: [{ cidrs: ['192.168.0.0/16'] }], remotePodNetworks: [{ cidrs: ['172.16.0.0/16'] }],
    });
    if (complete) {
      const tgw = new ec2.CfnTransitGateway(stack, 'Tgw', {});
      new ec2.CfnTransitGatewayAttachment(stack, 'TgwAttachment', {
        transitGatewayId: tgw.ref, vpcId: vpc.vpcId, subnetIds: vpc.privateSubnets.map((s) => s.subnetId),
      });
      for (const cidr of ['192.168.0.0/16', '172.16.0.0/16']) {
        cluster.clusterSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'Kubernetes API from on-premises');
        vpc.privateSubnets.forEach((s, i) => new ec2.CfnRoute(stack, `OnPrem${cidr.split('.')[0]}${i}`, {
          routeTableId: s.routeTable.routeTableId, destinationCidrBlock: cidr, transitGatewayId: tgw.ref,
        }));
      }
    }
    return check(app);
  }

  test('Private, with routes to a Transit Gateway and TCP 443 from the remote networks: no hybrid finding', () => {
    expect(eksApp(eks.EndpointAccess.PRIVATE, true).filter((r) => r.id.startsWith('HybridNode'))).toEqual([]);
  });

  test('Private, as aws-eks-v2 leaves it: warnings for the missing routes and 443 rules, no error', () => {
    const reported = eksApp(eks.EndpointAccess.PRIVATE, false);
    expect(reported.filter((r) => r.level === 'error')).toEqual([]);
    expect(byRule(reported, 'HybridNodePath').map((r) => [r.level, r.message])).toEqual([
      ['warning', expect.stringMatching(/^no route for the remote node network 192\.168\.0\.0\/16 to your on-premises link in the route tables Hybrid\/Vpc\/PrivateSubnet1\/RouteTable, Hybrid\/Vpc\/PrivateSubnet2\/RouteTable/)],
      ['warning', expect.stringMatching(/^no route for the remote pod network 172\.16\.0\.0\/16/)],
    ]);
    expect(byRule(reported, 'HybridNodeSecurityGroup').map((r) => [r.level, r.message])).toEqual([
      ['warning', expect.stringMatching(/^no rule of the cluster's security groups allows TCP 443 from the remote node network 192\.168\.0\.0\/16: kubelet and kube-proxy on the hybrid nodes/)],
      ['warning', expect.stringMatching(/^no rule of the cluster's security groups allows TCP 443 from the remote pod network 172\.16\.0\.0\/16/)],
    ]);
  });

  test('Public & Private: HybridNodeEndpointMode warns on the cluster', () => {
    const reported = byRule(eksApp(eks.EndpointAccess.PUBLIC_AND_PRIVATE, true), 'HybridNodeEndpointMode');
    expect(reported).toEqual([expect.objectContaining({ level: 'warning', path: '/Hybrid/Cluster/Resource' })]);
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

describe('the hybrid rules on every kind of value where they read one', () => {
  test('never throw, never stop, never turn a deploy-time value into an error', () => {
    const cluster = ['RemoteNetworkConfig', 'RemoteNetworkConfig.RemoteNodeNetworks', 'RemoteNetworkConfig.RemoteNodeNetworks.0',
      'RemoteNetworkConfig.RemoteNodeNetworks.0.Cidrs', 'RemoteNetworkConfig.RemoteNodeNetworks.0.Cidrs.0', 'RemoteNetworkConfig.RemotePodNetworks',
      'RemoteNetworkConfig.RemotePodNetworks.0.Cidrs', 'RemoteNetworkConfig.RemotePodNetworks.0.Cidrs.0', 'AccessConfig', 'AccessConfig.AuthenticationMode',
      'KubernetesNetworkConfig', 'KubernetesNetworkConfig.IpFamily', 'KubernetesNetworkConfig.ServiceIpv4Cidr'].map((p) => `Cluster Properties.${p}`);
    const route = ['RouteTableId', 'DestinationCidrBlock', 'TransitGatewayId', 'GatewayId'].map((p) => `PrivateSubnet1RtToOnPrem0 Properties.${p}`);
    const group = ['SecurityGroupIngress', 'SecurityGroupIngress.0', 'SecurityGroupIngress.0.CidrIp', 'SecurityGroupIngress.0.FromPort'].map((p) => `ControlPlaneSg Properties.${p}`);
    const propagated = () => {
      const t = hybrid({ mode: PUBLIC_AND_PRIVATE });
      t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
      t.Resources.Propagation = { Type: 'AWS::EC2::VPNGatewayRoutePropagation', Properties: { VpnGatewayId: ref('Vgw'), RouteTableIds: CLUSTER_TABLES.map(ref) } };
      t.Resources.Secondary = { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: ref('Vpc'), CidrBlock: '10.1.0.0/16' } };
      return t;
    };
    const other = ['Propagation Properties.RouteTableIds', 'Propagation Properties.RouteTableIds.0', 'Secondary Properties.CidrBlock', 'Secondary Properties.VpcId',
      'Cluster Properties.ResourcesVpcConfig.EndpointPrivateAccess'];
    expect([...fuzz(() => hybrid(), [...cluster, ...route, ...group]), ...fuzz(propagated, other)]).toEqual([]);
  });
});
