import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EndpointCluster, EndpointClusterProps } from '../lib';
import { testApp } from './support/util';

/**
 * The control-plane log group (issue 16, item 5): created by the construct when the cluster's
 * name is known at synth, with a retention and a KMS key of its own, before the cluster; left to
 * EKS otherwise (lib/private/endpoint-cluster/control-plane-logs.ts says why).
 */
function synth(props: EndpointClusterProps, id = 'Test'): { stack: Stack; lab: EndpointCluster; template: Template } {
  const stack = new Stack(testApp(), id);
  const lab = new EndpointCluster(stack, 'Lab', { adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'], ...props });
  return { stack, lab, template: Template.fromStack(stack) };
}

/** The logical ID and resource of the only AWS::EKS::Cluster. */
function clusterOf(template: Template): [string, any] {
  const found = Object.entries(template.findResources('AWS::EKS::Cluster'));
  expect(found).toHaveLength(1);
  return found[0];
}

/** The log groups of the control-plane logs (named /aws/eks/...), by logical ID. */
function controlPlaneGroups(template: Template): Record<string, any> {
  return Object.fromEntries(Object.entries(template.findResources('AWS::Logs::LogGroup'))
    .filter(([, r]) => JSON.stringify(r.Properties.LogGroupName).includes('/aws/eks/')));
}

describe('EndpointCluster with clusterName: the control-plane log group', () => {
  const { stack, lab, template } = synth({ clusterName: 'payments' });
  const groups = controlPlaneGroups(template);
  const [groupId, group] = Object.entries(groups)[0];

  test('creates /aws/eks/<name>/cluster, kept a year, encrypted with its own key, kept on stack deletion', () => {
    expect(Object.keys(groups)).toHaveLength(1);
    expect(group.Properties.LogGroupName).toBe('/aws/eks/payments/cluster');
    expect(group.Properties.RetentionInDays).toBe(365);
    expect([group.DeletionPolicy, group.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    const keyId = group.Properties.KmsKeyId['Fn::GetAtt'][0];
    const key = template.toJSON().Resources[keyId];
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect([key.DeletionPolicy, key.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    expect(lab.controlPlaneLogGroup).toBeDefined();
  });

  test('the key lets CloudWatch Logs of this region use it for this group only, and grants go to AWS services only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Encryption of the EKS control-plane logs of payments',
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudWatchLogsForTheControlPlaneLogGroup',
            Effect: 'Allow',
            Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Condition: {
              ArnEquals: {
                'kms:EncryptionContext:aws:logs:arn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:/aws/eks/payments/cluster']],
                },
              },
            },
          }),
          Match.objectLike({ Sid: 'GrantsOnlyForAwsServices', Effect: 'Deny', Action: 'kms:CreateGrant' }),
        ]),
      },
    });
  });

  test('the cluster resource, named as given, waits for the group: EKS would create the group otherwise', () => {
    const [, cluster] = clusterOf(template);
    expect(cluster.Properties.Name).toBe('payments');
    expect(cluster.DependsOn).toContain(groupId);
  });

  test('the construct adds no warning for it', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('EndpointCluster without clusterName (an upgrade of a deployed cluster)', () => {
  const { lab, template } = synth({});

  test('creates no control-plane log group and gives the cluster no name: nothing is replaced, EKS creates the group', () => {
    expect(controlPlaneGroups(template)).toEqual({});
    const [, cluster] = clusterOf(template);
    expect(cluster.Properties.Name).toBeUndefined();
    expect(lab.controlPlaneLogGroup).toBeUndefined();
  });
});

describe('EndpointCluster control-plane log group choices', () => {
  test('controlPlaneLogGroup: true without clusterName names the cluster from its path (the same at every synthesis) and creates the group', () => {
    const { template } = synth({ controlPlaneLogGroup: true }, 'Named');
    const [id, cluster] = clusterOf(template);
    expect(cluster.Properties.Name).toMatch(/^NamedLab[A-Za-z0-9]+$/);
    expect(cluster.Properties.Name.length).toBeLessThanOrEqual(100);
    expect(synth({ controlPlaneLogGroup: true }, 'Named').template.toJSON().Resources[id].Properties.Name).toBe(cluster.Properties.Name);
    const [group] = Object.values(controlPlaneGroups(template));
    expect(group.Properties.LogGroupName).toBe(`/aws/eks/${cluster.Properties.Name}/cluster`);
    // the cluster role trusts EKS for this cluster only, now that its name is known
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([`:cluster/${cluster.Properties.Name}`])] }) } }) })] },
    });
  });

  test('controlPlaneLogGroup: false with clusterName creates none, as asked', () => {
    const { template } = synth({ clusterName: 'payments', controlPlaneLogGroup: false }, 'Left');
    expect(controlPlaneGroups(template)).toEqual({});
    expect(clusterOf(template)[1].DependsOn ?? []).not.toContainEqual(expect.stringMatching(/ControlPlaneLogs/));
  });

  test('controlPlaneLogRetention and removalPolicy DESTROY: the group and its key follow them', () => {
    const { template } = synth({ clusterName: 'payments', controlPlaneLogRetention: logs.RetentionDays.TWO_YEARS, removalPolicy: RemovalPolicy.DESTROY }, 'Short');
    const [group] = Object.values(controlPlaneGroups(template));
    expect(group.Properties.RetentionInDays).toBe(731);
    expect(group.DeletionPolicy).toBe('Delete');
    expect(template.toJSON().Resources[group.Properties.KmsKeyId['Fn::GetAtt'][0]].DeletionPolicy).toBe('Delete');
  });

  test('a deploy-time clusterName (a parameter): the group\'s name is resolved by CloudFormation, and nothing is claimed at synth', () => {
    const stack = new Stack(testApp(), 'Token');
    const name = new CfnParameter(stack, 'ClusterName', { type: 'String' });
    new EndpointCluster(stack, 'Lab', { clusterName: name.valueAsString, adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'] });
    const template = Template.fromStack(stack);
    const [group] = Object.values(controlPlaneGroups(template));
    expect(group.Properties.LogGroupName).toEqual({ 'Fn::Join': ['', ['/aws/eks/', { Ref: 'ClusterName' }, '/cluster']] });
    expect(clusterOf(template)[1].Properties.Name).toEqual({ Ref: 'ClusterName' });
  });

  // without clusterName: test/endpoint-cluster-validation.test.ts, with every refusal
  test('refuses controlPlaneLogRetention with controlPlaneLogGroup: false', () => {
    expect(() => synth({ clusterName: 'payments', controlPlaneLogGroup: false, controlPlaneLogRetention: logs.RetentionDays.ONE_MONTH }, 'Both'))
      .toThrow('EndpointCluster: controlPlaneLogRetention (30 days) applies to the control-plane log group this construct creates, and controlPlaneLogGroup is false. Remove one of the two.');
  });
});

