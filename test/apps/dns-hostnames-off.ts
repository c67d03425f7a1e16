// An app the check must stop: a raw CfnCluster with private access in a VPC whose DNS
// hostnames are off. test/checks.test.ts runs `cdk synth` on it and expects a failure.
import { App, AspectPriority, Aspects, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { PrivateResolutionCheck } from '../../lib/check/adapters/private-resolution-check';

const app = new App();
const stack = new Stack(app, 'DnsHostnamesOff');
const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16', enableDnsSupport: true, enableDnsHostnames: false });
const subnets = ['10.0.0.0/24', '10.0.1.0/24'].map((cidrBlock, i) => new ec2.CfnSubnet(stack, `Subnet${i}`, {
  vpcId: vpc.ref, cidrBlock, availabilityZone: `eu-west-1${'ab'[i]}`,
}));
new eks.CfnCluster(stack, 'Cluster', {
  roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
  resourcesVpcConfig: { subnetIds: subnets.map((s) => s.ref), endpointPublicAccess: false, endpointPrivateAccess: true },
});
Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
