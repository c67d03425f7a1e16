import { ClusterView } from './model';

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
  /** Stable ID: `cdk-eks-endpoint:<id>` for the Aspect, `EndpointAccess-<id>` in the cdk-nag pack. Which adapters run it is theirs to list. */
  readonly id: string;
  /** The level of a definite violation. What cannot be known at synth is always a warning. */
  readonly level: Level;
  /** What the rule checks, in one sentence. */
  readonly summary: string;
  /** The AWS documentation the rule stands on. */
  readonly source: string;
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

