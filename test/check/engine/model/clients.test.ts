import { KubectlV34Layer } from '@aws-cdk/lambda-layer-kubectl-v34';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { aspectCheck, byRule, scenario, Scenario } from '../../../support/apps';
import { att, base, bastion, check, clientVpc, CLUSTER_SG, condition, endpoints, ingress, instanceClient, lambdaClient, messages, NODE_SERVICES, param, ref, securityGroup, Template, verdicts } from '../../../support/templates';

/**
 * Known API clients (engine/model: clients): who is a client (ClusterBastion, instances with an
 * access entry, network interfaces, Lambda functions), where it runs, and clients that cannot be
 * placed.
 */

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

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
// clientsOf and client (network-model.ts): who is a known API client, and where it runs
describe('known API clients: ClusterBastion, instances, network interfaces, Lambda functions', () => {
  const CLUSTER_BASTION = { 'cdk-eks-endpoint': { client: 'ClusterBastion' } };
  const allowClient = (t: Template) => ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });

  test('fails a ClusterBastion in isolated subnets without the Session Manager endpoints, naming all three', () => {
    const t = base({ egress: 'isolated' });
    endpoints(t);
    bastion(t, {}, CLUSTER_BASTION);
    allowClient(t);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(
      /^Stack\/Bastion in Stack\/PrivateSubnet1 have no internet egress and Stack\/Vpc has no usable VPC endpoint for: ssm, ssmmessages, ec2messages\. Session Manager and kubectl cannot work/);
  });

  test('passes the ClusterBastion with them', () => {
    const t = base({ egress: 'isolated' });
    endpoints(t, [...NODE_SERVICES, 'ssm', 'ssmmessages', 'ec2messages']);
    bastion(t, {}, CLUSTER_BASTION);
    allowClient(t);
    expect(verdicts(check(t))).toEqual([]);
  });

  test('does not ask Session Manager endpoints of an instance that is a client by its access entry only', () => {
    const t = base({ egress: 'isolated' });
    endpoints(t);
    bastion(t);
    allowClient(t);
    expect(verdicts(check(t))).toEqual([]);
  });

  test('names a ClusterBastion as such when it has no 443 path', () => {
    const t = base();
    bastion(t, {}, CLUSTER_BASTION);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Stack\/Bastion \(ClusterBastion\) is in the cluster VPC/);
  });

  test('fails an instance placed by its network interface (SubnetId, GroupSet) with no 443 path', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    instanceClient(t, 'Bastion', { NetworkInterfaces: [{ DeviceIndex: '0', SubnetId: ref('PrivateSubnet1'), GroupSet: [att('ClientSg', 'GroupId')] }] });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Stack\/Bastion \(access entry\) is in the cluster VPC/);
  });

  test('fails a Lambda function with no VpcConfig against a Private cluster: it reaches only public endpoints', () => {
    const t = base();
    lambdaClient(t, 'Fn');
    // an instance with no instance profile beside it is no client and stops nothing
    t.Resources.Web = { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-0123456789abcdef0', SubnetId: ref('PrivateSubnet1') } };
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ConnectedClientPath']);
    expect(findings[0].message).toMatch(/^Stack\/Fn \(access entry\) runs in no VPC, so it can reach only public endpoints, and this one is private only\. Give it a VpcConfig in Stack\/Vpc/);
  });

  test('fails a Lambda function in the cluster VPC with no 443 path', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    lambdaClient(t, 'Fn', { SubnetIds: [ref('PrivateSubnet1')], SecurityGroupIds: [att('ClientSg', 'GroupId')] });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Stack\/Fn \(access entry\) is in the cluster VPC/);
  });

  test('passes a Lambda function in the cluster VPC allowed on 443', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    lambdaClient(t, 'Fn', { SubnetIds: [ref('PrivateSubnet1')], SecurityGroupIds: [att('ClientSg', 'GroupId')] });
    allowClient(t);
    expect(verdicts(check(t))).toEqual([]);
  });
});

