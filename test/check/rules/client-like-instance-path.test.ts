import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EndpointCluster, EndpointMode } from '../../../lib';
import { aspectCheck, byRule } from '../../support/apps';
import {
  att, base, check, CLUSTER_SG, ingress, join, Json, messages, param, PUBLIC, PUBLIC_AND_PRIVATE, ref, securityGroup, sub, Template, verdicts,
} from '../../support/templates';
import { testApp } from '../../support/util';

/**
 * ClientLikeInstancePath (rules/client-like-instance-path.ts): an instance in the cluster VPC that
 * looks like an API client, with no access entry in the templates, has a TCP 443 path to the API.
 * Source: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */

const ID = 'ClientLikeInstancePath';
const SSM_POLICY = join('arn:', ref('AWS::Partition'), ':iam::aws:policy/AmazonSSMManagedInstanceCore');

/**
 * An instance `id` in PrivateSubnet1 with its own group `<id>Sg` (EC2's allow-all egress), its role
 * with the Session Manager policy when `ssm`, its user data and Name tag as given. No access entry.
 */
function instance(t: Template, id: string, o: { ssm?: boolean; userData?: Json; name?: string; path?: string } = {}): void {
  securityGroup(t, `${id}Sg`);
  t.Resources[`${id}Role`] = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {}, ...(o.ssm ? { ManagedPolicyArns: [SSM_POLICY] } : {}) } };
  t.Resources[`${id}Profile`] = { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [ref(`${id}Role`)] } };
  t.Resources[id] = {
    Type: 'AWS::EC2::Instance',
    Properties: {
      ImageId: 'ami-0123456789abcdef0', IamInstanceProfile: ref(`${id}Profile`), SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att(`${id}Sg`, 'GroupId')],
      ...(o.userData !== undefined ? { UserData: o.userData } : {}),
      ...(o.name ? { Tags: [{ Key: 'Name', Value: o.name }] } : {}),
    },
    ...(o.path ? { Metadata: { 'aws:cdk:path': o.path } } : {}),
  };
}

/** The study note's bastion: BastionHostLinux as a template shows it (Name tag BastionHost), no 443 rule. */
function studyNote(mode?: Record<string, Json>): Template {
  const t = base({ mode });
  instance(t, 'Host', { ssm: true, name: 'BastionHost' });
  return t;
}

