import { ClusterView } from '../engine/network-model';
import { EndpointRule, Finding, mayBePrivate, notVerifiable, violationIfPrivate } from './rule';

/**
 * A custom DHCP options set decides which DNS servers instances ask. Without
 * AmazonProvidedDNS among them, the private hosted zone of the endpoint is never consulted.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const DhcpOptionsDns: EndpointRule = {
  id: 'DhcpOptionsDns',
  level: 'error',
  summary: 'With private access, a custom DHCP options set on the cluster VPC must list AmazonProvidedDNS.',
  runsIn: 'both',
  check(cluster: ClusterView): Finding[] {
    if (!mayBePrivate(cluster)) return [];
    const vpc = cluster.vpc;
    if (!vpc) {
      return [notVerifiable(`${cluster.vpcDisplay} is not defined in this app. If it has a custom DHCP options set, confirm its ` +
        'domain-name-servers include AmazonProvidedDNS: aws ec2 describe-dhcp-options.')];
    }
    if (vpc.dhcpServers === undefined) return [];
    if (vpc.dhcpServers === 'unknown') {
      return [notVerifiable(`the DHCP options associated with ${vpc.display} are not readable here. Confirm their domain-name-servers include AmazonProvidedDNS.`)];
    }
    if (vpc.dhcpServers.includes('AmazonProvidedDNS')) return [];
    return [violationIfPrivate(this, cluster, `Private access is on, but the DHCP options ${vpc.dhcpOptions?.resource.node.path ?? ''} of ${vpc.display} ` +
      `set domain-name-servers to [${vpc.dhcpServers.join(', ')}] without AmazonProvidedDNS: instances will not see the endpoint's private zone. ` +
      'Add AmazonProvidedDNS to domainNameServers.')];
  },
};
