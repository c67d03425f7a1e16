import { Token } from 'aws-cdk-lib';

/**
 * The ranges EKS takes for hybrid nodes' remote node and pod networks: RFC 1918's three, and
 * RFC 6598's shared space, which the current hybrid-nodes-cluster-create.html adds ("or within
 * the CGNAT range defined by RFC 6598: 100.64.0.0/10"); the API and CloudFormation references
 * still name RFC 1918 only.
 * https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html
 */
export const REMOTE_NETWORK_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

/** The EKS quota on public access CIDR blocks per cluster (not adjustable). */
export const MAX_PUBLIC_ACCESS_CIDRS = 40;

/**
 * Why an IPv4 CIDR block is not acceptable, or `undefined` when it is.
 * Unresolved tokens are not judged here: callers report them as not verifiable.
 */
export function cidrProblem(cidr: string): string | undefined {
  if (typeof cidr !== 'string') {
    return 'is not a string';
  }
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,3})$/.exec(cidr.trim());
  if (!match) {
    return cidr.includes(':')
      ? 'is an IPv6 block; the public endpoint allow-list of an IPv4 cluster takes IPv4 blocks only'
      : 'is not an IPv4 CIDR block of the form a.b.c.d/n (a single address is a.b.c.d/32)';
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255)) {
    return 'has an address octet above 255';
  }
  if (prefix > 32) {
    return `has prefix /${prefix}; an IPv4 prefix is at most /32`;
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = address - (address % size);
  if (network !== address) {
    return `has host bits set; the block starting at that address is ${ipv4(network)}/${prefix}`;
  }
  return undefined;
}

/**
 * Why a literal IPv4 CIDR block should not be rendered into a template, or `undefined` when
 * it can be (once trimmed). Stricter than `cidrProblem`, which `parseCidr` and the checks
 * rely on and which reads leading zeros as decimal: here an octet or prefix with a leading
 * zero is refused, because some tools read `010` as octal (8) and others as decimal (10), so
 * what the block means would depend on who reads it.
 */
export function renderedCidrProblem(cidr: string): string | undefined {
  const problem = cidrProblem(cidr);
  if (problem) {
    return problem;
  }
  const trimmed = cidr.trim();
  if (/(^|[./])0\d/.test(trimmed)) {
    const [address, prefix] = trimmed.split('/');
    const decimal = `${address.split('.').map(Number).join('.')}/${Number(prefix)}`;
    return 'has a leading zero in an octet or the prefix, which some tools read as octal (010 as 8) and others as decimal; ' +
      `write ${decimal} if decimal is meant`;
  }
  return undefined;
}

/** True when the value is an unresolved CDK token (a deploy-time value). */
export function isToken(value: unknown): boolean {
  return typeof value === 'string' && Token.isUnresolved(value);
}

function ipv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** A literal IPv4 CIDR block as [first address, size], or undefined. */
export function parseCidr(cidr: unknown): [number, number] | undefined {
  if (typeof cidr !== 'string' || cidrProblem(cidr) !== undefined) {
    return undefined;
  }
  const [address, prefix] = cidr.trim().split('/');
  const first = address.split('.').map(Number).reduce((acc, o) => acc * 256 + o, 0);
  return [first, 2 ** (32 - Number(prefix))];
}

/** Whether literal block `outer` contains literal block `inner`; undefined when either is not literal. */
export function cidrContains(outer: unknown, inner: unknown): boolean | undefined {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i) {
    return undefined;
  }
  return i[0] >= o[0] && i[0] + i[1] <= o[0] + o[1];
}
