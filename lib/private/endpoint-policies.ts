import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * The endpoint policies of the VPC endpoints an isolated cluster's kit creates
 * (vpc-endpoints.ts): what makes "isolated" a boundary against exfiltration. With AWS's default
 * policy (full access), credentials of ANOTHER account work through the endpoints: a pod could
 * write to an attacker's bucket through the S3 gateway endpoint. These policies allow, through
 * each endpoint, only this account's principals, and through the S3 gateway only this account's
 * buckets, with the few exceptions that keep nodes, IRSA and the bastion working, each with its
 * AWS source.
 *
 * The shape (an allow for the own identities and resources, then one statement per AWS-owned
 * resource a service needs) follows AWS's data perimeter examples,
 * github.com/aws-samples/data-perimeter-policy-examples, vpc_endpoint_policies/README.md,
 * s3_endpoint_policy.json and sts_endpoint_policy.json (written here for one account instead of
 * an organization: the library cannot know the organization).
 *
 * An endpoint policy grants nothing: it is the most a request through the endpoint may do, on top
 * of the caller's own IAM policies (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
 */

/**
 * The interface endpoint services that take an endpoint policy, each with the AWS page that
 * documents its endpoint policy. The others the kit creates (`ssmmessages`, `ec2messages` and
 * `eks-auth`) keep AWS's default policy: their pages document none, and a service without
 * support for endpoint policies allows full access whatever the policy says, or refuses it
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html, "Not all AWS
 * services support endpoint policies"). What stays open there is small: `ssmmessages` and
 * `ec2messages` carry Session Manager channels that need an instance registered through `ssm`,
 * which the `ssm` policy closes to other accounts; `eks-auth` has one action, which returns
 * credentials of a Pod Identity association of a cluster.
 */
export const POLICY_SOURCES: Readonly<Record<string, string>> = {
  'ec2': 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/interface-vpc-endpoints.html#endpoint-policy',
  'ecr.api': 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html',
  'ecr.dkr': 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html',
  'sts': 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_endpoint_policies.html',
  'ssm': 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html',
  'logs': 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch-logs-and-interface-VPC.html',
  'kms': 'https://docs.aws.amazon.com/kms/latest/developerguide/vpce-connect.html',
};

/** Whether the kit gives the interface endpoint of `service` an endpoint policy. */
export function takesPolicy(service: string): boolean {
  return Object.prototype.hasOwnProperty.call(POLICY_SOURCES, service);
}

/**
 * Requests signed by a principal of this account, whatever they act on. Principal, not
 * resource: nodes pull the add-on images from ECR repositories of AWS's own accounts
 * (https://docs.aws.amazon.com/eks/latest/userguide/add-ons-images.html) with their own role, and
 * Session Manager and CloudFormation read AWS-owned documents and public parameters; a condition
 * on the resource's account would break them. Another account's credentials are refused.
 */
function ownPrincipals(scope: IConstruct): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ThisAccountsPrincipals',
    principals: [new iam.StarPrincipal()],
    actions: ['*'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:PrincipalAccount': Stack.of(scope).account } },
  });
}

/**
 * IRSA: a pod's SDK calls `sts:AssumeRoleWithWebIdentity` with its service account token and no
 * AWS signature, so the request has no principal account
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_endpoint_policies.html,
 * "federated callers"). It is allowed for the roles of this account only (the role is the
 * resource), so a token cannot fetch another account's credentials through the endpoint.
 */
function webIdentityToOwnRoles(scope: IConstruct): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'WebIdentityToThisAccountsRoles',
    principals: [new iam.StarPrincipal()],
    actions: ['sts:AssumeRoleWithWebIdentity'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:ResourceAccount': Stack.of(scope).account } },
  });
}

/** The statements of the endpoint policy of the interface endpoint of `service` (one of POLICY_SOURCES). */
export function interfacePolicy(scope: IConstruct, service: string): iam.PolicyStatement[] {
  return service === 'sts' ? [ownPrincipals(scope), webIdentityToOwnRoles(scope)] : [ownPrincipals(scope)];
}

/** What the S3 gateway endpoint's policy must let through besides this account's own buckets. */
export interface S3PolicyNeeds {
  /**
   * The bucket the bastion's Session Manager sessions are logged to, which may be another
   * account's (a log archive account): the bastion's role writes there and reads its encryption.
   */
  readonly sessionLogBucketArn?: string;
}

/**
 * The statements of the S3 gateway endpoint's policy:
 * - this account's principals on this account's buckets: the user's own buckets and CDK's asset
 *   bucket (`cdk-<qualifier>-assets-<account>-<region>`), from which the bastion downloads kubectl
 *   with its own role;
 * - ECR's image layers, read from AWS's bucket `prod-<region>-starport-layer-bucket` through a
 *   URL that ECR presigns with its own account's credentials, so the only statement without a
 *   principal condition, and it only reads that one bucket
 *   (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html, "Minimum Amazon S3
 *   bucket permissions for Amazon ECR");
 * - the bastion's session log bucket, when one is given, for this account's principals.
 *
 * Not allowed, on purpose: the Amazon Linux 2023 repositories and SSM Agent's AWS-owned buckets.
 * Neither the bastion (its boot script installs kubectl from the asset, and AL2023 applies no
 * updates at launch: https://docs.aws.amazon.com/linux/al2023/ug/deterministic-upgrades.html) nor
 * the nodes read them; `dnf` or Patch Manager on the bastion would, and need them added
 * (data-perimeter-policy-examples, vpc_endpoint_policies/README.md, lists their ARNs).
 */
export function s3GatewayPolicy(scope: IConstruct, needs: S3PolicyNeeds = {}): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const account = stack.account;
  const statements = [
    new iam.PolicyStatement({
      sid: 'ThisAccountsPrincipalsToThisAccountsBuckets',
      principals: [new iam.StarPrincipal()],
      actions: ['s3:*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:PrincipalAccount': account, 'aws:ResourceAccount': account } },
    }),
    new iam.PolicyStatement({
      sid: 'EcrImageLayers',
      principals: [new iam.StarPrincipal()],
      actions: ['s3:GetObject'],
      resources: [`arn:${stack.partition}:s3:::prod-${stack.region}-starport-layer-bucket/*`],
    }),
  ];
  if (needs.sessionLogBucketArn !== undefined) {
    statements.push(new iam.PolicyStatement({
      sid: 'SessionLogBucket',
      principals: [new iam.StarPrincipal()],
      actions: ['s3:PutObject', 's3:GetEncryptionConfiguration'],
      resources: [needs.sessionLogBucketArn, `${needs.sessionLogBucketArn}/*`],
      conditions: { StringEquals: { 'aws:PrincipalAccount': account } },
    }));
  }
  return statements;
}
