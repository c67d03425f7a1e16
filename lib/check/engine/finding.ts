import { SourcePosition } from './read/input';
import { Subject } from './rule';

/** One finding about one cluster, as every adapter (Aspect, pack, CLI) reports it. */
export interface ReportedFinding {
  /** The rule's ID, such as `VpcDnsHostnames`; `ClusterNotChecked` for a cluster type the engine cannot read. */
  readonly ruleId: string;
  /** An error fails the check; a warning can be acknowledged. */
  readonly level: 'error' | 'warning';
  /** False when the rule could not know at synth: the message says what to confirm. */
  readonly verified: boolean;
  readonly message: string;
  /** What the finding is about besides the cluster (clients, compute, connections, networks); absent when only the cluster. */
  readonly subjects?: Subject[];
  /** The `TemplateInput.id` of the template holding the cluster. */
  readonly templateId: string;
  /** The cluster resource's logical ID in that template. */
  readonly logicalId: string;
  /** The file of that template, when it was read from one. */
  readonly file?: string;
  /** Where the cluster resource is written in that file (its logical ID's line and column), as the reader found it. */
  readonly position?: SourcePosition;
}
