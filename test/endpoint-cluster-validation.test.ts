import * as fs from 'fs';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as path from 'path';
import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ClusterCompute, ClusterEgress, EndpointCluster, EndpointClusterProps, EndpointMode } from '../lib';
import { testApp } from './support/util';

/**
 * lib/private/endpoint-cluster/validation.ts: every refusal of EndpointCluster, with its stable
 * code, the construct path and the words, thrown before anything is built (the EndpointCluster
 * has no child yet). The words of each are asserted where the feature is tested too.
 */

/** A VPC imported with two private subnets in two AZs, of unknown CIDR blocks. */
function importedVpc(stack: Stack, extra: Partial<ec2.VpcAttributes> = {}): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-priv1', 'subnet-priv2'], ...extra,
  });
}

function nodesRole(stack: Stack): iam.IRole {
  return iam.Role.fromRoleArn(stack, 'NodesRole', 'arn:aws:iam::123456789012:role/HybridNodes');
}

const FORTY = Array.from({ length: 40 }, (_, i) => `198.51.${i}.0/24`);
const ROLE = 'arn:aws:iam::123456789012:role/platform-admins';
const OTHER_ACCOUNT = { account: '111111111111', region: 'eu-west-1' };

interface Case {
  readonly code: string;
  readonly what: string;
  readonly props: (stack: Stack) => EndpointClusterProps;
  readonly message: RegExp;
  readonly env?: { account: string; region: string };
}

