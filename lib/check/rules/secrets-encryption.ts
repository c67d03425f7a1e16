import { ClusterView } from '../engine/model';
import { asList, at, hasUnknown, toList, Unknown } from '../engine/template/value';
import { EndpointRule, Finding, notVerifiable, violation } from './rule';

/**
 * Envelope encryption of Kubernetes secrets with a KMS key you control. cdk-nag's
 * AwsSolutions-EKS checks only the aws-eks L1 class; this rule reads the CloudFormation type.
 * An `EncryptionConfig` counts only when it names a key and lists `secrets`.
 * https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html
 */
export const SecretsEncryption: EndpointRule = {
  id: 'SecretsEncryption',
  level: 'error',
  summary: 'Kubernetes secrets are envelope-encrypted with a KMS key you control.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html',
  check(cluster: ClusterView): Finding[] {
    const configs = toList(cluster.properties.EncryptionConfig);
    const encrypts = (c: unknown) => at(c as never, 'Provider', 'KeyArn') !== undefined && asList(at(c as never, 'Resources')).includes('secrets');
    if (configs instanceof Unknown ? false : configs.some(encrypts)) return [];
    if (configs instanceof Unknown || configs.some((c) => hasUnknown(c))) {
      return [notVerifiable('EncryptionConfig holds deploy-time values. Confirm it encrypts secrets with a KMS key.')];
    }
    return [violation(this, 'Kubernetes secrets are not envelope-encrypted with a KMS key you control (an EncryptionConfig with a key and Resources [secrets]). ' +
      'Since Kubernetes 1.28 EKS encrypts them with an AWS-owned key by default; a key of yours is what lets you audit, rotate and revoke it. Set secretsEncryptionKey.')];
  },
};
