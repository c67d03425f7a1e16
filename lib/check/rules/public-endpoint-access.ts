import { ClusterView } from '../engine/model';
import { EndpointRule, Finding, notVerifiable, violation } from './rule';

/**
 * The counterpart of cdk-nag's AwsSolutions-EKS1, which tests the aws-eks L1 class and so
 * never fires on aws-eks-v2 clusters: any public endpoint is reported, so that it is a
 * decision on record (acknowledge it with the reason).
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const PublicEndpointAccess: EndpointRule = {
  id: 'PublicEndpointAccess',
  level: 'warning',
  summary: 'The Kubernetes API has a public endpoint.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  check(cluster: ClusterView): Finding[] {
    if (cluster.publicAccess === false) return [];
    if (cluster.publicAccess === 'unknown') {
      return [notVerifiable('endpointPublicAccess is a deploy-time value. Confirm whether the API is public.')];
    }
    return [violation(this, 'The Kubernetes API server has a public endpoint. If it is meant to be, acknowledge this finding with the reason; ' +
      'otherwise use EndpointMode.PRIVATE.')];
  },
};
