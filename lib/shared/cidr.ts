/**
 * IPv4 CIDR arithmetic, and the ranges EKS draws on: pure facts and maths that the constructs and
 * the check both need. This folder imports nothing, not even aws-cdk-lib, so that the check's
 * command line never loads it.
 */

/** The private IPv4 address space of RFC 1918. */
export const RFC1918_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** RFC 6598's shared address space (carrier-grade NAT). */
export const CGNAT_RANGE = '100.64.0.0/10';

/** Where EKS takes a service IPv4 range from: RFC 1918's three blocks (API_KubernetesNetworkConfigRequest). */
export const SERVICE_RANGES = RFC1918_RANGES;

/**
 * The ranges EKS takes for hybrid nodes' remote node and pod networks: RFC 1918's three, and
 * RFC 6598's shared space, which the current hybrid-nodes-cluster-create.html adds ("or within
 * the CGNAT range defined by RFC 6598: 100.64.0.0/10"); the API and CloudFormation references
 * still name RFC 1918 only.
 * https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html
 */
export const REMOTE_NETWORK_RANGES = [...RFC1918_RANGES, CGNAT_RANGE];

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
  // the check asks about the same few blocks many times (each subnet's, each rule's): each judged once
  const known = PROBLEMS.get(cidr);
  if (known !== undefined) return known === NO_PROBLEM ? undefined : known;
  const problem = judgeCidr(cidr);
  remember(PROBLEMS, cidr, problem ?? NO_PROBLEM);
  return problem;
}

/** `cidrProblem` of each block met, `NO_PROBLEM` for an acceptable one. */
const PROBLEMS = new Map<string, string>();
const NO_PROBLEM = '';

/** Keeps `value` for `key`, up to a bound: a long-lived process (a watch, a server) meets unboundedly many blocks. */
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= 10_000) cache.clear();
  cache.set(key, value);
}

function judgeCidr(cidr: string): string | undefined {
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

function ipv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** A literal IPv4 CIDR block as [first address, size], or undefined. */
export function parseCidr(cidr: unknown): [number, number] | undefined {
  if (typeof cidr !== 'string') {
    return undefined;
  }
  const known = PARSED.get(cidr);
  if (known !== undefined) return known === NOT_A_BLOCK ? undefined : [known[0], known[1]];
  if (cidrProblem(cidr) !== undefined) {
    remember(PARSED, cidr, NOT_A_BLOCK);
    return undefined;
  }
  const [address, prefix] = cidr.trim().split('/');
  const first = address.split('.').map(Number).reduce((acc, o) => acc * 256 + o, 0);
  const block: [number, number] = [first, 2 ** (32 - Number(prefix))];
  remember(PARSED, cidr, block);
  return [block[0], block[1]];
}

/** `parseCidr` of each string met (a copy is handed out: the caller may change it), `NOT_A_BLOCK` for one that is not a block. */
const PARSED = new Map<string, readonly [number, number] | typeof NOT_A_BLOCK>();
const NOT_A_BLOCK = 0;

/** Whether literal block `outer` contains literal block `inner`; undefined when either is not literal. */
export function cidrContains(outer: unknown, inner: unknown): boolean | undefined {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i) {
    return undefined;
  }
  return i[0] >= o[0] && i[0] + i[1] <= o[0] + o[1];
}

/** Whether two literal IPv4 blocks share an address; undefined when either is not literal. */
export function overlaps(a: unknown, b: unknown): boolean | undefined {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return undefined;
  return x[0] < y[0] + y[1] && y[0] < x[0] + x[1];
}

/**
 * Shell `case` patterns that match the dotted addresses of a block whose prefix is at most /16:
 * `10.*` for 10.0.0.0/8, `172.1[6-9].*|172.2[0-9].*|172.3[01].*` for 172.16.0.0/12. How a script
 * on the bastion tells a private answer from a public one.
 */
export function shellPatterns(cidr: string): string[] {
  const block = parseCidr(cidr);
  const prefix = Number(cidr.trim().split('/')[1]);
  if (!block || prefix > 16) throw new Error(`shellPatterns: ${cidr} is not a literal block of /16 or wider`);
  const [first, size] = block;
  const octet = (n: number, i: number) => Math.floor(n / 2 ** (24 - 8 * i)) % 256;
  if (prefix <= 8) {
    return digitGlobs(octet(first, 0), octet(first + size - 1, 0)).map((glob) => `${glob}.*`);
  }
  return digitGlobs(octet(first, 1), octet(first + size - 1, 1)).map((glob) => `${octet(first, 0)}.${glob}.*`);
}

