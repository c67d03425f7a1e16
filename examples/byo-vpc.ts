// Bring your own VPC: an existing VPC imported by its IDs (no lookup, no AWS call at synth).
// Synthesize: npm run build && npx cdk synth --app "node build/examples/byo-vpc.js"
//
// With a VPC it does not own, EndpointCluster cannot know the nodes' egress addresses, so
// a restricted public endpoint goes with private access on: nodes then use the private one.
// The VPC must have DNS support and DNS hostnames on for the private endpoint to resolve.
// At synth the check cannot see them ("Not verifiable" warnings); with credentials for the account,
// `npx cdk-eks-endpoint lookup` reads the VPC once into cdk.context.json, and every later synth
// judges it offline (or `npx cdk-eks-endpoint check --account cdk.out` reads it for one check).
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EndpointCluster, EndpointMode } from '../lib';

export const app = new App();
export const stack = new Stack(app, 'ByoVpcEndpoint', { env: { account: '123456789012', region: 'eu-west-1' } });

const vpc = ec2.Vpc.fromVpcAttributes(stack, 'CompanyVpc', {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcCidrBlock: '10.20.0.0/16',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  publicSubnetIds: ['subnet-0aaa0000000000001', 'subnet-0aaa0000000000002'],
  privateSubnetIds: ['subnet-0bbb0000000000001', 'subnet-0bbb0000000000002'],
});

new EndpointCluster(stack, 'Cluster', {
  vpc,
  mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'),
});

app.synth();
