import { KubectlV34Layer } from '@aws-cdk/lambda-layer-kubectl-v34';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { aspectCheck, byRule } from '../../support/apps';
import { awsAuth, base, check, kubectlProvider, lambdaClient, messages, param, PUBLIC, PUBLIC_AND_PRIVATE, v1Base, verdicts } from '../../support/templates';
import { testApp } from '../../support/util';

/**
 * OutsideVpcClientAllowList (rules/outside-vpc-client-allow-list.ts): a known API client that runs
 * in no VPC (the kubectl handler, a deployer function) reaches the public endpoint from AWS's
 * shared addresses, which a restricted allow-list shuts out; on CDK apps, then on hand-written templates.
 */

const ID = 'OutsideVpcClientAllowList';

/** An aws-eks-v2 cluster with its kubectl provider (placed outside the VPC unless privateSubnets are given). */
function v2WithKubectl(endpointAccess: eks.EndpointAccess, privateSubnets: boolean, overrideCidrs?: string[]) {
  const app = testApp();
  const stack = new Stack(app, 'Kubectl');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    vpc, version: eks.KubernetesVersion.V1_34, endpointAccess, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    kubectlProviderOptions: { kubectlLayer: new KubectlV34Layer(stack, 'KubectlLayer'), ...(privateSubnets ? { privateSubnets: vpc.privateSubnets } : {}) },
  });
  if (overrideCidrs) (cluster.node.defaultChild as eks.CfnCluster).addPropertyOverride('ResourcesVpcConfig.PublicAccessCidrs', overrideCidrs);
  return aspectCheck(app);
}

describe('OutsideVpcClientAllowList on aws-eks-v2 clusters with a kubectl provider', () => {
  // aws-eks-v2, like aws-eks, refuses PUBLIC.onlyFrom() (its handler is outside the VPC then) and puts the
  // handler in the private subnets when private access is on: an allow-list set by an escape hatch gets past it
  test('fails the kubectl handler outside the VPC when an escape hatch restricts the public-only endpoint', () => {
    const found = byRule(v2WithKubectl(eks.EndpointAccess.PUBLIC, false, ['203.0.113.0/24']), ID);
    expect(found.map((r) => r.level)).toEqual(['error']);
    expect(found[0].message).toMatch(/^Kubectl\/Cluster\/KubectlProvider\/Handler \(access entry\) runs in no VPC, .* publicAccessCidrs admits only \[203\.0\.113\.0\/24\]/);
  });

  test('passes it with the endpoint open to all (PublicEndpointOpen is that warning\'s business)', () => {
    expect(byRule(v2WithKubectl(eks.EndpointAccess.PUBLIC, false), ID)).toEqual([]);
  });

  test('passes the handler in the private subnets (aws-eks-v2 puts it there when private access is on)', () => {
    expect(byRule(v2WithKubectl(eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), false), ID)).toEqual([]);
  });
});

describe('OutsideVpcClientAllowList on templates', () => {
  test('fails a function outside any VPC with an access entry, in Public & Private mode with an allow-list', () => {
    const t = base({ mode: PUBLIC_AND_PRIVATE, cidrs: ['203.0.113.0/24'] });
    lambdaClient(t, 'Deployer');
    expect(verdicts(check(t))).toEqual([`error ${ID}`]);
  });

  test('fails the aws-eks v1 kubectl handler outside the VPC of a public-only cluster with an allow-list, naming it', () => {
    const t = v1Base({ mode: PUBLIC, cidrs: ['203.0.113.0/24'] });
    kubectlProvider(t);
    awsAuth(t, []);
    const findings = check(t);
    expect(verdicts(findings, ID)).toEqual([`error ${ID}`]);
    expect(messages(findings, ID)[0]).toMatch(/^Stack\/KubectlHandler \(kubectl handler\) runs in no VPC/);
  });

  test('passes with no allow-list (0.0.0.0/0), and in Private mode (ConnectedClientPath\'s case)', () => {
    const open = base({ mode: PUBLIC });
    lambdaClient(open, 'Deployer');
    expect(verdicts(check(open), ID)).toEqual([]);
    const privateOnly = base();
    lambdaClient(privateOnly, 'Deployer');
    expect(verdicts(check(privateOnly))).toEqual(['error ConnectedClientPath']);
  });

  test('passes a function in the VPC: its way out is PublicOnlyNodeEgress\'s to judge', () => {
    const t = base({ mode: PUBLIC_AND_PRIVATE, cidrs: ['203.0.113.0/24'] });
    lambdaClient(t, 'Deployer', { SubnetIds: [{ Ref: 'PrivateSubnet1' }], SecurityGroupIds: [{ 'Fn::GetAtt': ['Cluster', 'ClusterSecurityGroupId'] }] });
    expect(verdicts(check(t), ID)).toEqual([]);
  });

  test('warns, not fails, when the allow-list, the public flag or the client\'s cluster is a deploy-time value', () => {
    const list = base({ mode: PUBLIC_AND_PRIVATE });
    list.Resources.Cluster.Properties.ResourcesVpcConfig.PublicAccessCidrs = param(list, 'Cidrs', 'CommaDelimitedList');
    lambdaClient(list, 'Deployer');
    expect(verdicts(check(list), ID)).toEqual([`unverified ${ID}`]);

    const flag = base({ mode: PUBLIC, cidrs: ['203.0.113.0/24'] });
    flag.Resources.Cluster.Properties.ResourcesVpcConfig.EndpointPublicAccess = param(flag, 'Public');
    lambdaClient(flag, 'Deployer');
    expect(verdicts(check(flag), ID)).toEqual([`unverified ${ID}`]);

    const maybe = base({ mode: PUBLIC, cidrs: ['203.0.113.0/24'] });
    lambdaClient(maybe, 'Deployer');
    maybe.Resources.DeployerEntry.Properties.ClusterName = param(maybe, 'ClusterName');
    expect(verdicts(check(maybe), ID)).toEqual([`unverified ${ID}`]);
  });
});
