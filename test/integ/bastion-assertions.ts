import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Duration, Fn } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ClusterBastionOptions } from '../../lib/cluster-bastion';
import { EndpointCluster } from '../../lib/endpoint-cluster';

/**
 * The lab's bastion, asked for explicitly: cluster admin, so that `kubectl get nodes` works at
 * once (the default is read-only, and Kubernetes' view role does not list nodes).
 */
export const LAB_BASTION: ClusterBastionOptions = {
  accessPolicies: [eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER })],
};

/** Private address ranges (RFC 1918): where the EKS-owned ENIs of the private endpoint live. */
const PRIVATE_RANGES = '10.*|172.1[6-9].*|172.2[0-9].*|172.3[01].*|192.168.*';

/**
 * What a lab user checks from the bastion, through Session Manager, as assertions of an integ
 * test: the bastion comes online, the endpoint resolves to private addresses (public ones
 * without private access), kubectl works at once as ssm-user and ec2-user (with the nodes Ready
 * where `nodesReady`), and the bastion's own proof document passes (PASS dns, PASS api).
 */
export function assertFromBastion(test: IntegTest, lab: EndpointCluster, nodesReady: boolean): void {
  const privateAccess = lab.mode.privateAccess;
  const instanceId = lab.bastion!.instanceId;
  const host = Fn.select(2, Fn.split('/', lab.cluster.clusterEndpoint));
  const online = test.assertions.awsApiCall('SSM', 'describeInstanceInformation', {
    Filters: [{ Key: 'InstanceIds', Values: [instanceId] }],
  }).expect(ExpectedResult.objectLike({ InstanceInformationList: [{ PingStatus: 'Online' }] }))
    .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) });

  const run = test.assertions.awsApiCall('SSM', 'sendCommand', {
    DocumentName: 'AWS-RunShellScript',
    InstanceIds: [instanceId],
    Parameters: {
      commands: [
        'cloud-init status --wait >/dev/null',
        Fn.join('', ['ip=$(getent hosts ', host, " | awk '{print $1; exit}')"]),
        `case "$ip" in ${PRIVATE_RANGES}) echo resolution=PRIVATE ;; *) echo resolution=PUBLIC ;; esac`,
        nodesReady
          ? 'for u in ssm-user ec2-user; do sudo -iu "$u" kubectl get nodes --no-headers --request-timeout=30s | sed "s/^/$u /"; done'
          : 'for u in ssm-user ec2-user; do sudo -iu "$u" kubectl get --raw /readyz --request-timeout=30s | sed "s/^/$u readyz /"; echo; done',
      ],
    },
  });

  const result = test.assertions.awsApiCall('SSM', 'getCommandInvocation', {
    CommandId: run.getAttString('Command.CommandId'),
    InstanceId: instanceId,
  }).expect(ExpectedResult.objectLike({
    Status: 'Success',
    StandardOutputContent: Match.stringLikeRegexp(nodesReady
      ? `resolution=${privateAccess ? 'PRIVATE' : 'PUBLIC'}[\\s\\S]*ssm-user \\S+ +Ready[\\s\\S]*ec2-user \\S+ +Ready`
      : `resolution=${privateAccess ? 'PRIVATE' : 'PUBLIC'}[\\s\\S]*ssm-user readyz ok[\\s\\S]*ec2-user readyz ok`),
  })).waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(20) });

  // the bastion's own proof document: what the stack output ProveEndpoint runs
  const prove = test.assertions.awsApiCall('SSM', 'sendCommand', {
    DocumentName: lab.bastion!.proofDocument.ref,
    InstanceIds: [instanceId],
    Parameters: { expect: [privateAccess ? 'private' : 'public'] },
  });
  const proved = test.assertions.awsApiCall('SSM', 'getCommandInvocation', {
    CommandId: prove.getAttString('Command.CommandId'),
    InstanceId: instanceId,
  }).expect(ExpectedResult.objectLike({
    Status: 'Success',
    StandardOutputContent: Match.stringLikeRegexp(`PASS dns: \\S+ -> [0-9. ]+\\(${privateAccess ? 'private' : 'public'}\\)[\\s\\S]*PASS api: /readyz ok`),
  })).waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) });

  online.next(run).next(result).next(prove).next(proved);
}
