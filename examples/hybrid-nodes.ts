// EKS Hybrid Nodes in Private mode: nodes in an on-premises network (192.168.0.0/16, pods in
// 172.16.0.0/16) join over Site-to-Site VPN and reach the API at the EKS-owned ENIs.
// Synthesize: npm run build && npx cdk synth --app "node build/examples/hybrid-nodes.js"
//
// The control plane reaches kubelet and webhooks on the hybrid nodes through the cluster
// subnets, so their route tables need the remote networks: the VPC is built here with a virtual
// private gateway, a VPN connection whose static routes are both remote networks, and the
// gateway's routes propagated into the private subnets' route tables; the control plane is
// placed in those subnets only. `remoteNodeNetworks`/`remotePodNetworks` add the 443 rules.
// Private mode, as AWS recommends for hybrid nodes (in Public & Private they would resolve the
// public addresses; EndpointCluster refuses it). The check (`PrivateResolutionCheck`) is clean
// here: no error, no warning. The nodes' IAM role is the one an SSM hybrid activation hands out
// (the permissions hybrid-nodes-creds.html lists), and `hybridNodesRole` gives it the HYBRID_LINUX
// access entry the nodes join with; the activation itself (`aws ssm create-activation
// --iam-role <HybridNodesRoleName>`) and the CNI are left to you.
import { App, ArnFormat, AspectPriority, Aspects, CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EndpointCluster, EndpointMode, PrivateResolutionCheck } from '../lib';

const REMOTE_NODES = '192.168.0.0/16';
const REMOTE_PODS = '172.16.0.0/16';

export const app = new App();
export const stack = new Stack(app, 'HybridNodes');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
  maxAzs: 2,
  natGateways: 1,
  enableDnsSupport: true,
  enableDnsHostnames: true,
  restrictDefaultSecurityGroup: false,
  subnetConfiguration: [
    { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
    { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
  ],
  vpnGateway: true,
  // the on-premises router's public address (a documentation address here) and the ranges behind it
  vpnConnections: { onPremises: { ip: '198.51.100.10', staticRoutes: [REMOTE_NODES, REMOTE_PODS] } },
  vpnRoutePropagation: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
});

// The role SSM hands the hybrid nodes: only Systems Manager, for this account, may assume it.
const nodesRole = new iam.Role(stack, 'HybridNodesRole', {
  assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnEquals: { 'aws:SourceArn': stack.formatArn({ service: 'ssm', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) },
    },
  }),
  managedPolicies: [
    iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
    iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryPullOnly'),
  ],
});

const cluster = new EndpointCluster(stack, 'Cluster', {
  mode: EndpointMode.PRIVATE,
  vpc,
  vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
  remoteNodeNetworks: [REMOTE_NODES],
  remotePodNetworks: [REMOTE_PODS],
  hybridNodesRole: nodesRole,
  // the people who administer the cluster, each as themselves (the bastion is read-only)
  adminPrincipals: ['arn:aws:iam::123456789012:role/platform-admins'],
});

// nodeadm reads the cluster's endpoint and certificate, and deregisters the node on uninstall
nodesRole.addToPolicy(new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [cluster.cluster.clusterArn] }));
nodesRole.addToPolicy(new iam.PolicyStatement({ actions: ['ssm:DeregisterManagedInstance', 'ssm:DescribeInstanceInformation'], resources: ['*'] }));

new CfnOutput(stack, 'ClusterName', { value: cluster.cluster.clusterName });
new CfnOutput(stack, 'BastionSession', { value: cluster.bastion!.sessionCommand });
new CfnOutput(stack, 'HybridNodesRoleName', { value: nodesRole.roleName });

Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
app.synth();