describe('ClientLikeInstancePath on templates', () => {
  test('warns about a bastion host (BastionHost name) with no 443 rule, naming the rule to add', () => {
    const findings = check(studyNote());
    expect(verdicts(findings, ID)).toEqual([`warning ${ID}`]);
    expect(messages(findings, ID)[0]).toMatch(/^Stack\/Host \(a bastion host or kubectl client, by its name \(as ec2\.BastionHostLinux\)\) looks like an API client in the cluster VPC/);
    expect(messages(findings, ID)[0]).toMatch(/cluster\.clusterSecurityGroup\.connections\.allowFrom\(instance, ec2\.Port\.tcp\(443\)\)/);
    expect(findings.find((f) => f.ruleId === ID)!.subjects).toEqual([{ kind: 'client', name: 'Stack/Host' }]);
    // no access entry names it: ClientSecurityGroupPath does not know it
    expect(verdicts(findings, 'ClientSecurityGroupPath')).toEqual([]);
  });

  test('passes the same bastion with a 443 rule from its group into the cluster security group', () => {
    const t = studyNote();
    ingress(t, 'HostTo443', CLUSTER_SG, { SourceSecurityGroupId: att('HostSg', 'GroupId') });
    expect(verdicts(check(t), ID)).toEqual([]);
  });

  test.each([
    ['in plain user data (Fn::Base64 of a string)', { 'Fn::Base64': '#!/bin/bash\ncurl -LO https://dl.k8s.io/release/v1.34.0/bin/linux/amd64/kubectl\n' }],
    ['in Fn::Join parts, as aws-ec2 UserData renders it', { 'Fn::Base64': join('#!/bin/bash\naws eks update-kubeconfig --name ', ref('Cluster'), ' --region us-east-1') }],
    ['in Fn::Sub text', { 'Fn::Base64': sub('#!/bin/bash\nkubectl apply -f https://example.com/${AWS::Region}.yaml') }],
  ])('warns about an instance whose user data runs kubectl %s', (_, userData) => {
    const t = base();
    instance(t, 'Runner', { userData });
    expect(verdicts(check(t), ID)).toEqual([`warning ${ID}`]);
    expect(messages(check(t), ID)[0]).toMatch(/^Stack\/Runner \(its user data installs or runs kubectl\)/);
  });

  test('warns in Public & Private mode too: in the VPC the name resolves to the private addresses', () => {
    expect(verdicts(check(studyNote(PUBLIC_AND_PRIVATE)), ID)).toEqual([`warning ${ID}`]);
  });

  test('warns not verifiable when private access is a deploy-time value, or the instance is in the VPC\'s default group', () => {
    const flags = studyNote();
    flags.Resources.Cluster.Properties.ResourcesVpcConfig.EndpointPrivateAccess = param(flags, 'Private');
    expect(messages(check(flags), ID)).toEqual([expect.stringMatching(/^Not verifiable at synth: endpointPrivateAccess is a deploy-time value\. If it is true: Stack\/Host/)]);
    const defaultGroup = studyNote();
    delete defaultGroup.Resources.Host.Properties.SecurityGroupIds;
    expect(verdicts(check(defaultGroup), ID)).toEqual([`unverified ${ID}`]);
  });

  test.each([
    ['a public-only cluster: the bastion goes out to the public endpoint', () => studyNote(PUBLIC)],
    ['an instance with the Session Manager role and no bastion in its name or path', () => {
      const t = base();
      instance(t, 'Worker', { ssm: true, name: 'app-server' });
      return t;
    }],
    ['user data that never runs kubectl', () => {
      const t = base();
      instance(t, 'Web', { userData: { 'Fn::Base64': '#!/bin/bash\nyum install -y nginx\n' } });
      return t;
    }],
    ['a bastion host in another VPC', () => {
      const t = base();
      instance(t, 'Host', { ssm: true, name: 'BastionHost' });
      t.Resources.OtherVpc = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.9.0.0/16' } };
      t.Resources.OtherSubnet = { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('OtherVpc'), CidrBlock: '10.9.1.0/24' } };
      t.Resources.Host.Properties.SubnetId = ref('OtherSubnet');
      return t;
    }],
  ])('says nothing of %s', (_, build) => {
    expect(verdicts(check(build()), ID)).toEqual([]);
  });

  test('finds a bastion by its construct path when the template has no Name tag (the tree reader renders no tags), and an SSH bastion by its Name tag', () => {
    const t = base();
    instance(t, 'Host', { ssm: true, path: 'Stack/Admin/BastionHost/Resource' });
    expect(verdicts(check(t), ID)).toEqual([`warning ${ID}`]);
    const ssh = base();
    instance(ssh, 'Jump', { name: 'ops-bastion' });
    expect(verdicts(check(ssh), ID)).toEqual([`warning ${ID}`]);
  });

  test('no double finding: a look-alike whose role has an access entry is a known client, ClientSecurityGroupPath\'s error', () => {
    const t = studyNote();
    t.Resources.HostEntry = { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: ref('Cluster'), PrincipalArn: att('HostRole', 'Arn') } };
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['error ClientSecurityGroupPath']);
  });
});

describe('ClientLikeInstancePath on CDK apps', () => {
  /** A Private EndpointCluster without its own bastion, and an aws-ec2 BastionHostLinux in its VPC; with `allow`, the 443 rule the warning names. */
  function bastionApp(allow: boolean) {
    const app = testApp();
    const stack = new Stack(app, 'Lab');
    const cluster = new EndpointCluster(stack, 'Cluster', { mode: EndpointMode.PRIVATE, bastion: false, adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'] });
    const host = new ec2.BastionHostLinux(stack, 'BastionHost', { vpc: cluster.vpc });
    if (allow) cluster.cluster.clusterSecurityGroup.connections.allowFrom(host, ec2.Port.tcp(443));
    return byRule(aspectCheck(app), ID);
  }

  test('warns about an ec2.BastionHostLinux in a Private cluster\'s VPC with no 443 rule (the study note\'s case)', () => {
    expect(bastionApp(false)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Lab\/BastionHost\/Resource \(a bastion host or kubectl client, by its name/) })]);
  });

  test('passes it once the rule the warning names is added', () => {
    expect(bastionApp(true)).toEqual([]);
  });

  test('warns about an ec2.Instance whose user data writes the kubeconfig, rendered through the tree reader (Fn::Join with the cluster name)', () => {
    const app = testApp();
    const stack = new Stack(app, 'Lab');
    const cluster = new EndpointCluster(stack, 'Cluster', { mode: EndpointMode.PRIVATE, bastion: false, adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'] });
    const userData = ec2.UserData.forLinux();
    userData.addCommands(`aws eks update-kubeconfig --name ${cluster.cluster.clusterName}`, 'kubectl get nodes');
    new ec2.Instance(stack, 'Deployer', {
      vpc: cluster.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(), userData,
    });
    expect(byRule(aspectCheck(app), ID)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Lab\/Deployer \(its user data installs or runs kubectl\)/) })]);
  });
});
