import { ClientView, ClusterView, ComputeView, ConnectionView } from './model';

/** How serious a finding is: an error fails `cdk synth`; a warning can be acknowledged. */
export type Level = 'error' | 'warning';

/**
 * What a finding is about besides its cluster: a client, the compute of a node group or profile, a
 * connection to another network, or a network by its block. Writers (the flow report) place a
 * finding by its subjects, never by its words.
 */
export interface Subject {
  readonly kind: 'client' | 'compute' | 'connection' | 'network';
  /** Its name as the model gives it (a client's or connection's display, what a compute is, a block). */
  readonly name: string;
}

/** One thing a rule found about one cluster. */
export interface Finding {
  readonly level: Level;
  readonly message: string;
  /** False when the rule could not know at synth: the finding says what to confirm. */
  readonly verified: boolean;
  /** What it is about besides the cluster; absent when only the cluster. */
  readonly subjects?: Subject[];
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


/** The finding, about these subjects too. */
export function about(finding: Finding, ...subjects: Subject[]): Finding {
  const all = [...(finding.subjects ?? []), ...subjects];
  return { ...finding, subjects: all.filter((s, i) => all.findIndex((t) => t.kind === s.kind && t.name === s.name) === i) };
}

/** A known API client as a subject. */
export function clientSubject(client: Pick<ClientView, 'display'>): Subject {
  return { kind: 'client', name: client.display };
}

/** The compute of a node group, Fargate profile, Auto Scaling group or Auto Mode as a subject. */
export function computeSubject(compute: Pick<ComputeView, 'what'>): Subject {
  return { kind: 'compute', name: compute.what };
}

/** A connection to another network as a subject. */
export function connectionSubject(connection: Pick<ConnectionView, 'display'>): Subject {
  return { kind: 'connection', name: connection.display };
}

/** A network, by its block, as a subject. */
export function networkSubject(cidr: string): Subject {
  return { kind: 'network', name: cidr };
}
