import { EndpointRule } from '../engine/rule';
import { ALL_RULES, ControlPlaneLogging, PublicEndpointAccess, SecretsEncryption } from '../rules';

/**
 * The hygiene a cdk-nag pack is for, which the Aspect leaves to it: a public endpoint on record,
 * control-plane logs, secrets encryption.
 */
const PACK_ONLY: EndpointRule[] = [PublicEndpointAccess, ControlPlaneLogging, SecretsEncryption];

/**
 * The rules the Aspect runs at synth, and the CLI on files, so that a template and a synth say
 * the same: whether clients reach the API and resolve it, and what a public endpoint admits.
 * In the catalogue's order.
 */
export const ASPECT_RULES: EndpointRule[] = ALL_RULES.filter((rule) => !PACK_ONLY.includes(rule));

/** The cdk-nag pack's rules: the Aspect's, then the hygiene ones. */
export const PACK_RULES: EndpointRule[] = [...ASPECT_RULES, ...PACK_ONLY];
