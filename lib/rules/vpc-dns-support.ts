import { ClusterView } from '../private/network-model';
import { EndpointRule, Finding, mayBePrivate, notVerifiable, violation } from './rule';

/**
 * With private access, clients in the VPC must use the Amazon-provided resolver, which
 * exists only with DNS support on (and DNS hostnames need it too).
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const VpcDnsSupport: EndpointRule = {
  id: 'VpcDnsSupport',
  level: 'error',
  summary: 'Private access needs enableDnsSupport on the cluster VPC.',
  runsIn: 'both',
  check(cluster: ClusterView): Finding[] {
    if (!mayBePrivate(cluster)) return [];
    const vpc = cluster.vpc;
    if (!vpc) {
      return [notVerifiable(`${cluster.vpcDisplay} is not defined in this app. Confirm DNS support is on: ` +
        'aws ec2 describe-vpc-attribute --attribute enableDnsSupport --vpc-id <id>.')];
    }
    if (vpc.dnsSupport === 'unknown' || cluster.privateAccess === 'unknown') {
      return vpc.dnsSupport === true ? [] : [notVerifiable(`enableDnsSupport of ${vpc.display} or the cluster's private access is a deploy-time value. ` +
        'Confirm DNS support is on whenever private access is.')];
    }
    return vpc.dnsSupport ? [] : [violation(this, `Private access is on, but DNS support is off in ${vpc.display}: ` +
      'nothing in the VPC can resolve the endpoint through the Amazon-provided resolver. Set enableDnsSupport: true on the VPC.')];
  },
};
