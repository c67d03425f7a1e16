/**
 * Integration test, for your own AWS account: deploys the lab in each endpoint mode and checks
 * from each bastion, through Session Manager, what a lab user would: the endpoint resolves to
 * private addresses (public ones in Public mode), and kubectl works at once as ssm-user and
 * ec2-user, with the nodes Ready; then the bastion's own proof document passes (PASS dns, PASS api).
 *
 *   npm run build
 *   npx cdk deploy --app "node build/test/integ/integ.endpoint-modes.js" --all --require-approval never
 *   npx cdk destroy --app "node build/test/integ/integ.endpoint-modes.js" --all --force
 *
 * The assertions run while the last stack deploys; a failed one fails the deployment. Three
 * clusters cost about $0.80 an hour (README, "What a lab costs"). Offline, npm test synthesizes
 * this app and compares it with its snapshot (test/integ.test.ts).
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Fn, Stack } from 'aws-cdk-lib';
import { EndpointCluster } from '../../lib/endpoint-cluster';
import { EndpointMode } from '../../lib/endpoint-mode';

/** Private address ranges (RFC 1918): where the EKS-owned ENIs of the private endpoint live. */
const PRIVATE_RANGES = '10.*|172.1[6-9].*|172.2[0-9].*|172.3[01].*|192.168.*';

export function integApp(app: App = new App()): { app: App; stacks: Stack[]; test: IntegTest } {
  const modes = [EndpointMode.PUBLIC, EndpointMode.PUBLIC_AND_PRIVATE, EndpointMode.PRIVATE];
  const labs = modes.map((mode) => {
    const stack = new Stack(app, `EksEndpointInteg-${mode.name}`);
    return { mode, stack, lab: new EndpointCluster(stack, 'Lab', { mode }) };
  });
  const test = new IntegTest(app, 'EndpointModes', { testCases: labs.map((l) => l.stack) });

  for (const { mode, lab } of labs) {
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
          'for u in ssm-user ec2-user; do sudo -iu "$u" kubectl get nodes --no-headers --request-timeout=30s | sed "s/^/$u /"; done',
        ],
      },
    });

    const result = test.assertions.awsApiCall('SSM', 'getCommandInvocation', {
      CommandId: run.getAttString('Command.CommandId'),
      InstanceId: instanceId,
    }).expect(ExpectedResult.objectLike({
      Status: 'Success',
      StandardOutputContent: Match.stringLikeRegexp(
        `resolution=${mode.privateAccess ? 'PRIVATE' : 'PUBLIC'}[\\s\\S]*ssm-user \\S+ +Ready[\\s\\S]*ec2-user \\S+ +Ready`,
      ),
    })).waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(20) });

    // the bastion's own proof document: what the stack output ProveEndpoint runs
    const prove = test.assertions.awsApiCall('SSM', 'sendCommand', {
      DocumentName: lab.bastion!.proofDocument.ref,
      InstanceIds: [instanceId],
      Parameters: { expect: [mode.privateAccess ? 'private' : 'public'] },
    });
    const proved = test.assertions.awsApiCall('SSM', 'getCommandInvocation', {
      CommandId: prove.getAttString('Command.CommandId'),
      InstanceId: instanceId,
    }).expect(ExpectedResult.objectLike({
      Status: 'Success',
      StandardOutputContent: Match.stringLikeRegexp(`PASS dns: \\S+ -> [0-9. ]+\\(${mode.privateAccess ? 'private' : 'public'}\\)[\\s\\S]*PASS api: /readyz ok`),
    })).waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) });

    online.next(run).next(result).next(prove).next(proved);
  }
  return { app, stacks: labs.map((l) => l.stack), test };
}

if (require.main === module) {
  integApp();
}
