import { AccountTemplate, accountInput, READ_METADATA_KEY } from '../../../../lib/check/adapters/account/account-template';
import { ASPECT_RULES } from '../../../../lib/check/adapters/rule-sets';
import { judge } from '../../../../lib/check/engine/analyze';
import { Json } from '../../../support/templates';

/**
 * The template writer on its own: references, facts not read, logical IDs, and the link the engine
 * makes from an access entry to the instance whose role it names (what ListAccessEntries gives in
 * AWS, which moto does not serve: read-cluster.test.ts reads everything else from the emulator).
 */
describe('AccountTemplate', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/bastion';

  /** A private cluster `demo` in one subnet with a bastion whose role is `ROLE`, and, with `entry`, an access entry for it. */
  function bastionAccount(entry: boolean): AccountTemplate {
    const t = new AccountTemplate();
    const cluster = t.add('AWS::EKS::Cluster', 'demo', {}, { ClusterSecurityGroupId: 'sg-cluster' }, 'Clusterdemo');
    t.setClusterSecurityGroup('sg-cluster', cluster);
    t.add('AWS::EC2::VPC', 'vpc-1', { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true });
    t.add('AWS::EC2::Subnet', 'subnet-1', { VpcId: t.ref('vpc-1'), CidrBlock: '10.0.1.0/24' });
    t.add('AWS::EC2::RouteTable', 'rtb-1', { VpcId: t.ref('vpc-1') });
    t.addPart('AWS::EC2::SubnetRouteTableAssociation', 'subnet-1RouteTableAssociation', { SubnetId: t.ref('subnet-1'), RouteTableId: t.ref('rtb-1') }, { id: 'rtbassoc-1' });
    t.add('AWS::EC2::SecurityGroup', 'sg-bastion', { GroupDescription: 'bastion', VpcId: t.ref('vpc-1'), SecurityGroupIngress: [], SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }] });
    t.add('AWS::IAM::Role', ROLE, { ManagedPolicyArns: [] }, { Arn: ROLE }, 'Rolebastion');
    t.add('AWS::IAM::InstanceProfile', 'arn:aws:iam::123456789012:instance-profile/bastion', { Roles: [t.ref(ROLE, 'Ref')] }, {}, 'InstanceProfilebastion');
    t.add('AWS::EC2::Instance', 'i-1', {
      SubnetId: t.ref('subnet-1'), SecurityGroupIds: [t.ref('sg-bastion')], IamInstanceProfile: t.ref('arn:aws:iam::123456789012:instance-profile/bastion'),
      Tags: [{ Key: 'Name', Value: 'bastion' }],
    });
    if (entry) t.addPart('AWS::EKS::AccessEntry', 'demoAccessEntrybastion', { ClusterName: t.ref('demo'), PrincipalArn: t.ref(ROLE) }, { id: `demo/${ROLE}` });
    t.setProperties(cluster, {
      Name: 'demo', RoleArn: 'arn:aws:iam::123456789012:role/eks', AccessConfig: { AuthenticationMode: 'API' },
      ResourcesVpcConfig: { SubnetIds: [t.ref('subnet-1')], SecurityGroupIds: [t.ref('sg-cluster')], EndpointPublicAccess: false, EndpointPrivateAccess: true, PublicAccessCidrs: [] },
      Logging: { ClusterLogging: { EnabledTypes: [] } },
    });
    return t;
  }

  test('references: Ref, a group\'s GroupId, a role\'s Arn, the cluster security group by the cluster\'s attribute, and an ID not read as it is', () => {
    const t = bastionAccount(true);
    t.add('AWS::EC2::VPCPeeringConnection', 'pcx-1', { VpcId: t.ref('vpc-1'), PeerVpcId: t.ref('vpc-elsewhere') });
    const r = t.render().Resources as Record<string, Json>;
    expect(r.Subnet1.Properties.VpcId).toEqual({ Ref: 'Vpc1' });
    expect(r.I1.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': ['SgBastion', 'GroupId'] }]);
    expect(r.DemoAccessEntrybastion.Properties.PrincipalArn).toEqual({ 'Fn::GetAtt': ['Rolebastion', 'Arn'] });
    expect(r.InstanceProfilebastion.Properties.Roles).toEqual([{ Ref: 'Rolebastion' }]);
    expect(r.Clusterdemo.Properties.ResourcesVpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': ['Clusterdemo', 'ClusterSecurityGroupId'] }]);
    expect(r.Pcx1.Properties.PeerVpcId).toBe('vpc-elsewhere');
    expect(r.Clusterdemo.Metadata[READ_METADATA_KEY]).toEqual({ id: 'demo', attributes: { ClusterSecurityGroupId: 'sg-cluster' } });
  });

  test('a fact not read is one parameter without a value, its Description saying what and why', () => {
    const t = new AccountTemplate();
    const first = t.notRead('EnableDnsSupportvpc-1', 'EnableDnsSupport of vpc-1: ec2:DescribeVpcAttribute was denied: AccessDenied');
    const again = t.notRead('EnableDnsSupportvpc-1', 'ignored');
    expect(first).toEqual({ Ref: 'NotReadEnableDnsSupportvpc1' });
    expect(again).toEqual(first);
    expect(t.render().Parameters).toEqual({ NotReadEnableDnsSupportvpc1: { Type: 'String', Description: 'EnableDnsSupport of vpc-1: ec2:DescribeVpcAttribute was denied: AccessDenied' } });
  });

  test('logical IDs are alphanumeric and unique when two physical IDs give the same one; a physical ID is written once', () => {
    const t = new AccountTemplate();
    expect(t.add('AWS::EC2::SecurityGroup', 'sg-a', {})).toBe('SgA');
    expect(t.add('AWS::EC2::SecurityGroup', 'sg_a', {})).toBe('SgA2');
    expect(t.add('AWS::EC2::SecurityGroup', 'sg-a', { other: true })).toBe('SgA');
    expect(t.add('AWS::EC2::Subnet', '0abc', {})).toBe('R0abc');
    expect(Object.keys(t.render().Resources)).toEqual(['SgA', 'SgA2', 'R0abc']);
  });

  test('an instance whose role has an access entry is a known client, as in a template: its missing 443 rule is an error', () => {
    const findings = (entry: boolean) => judge([accountInput({ template: bastionAccount(entry).render(), account: '123456789012', region: 'us-east-1', readAt: '', denied: [], unanswered: [], actions: [] })], ASPECT_RULES)
      .findings.filter((f) => f.ruleId.includes('Client')).map((f) => `${f.level} ${f.verified ? 'verified' : 'not verifiable'} ${f.ruleId}`);
    expect(findings(true)).toEqual(['error verified ClientSecurityGroupPath']);
    // without the entry (ListAccessEntries denied, or in moto), it only looks like a client
    expect(findings(false)).toEqual(['warning verified ClientLikeInstancePath']);
  });
});
