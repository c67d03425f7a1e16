import { cidrContains, parseCidr } from '../../shared/cidr';
import { VpcView } from '../engine/model';
import { Fact } from '../engine/template/value';

/** The Amazon DNS server's fixed address, reachable from every VPC (VPC user guide, "Amazon DNS server"). */
const AMAZON_DNS_LINK_LOCAL = '169.254.169.253';

/**
 * Whether a list of DHCP domain-name-servers names the Amazon DNS server (Route 53 Resolver):
 * `AmazonProvidedDNS`, the VPC's base address plus two, or 169.254.169.253, all three the same
 * server. 'unknown' when servers are given by address and the VPC's block is not known at synth,
 * so the base address plus two cannot be told. What DhcpOptionsDns and ControlPlaneEgress share.
 * https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html
 */
export function namesAmazonDns(vpc: VpcView, servers: string[]): Fact {
  if (servers.includes('AmazonProvidedDNS') || servers.includes(AMAZON_DNS_LINK_LOCAL)) return true;
  const base = parseCidr(vpc.cidr);
  if (base) {
    const plusTwo = [24, 16, 8, 0].map((shift) => Math.floor((base[0] + 2) / 2 ** shift) % 256).join('.');
    return servers.includes(plusTwo);
  }
  return servers.some((s) => cidrContains('0.0.0.0/0', `${s}/32`)) ? 'unknown' : false;
}
