// The synth-time checks on an app that does not use EndpointCluster: a plain aws-eks-v2
// cluster in Private mode, with an aws-ec2 BastionHostLinux for kubectl.
// Synthesize: npm run build && npx cdk synth --app "node build/examples/policy-check.js"
//
// The bastion's role has an access entry on the cluster, which is how the check knows it calls
// the API. Without the 443 rule below (`policyCheckApp({ bastionRule: false })`), `cdk synth`
// fails with [cdk-eks-endpoint:ClientSecurityGroupPath] from the Aspect, even alone, and with
// EndpointAccess-ClientSecurityGroupPath from the cdk-nag pack: the bastion would resolve the
// private endpoint and time out.
import { App, AspectPriority, Aspects, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EndpointAccessChecks, PrivateResolutionCheck } from '../lib';

/**
 * The app. `bastionRule: false` leaves out the bastion's 443 rule and `pack: false` the cdk-nag
 * pack: test/examples.test.ts builds it both ways to hold the claim in this file's header.
 */
export function policyCheckApp(options: { bastionRule?: boolean; pack?: boolean } = {}): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'CheckedPlainEks');

  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    vpc,
    version: eks.KubernetesVersion.V1_34,
    endpointAccess: eks.EndpointAccess.PRIVATE,
    clusterLogging: Object.values(eks.ClusterLoggingTypes),
    secretsEncryptionKey: new kms.Key(stack, 'SecretsKey', { enableKeyRotation: true }),
  });
  const bastion = new ec2.BastionHostLinux(stack, 'Bastion', { vpc, requireImdsv2: true });
  cluster.grantAccess('Bastion', bastion.role.roleArn, [
    eks.AccessPolicy.fromAccessPolicyName('AmazonEKSViewPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER }),
  ]);
  if (options.bastionRule ?? true) {
    cluster.clusterSecurityGroup.addIngressRule(bastion.connections.securityGroups[0], ec2.Port.tcp(443), 'kubectl from the bastion');
  }

  Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
  if (options.pack ?? true) {
    Validations.of(app).addPlugins(new EndpointAccessChecks(app));
  }
  return { app, stack };
}

export const { app, stack } = policyCheckApp();
app.synth();