const CASES: Case[] = [
  {
    code: 'EndpointClusterAdminSessionArn', what: 'an STS session ARN as admin principal',
    props: () => ({ adminPrincipals: ['arn:aws:sts::123456789012:assumed-role/Admin/alice'] }),
    message: /^EndpointCluster: adminPrincipals has the STS session ARN .*Use arn:aws:iam::123456789012:role\/Admin /,
  },
  {
    code: 'EndpointClusterAdminNotIamArn', what: 'an admin principal that is not an IAM ARN',
    props: () => ({ adminPrincipals: ['alice'] }),
    message: /^EndpointCluster: adminPrincipals has "alice", which is not an IAM role or user ARN\./,
  },
  {
    code: 'EndpointClusterAdminListedTwice', what: 'an admin principal listed twice',
    props: () => ({ adminPrincipals: [ROLE, ` ${ROLE}`] }),
    message: /^EndpointCluster: adminPrincipals lists ".*platform-admins" twice \(adminPrincipals\[0\] and adminPrincipals\[1\]\).*List each principal once\.$/,
  },
  {
    code: 'EndpointClusterBastionOptionsWithoutBastion', what: 'bastionOptions with bastion: false',
    props: () => ({ bastion: false, bastionOptions: { instanceType: new ec2.InstanceType('t3.small') } }),
    message: /^EndpointCluster: bastionOptions \(instanceType\) is set but bastion is false.*remove bastion: false\.$/,
  },
  {
    code: 'EndpointClusterIsolatedPublic', what: 'egress ISOLATED with a public-only endpoint',
    props: () => ({ mode: EndpointMode.PUBLIC, egress: ClusterEgress.ISOLATED }),
    message: /^EndpointCluster: egress ISOLATED with mode public: .*or egress NAT_GATEWAY\.$/,
  },
  {
    code: 'EndpointClusterAutoModeNodegroup', what: 'nodegroup options with Auto Mode',
    props: () => ({ compute: ClusterCompute.AUTO_MODE, nodegroup: { desiredSize: 3 } }),
    message: /^EndpointCluster: nodegroup \(desiredSize\) shapes the managed node group, which compute AUTO_MODE does not create\./,
  },
  {
    code: 'EndpointClusterConnectedWithoutPrivate', what: 'connected networks with a public-only endpoint',
    props: () => ({ mode: EndpointMode.PUBLIC, connectedCidrs: ['10.1.0.0/16'] }),
    message: /^EndpointCluster: connectedVpcs\/connectedCidrs are given, but mode public has no private endpoint/,
  },
  {
    code: 'EndpointClusterPodNetworksWithoutNodeNetworks', what: 'pod networks without node networks',
    props: () => ({ remotePodNetworks: ['172.16.0.0/16'] }),
    message: /^EndpointCluster: remotePodNetworks \(172\.16\.0\.0\/16\) is given without remoteNodeNetworks/,
  },
  {
    code: 'EndpointClusterHybridRoleWithoutNetworks', what: 'hybridNodesRole without node networks',
    props: (stack) => ({ hybridNodesRole: nodesRole(stack) }),
    message: /^EndpointCluster: hybridNodesRole is given without remoteNodeNetworks/,
  },
  {
    code: 'EndpointClusterHybridPublicAndPrivate', what: 'hybrid nodes in Public & Private mode',
    props: () => ({ mode: EndpointMode.PUBLIC_AND_PRIVATE, remoteNodeNetworks: ['192.168.0.0/16'] }),
    message: /^EndpointCluster: remoteNodeNetworks with mode public-and-private: hybrid nodes .*EndpointMode\.PUBLIC\.onlyFrom/,
  },
  {
    code: 'EndpointClusterVpcInOtherRegion', what: 'a VPC of another region than the cluster\'s stack',
    env: OTHER_ACCOUNT,
    props: (stack) => ({ vpc: importedVpc(stack, { region: 'us-east-1' }) }),
    message: /^EndpointCluster: vpc \(Refused\/Vpc\) is in us-east-1, the cluster's stack in eu-west-1; EKS takes subnets of the cluster's own region only.*Create the EndpointCluster in a stack of us-east-1, or give it a VPC of eu-west-1/,
  },
  {
    code: 'EndpointClusterNoIsolatedSubnets', what: 'egress ISOLATED in a given VPC without isolated subnets',
    props: (stack) => ({ vpc: importedVpc(stack), egress: ClusterEgress.ISOLATED }),
    message: /^EndpointCluster: egress ISOLATED places nodes and bastion in isolated subnets, but the VPC has none \(it has 2 private subnet\(s\) with egress and 0 public\)/,
  },
  {
    code: 'EndpointClusterPublicOpenNotAsked', what: 'a public mode without an allow-list',
    props: () => ({ mode: EndpointMode.PUBLIC_AND_PRIVATE }),
    message: /^EndpointCluster: mode public-and-private would open the public endpoint to every address on the internet \(0\.0\.0\.0\/0\) without that being asked for\. Limit it to the addresses that need it: EndpointMode\.PUBLIC_AND_PRIVATE\.onlyFrom\('203\.0\.113\.7\/32'\) .*or, to open it deliberately, EndpointMode\.PUBLIC_AND_PRIVATE\.onlyFrom\('0\.0\.0\.0\/0'\)\.$/,
  },
  {
    code: 'EndpointClusterPublicAllowListOnGivenVpc', what: 'a restricted public-only endpoint in a given VPC',
    props: (stack) => ({ vpc: importedVpc(stack), mode: EndpointMode.PUBLIC.onlyFrom('203.0.113.0/24') }),
    message: /^EndpointCluster: mode public \(public from 203\.0\.113\.0\/24\) restricts a public-only endpoint, but the VPC is not created by this construct/,
  },
  {
    code: 'EndpointClusterPublicAccessCidrQuota', what: '40 allow-list blocks plus the NAT address',
    props: () => ({ mode: EndpointMode.PUBLIC.onlyFrom(...FORTY) }),
    message: /^EndpointCluster: 40 CIDR blocks plus 1 NAT gateway address\(es\) make 41; EKS allows at most 40\. Merge adjacent blocks\.$/,
  },
  {
    code: 'EndpointClusterConnectedVpcTwice', what: 'a connected VPC listed twice',
    props: (stack) => {
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Other', { vpcId: 'vpc-0a', vpcCidrBlock: '10.7.0.0/16', availabilityZones: ['eu-west-1a'] });
      return { connectedVpcs: [vpc, vpc] };
    },
    message: /^EndpointCluster: connectedVpcs lists vpc-0a twice \(connectedVpcs\[0\] and connectedVpcs\[1\]\)\. List each VPC once\.$/,
  },
  {
    code: 'EndpointClusterConnectedVpcCidrUnknown', what: 'a connected VPC without a known CIDR block',
    props: (stack) => ({ connectedVpcs: [ec2.Vpc.fromVpcAttributes(stack, 'Other', { vpcId: 'vpc-other', availabilityZones: ['eu-west-1a'] })] }),
    message: /^EndpointCluster: connectedVpcs\[0\] \(Refused\/Other\) has no known CIDR block/,
  },
  {
    code: 'EndpointClusterConnectedOwnVpc', what: 'the cluster\'s own VPC as a connected VPC',
    props: (stack) => {
      const vpc = importedVpc(stack, { vpcCidrBlock: '10.9.0.0/16' });
      return { vpc, connectedVpcs: [vpc] };
    },
    message: /^EndpointCluster: connectedVpcs\[0\] is the cluster's own VPC/,
  },
  {
    code: 'EndpointClusterConnectedVpcElsewhere', what: 'a connected VPC of another region in Public & Private mode',
    env: OTHER_ACCOUNT,
    props: (stack) => ({
      mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'),
      connectedVpcs: [ec2.Vpc.fromVpcAttributes(stack, 'Other', { vpcId: 'vpc-other', vpcCidrBlock: '10.7.0.0/16', availabilityZones: ['eu-central-1a'], region: 'eu-central-1' })],
    }),
    message: /^EndpointCluster: connectedVpcs\[0\] \(Refused\/Other\) is in 111111111111\/eu-central-1, the cluster in 111111111111\/eu-west-1/,
  },
  {
    code: 'EndpointClusterInvalidCidr', what: 'a connected block that is not one',
    props: () => ({ connectedCidrs: ['10.1.0.0/33'] }),
    message: /^EndpointCluster: connectedCidrs\[0\] "10\.1\.0\.0\/33" has prefix \/33/,
  },
  {
    code: 'EndpointClusterConnectedAnywhere', what: '0.0.0.0/0 as a connected network',
    props: () => ({ connectedCidrs: ['0.0.0.0/0'] }),
    message: /^EndpointCluster: connectedCidrs has 0\.0\.0\.0\/0/,
  },
  {
    code: 'EndpointClusterConnectedOverlapsVpc', what: 'a connected network inside the VPC it creates',
    props: () => ({ connectedCidrs: ['10.0.128.0/20'] }),
    message: /^EndpointCluster: connected network 10\.0\.128\.0\/20 overlaps the cluster VPC's 10\.0\.0\.0\/16/,
  },
  {
    code: 'EndpointClusterConnectedNotPrivate', what: 'a public block as a connected network',
    props: () => ({ connectedCidrs: ['192.168.0.0/16', '8.8.8.0/24'] }),
    message: /^EndpointCluster: connectedCidrs\[1\] 8\.8\.8\.0\/24 is not a private block: .*RFC 1918's 10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16 or RFC 6598's 100\.64\.0\.0\/10.*Give the connected network's own private block\.$/,
  },
  {
    code: 'EndpointClusterServiceCidrRange', what: 'a service range outside EKS\'s rule',
    props: () => ({ serviceIpv4Cidr: '172.20.0.0/25' }),
    message: /^EndpointCluster: serviceIpv4Cidr 172\.20\.0\.0\/25 must be a block from \/12 to \/24/,
  },
  {
    code: 'EndpointClusterServiceCidrOverlapsVpc', what: 'a service range inside the VPC',
    props: () => ({ serviceIpv4Cidr: '10.0.128.0/20' }),
    message: /^EndpointCluster: serviceIpv4Cidr 10\.0\.128\.0\/20 overlaps the cluster VPC's 10\.0\.0\.0\/16; EKS refuses it\./,
  },
  {
    code: 'EndpointClusterRemoteNetworkRange', what: 'a remote network outside the ranges EKS accepts',
    props: () => ({ remoteNodeNetworks: ['203.0.113.0/24'] }),
    message: /^EndpointCluster: remoteNodeNetworks\[0\] 203\.0\.113\.0\/24 is in none of the ranges EKS accepts/,
  },
  {
    code: 'EndpointClusterRemoteNetworksOverlap', what: 'overlapping remote networks',
    props: () => ({ remoteNodeNetworks: ['192.168.0.0/16'], remotePodNetworks: ['192.168.128.0/17'] }),
    message: /^EndpointCluster: remoteNodeNetworks\[0\] 192\.168\.0\.0\/16 and remotePodNetworks\[0\] 192\.168\.128\.0\/17 overlap/,
  },
  {
    code: 'EndpointClusterRemoteNetworkOverlapsVpc', what: 'a remote network over the VPC',
    props: () => ({ remoteNodeNetworks: ['10.0.0.0/8'] }),
    message: /^EndpointCluster: remoteNodeNetworks\[0\] 10\.0\.0\.0\/8 overlaps the cluster VPC's 10\.0\.0\.0\/16/,
  },
  {
    code: 'EndpointClusterRemoteNetworkOverlapsServiceCidr', what: 'a remote network over the service range',
    props: () => ({ remoteNodeNetworks: ['172.16.0.0/12'], serviceIpv4Cidr: '172.20.0.0/16' }),
    message: /^EndpointCluster: remoteNodeNetworks\[0\] 172\.16\.0\.0\/12 overlaps serviceIpv4Cidr 172\.20\.0\.0\/16/,
  },
  {
    code: 'EndpointClusterSecretsKeyRemovalPolicy', what: 'a removal policy for a key of the user\'s',
    props: (stack) => ({ secretsEncryptionKey: new kms.Key(stack, 'Key'), secretsKeyRemovalPolicy: RemovalPolicy.RETAIN }),
    message: /^EndpointCluster: secretsKeyRemovalPolicy \(retain\) applies to the key this construct creates/,
  },
  {
    code: 'EndpointClusterLogRetentionWithoutGroup', what: 'a control-plane log retention without a cluster name, so without a log group',
    props: () => ({ controlPlaneLogRetention: logs.RetentionDays.ONE_MONTH }),
    message: /^EndpointCluster: controlPlaneLogRetention \(30 days\) applies to the control-plane log group this construct creates, and without clusterName it creates none\. Give clusterName, or set controlPlaneLogGroup: true \(for a new cluster: it names the cluster, which replaces one deployed without a name\)\.$/,
  },
  {
    code: 'EndpointClusterHybridRoleIsAdmin', what: 'the hybrid nodes\' role as an admin principal too',
    props: (stack) => ({ remoteNodeNetworks: ['192.168.0.0/16'], hybridNodesRole: nodesRole(stack), adminPrincipals: ['arn:aws:iam::123456789012:role/HybridNodes'] }),
    message: /^EndpointCluster: hybridNodesRole \(arn:aws:iam::123456789012:role\/HybridNodes\) is also adminPrincipals\[0\]/,
  },
  {
    code: 'EndpointClusterResolverSubnetCidrUnknown', what: 'Resolver forwarding in subnets of unknown CIDR blocks',
    props: (stack) => ({ vpc: importedVpc(stack, { vpcCidrBlock: '10.9.0.0/16' }), mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), connectedCidrs: ['10.1.0.0/16'] }),
    message: /^EndpointCluster: Public & Private mode with connected networks builds a Route 53 Resolver inbound endpoint at a fixed address in subnet subnet-priv1/,
  },
  {
    code: 'EndpointClusterResolverSubnetsOneAz', what: 'Resolver forwarding with the nodes\' subnets in one AZ',
    props: (stack) => ({
      mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), connectedCidrs: ['10.1.0.0/16'],
      vpc: importedVpc(stack, { vpcCidrBlock: '10.9.0.0/16', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-priv1'], privateSubnetIpv4CidrBlocks: ['10.9.0.0/24'] }),
    }),
    message: /^EndpointCluster: Public & Private mode with connected networks builds Route 53 Resolver endpoints, which need subnets in two Availability Zones; the nodes' subnets span 1\./,
  },
  {
    code: 'EndpointClusterNodegroupDiskSize', what: 'nodegroup.diskSize with a launch template of the user\'s',
    props: () => ({ nodegroup: { diskSize: 50, launchTemplateSpec: { id: 'lt-0123' } } }),
    message: /^EndpointCluster: nodegroup\.diskSize \(50\) cannot be combined with nodegroup\.launchTemplateSpec/,
  },
  {
    code: 'EndpointClusterNodegroupRemoteAccess', what: 'SSH to the nodes',
    props: () => ({ nodegroup: { remoteAccess: { sshKeyName: 'lab' } } }),
    message: /^EndpointCluster: nodegroup\.remoteAccess opens SSH to the nodes/,
  },
];

