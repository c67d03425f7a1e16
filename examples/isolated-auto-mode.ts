// A fully isolated Private lab on EKS Auto Mode: no NAT gateway, no internet gateway; nodes
// and bastion reach AWS services through the VPC endpoints the construct creates, and kubectl
// runs on the bastion through Session Manager.
// Synthesize: npm run build && npx cdk synth --app "node build/examples/isolated-auto-mode.js"
//
// The endpoints are those Auto Mode and the bastion need (ec2, ecr.api, ecr.dkr, sts, eks-auth,
// ssm, ssmmessages, ec2messages, and an S3 gateway endpoint); images come from ECR only. The
// check (`PrivateResolutionCheck`) is clean here: no error, no warning.
import { App, AspectPriority, Aspects, CfnOutput, Stack } from 'aws-cdk-lib';
import { ClusterCompute, ClusterEgress, EndpointCluster, EndpointMode, PrivateResolutionCheck } from '../lib';

export const app = new App();
export const stack = new Stack(app, 'IsolatedAutoMode');

const cluster = new EndpointCluster(stack, 'Cluster', {
  mode: EndpointMode.PRIVATE,
  egress: ClusterEgress.ISOLATED,
  compute: ClusterCompute.AUTO_MODE,
  // the people who administer the cluster, each as themselves (the bastion is read-only)
  adminPrincipals: ['arn:aws:iam::123456789012:role/platform-admins'],
});

new CfnOutput(stack, 'VpcEndpoints', {
  description: 'No internet in this VPC: nodes and bastion reach AWS services through these VPC endpoints',
  value: cluster.vpcEndpointServices.join(','),
});
new CfnOutput(stack, 'BastionSession', { value: cluster.bastion!.sessionCommand });

Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
app.synth();
