import { isToken } from './private/tokens';
import { MAX_PUBLIC_ACCESS_CIDRS, renderedCidrProblem } from './shared/cidr';
import * as modes from './shared/endpoint-modes';

/**
 * How the Kubernetes API server endpoint of an EKS cluster is exposed.
 *
 * | mode | public endpoint | private endpoint | private hosted zone in the VPC |
 * |---|---|---|---|
 * | `PUBLIC` | yes | no | none: every client, nodes included, uses public addresses |
 * | `PUBLIC_AND_PRIVATE` | yes | yes | yes: clients in the cluster VPC resolve private addresses |
 * | `PRIVATE` | no | yes | yes: the API is reachable only through the VPC |
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export class EndpointMode {
  /**
   * Public endpoint only. Nodes and every client in the VPC reach the API over the
   * internet (through NAT or an internet gateway). `EndpointCluster` takes it with an
   * allow-list only (`onlyFrom`; `onlyFrom('0.0.0.0/0')` to open it to all, deliberately).
   */
  public static readonly PUBLIC = new EndpointMode(modes.PUBLIC, []);

  /**
   * Public and private endpoints. Clients in the cluster VPC resolve the endpoint to
   * private addresses and need a 443 path into the cluster security group; clients
   * outside use the public endpoint. `EndpointCluster` takes it with an allow-list only
   * (`onlyFrom`; `onlyFrom('0.0.0.0/0')` to open it to all, deliberately).
   */
  public static readonly PUBLIC_AND_PRIVATE = new EndpointMode(modes.PUBLIC_AND_PRIVATE, []);

  /**
   * Private endpoint only. The API is reachable only from the cluster VPC and from
   * networks connected to it.
   */
  public static readonly PRIVATE = new EndpointMode(modes.PRIVATE, []);

  /**
   * The mode for a name: `public`, `public-and-private` or `private`, in any case.
   *
   * @param name the mode's name, as used in `cdk synth -c mode=...`
   */
  public static of(name: string): EndpointMode {
    const named = modes.modeNamed(name);
    const found = [EndpointMode.PUBLIC, EndpointMode.PUBLIC_AND_PRIVATE, EndpointMode.PRIVATE].find((m) => m.name === named?.name);
    if (!found) {
      throw new Error(
        `EndpointMode: unknown mode ${JSON.stringify(name)}. Valid modes: ${modes.MODES.map((m) => m.name).join(', ')}.`,
      );
    }
    return found;
  }

  /** The mode's name: `public`, `public-and-private` or `private`. */
  public readonly name: string;

  /** Whether the public endpoint is enabled (`endpointPublicAccess`). */
  public readonly publicAccess: boolean;

  /** Whether the private endpoint is enabled (`endpointPrivateAccess`). */
  public readonly privateAccess: boolean;

  /**
   * The CIDR blocks allowed to reach the public endpoint, trimmed and without duplicates.
   * Empty means no restriction (`0.0.0.0/0`) when public access is on, and nothing when it
   * is off. Each read returns a new copy: changing it does not change the mode.
   */
  public get publicAccessCidrs(): string[] {
    return [...this.cidrs];
  }

  // The constants are shared by every user of the library, so the list must not be
  // changeable from outside. A getter returning a copy, not a frozen array: jsii publishes a
  // getter-only accessor as an immutable property (the same as `readonly`), and the other
  // languages receive a copy through the jsii kernel anyway, so TypeScript users get the
  // same behaviour; a frozen array typed `string[]` would let `push` compile and then throw
  // at run time.
  private readonly cidrs: readonly string[];

  private constructor(flags: modes.ModeFlags, publicAccessCidrs: readonly string[]) {
    this.name = flags.name;
    this.publicAccess = flags.publicAccess;
    this.privateAccess = flags.privateAccess;
    this.cidrs = [...publicAccessCidrs];
  }

  /**
   * The same mode with the public endpoint limited to these IPv4 CIDR blocks, added to
   * any the mode already has.
   *
   * Surrounding whitespace is trimmed (`' 10.0.0.0/8'` is rendered as `10.0.0.0/8`) and
   * repeated blocks are kept once, before the quota is counted. Refused: anything but an
   * IPv4 block of the form `a.b.c.d/n`, host bits set (`10.0.0.1/8`), and a leading zero in
   * an octet or the prefix (`010.0.0.0/8`, `10.0.0.0/08`), which some tools read as octal.
   *
   * Tokens are accepted unjudged, only trimmed of whitespace around them (`` `${eip.ref}/32 ` ``); each distinct token counts
   * towards the quota, and the construct that uses the mode reports them as not
   * verifiable. With `PUBLIC`, the allow-list must also hold the addresses the nodes
   * leave the VPC from: `EndpointCluster` adds its own NAT gateways' addresses.
   *
   * @param cidrs IPv4 CIDR blocks, at most 40 distinct ones in all (the EKS quota)
   */
  public onlyFrom(...cidrs: string[]): EndpointMode {
    if (!this.publicAccess) {
      throw new Error(
        `EndpointMode.${this.constantName()}.onlyFrom(${cidrs.map((c) => JSON.stringify(c)).join(', ')}): ` +
        'a private-only endpoint has no public allow-list. Use EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom(...) to keep a restricted public endpoint.',
      );
    }
    if (cidrs.length === 0) {
      throw new Error(
        `EndpointMode.${this.constantName()}.onlyFrom(): the list of CIDR blocks is empty. ` +
        `Give at least one block, or '0.0.0.0/0' for an endpoint open to all addresses.`,
      );
    }
    const given = cidrs.map((cidr) => {
      if (isToken(cidr)) {
        // whitespace around a token's marker is literal text, never part of it
        return cidr.trim();
      }
      const trimmed = typeof cidr === 'string' ? cidr.trim() : cidr;
      const problem = renderedCidrProblem(trimmed);
      if (problem) {
        throw new Error(`EndpointMode.onlyFrom(): ${JSON.stringify(cidr)} ${problem}.`);
      }
      return trimmed;
    });
    // Literal blocks are compared once trimmed: without leading zeros or host bits, a block
    // has one spelling. Tokens are equal only when they are the same token.
    const all = [...this.cidrs, ...given];
    const unique = all.filter((c, i) => all.indexOf(c) === i);
    if (unique.length > MAX_PUBLIC_ACCESS_CIDRS) {
      throw new Error(
        `EndpointMode.onlyFrom(): ${unique.length} distinct CIDR blocks given; EKS allows at most ${MAX_PUBLIC_ACCESS_CIDRS} per cluster (a quota that cannot be raised). ` +
        'Merge adjacent blocks into larger ones.',
      );
    }
    return new EndpointMode(this, unique);
  }

  /** A short, human-readable description, such as `public-and-private (public from 203.0.113.0/24)`. */
  public toString(): string {
    if (!this.publicAccess || this.cidrs.length === 0) {
      return this.name;
    }
    const shown = this.cidrs.map((c) => (isToken(c) ? '<deploy-time value>' : c));
    return `${this.name} (public from ${shown.join(', ')})`;
  }

  private constantName(): string {
    return this.name.toUpperCase().replace(/-/g, '_');
  }
}
