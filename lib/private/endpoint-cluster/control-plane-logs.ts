import { ArnFormat, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { allowLogGroupToUseKey, limitGrantsToAwsServices } from '../kms';

/**
 * The control-plane log group and what it takes.
 *
 * EKS sends the control-plane logs to `/aws/eks/<cluster name>/cluster` and creates that group
 * itself, never expiring and unencrypted, when it is not there
 * (https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html). To set its retention
 * and key, the group must exist before the cluster, so its name, and so the cluster's name, must be
 * known at synth. The trade-off, written once here and in the README ("The control-plane log group"):
 *
 * - With `clusterName` the name is known: the group is created by default. A literal name and a
 *   deploy-time one (a token: the group's name is then an `Fn::Join` CloudFormation resolves) both
 *   work; nothing about a token name is checked at synth.
 * - Without it, a group would need a name made up for the cluster, and giving a name to a cluster
 *   deployed without one replaces it (AWS::EKS::Cluster `Name`: "Update requires: Replacement"),
 *   workloads and all. So without `clusterName` nothing changes unless asked:
 *   `controlPlaneLogGroup: true` gives the cluster a generated name (`generatedClusterName`) and
 *   creates the group, for a new cluster; otherwise the warning `controlPlaneLogGroupLeftToEks`.
 * - A group of that name that exists already (EKS's, for a cluster deployed before with
 *   `clusterName`; or one kept when an earlier stack was deleted, RETAIN being the default) makes
 *   the deploy fail with "already exists" and roll back, nothing replaced: `cdk import` adopts it,
 *   or delete it once its events are no longer needed.
 */
export interface ControlPlaneLogGroupOptions {
  readonly clusterName: string;
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** The name EKS writes to for a cluster of this name. */
export function controlPlaneLogGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/cluster`;
}

/**
 * A cluster name for an `EndpointCluster` without `clusterName` that asks for the log group: made
 * from its path (letters and digits, at most 100 characters, as EKS takes), the same at every
 * synthesis, different for each construct of an app.
 * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html
 */
export function generatedClusterName(scope: Construct): string {
  return Names.uniqueResourceName(scope, { maxLength: 100 });
}

/**
 * Creates `ControlPlaneLogs` (the group) and `ControlPlaneLogsKey` under `scope`: the retention
 * given, a key with rotation on that only CloudWatch Logs may use, for this group only, and
 * grants for AWS services only; both kept or deleted as `removalPolicy` says (the key 7 days after).
 */
export function createControlPlaneLogGroup(scope: Construct, options: ControlPlaneLogGroupOptions): logs.LogGroup {
  const logGroupName = controlPlaneLogGroupName(options.clusterName);
  const logGroupArn = Stack.of(scope).formatArn({
    service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const key = new kms.Key(scope, 'ControlPlaneLogsKey', {
    description: `Encryption of the EKS control-plane logs of ${Token.isUnresolved(options.clusterName) ? scope.node.path : options.clusterName}`,
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy,
    pendingWindow: Duration.days(7),
  });
  allowLogGroupToUseKey(key, 'CloudWatchLogsForTheControlPlaneLogGroup', logGroupArn);
  limitGrantsToAwsServices(key);
  return new logs.LogGroup(scope, 'ControlPlaneLogs', {
    logGroupName,
    retention: options.retention,
    encryptionKey: key,
    removalPolicy: options.removalPolicy,
  });
}
