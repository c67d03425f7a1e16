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
// here: no error, no warning. Registering the nodes (an SSM hybrid activation or IAM Roles
// Anywhere, and their role's HYBRID_LINUX access entry) and the CNI are left out.
import { App, AspectPriority, Aspects, CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
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

const cluster = new EndpointCluster(stack, 'Cluster', {
  mode: EndpointMode.PRIVATE,
  vpc,
  vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
  remoteNodeNetworks: [REMOTE_NODES],
  remotePodNetworks: [REMOTE_PODS],
});

new CfnOutput(stack, 'ClusterName', { value: cluster.cluster.clusterName });
new CfnOutput(stack, 'BastionSession', { value: cluster.bastion!.sessionCommand });

Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
app.synth();
