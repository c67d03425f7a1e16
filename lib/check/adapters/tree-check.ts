import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { judge, Judged } from '../engine/analyze';
import { ReportedFinding } from '../engine/finding';
import { ClusterView } from '../engine/model';
import { EndpointRule } from '../rules';
import { cachedReads } from './account-context';
import { renderTree } from './tree-templates';

/** A finding and the construct it is about (the cluster resource), when it was rendered from the tree. */
export interface TreeFinding {
  readonly finding: ReportedFinding;
  readonly construct?: IConstruct;
}

/**
 * The engine run on a construct tree: every stack under `root` (nested Stages included when
 * `stages` is true), rendered as CloudFormation, each finding mapped back to its construct.
 * The Aspect and the pack both come through here, so they judge the same templates.
 */
export function checkTree(
  root: IConstruct, rules: EndpointRule[], stages: boolean,
  onCluster?: (cluster: ClusterView, findings: ReportedFinding[], construct?: IConstruct) => void,
): TreeFinding[] {
  return judgeTree(root, rules, stages, onCluster).found;
}

/** `checkTree`, with the engine's count of what it judged. */
export function judgeTree(
  root: IConstruct, rules: EndpointRule[], stages: boolean,
  onCluster?: (cluster: ClusterView, findings: ReportedFinding[], construct?: IConstruct) => void,
): { found: TreeFinding[]; judged: Judged; cached: ReturnType<typeof cachedReads> } {
  const tree = renderTree(root, stages);
  // facts read from an account by `cdk-eks-endpoint lookup` and kept in the app's context: an imported VPC's literal IDs join them
  const cached = cachedReads(root.node.getAllContext() as Record<string, unknown>);
  const each = onCluster && ((cluster: ClusterView, findings: ReportedFinding[]) =>
    onCluster(cluster, findings, tree.element(cluster.resource.template.id, cluster.resource.logicalId)));
  const { findings, judged } = judge(cached.inputs.length > 0 ? [...tree.inputs, ...cached.inputs] : tree.inputs, rules, each);
  return { found: findings.map((finding) => ({ finding, construct: tree.element(finding.templateId, finding.logicalId) })), judged, cached };
}

/**
 * Whether a rule ID was acknowledged on a construct or one above it, the way cdk-nag 3 and
 * aws-cdk-lib record it with `Validations.of(x).acknowledge` (cdk-nag 3's own convention): as
 * `id`, or, given the plugin's `namespace`, as the CDK CLI prints it for a validation finding
 * (`<namespace>::<id>`).
 */
export function isAcknowledged(construct: IConstruct, id: string, namespace?: string): boolean {
  const forms = namespace === undefined ? [id] : [id, `${namespace}::${id}`];
  for (let current: IConstruct | undefined = construct; current; current = current.node.scope) {
    for (const entry of current.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) {
        const ids = Object.keys(entry.data as object).map((k) => k.replace(/^annotation::/i, ''));
        if (forms.some((form) => ids.includes(form))) return true;
      }
    }
  }
  return false;
}
