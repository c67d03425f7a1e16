import { analyze } from '../../../../lib/check/engine/analyze';
import { ClusterView } from '../../../../lib/check/engine/model';
import { att, base, join, ref, securityGroup, Template } from '../../../support/templates';

/** Instances that look like API clients (engine/model/client-like.ts), as the ClusterView gives them. */

function view(t: Template): ClusterView {
  let found: ClusterView | undefined;
  analyze([{ id: 'Stack', template: t }], [], (cluster) => (found = cluster));
  return found!;
}

describe('instances that look like clients on the ClusterView', () => {
  function instance(t: Template, id: string, props: Record<string, unknown>): void {
    securityGroup(t, `${id}Sg`);
    t.Resources[id] = { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-1', SubnetId: ref('PrivateSubnet1'), SecurityGroupIds: [att(`${id}Sg`, 'GroupId')], ...props } };
  }

  test('a bastion by its Name tag and an instance whose user data runs kubectl; not a web server', () => {
    const t = base();
    instance(t, 'Jump', { Tags: [{ Key: 'Name', Value: 'BastionHost' }] });
    instance(t, 'Deployer', { UserData: { 'Fn::Base64': join('#!/bin/bash\naws eks update-kubeconfig --name ', ref('Cluster')) } });
    instance(t, 'Web', { UserData: { 'Fn::Base64': '#!/bin/bash\nyum install -y nginx' } });
    expect(view(t).clientLike.map((c) => [c.client.display, c.client.kind, c.why])).toEqual([
      ['Stack/Jump', 'looks like a client', 'a bastion host or kubectl client, by its name (as ec2.BastionHostLinux)'],
      ['Stack/Deployer', 'looks like a client', 'its user data installs or runs kubectl'],
    ]);
  });

  test('an instance whose role has an access entry is a known client, not a look-alike', () => {
    const t = base();
    instance(t, 'Jump', { Tags: [{ Key: 'Name', Value: 'bastion' }], IamInstanceProfile: ref('JumpProfile') });
    t.Resources.JumpRole = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } };
    t.Resources.JumpProfile = { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [ref('JumpRole')] } };
    t.Resources.JumpEntry = { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: ref('Cluster'), PrincipalArn: att('JumpRole', 'Arn') } };
    const cluster = view(t);
    expect([cluster.clientLike, cluster.clients.map((c) => c.display)]).toEqual([[], ['Stack/Jump']]);
  });
});
