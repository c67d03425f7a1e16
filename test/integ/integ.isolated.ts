/**
 * Integration test, for your own AWS account: clusters with no way to the internet
 * (`egress: ClusterEgress.ISOLATED`: no NAT gateway, no internet gateway, VPC endpoints only).
 *
 * - Private mode with a managed node group: the nodes join and are Ready, which they can only do
 *   through the ec2, ecr.api, ecr.dkr, sts and s3 endpoints; the bastion comes online through
 *   the Session Manager endpoints, downloads its kubectl through the S3 gateway endpoint, and
 *   kubectl works at once.
 * - Public & Private mode with EKS Auto Mode: the bastion and the API through the private
 *   endpoint. Auto Mode launches nodes only for pods that need them, so this stack proves the
 *   path and the bastion, not a node.
 *
 *   npm run build
 *   npx cdk deploy --app "node build/test/integ/integ.isolated.js" --all --require-approval never
 *   npx cdk destroy --app "node build/test/integ/integ.isolated.js" --all --force
 *
 * Two clusters without NAT gateways, with interface endpoints: about $0.63 an hour, plus any node
 * Auto Mode launches (README, "Integration test, in your account"). Offline, npm test synthesizes this app and compares it with its snapshot.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { ClusterCompute } from '../../lib/cluster-compute';
import { ClusterEgress } from '../../lib/cluster-egress';
import { EndpointCluster } from '../../lib/endpoint-cluster';
import { EndpointMode } from '../../lib/endpoint-mode';
import { assertFromBastion, LAB_BASTION } from './bastion-assertions';

export function integIsolatedApp(app: App = new App()): { app: App; stacks: Stack[]; test: IntegTest } {
  const nodegroupStack = new Stack(app, 'EksEndpointInteg-isolated-nodegroup');
  const nodegroup = new EndpointCluster(nodegroupStack, 'Lab', { mode: EndpointMode.PRIVATE, egress: ClusterEgress.ISOLATED, bastionOptions: LAB_BASTION });
  const autoModeStack = new Stack(app, 'EksEndpointInteg-isolated-auto-mode');
  const autoMode = new EndpointCluster(autoModeStack, 'Lab', {
    mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('0.0.0.0/0'), egress: ClusterEgress.ISOLATED, compute: ClusterCompute.AUTO_MODE, bastionOptions: LAB_BASTION,
  });
  const test = new IntegTest(app, 'Isolated', { testCases: [nodegroupStack, autoModeStack] });
  assertFromBastion(test, nodegroup, true);
  assertFromBastion(test, autoMode, false);
  return { app, stacks: [nodegroupStack, autoModeStack], test };
}

if (require.main === module) {
  integIsolatedApp();
}
