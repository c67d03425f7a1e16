/**
 * The AWS services a cluster's compute and its bastion call, as VPC endpoint service names
 * (the part after `com.amazonaws.<region>.`), and how to read one from a full name.
 * Sources: nodes, https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html (ec2,
 * ecr.api, ecr.dkr, sts, and S3); Fargate, the same page (no ec2); Auto Mode adds EKS Pod
 * Identity's eks-auth; Session Manager,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html.
 */

/** What nodes need without internet egress; `s3` as a gateway (or interface) endpoint. */
export const NODE_ENDPOINTS = ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 's3'];

/** What Fargate pods need: they pull images and get credentials like nodes do. */
export const FARGATE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 's3', 'sts'];

/** What Auto Mode nodes need: as nodes, and EKS Pod Identity, which Auto Mode builds in. */
export const AUTO_MODE_ENDPOINTS = [...NODE_ENDPOINTS, 'eks-auth'];

/** What Session Manager needs on an instance without internet egress. */
export const SESSION_MANAGER_ENDPOINTS = ['ssm', 'ssmmessages', 'ec2messages'];

/** What Session Manager adds when it streams session logs to CloudWatch Logs. */
export const SESSION_LOGS_ENDPOINT = 'logs';

/** What Session Manager adds when its sessions are encrypted with a KMS key. */
export const SESSION_ENCRYPTION_ENDPOINT = 'kms';

/**
 * Services read from endpoint names (by the check, and by the constructs' endpoint kit, which
 * reuses what a VPC has), longest first so that `ecr.api` wins over `api`.
 */
const KNOWN_SERVICES = [...AUTO_MODE_ENDPOINTS, ...SESSION_MANAGER_ENDPOINTS, SESSION_LOGS_ENDPOINT, SESSION_ENCRYPTION_ENDPOINT,
  'elasticloadbalancing', 'autoscaling', 'eks']
  .sort((a, b) => b.length - a.length);

/**
 * The known service a VPC endpoint's service name ends with: `com.amazonaws.<region>.ecr.api`
 * (whatever the partition's prefix) is `ecr.api`, and so is a name built from parts whose last
 * literal part is `.ecr.api`. Undefined for any other service.
 */
export function knownServiceOf(nameTail: string): string | undefined {
  return KNOWN_SERVICES.find((service) => nameTail.endsWith(`.${service}`));
}