/**
 * What an update does, told offline by `@aws-cdk/cloudformation-diff` (the library behind `cdk
 * diff`), the README's "The control-plane log group" in tests: the same stack before and after.
 */
describe('EndpointCluster control-plane log group on update', () => {
  function changes(before: EndpointClusterProps, after: EndpointClusterProps): string[] {
    const rows: string[] = [];
    fullDiff(synth(before, 'Prod').template.toJSON(), synth(after, 'Prod').template.toJSON()).resources.forEachDifference((_id, change) => {
      rows.push(`${change.resourceType} ${change.changeImpact}`);
    });
    return rows.sort();
  }

  test('for a named cluster, the group added replaces nothing: a key and a group added, the cluster updated (its DependsOn)', () => {
    expect(changes({ clusterName: 'payments', controlPlaneLogGroup: false }, { clusterName: 'payments' })).toEqual([
      `AWS::EKS::Cluster ${ResourceImpact.WILL_UPDATE}`, `AWS::KMS::Key ${ResourceImpact.WILL_CREATE}`, `AWS::Logs::LogGroup ${ResourceImpact.WILL_CREATE}`,
    ]);
  });

  test('controlPlaneLogGroup: true on a cluster deployed without a name replaces it, its node group and its access entries, as the README warns', () => {
    const replaced = changes({}, { controlPlaneLogGroup: true }).filter((row) => row.endsWith(ResourceImpact.WILL_REPLACE));
    expect(replaced).toEqual([
      `AWS::EKS::AccessEntry ${ResourceImpact.WILL_REPLACE}`, `AWS::EKS::AccessEntry ${ResourceImpact.WILL_REPLACE}`,
      `AWS::EKS::Cluster ${ResourceImpact.WILL_REPLACE}`, `AWS::EKS::Nodegroup ${ResourceImpact.WILL_REPLACE}`,
    ]);
  });
});
