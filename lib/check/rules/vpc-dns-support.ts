import { vpcAttributeRule } from './vpc-attribute-rule';

/**
 * With private access, clients in the VPC must use the Amazon-provided resolver, which
 * exists only with DNS support on (and DNS hostnames need it too).
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const VpcDnsSupport = vpcAttributeRule({
  id: 'VpcDnsSupport',
  summary: 'Private access needs enableDnsSupport on the cluster VPC.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  attribute: 'enableDnsSupport',
  label: 'DNS support',
  off: 'DNS support is off',
  read: (vpc) => vpc.dnsSupport,
  consequence: 'nothing in the VPC can resolve the endpoint through the Amazon-provided resolver.',
});
