import { ClusterView } from '../engine/model';
import { namesAmazonDns } from './amazon-dns';
import { EndpointRule, Finding, mayBePrivate, notVerifiable, violationIfPrivate } from './rule';

/**
 * A custom DHCP options set decides which DNS servers instances ask. Without the Amazon DNS
 * server among them, the private hosted zone of the endpoint is never consulted. The Amazon
 * DNS server can be named `AmazonProvidedDNS`, by the VPC's base address plus two, or by
 * 169.254.169.253: all three are the same Route 53 Resolver.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html ;
 * https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html
 */
export const DhcpOptionsDns: EndpointRule = {
  id: 'DhcpOptionsDns',
  level: 'error',
  summary: 'With private access, a custom DHCP options set on the cluster VPC must name the Amazon DNS server.',
  source: 'https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html',
  check(cluster: ClusterView): Finding[] {
    if (!mayBePrivate(cluster)) return [];
    const vpc = cluster.vpc;
    if (!vpc) {
      return [notVerifiable(`${cluster.vpcDisplay} is not defined in the templates given. If it has a custom DHCP options set, confirm its ` +
        'domain-name-servers include AmazonProvidedDNS: aws ec2 describe-dhcp-options.')];
    }
    if (vpc.dhcpServers === undefined) return [];
    if (vpc.dhcpServers === 'unknown') {
      return [notVerifiable(`the DHCP options associated with ${vpc.display} are not readable here. Confirm their domain-name-servers include AmazonProvidedDNS.`)];
    }
    const servers = vpc.dhcpServers.map((s) => s.trim());
    const named = namesAmazonDns(vpc, servers);
    if (named === true) return [];
    if (named === 'unknown') {
      return [notVerifiable(`the DHCP options of ${vpc.display} name DNS servers by address [${servers.join(', ')}] and the VPC's CIDR block is not known at synth, ` +
        'so whether one is the Amazon DNS server (the VPC base address plus two) cannot be told. Confirm it is, or add AmazonProvidedDNS.')];
    }
    return [violationIfPrivate(this, cluster, `Private access is on, but the DHCP options ${vpc.dhcpOptions?.display ?? ''} of ${vpc.display} ` +
      `set domain-name-servers to [${servers.join(', ')}] without the Amazon DNS server: instances will not see the endpoint's private zone. ` +
      'Add AmazonProvidedDNS to domainNameServers (or forward the cluster endpoint\'s name to the VPC resolver from your DNS servers).')];
  },
};
