// The smallest app with the cdk-nag 3 pack, as the README shows it: an EndpointCluster in
// Public & Private mode whose public endpoint is limited to one range, on purpose.
// Synthesize: npm run build && npx cdk synth --app "node build/examples/nag-pack.js"
//
// cdk-nag 3 fails synthesis on every finding not acknowledged, warnings included: the public
// endpoint is a decision, so it is acknowledged here with its reason.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { EndpointAccessChecks, EndpointCluster, EndpointMode } from '../lib';

export const app = new App();
export const stack = new Stack(app, 'NagPackLab');

const lab = new EndpointCluster(stack, 'Cluster', {
  mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'),
});
Validations.of(lab).acknowledge({
  id: 'EndpointAccess-PublicEndpointAccess',
  reason: 'Public endpoint on purpose: kubectl from the office range 203.0.113.0/24 only',
});
Validations.of(app).addPlugins(new EndpointAccessChecks(app));

app.synth();
