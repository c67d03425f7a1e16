import { CLUSTER_TABLES, condition, fuzz, hybrid, HYBRID_RULES, hybridFindings, messages, network, NODES, param, PODS, PUBLIC_AND_PRIVATE, ref, run, Template, verdicts } from '../../support/templates';

/**
 * HybridNodeNetworks (rules/hybrid-node-networks.ts): the remote node and pod networks themselves.
 * Sources: https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html,
 * hybrid-nodes-cluster-create.html
 */

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

  test.each([
    ['the 1st and 2nd', ['192.168.0.0/16', '192.168.1.0/24'], ['172.16.0.0/16'], /^the remote node network 192\.168\.0\.0\/16 and the remote node network 192\.168\.1\.0\/24 overlap/],
    ['the 2nd and 3rd', ['10.80.0.0/16'], ['172.16.0.0/16', '172.16.8.0/24'], /^the remote pod network 172\.16\.0\.0\/16 and the remote pod network 172\.16\.8\.0\/24 overlap/],
  ])('fails three remote networks of which only %s overlap (each pair compared, neighbours too)', (_, nodes, pods, message) => {
    const findings = run(hybrid({ nodes, pods }), [ID]);
    expect(verdicts(findings)).toEqual([`error ${ID}`]);
    expect(findings[0].message).toMatch(message);
  });

  test('names each deploy-time reason once, however many remote networks share it', () => {
    // GIVEN a node and a pod network, each chosen by the same condition on a parameter
    const t = hybrid({ nodes: [], pods: [] });
    const cond = condition(t, 'ParamCond');
    const remoteConfig = t.Resources.Cluster.Properties.RemoteNetworkConfig;
    remoteConfig.RemoteNodeNetworks = [{ Cidrs: [{ 'Fn::If': [cond, '10.80.0.0/16', '10.81.0.0/16'] }] }];
    remoteConfig.RemotePodNetworks = [{ Cidrs: [{ 'Fn::If': [cond, '10.90.0.0/16', '10.91.0.0/16'] }] }];
    const [finding] = run(t, [ID]).filter((f) => /deploy-time values/.test(f.message));
    expect(finding.message).toMatch(/^Not verifiable at synth: some remote networks are deploy-time values \([^,)]*\)\./);
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
