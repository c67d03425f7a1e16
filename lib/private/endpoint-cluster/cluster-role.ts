import { Aws, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledgeNagFindings } from '../nag';

/**
 * The confused-deputy conditions EKS documents for a cluster role: only EKS acting for this
 * account's cluster may assume it. The cluster's own ARN would make the role depend on the
 * cluster that depends on it, so the name is the one given, or any cluster of this account
 * and region. An override of aws-eks-v2's role (rather than a role of our own) keeps the role,
 * and so the cluster, in place on update.
 * https://docs.aws.amazon.com/eks/latest/userguide/cross-service-confused-deputy-prevention.html
 */
export function limitClusterRoleToThisCluster(cluster: eks.Cluster, clusterName: string | undefined, autoMode: boolean): void {
  const cfnRole = cluster.role.node.defaultChild;
  if (!(cfnRole instanceof iam.CfnRole)) return; // a role given from elsewhere is its owner's
  const name = clusterName !== undefined && !Token.isUnresolved(clusterName) ? clusterName : '*';
  // The whole document, so that Auto Mode's sts:TagSession (which aws-eks-v2 adds as a second
  // statement) carries the same conditions; without Auto Mode it is what aws-eks-v2 renders,
  // with the conditions added.
  cfnRole.addPropertyOverride('AssumeRolePolicyDocument', {
    Version: '2012-10-17',
    Statement: [{
      Action: autoMode ? ['sts:AssumeRole', 'sts:TagSession'] : 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'eks.amazonaws.com' },
      Condition: {
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:eks:${Aws.REGION}:${Aws.ACCOUNT_ID}:cluster/${name}` },
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      },
    }],
  });
}

/** cdk-nag findings on the Auto Mode policies aws-eks-v2 gives the cluster role, with the reasons. */
export function acknowledgeAutoModeClusterRoleFindings(cluster: eks.Cluster): void {
  acknowledgeNagFindings(cluster.role, ['AmazonEKSComputePolicy', 'AmazonEKSBlockStoragePolicy', 'AmazonEKSLoadBalancingPolicy', 'AmazonEKSNetworkingPolicy']
    .map((name): [string, string] => [`AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
      'Auto Mode requires this AWS managed policy on the cluster role, to manage the nodes, volumes, load balancers and network interfaces for you. Only EKS, acting for a cluster of this account, can assume the role (aws:SourceArn, aws:SourceAccount).']));
}

/** The cdk-nag finding on the one managed policy every cluster role has, with the reason. */
export function acknowledgeClusterRoleFindings(cluster: eks.Cluster): void {
  acknowledgeNagFindings(cluster.role, [
    ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSClusterPolicy]',
      'EKS requires this AWS managed policy on the cluster role; AWS keeps it current with what the control plane needs. Only EKS, acting for a cluster of this account, can assume the role (aws:SourceArn, aws:SourceAccount).'],
  ]);
}
