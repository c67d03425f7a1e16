import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { limitGrantsToAwsServices } from '../kms';

/**
 * The KMS key that encrypts Kubernetes secrets (`SecretsKey`, a child of `scope`): rotation on,
 * grants for AWS services only, deleted 7 days after the stack when `removalPolicy` is DESTROY.
 */
export function createSecretsKey(scope: Construct, removalPolicy: RemovalPolicy): kms.Key {
  const key = new kms.Key(scope, 'SecretsKey', {
    description: `Envelope encryption of Kubernetes secrets for ${scope.node.path}`,
    enableKeyRotation: true,
    removalPolicy,
    // the waiting period applies when the key is deleted: the shortest KMS allows, for the lab
    pendingWindow: Duration.days(7),
  });
  limitGrantsToAwsServices(key);
  return key;
}
