// ClusterBastion on a plain aws-eks-v2 cluster: the bastion works with any ICluster.
// Synthesize: npm run build && npx cdk synth --app "node build/examples/bastion-on-eks-v2.js"
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ClusterBastion } from '../lib';

export const app = new App();
export const stack = new Stack(app, 'PlainEksWithBastion');

const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
const cluster = new eks.Cluster(stack, 'Cluster', {
  vpc,
  version: eks.KubernetesVersion.V1_34,
  endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE,
});

const bastion = new ClusterBastion(stack, 'Bastion', { cluster });
new CfnOutput(stack, 'BastionSession', { value: bastion.sessionCommand });

app.synth();
