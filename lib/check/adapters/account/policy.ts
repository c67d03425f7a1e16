/**
 * The IAM permissions the account reader needs: exactly the read actions it can call. A test holds
 * this list equal to the actions the caller records while reading an emulated account that takes
 * every path of the reader (test/check/adapters/account/policy.test.ts).
 */

/**
 * Every action the reader calls, by service. All are List / Read / Describe actions: no write
 * action, nothing that returns secrets (no `ec2:DescribeVpnConnections`, whose answer holds the
 * tunnels' pre-shared keys; no launch template data, which may hold user data), no object read.
 */
export const READ_ACTIONS: readonly string[] = [
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeInstances',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeNatGateways',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeTransitGatewayVpcAttachments',
  'ec2:DescribeTransitGateways',
  'ec2:DescribeVpcAttribute',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeVpcPeeringConnections',
  'ec2:DescribeVpcs',
  'ec2:DescribeVpnGateways',
  'eks:DescribeCluster',
  'eks:DescribeFargateProfile',
  'eks:DescribeNodegroup',
  'eks:ListAccessEntries',
  'eks:ListFargateProfiles',
  'eks:ListNodegroups',
  'iam:GetInstanceProfile',
  'iam:ListAttachedRolePolicies',
  'route53resolver:GetResolverRule',
  'route53resolver:ListResolverEndpointIpAddresses',
  'route53resolver:ListResolverEndpoints',
  'route53resolver:ListResolverRuleAssociations',
];

/**
 * The identity-based policy for the reader, one statement. `Resource` is `*`: the EC2 `Describe*`
 * actions and the Route 53 Resolver `List*` actions support no resource-level permissions ("If
 * there is no value for this column, you must specify all resources ("*")", Service Authorization
 * Reference: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html),
 * and the EKS and IAM ones that do would need the cluster's, node groups', profiles' and roles'
 * ARNs, known only once read; a user who knows them may narrow those four services' actions.
 */
export function readPolicy(): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [{
      Sid: 'CdkEksEndpointReadOnly',
      Effect: 'Allow',
      Action: [...READ_ACTIONS],
      Resource: '*',
    }],
  };
}
