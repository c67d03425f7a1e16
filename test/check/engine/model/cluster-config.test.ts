import { clusterProperties, fromV1Config, unreadableConfig } from '../../../../lib/check/engine/model/cluster-config';
import { ResourceIndex } from '../../../../lib/check/engine/template/resource-index';
import { TemplateSet } from '../../../../lib/check/engine/template/template-set';
import { ResourceRef, Unknown } from '../../../../lib/check/engine/template/value';
import {
  att, awsAuth, awsAuthBastion, check, CLUSTER_SG, ingress, kubectlProvider, nodegroup, param, PUBLIC, ref, Template, v1Base, verdicts,
} from '../../../support/templates';

/**
 * aws-eks (v1) clusters (engine/model: cluster-config): the Custom::AWSCDK-EKS-Cluster's Config,
 * the EKS CreateCluster request, read in AWS::EKS::Cluster's shape, so every rule reads it unchanged.
 */
function v1Cluster(t: Template) {
  const set = new TemplateSet([{ id: 'Stack', template: t }]);
  return new ResourceIndex(set).ofType('Custom::AWSCDK-EKS-Cluster')[0];
}

describe('the v1 Config in AWS::EKS::Cluster\'s shape', () => {
  test('endpoint flags, allow-list, subnets, groups, network, encryption and logging are renamed, references kept', () => {
    const t = v1Base({
      mode: PUBLIC, cidrs: ['203.0.113.0/24'], securityGroupIds: [att('ControlPlaneSg', 'GroupId')],
      config: {
        name: 'demo',
        kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: '172.20.0.0/16' },
        encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: att('Key', 'Arn') } }],
        logging: { clusterLogging: [{ enabled: true, types: ['api', 'audit'] }, { enabled: false, types: ['scheduler'] }] },
        accessConfig: { authenticationMode: 'CONFIG_MAP' },
      },
    });
    t.Resources.Key = { Type: 'AWS::KMS::Key', Properties: {} };
    t.Resources.ControlPlaneSg = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'cp', VpcId: ref('Vpc') } };
    const props = clusterProperties(v1Cluster(t));
    expect(props.Name).toBe('demo');
    const vpcConfig = props.ResourcesVpcConfig as Record<string, unknown>;
    expect(vpcConfig.EndpointPublicAccess).toBe(true);
    expect(vpcConfig.EndpointPrivateAccess).toBe(false);
    expect(vpcConfig.PublicAccessCidrs).toEqual(['203.0.113.0/24']);
    expect((vpcConfig.SubnetIds as ResourceRef[]).map((s) => s.resource.logicalId)).toEqual(['PrivateSubnet1', 'PrivateSubnet2']);
    expect((vpcConfig.SecurityGroupIds as ResourceRef[])[0].resource.logicalId).toBe('ControlPlaneSg');
    expect(props.KubernetesNetworkConfig).toEqual({ IpFamily: 'ipv4', ServiceIpv4Cidr: '172.20.0.0/16' });
    expect(((props.EncryptionConfig as any)[0].Provider.KeyArn as ResourceRef).resource.logicalId).toBe('Key');
    expect((props.EncryptionConfig as any)[0].Resources).toEqual(['secrets']);
    expect(props.Logging).toEqual({ ClusterLogging: { EnabledTypes: [{ Type: 'api' }, { Type: 'audit' }] } });
    expect(props.AccessConfig).toEqual({ AuthenticationMode: 'CONFIG_MAP' });
    expect(unreadableConfig(v1Cluster(t))).toBeUndefined();
  });

  test('logging: a setup whose flag or types are deploy-time values is unknown, never enabled or disabled', () => {
    const unknown = new Unknown('parameter Flag (String)');
    const byFlag = fromV1Config({ logging: { clusterLogging: [{ enabled: unknown, types: ['api'] }] } });
    expect((byFlag.Logging as any).ClusterLogging.EnabledTypes[0]).toBeInstanceOf(Unknown);
    const byTypes = fromV1Config({ logging: { clusterLogging: [{ enabled: true, types: unknown }] } });
    expect((byTypes.Logging as any).ClusterLogging.EnabledTypes).toEqual([unknown]);
    const whole = fromV1Config({ logging: { clusterLogging: unknown } });
    expect((whole.Logging as any).ClusterLogging.EnabledTypes).toBe(unknown);
    const silent = fromV1Config({ logging: { clusterLogging: [{ types: ['api'] }] } });
    expect((silent.Logging as any).ClusterLogging.EnabledTypes[0]).toBeInstanceOf(Unknown);
  });

  test('warns ClusterNotChecked, and nothing else, when the whole Config is a parameter', () => {
    const t = v1Base();
    t.Resources.Cluster.Properties.Config = param(t, 'ClusterConfig');
    expect(unreadableConfig(v1Cluster(t))).toMatch(/parameter ClusterConfig/);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified ClusterNotChecked']);
    expect(findings[0].message).toMatch(/aws-eks \(v1\) cluster, and its Config is <?parameter ClusterConfig/);
  });

  test('the EKS API\'s defaults when the flags are left out: public on, private off, open to all', () => {
    const t = v1Base();
    delete t.Resources.Cluster.Properties.Config.resourcesVpcConfig.endpointPublicAccess;
    delete t.Resources.Cluster.Properties.Config.resourcesVpcConfig.endpointPrivateAccess;
    expect(verdicts(check(t))).toEqual(['warning PublicEndpointOpen']);
  });

  test('the string flags CloudFormation hands a custom resource ("true", "false") read as booleans', () => {
    const t = v1Base();
    Object.assign(t.Resources.Cluster.Properties.Config.resourcesVpcConfig, { endpointPublicAccess: 'false', endpointPrivateAccess: 'true' });
    expect(verdicts(check(t))).toEqual([]);
  });
});

describe('what names a v1 cluster: node groups, Fargate profiles, the cluster security group', () => {
  test('fails nodes of a public-only v1 cluster in isolated subnets (the node group names it by Ref), as for AWS::EKS::Cluster', () => {
    const t = v1Base({ mode: PUBLIC, egress: 'isolated' });
    nodegroup(t);
    expect(verdicts(check(t))).toEqual(['error PublicOnlyNodeEgress', 'warning PublicEndpointOpen']);
  });

  test('fails a v1 Fargate profile (Config.clusterName, Config.subnets) in isolated subnets of a public-only cluster', () => {
    const t = v1Base({ mode: PUBLIC, egress: 'isolated' });
    t.Resources.Profile = {
      Type: 'Custom::AWSCDK-EKS-FargateProfile',
      Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:p', Config: { clusterName: ref('Cluster'), podExecutionRoleArn: 'arn:aws:iam::111111111111:role/pod', subnets: [ref('PrivateSubnet1')], selectors: [{ namespace: 'default' }] } },
    };
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error PublicOnlyNodeEgress', 'warning PublicEndpointOpen']);
    expect(findings[0].message).toMatch(/Fargate pods of Stack\/Profile/);
  });

  test('a 443 rule into Fn::GetAtt [Cluster, ClusterSecurityGroupId] of the v1 cluster is a rule into its cluster security group', () => {
    const t = v1Base();
    kubectlProvider(t);
    awsAuthBastion(t);
    awsAuth(t, [{ arn: att('BastionRole', 'Arn') }]);
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });
    // the kubectl handler outside the VPC is the only fault left
    expect(verdicts(check(t))).toEqual(['error ConnectedClientPath']);
  });
});
