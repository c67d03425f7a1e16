import { Annotations, IAspect } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Analysis, isEksCluster } from '../private/analysis';
import { ALL_RULES } from './rules';

/**
 * Properties of a `PrivateResolutionCheck`.
 */
export interface PrivateResolutionCheckProps {
  /**
   * IDs of rules not to run, such as `PublicEndpointOpen`. Prefer acknowledging a warning
   * where it applies (`Annotations.of(scope).acknowledgeWarning('cdk-eks-endpoint:<id>', reason)`).
   * @default - every rule runs
   */
  readonly skip?: string[];
}

/**
 * Judges, at synth time, whether each EKS cluster in the app gives in-VPC clients private
 * resolution of its endpoint and a path to it, and what to fix when it does not.
 *
 * It reads CloudFormation resources by type (`AWS::EKS::Cluster`, `AWS::EC2::VPC`, ...), so
 * it works on `EndpointCluster`, aws-eks-v2's `Cluster` and raw `CfnCluster`s alike, and it
 * follows references across stacks. A definite problem is an error, which fails
 * `cdk synth`; what cannot be known at synth (an imported VPC, a token) is a warning with
 * the ID `cdk-eks-endpoint:<rule>`, saying what to confirm. The rules are listed in
 * docs/RULES.md.
 *
 * Add it last, read-only:
 * `Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY })`.
 */
export class PrivateResolutionCheck implements IAspect {
  private readonly analysis = new Analysis();
  private readonly skip: Set<string>;

  constructor(props: PrivateResolutionCheckProps = {}) {
    const known = ALL_RULES.map((r) => r.id);
    const unknown = (props.skip ?? []).filter((id) => !known.includes(id));
    if (unknown.length > 0) {
      throw new Error(`PrivateResolutionCheck: skip has unknown rule ID(s) ${unknown.join(', ')}. Known: ${known.join(', ')}.`);
    }
    this.skip = new Set(props.skip ?? []);
  }

  public visit(node: IConstruct): void {
    if (!isEksCluster(node)) {
      return;
    }
    const rules = ALL_RULES.filter((r) => r.runsIn === 'both' && !this.skip.has(r.id));
    for (const { rule, findings } of this.analysis.check(node, rules)) {
      for (const finding of findings) {
        const id = `cdk-eks-endpoint:${rule.id}`;
        if (finding.level === 'error') {
          Annotations.of(node).addError(`[${id}] ${finding.message}`);
        } else {
          Annotations.of(node).addWarningV2(id, finding.message);
        }
      }
    }
  }
}
