import { ArnFormat, Aws, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { allowLogGroupToUseKey, limitGrantsToAwsServices } from './kms';

/**
 * Where a VPC's flow logs go: a CloudWatch Logs group kept a year (and kept or deleted with the
 * stack as `removalPolicy` says, its key too) and encrypted with its own KMS key, written by a role that only the VPC Flow Logs service of this account can assume
 * (the confused-deputy conditions the VPC documentation recommends), with a customer managed
 * policy rather than an inline one. What NIST 800-53, HIPAA and Control Tower's rules ask of
 * a log group and a service role.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function flowLogDestination(scope: Construct, removalPolicy: RemovalPolicy): ec2.FlowLogDestination {
  const stack = Stack.of(scope);
  // named, so that the key policy can name it: the encryption context CloudWatch Logs uses is the group's ARN
  const logGroupName = `/cdk-eks-endpoint/flow-logs/${Names.uniqueResourceName(scope, { maxLength: 200 })}`;
  const logGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

  const key = new kms.Key(scope, 'FlowLogsKey', {
    description: `Encryption of the VPC flow logs of ${scope.node.path}`,
    enableKeyRotation: true,
    removalPolicy,
    pendingWindow: Duration.days(7),
  });
  allowLogGroupToUseKey(key, 'CloudWatchLogsForTheFlowLogGroup', logGroupArn);
  limitGrantsToAwsServices(key);

  const logGroup = new logs.LogGroup(scope, 'FlowLogs', {
    logGroupName,
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: key,
    removalPolicy,
  });

  const role = new iam.Role(scope, 'FlowLogsRole', {
    description: 'VPC Flow Logs: writes this VPC\'s flow logs to their log group',
    assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:vpc-flow-log/*` },
      },
    }),
  });
  new iam.ManagedPolicy(scope, 'FlowLogsPolicy', {
    description: 'VPC Flow Logs: write to the flow log group',
    roles: [role],
    statements: [new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [logGroup.logGroupArn],
    })],
  });
  // the destination adds the same permissions as an inline policy to a role it may change: give it one it may not
  return ec2.FlowLogDestination.toCloudWatchLogs(logGroup, role.withoutPolicyUpdates());
}
