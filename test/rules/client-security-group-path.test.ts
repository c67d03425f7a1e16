import { CfnParameter } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ClusterBastion } from '../../lib';
import { accessEntryClient, byRule, check, KINDS, PLACEMENTS, scenario } from '../support/apps';

const ID = 'ClientSecurityGroupPath';

describe.each(KINDS)('ClientSecurityGroupPath on a %s cluster', (kind) => {
  test.each(PLACEMENTS)('with the VPC in the %s: passes for a client with a 443 rule into the cluster security group', (vpcIn) => {
    const s = scenario({ kind, vpcIn, mode: 'public-and-private' });
    accessEntryClient(s, 'Runner', { allowTo443: true });
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test.each(PLACEMENTS)('with the VPC in the %s: fails for a client with no 443 rule: kubectl would time out', (vpcIn) => {
    const s = scenario({ kind, vpcIn, mode: 'public-and-private' });
    accessEntryClient(s, 'Runner');
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({
      level: 'error',
      message: expect.stringMatching(/^(Network|Platform)\/Runner \(access entry\) is in the cluster VPC, .*kubectl will time out/),
    })]);
  });

  test('fails in Private mode too', () => {
    const s = scenario({ kind, mode: 'private' });
    accessEntryClient(s, 'Runner');
    expect(byRule(check(s.app), ID).map((r) => r.level)).toEqual(['error']);
  });

  test('passes in Public mode, where the client goes out through NAT', () => {
    const s = scenario({ kind, mode: 'public' });
    accessEntryClient(s, 'Runner');
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('fails when the 443 rule exists but the client may not send 443 out', () => {
    const s = scenario({ kind, mode: 'private' });
    const client = accessEntryClient(s, 'Runner', { allowTo443: true });
    const group = client.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup;
    group.securityGroupEgress = [{ ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIp: '0.0.0.0/0' }];
    expect(byRule(check(s.app), ID).map((r) => r.level)).toEqual(['error']);
  });
});

describe('ClientSecurityGroupPath with known bastions', () => {
  test('passes for a ClusterBastion, which adds its own rule', () => {
    const s = scenario({ kind: 'eks-v2', vpcIn: 'cross-stack', mode: 'private' });
    new ClusterBastion(s.clusterStack, 'Bastion', { cluster: s.eksCluster! });
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('passes for a ClusterBastion in an imported VPC', () => {
    const s = scenario({ kind: 'eks-v2', vpcIn: 'imported', mode: 'private' });
    new ClusterBastion(s.clusterStack, 'Bastion', { cluster: s.eksCluster! });
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('fails for a client in an imported VPC with no 443 rule: both security groups are in the app', () => {
    const s = scenario({ kind: 'cfn', vpcIn: 'imported', mode: 'private' });
    accessEntryClient(s, 'Runner');
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/^Network\/Runner \(access entry\)/) })]);
  });

  test('does not take an aws-ec2 BastionHostLinux with no access entry for an API client: the template says nothing of kubectl', () => {
    // the check reads templates, where a BastionHostLinux is an instance like any other: only an
    // access entry for its role makes it a known client (the Aspect, the pack and the CLI agree)
    const s = scenario({ kind: 'eks-v2', mode: 'public-and-private' });
    new ec2.BastionHostLinux(s.clusterStack, 'Bastion', { vpc: s.ivpc });
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('fails for an aws-ec2 BastionHostLinux whose role has an access entry and no 443 path', () => {
    const s = scenario({ kind: 'eks-v2', mode: 'public-and-private' });
    const bastion = new ec2.BastionHostLinux(s.clusterStack, 'Bastion', { vpc: s.ivpc });
    s.eksCluster!.grantAccess('Bastion', bastion.role.roleArn, [eks.AccessPolicy.fromAccessPolicyName('AmazonEKSViewPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER })]);
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/^Network\/Bastion\/Resource \(access entry\)/) })]);
  });

  test('passes a client whose group has separate egress rules: they add to the default allow-all', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    const client = accessEntryClient(s, 'Runner', { allowTo443: true });
    new ec2.CfnSecurityGroupEgress(s.clusterStack, 'ToDatabase', {
      groupId: client.connections.securityGroups[0].securityGroupId, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIp: '10.0.0.0/16',
    });
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('warns when the only egress on 443 goes to a prefix list', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    const client = accessEntryClient(s, 'Runner', { allowTo443: true });
    const group = client.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup;
    group.securityGroupEgress = [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, destinationPrefixListId: 'pl-0123' }];
    expect(byRule(check(s.app), ID).map((r) => r.level)).toEqual(['warning']);
  });

  test('passes for a BastionHostLinux once the cluster allows it on 443', () => {
    const s = scenario({ kind: 'eks-v2', mode: 'public-and-private' });
    const bastion = new ec2.BastionHostLinux(s.clusterStack, 'Bastion', { vpc: s.ivpc });
    s.eksCluster!.clusterSecurityGroup.addIngressRule(bastion.connections.securityGroups[0], ec2.Port.tcp(443));
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('passes for a client whose subnet the cluster security group allows by CIDR', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    accessEntryClient(s, 'Runner');
    s.controlPlaneSg!.addIngressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(443));
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('passes when the cluster allows the VPC\'s own CIDR block by reference (Fn::GetAtt Vpc.CidrBlock)', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    accessEntryClient(s, 'Runner');
    s.controlPlaneSg!.addIngressRule(ec2.Peer.ipv4(s.vpc!.vpcCidrBlock), ec2.Port.tcp(443));
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('warns when the allowed CIDR is a deploy-time value', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    accessEntryClient(s, 'Runner');
    s.controlPlaneSg!.addIngressRule(ec2.Peer.ipv4(new CfnParameter(s.clusterStack, 'RunnerCidr').valueAsString), ec2.Port.tcp(443));
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Not verifiable at synth/) })]);
  });
});
