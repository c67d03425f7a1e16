// Private only: the API has no public endpoint; kubectl runs on the bastion, reached
// through Session Manager.
// Synthesize: npm run build && npx cdk synth --app "node build/examples/private.js"
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { EndpointCluster, EndpointMode } from '../lib';

export const app = new App();
export const stack = new Stack(app, 'PrivateEndpoint');

const cluster = new EndpointCluster(stack, 'Cluster', { mode: EndpointMode.PRIVATE });
new CfnOutput(stack, 'BastionSession', { value: cluster.bastion!.sessionCommand });

app.synth();
