// Public endpoint only, limited to one office range.
// Synthesize: npm run build && npx cdk synth --app "node build/examples/public.js"
//
// Nodes reach the API over the internet from the NAT gateway: EndpointCluster owns that
// gateway, so it adds its address to the allow-list by itself.
import { App, Stack } from 'aws-cdk-lib';
import { EndpointCluster, EndpointMode } from '../lib';

export const app = new App();
export const stack = new Stack(app, 'PublicEndpoint');

new EndpointCluster(stack, 'Cluster', {
  mode: EndpointMode.PUBLIC.onlyFrom('203.0.113.0/24'),
});

app.synth();
