/**
 * The three endpoint modes by name and their two flags: the one table that `EndpointMode`, the
 * command line and `explain` read. The constructs wrap it in `EndpointMode` (with an allow-list);
 * the command line takes it as it is, so that it loads no aws-cdk-lib.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export interface ModeFlags {
  /** `public`, `public-and-private` or `private`, as `cdk synth -c mode=...` and `explain --mode` take it. */
  readonly name: string;
  /** `endpointPublicAccess` */
  readonly publicAccess: boolean;
  /** `endpointPrivateAccess` */
  readonly privateAccess: boolean;
}

export const PUBLIC: ModeFlags = { name: 'public', publicAccess: true, privateAccess: false };
export const PUBLIC_AND_PRIVATE: ModeFlags = { name: 'public-and-private', publicAccess: true, privateAccess: true };
export const PRIVATE: ModeFlags = { name: 'private', publicAccess: false, privateAccess: true };

/** Every mode, in the order they are listed to users. */
export const MODES: readonly ModeFlags[] = [PUBLIC, PUBLIC_AND_PRIVATE, PRIVATE];

/** The mode of a name in any case (`Private` is `private`), or undefined. */
export function modeNamed(name: string): ModeFlags | undefined {
  const lower = typeof name === 'string' ? name.trim().toLowerCase() : name;
  return MODES.find((m) => m.name === lower);
}
