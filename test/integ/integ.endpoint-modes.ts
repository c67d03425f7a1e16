/**
 * Integration test, for your own AWS account: deploys the lab in each endpoint mode and checks
 * from each bastion, through Session Manager, what a lab user would: the endpoint resolves to
 * private addresses (public ones in Public mode), and kubectl works at once as ssm-user and
 * ec2-user, with the nodes Ready; then the bastion's own proof document passes (PASS dns, PASS api).
 *
 *   npm run build
 *   npx cdk deploy --app "node build/test/integ/integ.endpoint-modes.js" --all --require-approval never
 *   npx cdk destroy --app "node build/test/integ/integ.endpoint-modes.js" --all --force
 *
 * The assertions run while the last stack deploys; a failed one fails the deployment. Three
 * clusters cost about $0.80 an hour (README, "What a lab costs"). Offline, npm test synthesizes
 * this app and compares it with its snapshot (test/integ.test.ts).
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { EndpointCluster } from '../../lib/endpoint-cluster';
import { EndpointMode } from '../../lib/endpoint-mode';
import { assertFromBastion, LAB_BASTION } from './bastion-assertions';

export function integApp(app: App = new App()): { app: App; stacks: Stack[]; test: IntegTest } {
  const modes = [EndpointMode.PUBLIC.onlyFrom('0.0.0.0/0'), EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('0.0.0.0/0'), EndpointMode.PRIVATE];
  const labs = modes.map((mode) => {
    const stack = new Stack(app, `EksEndpointInteg-${mode.name}`);
    return { mode, stack, lab: new EndpointCluster(stack, 'Lab', { mode, bastionOptions: LAB_BASTION }) };
  });
  const test = new IntegTest(app, 'EndpointModes', { testCases: labs.map((l) => l.stack) });

  for (const { lab } of labs) assertFromBastion(test, lab, true);
  return { app, stacks: labs.map((l) => l.stack), test };
}

if (require.main === module) {
  integApp();
}