/** Builds the case, returning what it threw and the EndpointCluster it left behind. */
function refused(c: Case): { error: any; lab: EndpointCluster | undefined } {
  const stack = new Stack(testApp(), 'Refused', c.env ? { env: c.env } : undefined);
  const props = c.props(stack);
  let error: any;
  try {
    new EndpointCluster(stack, 'Lab', props);
  } catch (e) {
    error = e;
  }
  return { error, lab: stack.node.tryFindChild('Lab') as EndpointCluster | undefined };
}

describe('EndpointCluster refusals', () => {
  test.each(CASES.map((c) => [c.what, c] as const))('refuses %s, with its code and path, before building anything', (_what, c) => {
    // WHEN
    const { error, lab } = refused(c);
    // THEN the error carries the code and the construct path beside the words
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(c.message);
    expect(error.code).toBe(c.code);
    expect(error.constructPath).toBe('Refused/Lab');
    expect(String(error)).toBe(`${c.code}: ${error.message}`);
    expect(error.stack).toContain('Relates to construct: Refused/Lab');
    // AND nothing was built
    expect(lab?.node.children).toEqual([]);
  });

  test('every code in the table of validation.ts is tested here, once', () => {
    const source = fs.readFileSync(path.join(__dirname, '../lib/private/endpoint-cluster/validation.ts'), 'utf8');
    const documented = [...source.matchAll(/^ \* \| (EndpointCluster\w+) \|/gm)].map((m) => m[1]);
    const thrown = [...new Set([...source.matchAll(/refuse\(scope, '(EndpointCluster\w+)'/g)].map((m) => m[1]))];
    expect(CASES.map((c) => c.code)).toEqual(documented);
    expect([...thrown].sort()).toEqual([...documented].sort());
  });

  test('refuses a public connected block that spans half the internet, and takes every private range', () => {
    expect(() => new EndpointCluster(new Stack(testApp(), 'HalfTheInternet'), 'Lab', { connectedCidrs: ['128.0.0.0/1'] }))
      .toThrow(/connectedCidrs\[0\] 128\.0\.0\.0\/1 is not a private block/);
    // a private block that only starts in a private range is not inside it
    expect(() => new EndpointCluster(new Stack(testApp(), 'Straddles'), 'Lab', { connectedCidrs: ['172.0.0.0/8'] }))
      .toThrow(/connectedCidrs\[0\] 172\.0\.0\.0\/8 is not a private block/);
    const stack = new Stack(testApp(), 'PrivateOnes');
    new EndpointCluster(stack, 'Lab', { connectedCidrs: ['10.1.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/16'] });
    const ingress = Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('EKS Control Plane') } });
    expect(JSON.stringify(ingress)).toContain('100.64.0.0/16');
  });

  test('refuses Resolver forwarding in a VPC it creates with one AZ, as soon as the VPC is built', () => {
    // GIVEN a region whose context lists a single Availability Zone
    const app = testApp({ context: { 'availability-zones:account=111111111111:region=eu-west-1': ['eu-west-1a'] } });
    const stack = new Stack(app, 'OneAzRegion', { env: OTHER_ACCOUNT });
    // WHEN / THEN
    let error: any;
    try {
      new EndpointCluster(stack, 'Lab', { mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), connectedCidrs: ['10.1.0.0/16'] });
    } catch (e) {
      error = e;
    }
    expect(error.code).toBe('EndpointClusterResolverSubnetsOneAz');
    expect(error.message).toMatch(/the nodes' subnets span 1/);
    // only the VPC (and its flow logs) was built: no cluster
    const lab = stack.node.findChild('Lab');
    expect(lab.node.tryFindChild('Vpc')).toBeDefined();
    expect(lab.node.tryFindChild('Cluster')).toBeUndefined();
  });

  test('refuses the VPC of a stack in another region passed by crossRegionReferences', () => {
    // GIVEN a VPC built in a us-east-1 stack, and the cluster's stack in eu-west-1, with cross-region references on
    const app = testApp();
    const network = new Stack(app, 'Network', { env: { account: '111111111111', region: 'us-east-1' }, crossRegionReferences: true });
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2 });
    const stack = new Stack(app, 'Platform', { env: OTHER_ACCOUNT, crossRegionReferences: true });
    // WHEN / THEN
    expect(() => new EndpointCluster(stack, 'Lab', { vpc })).toThrow(/vpc \(Network\/Vpc\) is in us-east-1, the cluster's stack in eu-west-1/);
  });

  test('warns, without refusing, when the VPC names its region and the cluster\'s stack has one known only at deploy time', () => {
    // GIVEN an environment-agnostic stack and a VPC imported with its region
    const stack = new Stack(testApp(), 'Platform');
    // WHEN
    new EndpointCluster(stack, 'Lab', { vpc: importedVpc(stack, { region: 'us-east-1' }) });
    // THEN
    Annotations.fromStack(stack).hasWarning('/Platform/Lab', Match.stringLikeRegexp(
      'The cluster\'s stack is in a region known only at deploy time and its vpc \\(Platform/Vpc\\) in us-east-1.*vpcRegionNotVerifiable'));
  });

  test('says nothing of a VPC in the cluster\'s own stack, or of two environment-agnostic stacks', () => {
    const app = testApp();
    const network = new Stack(app, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2 });
    const stack = new Stack(app, 'Platform');
    new EndpointCluster(stack, 'Lab', { vpc });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('vpcRegionNotVerifiable'))).toEqual([]);
  });

  test('refuses a deploy-time admin principal listed twice, with the same code', () => {
    const role = Token.asString({ Ref: 'AdminRoleArn' });
    const { error } = refused({ code: '', what: '', props: () => ({ adminPrincipals: [role, role] }), message: /./ });
    expect(error.code).toBe('EndpointClusterAdminListedTwice');
    expect(error.message).toMatch(/adminPrincipals lists the same deploy-time value twice/);
  });
});
