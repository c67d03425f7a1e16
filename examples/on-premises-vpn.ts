// Private only, reached from an on-premises network (192.168.0.0/16) over Site-to-Site VPN:
// public DNS answers with the endpoint's private addresses, so on-premises kubectl needs no
// Resolver, only a route there and back and TCP 443.
// Synthesize: npm run build && npx cdk synth --app "node build/examples/on-premises-vpn.js"
//
// EndpointCluster creates a VPC only when none is given, and this one needs a virtual private
// gateway: the VPC is built here (public and private subnets, DNS on, one NAT gateway) with the
// gateway, the VPN connection to the on-premises router, and the gateway's routes propagated
// into the private subnets' route tables. The control plane is placed in those private subnets
// only, so every subnet the EKS-owned ENIs may be in routes 192.168.0.0/16 back over the VPN.
// `connectedCidrs` adds the 443 rule. The check (`PrivateResolutionCheck`) is clean here: no
// error, no warning. ConnectedClientPath judges this path: it reads the VPN connection's static
// route (192.168.0.0/16) as the on-premises network, and wants every cluster subnet's route
// table to route it back to the virtual private gateway (the propagation here, or a route) and
// the cluster security group to allow TCP 443 from it. Without the propagation, or without
// `connectedCidrs`, it warns (not verifiable: no known API client is on premises).
import { App, AspectPriority, Aspects, CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EndpointCluster, EndpointMode, PrivateResolutionCheck } from '../lib';

const ON_PREMISES = '192.168.0.0/16';

export const app = new App();
export const stack = new Stack(app, 'OnPremisesVpn');

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
  // the on-premises router's public address (a documentation address here) and the range behind it
  vpnConnections: { onPremises: { ip: '198.51.100.10', staticRoutes: [ON_PREMISES] } },
  vpnRoutePropagation: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
});

const cluster = new EndpointCluster(stack, 'Cluster', {
  mode: EndpointMode.PRIVATE,
  vpc,
  vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
  connectedCidrs: [ON_PREMISES],
  // the people who administer the cluster, each as themselves (the bastion is read-only)
  adminPrincipals: ['arn:aws:iam::123456789012:role/platform-admins'],
});

new CfnOutput(stack, 'ClusterEndpoint', {
  description: 'Resolves to private addresses in public DNS; reachable from 192.168.0.0/16 over the VPN',
  value: cluster.cluster.clusterEndpoint,
});
new CfnOutput(stack, 'BastionSession', { value: cluster.bastion!.sessionCommand });

Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
app.synth();
