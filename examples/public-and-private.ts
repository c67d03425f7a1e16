// Public & Private: in-VPC clients (nodes, the bastion) use the private endpoint, people
// outside use the public one from an allow-listed range.
// Synthesize: npm run build && npx cdk synth --app "node build/examples/public-and-private.js"
import { App, Stack } from 'aws-cdk-lib';
import { EndpointCluster, EndpointMode } from '../lib';

export const app = new App();
export const stack = new Stack(app, 'PublicAndPrivateEndpoint');

new EndpointCluster(stack, 'Cluster', {
  mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24', '198.51.100.0/24'),
  adminPrincipals: ['arn:aws:iam::123456789012:role/platform-admins'],
});

app.synth();
