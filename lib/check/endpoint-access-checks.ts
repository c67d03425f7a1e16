import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { Analysis, isEksCluster } from '../private/analysis';
import { ALL_RULES } from './rules';

/**
 * A cdk-nag 3 pack with the endpoint access rules of `PrivateResolutionCheck` (the same rule
 * code), plus the EKS rules cdk-nag's own packs skip on aws-eks-v2 clusters because they test
 * the aws-eks L1 class: public endpoint, control-plane logs and secrets encryption.
 *
 * `Validations.of(app).addPlugins(new EndpointAccessChecks(app))`; in tests,
 * `new EndpointAccessChecks(app).validateScope(stack)`. Rule IDs are `EndpointAccess-<rule>`;
 * what cannot be known at synth is the warning `EndpointAccess-<rule>[NotVerifiable]`.
 * Acknowledge with `Validations.of(construct).acknowledge({ id, reason })`.
 */
export class EndpointAccessChecks extends NagPack {
  public readonly name: string = 'EndpointAccess';
  private readonly analysis = new Analysis();

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'EndpointAccess';
  }

  protected checkResource(node: CfnResource): void {
    if (!isEksCluster(node)) {
      return;
    }
    for (const { rule, findings } of this.analysis.check(node, ALL_RULES)) {
      const definite = findings.filter((f) => f.verified);
      const unverified = findings.filter((f) => !f.verified);
      this.applyRule({
        ruleSuffixOverride: rule.id,
        info: definite.map((f) => f.message).join(' ') || rule.summary,
        explanation: `${rule.summary} See docs/RULES.md#${rule.id.toLowerCase()}.`,
        level: rule.level === 'error' ? NagMessageLevel.ERROR : NagMessageLevel.WARN,
        node,
        rule: () => (definite.length > 0 ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT),
      });
      if (unverified.length > 0) {
        this.applyRule({
          ruleSuffixOverride: rule.id,
          info: unverified.map((f) => f.message).join(' '),
          explanation: `${rule.summary} What cannot be read at synth time must be confirmed by hand.`,
          level: NagMessageLevel.WARN,
          node,
          rule: () => ['NotVerifiable'],
        });
      }
    }
  }
}
