// A platform layout: the network in one stack, the cluster in another, the VPC passed
// between them as a construct (CloudFormation exports are made for you).
// Synthesize: npm run build && npx cdk synth --app "node build/examples/multi-stack.js"
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EndpointCluster, EndpointMode } from '../lib';

export const app = new App();
export const network = new Stack(app, 'Network');
export const platform = new Stack(app, 'Platform');

const vpc = new ec2.Vpc(network, 'Vpc', {
  maxAzs: 2,
  natGateways: 1,
  enableDnsSupport: true,
  enableDnsHostnames: true,
  restrictDefaultSecurityGroup: false,
});

new EndpointCluster(platform, 'Cluster', { vpc, mode: EndpointMode.PRIVATE });

app.synth();