/** Globs for the decimal numbers from `low` to `high`: 16..31 as `1[6-9]`, `2[0-9]`, `3[01]`. */
function digitGlobs(low: number, high: number): string[] {
  const groups = new Map<string, number[]>();
  for (let n = low; n <= high; n++) {
    const text = String(n);
    const head = text.slice(0, -1);
    groups.set(head, [...(groups.get(head) ?? []), Number(text.slice(-1))]);
  }
  return [...groups].map(([head, digits]) => {
    if (digits.length === 1) return `${head}${digits[0]}`;
    const contiguous = digits[digits.length - 1] - digits[0] === digits.length - 1;
    const set = contiguous && digits.length > 2 ? `${digits[0]}-${digits[digits.length - 1]}` : digits.join('');
    return `${head}[${set}]`;
  });
}

/**
 * What CloudFormation's `Fn::Cidr [ipBlock, count, cidrBits]` returns: `count` blocks with
 * `cidrBits` host bits each (prefix 32 - cidrBits for IPv4, 128 - cidrBits for IPv6), carved in
 * order from the start of `ipBlock`; or, when CloudFormation would refuse the arguments, why. The
 * reference gives count's valid range as 1 to 256 and says nothing of blocks that do not fit: a
 * count or a size the block cannot hold is refused here too, never guessed.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-cidr.html
 */
export function cidrSubnets(ipBlock: string, count: number | string, cidrBits: number | string): string[] | { readonly problem: string } {
  const n = wholeNumber(count);
  const bits = wholeNumber(cidrBits);
  if (n === undefined || n < 1 || n > 256) return { problem: `Fn::Cidr count ${String(count)}: the valid range is 1 to 256` };
  if (bits === undefined) return { problem: `Fn::Cidr cidrBits ${String(cidrBits)} is not a whole number` };
  const block = parseBlock(ipBlock);
  if (!block) return { problem: `Fn::Cidr of ${ipBlock}, which is not a CIDR block` };
  const newPrefix = block.width - bits;
  if (newPrefix < block.prefix) {
    return { problem: `Fn::Cidr of ${ipBlock} with ${bits} subnet bits: a /${Math.max(newPrefix, 0)} does not fit in a /${block.prefix}` };
  }
  const room = 2n ** BigInt(newPrefix - block.prefix);
  if (BigInt(n) > room) {
    return { problem: `Fn::Cidr of ${ipBlock}: ${n} blocks of /${newPrefix} do not fit, it holds ${room}` };
  }
  const size = 2n ** BigInt(bits);
  const format = block.width === 32 ? formatIpv4 : formatIpv6;
  return Array.from({ length: n }, (_, i) => `${format(block.first + BigInt(i) * size)}/${newPrefix}`);
}

function wholeNumber(value: number | string): number | undefined {
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** An IPv4 or IPv6 block (no host bits set) as its first address, prefix and address width. */
function parseBlock(cidr: string): { first: bigint; prefix: number; width: 32 | 128 } | undefined {
  if (typeof cidr !== 'string') return undefined;
  const ipv4Block = parseCidr(cidr);
  if (ipv4Block) return { first: BigInt(ipv4Block[0]), prefix: 32 - Math.log2(ipv4Block[1]), width: 32 };
  const match = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(cidr.trim());
  const first = match ? parseIpv6(match[1]) : undefined;
  const prefix = match ? Number(match[2]) : NaN;
  if (first === undefined || prefix > 128 || first % 2n ** BigInt(128 - prefix) !== 0n) return undefined;
  return { first, prefix, width: 128 };
}

/** An IPv6 address in hexadecimal groups, `::` once at most (no embedded IPv4). */
function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  const given = groups.flat();
  if (given.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const missing = 8 - given.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = halves.length === 1 ? given : [...groups[0], ...Array(missing).fill('0'), ...groups[1]];
  return all.reduce((acc, g) => acc * 65536n + BigInt(parseInt(g, 16)), 0n);
}

function formatIpv4(n: bigint): string {
  return ipv4(Number(n));
}

/** RFC 5952's form: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
function formatIpv6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(16 * (7 - i))) & 0xffffn));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = Math.max(i, j);
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
