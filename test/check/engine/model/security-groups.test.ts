import { att, checkNamed, isolated, isolatedNodegroup, levels, NODE_SERVICES, ref, subEndpoints } from '../../../support/templates';

/**
 * Security groups (engine/model: security groups): groups given by a launch template, to instances
 * and node groups.
 */

// Found running the check on public templates and CDK apps (aws-samples, aws-cloudformation-templates, eksctl, the aws-eks-v2 APIs).
describe('security groups from a launch template', () => {
  const client = (instance: Record<string, any>, lt?: Record<string, any>) => ({
    Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
    Profile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [ref('Role')] } },
    Entry: { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: ref('Cluster'), PrincipalArn: att('Role', 'Arn') } },
    Bastion: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: ref('SubA'), IamInstanceProfile: ref('Profile'), ...instance } },
    BastionSg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'bastion', VpcId: ref('Vpc') } },
    ...(lt ? { Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: lt } } } : {}),
  });
  const toCluster = (source: Record<string, any>, protocol = 'tcp') => ({
    ToApi: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: att('Cluster', 'ClusterSecurityGroupId'), IpProtocol: protocol, FromPort: 443, ToPort: 443, ...source } },
  });
  const viaTemplate = { LaunchTemplate: { LaunchTemplateId: ref('Lt'), Version: '1' } };
  const withEgress = (extra: Record<string, any>) => ({ ...extra, ...isolatedNodegroup(), ...subEndpoints([...NODE_SERVICES, 'ssm', 'ssmmessages', 'ec2messages']) });

  test('passes an instance whose launch template gives it the group the cluster allows', () => {
    const extra = withEgress({ ...client(viaTemplate, { SecurityGroupIds: [att('BastionSg', 'GroupId')] }), ...toCluster({ SourceSecurityGroupId: att('BastionSg', 'GroupId') }) });
    expect(levels(checkNamed('t', isolated(extra)), 'ClientSecurityGroupPath')).toEqual([]);
  });

  test('fails it when the cluster allows another group', () => {
    const extra = withEgress({ ...client(viaTemplate, { SecurityGroupIds: [att('BastionSg', 'GroupId')] }), ...toCluster({ SourceSecurityGroupId: att('EndpointSg', 'GroupId') }) });
    expect(levels(checkNamed('t', isolated(extra)), 'ClientSecurityGroupPath')).toEqual(['error ClientSecurityGroupPath']);
  });

  test('warns, and does not fail, for an instance with no group at all: the VPC default group is not in the template', () => {
    const extra = withEgress({ ...client({}), ...toCluster({ CidrIp: '10.0.0.0/16' }) });
    expect(levels(checkNamed('t', isolated(extra)), 'ClientSecurityGroupPath')).toEqual(['warning (not verifiable) ClientSecurityGroupPath']);
  });

  test('passes IpProtocol written in capitals, which EC2 takes as tcp', () => {
    const extra = withEgress({ ...client({ SecurityGroupIds: [att('BastionSg', 'GroupId')] }), ...toCluster({ SourceSecurityGroupId: att('BastionSg', 'GroupId') }, 'TCP') });
    expect(levels(checkNamed('t', isolated(extra)), 'ClientSecurityGroupPath')).toEqual([]);
  });

  describe('on a managed node group (EKS gives the cluster security group only when the template names none)', () => {
    const nodes = (endpointFrom: Record<string, any>, api: Record<string, any> = {}) => isolated({
      ...isolatedNodegroup(viaTemplate),
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { SecurityGroupIds: [att('NodeSg', 'GroupId')] } } },
      NodeSg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'nodes', VpcId: ref('Vpc') } },
      ...subEndpoints(NODE_SERVICES, endpointFrom),
      ...api,
    });
    const nodesToApi = toCluster({ SourceSecurityGroupId: att('NodeSg', 'GroupId') });

    test('passes nodes whose group the endpoints and the cluster admit', () => {
      expect(levels(checkNamed('t', nodes({ SourceSecurityGroupId: att('NodeSg', 'GroupId') }, nodesToApi)))).toEqual([]);
    });

    test('fails nodes whose group the endpoints do not admit (they admit only the cluster group)', () => {
      const findings = checkNamed('t', nodes({ SourceSecurityGroupId: att('Cluster', 'ClusterSecurityGroupId') }, nodesToApi));
      expect(levels(findings)).toEqual(['error IsolatedNodeEndpoints']);
    });

    test('fails nodes whose group has no 443 path into the cluster: they never join', () => {
      const findings = checkNamed('t', nodes({ SourceSecurityGroupId: att('NodeSg', 'GroupId') }));
      expect(levels(findings)).toEqual(['error ClientSecurityGroupPath']);
      expect(findings[0].message).toMatch(/carry the security groups of their launch template/);
    });

    test('passes nodes without groups in their launch template: they get the cluster group', () => {
      const template = nodes({ SourceSecurityGroupId: att('Cluster', 'ClusterSecurityGroupId') });
      template.Resources.Lt.Properties.LaunchTemplateData = { MetadataOptions: { HttpTokens: 'required' } };
      expect(levels(checkNamed('t', template))).toEqual([]);
    });
  });
});
