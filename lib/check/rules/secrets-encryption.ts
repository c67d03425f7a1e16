import { asList, ClusterView } from '../engine/network-model';
import { EndpointRule, Finding, notVerifiable, violation } from './rule';

/**
 * Envelope encryption of Kubernetes secrets with a KMS key you control. cdk-nag's
 * AwsSolutions-EKS checks only the aws-eks L1 class; this rule reads the CloudFormation type.
 * https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html
 */
export const SecretsEncryption: EndpointRule = {
  id: 'SecretsEncryption',
  level: 'error',
  summary: 'Kubernetes secrets are envelope-encrypted with a KMS key.',
  runsIn: 'nag',
  check(cluster: ClusterView): Finding[] {
    const value = cluster.properties.EncryptionConfig;
    if (value !== undefined && cluster.index.isOpaque(value) && !asList(value).some((c: any) => c?.Provider?.KeyArn !== undefined)) {
      return [notVerifiable('EncryptionConfig is a deploy-time value. Confirm it encrypts secrets with a KMS key.')];
    }
    const configs = asList(value);
    const encrypted = configs.some((c: any) => c?.Provider?.KeyArn !== undefined && asList(c.Resources).includes('secrets'));
    return encrypted ? [] : [violation(this, 'Kubernetes secrets are not envelope-encrypted with a KMS key. Set secretsEncryptionKey.')];
  },
};
