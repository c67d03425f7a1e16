import { ClientView, ClusterView } from '../engine/model';

/** How serious a finding is: an error fails `cdk synth`; a warning can be acknowledged. */
export type Level = 'error' | 'warning';

/** One thing a rule found about one cluster. */
export interface Finding {
  readonly level: Level;
  readonly message: string;
  /** False when the rule could not know at synth: the finding says what to confirm. */
  readonly verified: boolean;
}

/** A check of one cluster's endpoint access, read from the network model. */
export interface EndpointRule {
  /** Stable ID: `cdk-eks-endpoint:<id>` for the Aspect, `EndpointAccess-<id>` in the cdk-nag pack. */
  readonly id: string;
  /** The level of a definite violation. What cannot be known at synth is always a warning. */
  readonly level: Level;
  /** What the rule checks, in one sentence. */
  readonly summary: string;
  /** The AWS documentation the rule stands on. */
  readonly source: string;
  /** Where the rule runs: in both the Aspect and the cdk-nag pack, or in the pack only. */
  readonly runsIn: 'both' | 'nag';
  check(cluster: ClusterView): Finding[];
}

/** A definite violation at the rule's level. */
export function violation(rule: Pick<EndpointRule, 'level'>, message: string): Finding {
  return { level: rule.level, message, verified: true };
}

/** Something the rule cannot know at synth: always a warning that says what to confirm. */
export function notVerifiable(message: string): Finding {
  return { level: 'warning', message: `Not verifiable at synth: ${message}`, verified: false };
}

/** Whether private access is (or may be) on: rules about the private endpoint apply. */
export function mayBePrivate(cluster: ClusterView): boolean {
  return cluster.privateAccess !== false;
}

/**
 * A violation that holds only when private access is on: when `EndpointPrivateAccess` is a
 * deploy-time value, it is a not-verifiable warning instead.
 */
export function violationIfPrivate(rule: Pick<EndpointRule, 'level'>, cluster: ClusterView, message: string): Finding {
  return cluster.privateAccess === 'unknown'
    ? notVerifiable(`endpointPrivateAccess is a deploy-time value. If it is true: ${message}`)
    : violation(rule, message);
}

/** Whether the endpoint flags may be those of a mode, and are not both known. */
export function mayBeMode(cluster: ClusterView, publicAccess: boolean, privateAccess: boolean): 'yes' | 'no' | 'unknown' {
  if (cluster.publicAccess === !publicAccess || cluster.privateAccess === !privateAccess) return 'no';
  return cluster.publicAccess === 'unknown' || cluster.privateAccess === 'unknown' ? 'unknown' : 'yes';
}

/** The condition under which a client that may be one is one, to open a not-verifiable message. */
export function maybeClient(client: ClientView): string {
  return `the access entry of ${client.display} names its cluster by a deploy-time value, or exists under a condition. If it is an API client of this cluster:`;
}

/** A definite violation about a client, or a not-verifiable warning when it may not be this cluster's client. */
export function violationFor(rule: Pick<EndpointRule, 'level'>, client: ClientView, message: string): Finding {
  return client.maybe ? notVerifiable(`${maybeClient(client)} ${message}`) : violation(rule, message);
}