/**
 * Clients the engine cannot place, or that may not be this cluster's: what they are is not known
 * at synth, so each is a not-verifiable warning (docs/RULES.md: an unknown is never a pass),
 * never an error. Found by the mutation run's reader: all three used to give no finding at all.
 */
describe('clients that cannot be placed, or may be another cluster\'s: a warning, never silence, never an error', () => {
  test('a client whose subnet and security groups are parameters, beside a Private cluster', () => {
    const t = base();
    instanceClient(t, 'Bastion', {
      SubnetId: param(t, 'BastionSubnet', 'AWS::EC2::Subnet::Id'),
      SecurityGroupIds: param(t, 'BastionGroups', 'List<AWS::EC2::SecurityGroup::Id>'),
    });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: where Stack\/Bastion \(access entry\) runs is not known here .*confirm the cluster security group allows TCP 443 from it/);
  });

  test('a client in a VPC of the template, beside a Private cluster whose subnets (and so VPC) are a parameter', () => {
    const t = base({ subnets: { Ref: 'Subnets' } });
    param(t, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    clientVpc(t);
    const findings = check(t);
    expect(findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(messages(findings, 'VpcDnsSupport')).toEqual([expect.stringMatching(/^Not verifiable at synth: the cluster's VPC \(its subnets are parameter Subnets/)]);
    expect(messages(findings, 'ClientSecurityGroupPath')).toEqual([expect.stringMatching(/^Not verifiable at synth: where Stack\/ClientInstance \(access entry\) runs is not known here \(its subnet, or the cluster's VPC \(its subnets are parameter Subnets/)]);
  });

  test('an instance with no 443 path whose access entry names the cluster by a parameter: it may be another cluster\'s', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    instanceClient(t, 'Bastion', { SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att('ClientSg', 'GroupId')] },
      { entry: { ClusterName: param(t, 'ClusterName') } });
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the access entry of Stack\/Bastion names its cluster by a deploy-time value, or exists under a condition\. If it is an API client of this cluster: Stack\/Bastion \(access entry\) is in the cluster VPC/);
  });

  test('the same instance with its 443 rule: nothing to confirm, no finding', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    instanceClient(t, 'Bastion', { SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att('ClientSg', 'GroupId')] },
      { entry: { ClusterName: param(t, 'ClusterName') } });
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });
    expect(verdicts(check(t))).toEqual([]);
  });

  test('an instance with no 443 path whose access entry exists under a condition', () => {
    const t = base();
    securityGroup(t, 'ClientSg');
    instanceClient(t, 'Bastion', { SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att('ClientSg', 'GroupId')] });
    t.Resources.BastionEntry.Condition = condition(t);
    expect(verdicts(check(t))).toEqual(['unverified ClientSecurityGroupPath']);
  });
});

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
    const reported = aspectCheck(app);
    expect(reported.filter((r) => r.level === 'error')).toEqual([]);
  });

  test('fails a function in the cluster VPC whose own security group has no 443 path into the cluster', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    functionClient(s, { inVpc: true });
    expect(byRule(aspectCheck(s.app), 'ClientSecurityGroupPath')).toEqual([expect.objectContaining({
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
    expect(byRule(aspectCheck(s.app), 'ClientSecurityGroupPath')).toEqual([]);
  });

  test('fails a function with no VPC against a private-only endpoint', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    functionClient(s, { inVpc: false });
    expect(byRule(aspectCheck(s.app), 'ConnectedClientPath')).toEqual([expect.objectContaining({
      level: 'error', message: expect.stringMatching(/^Network\/Deployer \(access entry\) runs in no VPC, so it can reach only public endpoints/),
    })]);
  });

  test('passes a function with no VPC when the endpoint is public', () => {
    const s = scenario({ kind: 'cfn', mode: 'public-and-private' });
    functionClient(s, { inVpc: false });
    expect(aspectCheck(s.app).filter((r) => r.level === 'error')).toEqual([]);
  });
});
