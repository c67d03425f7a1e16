import { ClusterView } from '../private/network-model';
import { EndpointRule, Finding, mayBePrivate, notVerifiable, violation } from './rule';

/**
 * With private access, EKS answers the endpoint name from a private hosted zone that only
 * resolves in a VPC with DNS hostnames on; without it nodes cannot register.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const VpcDnsHostnames: EndpointRule = {
  id: 'VpcDnsHostnames',
  level: 'error',
  summary: 'Private access needs enableDnsHostnames on the cluster VPC.',
  runsIn: 'both',
  check(cluster: ClusterView): Finding[] {
    if (!mayBePrivate(cluster)) return [];
    const vpc = cluster.vpc;
    if (!vpc) {
      return [notVerifiable(`${cluster.vpcDisplay} is not defined in this app. Confirm DNS hostnames are on: ` +
        'aws ec2 describe-vpc-attribute --attribute enableDnsHostnames --vpc-id <id>.')];
    }
    if (vpc.dnsHostnames === 'unknown' || cluster.privateAccess === 'unknown') {
      return vpc.dnsHostnames === true ? [] : [notVerifiable(`enableDnsHostnames of ${vpc.display} or the cluster's private access is a deploy-time value. ` +
        'Confirm DNS hostnames are on whenever private access is.')];
    }
    return vpc.dnsHostnames ? [] : [violation(this, `Private access is on, but DNS hostnames are off in ${vpc.display}: ` +
      'the endpoint will not resolve to its private addresses in the VPC and nodes cannot join. Set enableDnsHostnames: true on the VPC.')];
  },
};
