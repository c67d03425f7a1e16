import { vpcAttributeRule } from './vpc-attribute-rule';

/**
 * With private access, EKS answers the endpoint name from a private hosted zone that only
 * resolves in a VPC with DNS hostnames on; without it nodes cannot register.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const VpcDnsHostnames = vpcAttributeRule({
  id: 'VpcDnsHostnames',
  summary: 'Private access needs enableDnsHostnames on the cluster VPC.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  attribute: 'enableDnsHostnames',
  label: 'DNS hostnames',
  off: 'DNS hostnames are off',
  read: (vpc) => vpc.dnsHostnames,
  consequence: 'the endpoint will not resolve to its private addresses in the VPC and nodes cannot join.',
});
