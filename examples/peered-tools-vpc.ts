// Public & Private, with a "tools" VPC peered to the cluster VPC: its CI runner calls the API on
// the private endpoint, people use the public one from the office range.
// Synthesize: npm run build && npx cdk synth --app "node build/examples/peered-tools-vpc.js"
//
// Two stacks, as a platform team would have them: the tools VPC and its runner outlive any one
// cluster and serve several, so they are a stack of their own; the cluster stack owns what
// joins it to them (the peering connection, the routes both ways, the runner's access entry),
// so deleting a cluster takes its connection with it and leaves the tools VPC as it was.
//
// `connectedVpcs` gives the 443 rule from 10.1.0.0/16 and, in this mode, the Route 53 Resolver
// forwarding: the tools VPC would otherwise resolve the endpoint to its public addresses. The
// routes are yours; the check (`PrivateResolutionCheck`) judges them, and is clean here: no error,
// no warning (PublicEndpointOpen does not apply, the public endpoint has an allow-list).
// EKS may put its ENIs in any subnet given to the cluster, public ones included, so every
// cluster subnet routes the tools range back.
import { App, AspectPriority, Aspects, CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EndpointCluster, EndpointMode, PrivateResolutionCheck } from '../lib';

const TOOLS_CIDR = '10.1.0.0/16';

export const app = new App();
export const tools = new Stack(app, 'Tools');
export const stack = new Stack(app, 'PeeredCluster');

// The tools VPC: its own range, DNS on, the runner in a private subnet behind a NAT gateway.
const toolsVpc = new ec2.Vpc(tools, 'Vpc', {
  ipAddresses: ec2.IpAddresses.cidr(TOOLS_CIDR),
  maxAzs: 2,
  natGateways: 1,
  enableDnsSupport: true,
  enableDnsHostnames: true,
  restrictDefaultSecurityGroup: false,
  subnetConfiguration: [
    { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
    { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
  ],
});

// A CI runner: no SSH key, no public address, IMDSv2 only, an encrypted root volume.
const runner = new ec2.Instance(tools, 'CiRunner', {
  vpc: toolsVpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.SMALL),
  machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  requireImdsv2: true,
  associatePublicIpAddress: false,
  blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(30, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
});

const cluster = new EndpointCluster(stack, 'Cluster', {
  mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'),
  connectedVpcs: [toolsVpc],
  // the people who administer the cluster, each as themselves (the bastion is read-only)
  adminPrincipals: ['arn:aws:iam::123456789012:role/platform-admins'],
});

// The peering (same account and region: accepted on creation) and the routes both ways.
const peering = new ec2.CfnVPCPeeringConnection(stack, 'ToolsPeering', { vpcId: cluster.vpc.vpcId, peerVpcId: toolsVpc.vpcId });
[...cluster.vpc.publicSubnets, ...cluster.vpc.privateSubnets].forEach((subnet, i) => new ec2.CfnRoute(stack, `ToToolsRoute${i}`, {
  routeTableId: subnet.routeTable.routeTableId,
  destinationCidrBlock: TOOLS_CIDR,
  vpcPeeringConnectionId: peering.ref,
}));
toolsVpc.privateSubnets.forEach((subnet, i) => new ec2.CfnRoute(stack, `FromToolsRoute${i}`, {
  routeTableId: subnet.routeTable.routeTableId,
  destinationCidrBlock: cluster.vpc.vpcCidrBlock,
  vpcPeeringConnectionId: peering.ref,
}));

// The runner deploys into one namespace (its access entry is what makes it an API client to
// the check), and may read the cluster's endpoint for `aws eks update-kubeconfig`.
cluster.cluster.grantAccess('CiRunner', runner.role.roleArn, [
  eks.AccessPolicy.fromAccessPolicyName('AmazonEKSEditPolicy', { accessScopeType: eks.AccessScopeType.NAMESPACE, namespaces: ['apps'] }),
]);
new iam.Policy(stack, 'CiRunnerDescribeCluster', {
  roles: [runner.role],
  statements: [new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [cluster.cluster.clusterArn] })],
});

new CfnOutput(stack, 'ResolverInboundAddresses', {
  description: 'Forward the endpoint\'s host name here from other networks\' DNS (the tools VPC has its rule already)',
  value: cluster.resolverInboundAddresses.join(','),
});

Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
app.synth();
