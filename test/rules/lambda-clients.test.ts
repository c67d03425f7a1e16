import { KubectlV34Layer } from '@aws-cdk/lambda-layer-kubectl-v34';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { byRule, check, scenario, Scenario } from '../support/apps';

/** A Lambda function whose role has an access entry on the cluster: an API client too. */
function functionClient(s: Scenario, options: { inVpc: boolean }): lambda.Function {
  const fn = new lambda.Function(s.clusterStack, 'Deployer', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    ...(options.inVpc ? { vpc: s.ivpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } } : {}),
  });
  new eks.CfnAccessEntry(s.clusterStack, 'DeployerAccess', { clusterName: s.cluster.ref, principalArn: fn.role!.roleArn });
  return fn;
}

describe('Lambda functions as API clients', () => {
  test('passes aws-eks-v2\'s own kubectl provider in a private cluster: it runs in the cluster security group', () => {
    const s = scenario({ kind: 'eks-v2', mode: 'private' });
    const app = s.app;
    const stack = s.clusterStack;
    const cluster = new eks.Cluster(stack, 'WithKubectl', {
      vpc: s.ivpc, version: eks.KubernetesVersion.V1_34, endpointAccess: eks.EndpointAccess.PRIVATE,
      defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      kubectlProviderOptions: { kubectlLayer: new KubectlV34Layer(stack, 'KubectlLayer') },
    });
    expect(cluster.kubectlProvider).toBeDefined();
    const reported = check(app);
    expect(reported.filter((r) => r.level === 'error')).toEqual([]);
  });

  test('fails a function in the cluster VPC whose own security group has no 443 path into the cluster', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    functionClient(s, { inVpc: true });
    expect(byRule(check(s.app), 'ClientSecurityGroupPath')).toEqual([expect.objectContaining({
      level: 'error', message: expect.stringMatching(/^Network\/Deployer \(access entry\) is in the cluster VPC/),
    })]);
  });

  test('passes it once the cluster security group allows its group on 443', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    const fn = functionClient(s, { inVpc: true });
    new ec2.CfnSecurityGroupIngress(s.clusterStack, 'DeployerTo443', {
      groupId: s.cluster.getAtt('ClusterSecurityGroupId').toString(),
      sourceSecurityGroupId: fn.connections.securityGroups[0].securityGroupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443,
    });
    expect(byRule(check(s.app), 'ClientSecurityGroupPath')).toEqual([]);
  });

  test('fails a function with no VPC against a private-only endpoint', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    functionClient(s, { inVpc: false });
    expect(byRule(check(s.app), 'ConnectedClientPath')).toEqual([expect.objectContaining({
      level: 'error', message: expect.stringMatching(/^Network\/Deployer \(access entry\) runs in no VPC, so it can reach only public endpoints/),
    })]);
  });

  test('passes a function with no VPC when the endpoint is public', () => {
    const s = scenario({ kind: 'cfn', mode: 'public-and-private' });
    functionClient(s, { inVpc: false });
    expect(check(s.app).filter((r) => r.level === 'error')).toEqual([]);
  });
});
