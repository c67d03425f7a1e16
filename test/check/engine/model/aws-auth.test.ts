import { readAwsAuth } from '../../../../lib/check/engine/model/aws-auth';
import { ResourceIndex } from '../../../../lib/check/engine/template/resource-index';
import { TemplateSet } from '../../../../lib/check/engine/template/template-set';
import { ResourceRef, Text, Unknown } from '../../../../lib/check/engine/template/value';
import {
  att, awsAuth, awsAuthBastion, check, CLUSTER_SG, ingress, join, kubectlProvider, messages, param, ref, Template, v1Base, verdicts,
} from '../../../support/templates';

/**
 * The aws-auth ConfigMap (engine/model: aws-auth): the manifest aws-eks v1 applies, JSON inside
 * Fn::Join around role ARNs, read back into the ARNs it maps, references kept, unknowns unknown.
 */
function manifestOf(t: Template) {
  const set = new TemplateSet([{ id: 'Stack', template: t }]);
  return new ResourceIndex(set).ofType('Custom::AWSCDK-EKS-KubernetesResource')[0].properties.Manifest;
}

describe('readAwsAuth', () => {
  test('reads mapRoles back into the role references, skips node roles, and reads mapUsers and mapAccounts', () => {
    const t = v1Base();
    t.Resources.Admin = { Type: 'AWS::IAM::Role', Properties: {} };
    t.Resources.NodeRole = { Type: 'AWS::IAM::Role', Properties: {} };
    awsAuth(t, [{ arn: att('NodeRole', 'Arn'), groups: ['system:bootstrappers', 'system:nodes'] }, { arn: att('Admin', 'Arn') }],
      { users: ['arn:aws:iam::111111111111:user/bob'], accounts: ['111111111111'] });
    const mappings = readAwsAuth(manifestOf(t))!;
    expect(mappings.roles).toHaveLength(1);
    expect((mappings.roles[0] as ResourceRef).resource.logicalId).toBe('Admin');
    expect(mappings.users).toEqual(['arn:aws:iam::111111111111:user/bob']);
    expect(mappings.accounts).toEqual(['111111111111']);
    expect(mappings.unreadable).toBeUndefined();
  });

  test('a role ARN built around a reference stays a built string; a Ref part that is a parameter stays unknown', () => {
    const t = v1Base();
    awsAuth(t, [{ arn: join('arn:aws:iam::', ref('AWS::AccountId'), ':role/admin') }, { arn: param(t, 'AdminRoleArn') }]);
    const mappings = readAwsAuth(manifestOf(t))!;
    expect(mappings.roles[0]).toBeInstanceOf(Text);
    expect(mappings.roles[1]).toBeInstanceOf(Unknown);
    expect((mappings.roles[1] as Unknown).why).toMatch(/parameter AdminRoleArn/);
  });

  test('a manifest that is not aws-auth maps nothing; one that is a deploy-time value, or does not parse, is unreadable, never a throw', () => {
    expect(readAwsAuth(JSON.stringify([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'kube-system' } }]))).toBeUndefined();
    expect(readAwsAuth(42)).toBeUndefined();
    expect(readAwsAuth(new Unknown('parameter Manifest (String)'))?.unreadable).toMatch(/parameter Manifest/);
    expect(readAwsAuth('[{"kind": "ConfigMap", "metadata": {"name": "aws-auth", ": [unclosed')?.unreadable).toMatch(/not JSON or YAML/);
    const badRoles = JSON.stringify([{ kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' }, data: { mapRoles: '- rolearn: [unclosed' } }]);
    expect(readAwsAuth(badRoles)).toEqual({ roles: [], users: [], accounts: [], unreadable: 'data.mapRoles is not a list that can be read at synth' });
    // YAML, as eksctl and hand-written manifests give it
    const yaml = JSON.stringify([{ kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' }, data: { mapRoles: '- rolearn: arn:aws:iam::111111111111:role/ops\n  groups:\n    - system:masters\n' } }]);
    expect(readAwsAuth(yaml)?.roles).toEqual(['arn:aws:iam::111111111111:role/ops']);
  });
});

describe('a role in aws-auth is access: the instance that holds it is a known API client', () => {
  test('fails a bastion mapped in aws-auth with no 443 path into a private v1 cluster (ClientSecurityGroupPath)', () => {
    const t = v1Base();
    kubectlProvider(t, { SubnetIds: [ref('PrivateSubnet1')], SecurityGroupIds: [CLUSTER_SG] });
    awsAuthBastion(t);
    awsAuth(t, [{ arn: att('BastionRole', 'Arn') }]);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ClientSecurityGroupPath']);
    expect(findings[0].message).toMatch(/^Stack\/Bastion \(aws-auth\) is in the cluster VPC/);
  });

  test('passes it with the 443 rule; the kubectl handler in the cluster security group needs none', () => {
    const t = v1Base();
    kubectlProvider(t, { SubnetIds: [ref('PrivateSubnet1')], SecurityGroupIds: [CLUSTER_SG] });
    awsAuthBastion(t);
    awsAuth(t, [{ arn: att('BastionRole', 'Arn') }]);
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });
    expect(verdicts(check(t))).toEqual([]);
  });

  test('fails the kubectl handler outside the VPC of a private-only v1 cluster (ConnectedClientPath), naming it', () => {
    const t = v1Base();
    kubectlProvider(t);
    awsAuth(t, []);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ConnectedClientPath']);
    expect(messages(findings, 'ConnectedClientPath')[0]).toMatch(/^Stack\/KubectlHandler \(kubectl handler\) runs in no VPC/);
  });

  test('warns, not fails, when the manifest may be another cluster\'s (its ClusterName a parameter)', () => {
    const t = v1Base();
    awsAuthBastion(t);
    awsAuth(t, [{ arn: att('BastionRole', 'Arn') }], { cluster: param(t, 'ClusterName') });
    expect(verdicts(check(t))).toEqual(['unverified ClientSecurityGroupPath']);
  });

  test('fails the aws-auth bastion of a cluster named by its literal name (a manifest of an imported cluster, fromClusterAttributes)', () => {
    const t = v1Base({ config: { name: 'prod' } });
    awsAuthBastion(t);
    awsAuth(t, [{ arn: att('BastionRole', 'Arn') }], { cluster: 'prod' });
    expect(verdicts(check(t))).toEqual(['error ClientSecurityGroupPath']);
    // another cluster's name: not this cluster's client
    const other = v1Base({ config: { name: 'prod' } });
    awsAuthBastion(other);
    awsAuth(other, [{ arn: att('BastionRole', 'Arn') }], { cluster: 'staging' });
    expect(verdicts(check(other))).toEqual([]);
  });

  test('warns, no crash, when the role ARN is a parameter or a reference to what is not a role: no known client, a bastion that looks like one (ClientLikeInstancePath)', () => {
    const t = v1Base();
    awsAuthBastion(t);
    awsAuth(t, [{ arn: param(t, 'AdminRoleArn') }]);
    expect(verdicts(check(t))).toEqual(['warning ClientLikeInstancePath']);
    const user = v1Base();
    awsAuthBastion(user);
    user.Resources.Ops = { Type: 'AWS::IAM::User', Properties: {} };
    awsAuth(user, [{ arn: att('Ops', 'Arn') }, { arn: ref('BastionProfile') }]);
    expect(verdicts(check(user))).toEqual(['warning ClientLikeInstancePath']);
  });
});
