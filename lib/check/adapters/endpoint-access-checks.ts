import { CfnResource, IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolation, Stack, Stage } from 'aws-cdk-lib';
import { NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { isAcknowledged, judgeTree } from './tree-check';
import { PACK_RULES } from './rule-sets';

/**
 * A cdk-nag 3 pack with the endpoint access rules of `PrivateResolutionCheck` (the same
 * engine and rule code, so the same findings), plus the EKS rules cdk-nag's own packs skip
 * on aws-eks-v2 clusters because they test the aws-eks L1 class: public endpoint,
 * control-plane logs and secrets encryption.
 *
 * `Validations.of(app).addPlugins(new EndpointAccessChecks(app))`; in tests,
 * `new EndpointAccessChecks(app).validateScope(stack)`. Rule IDs are `EndpointAccess-<rule>`;
 * what cannot be known at synth is `EndpointAccess-<rule>[NotVerifiable]`. As with every
 * cdk-nag 3 pack, any finding not acknowledged fails synthesis, warnings included:
 * acknowledge each with `Validations.of(construct).acknowledge({ id, reason })` once you have
 * confirmed what it says (docs/RULES.md gives the exact IDs).
 *
 * A finding in a nested Stage names its template but no construct, its message starting with the
 * cluster's construct path: the CDK CLI prints a construct's validation findings only for the
 * stacks it is asked for, so a Stage's would pass `cdk synth` unseen unless its stacks were named;
 * a finding that names no construct it prints, and fails on, whichever stacks are selected.
 */
export class EndpointAccessChecks extends NagPack {
  public readonly name: string = 'EndpointAccess';

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'EndpointAccess';
  }

  /** Called by CDK's validation step, after synthesis: judges the whole app, Stages included. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const root = (context as { appConstruct?: IConstruct }).appConstruct;
    if (!root) {
      throw new Error('EndpointAccessChecks needs the construct tree on the validation context (aws-cdk-lib 2.262 or later). ' +
        'Use validateScope(scope) to run it directly.');
    }
    return this.validateScope(root);
  }

  /** Judges the clusters under `scope`, reading the whole app they belong to. */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    const prefix = scope.node.path;
    const inScope = (construct: IConstruct) => construct.node.path === prefix || prefix === '' || construct.node.path.startsWith(`${prefix}/`);
    const clusters: IConstruct[] = [];
    const { found, cached } = judgeTree(scope.node.root, PACK_RULES, true, (_cluster, _findings, construct) => {
      if (construct && inScope(construct)) clusters.push(construct);
    });
    // a cached account read that cannot be used (adapters/account-context.ts), on the clusters it may concern
    const unusable = `${this.packName}-AccountContext`;
    for (const line of cached.unusable) {
      const on = clusters.filter((c) => !isAcknowledged(c, unusable, this.packName));
      if (on.length === 0) continue;
      violations.push({
        ruleName: unusable, description: line, severity: 'warning',
        violatingResources: on.map((c) => ({ constructPath: c.node.path, locations: ['Properties'] })),
        fix: 'Run cdk-eks-endpoint lookup again, or remove the entry with cdk context --reset <key>.',
      });
    }
    for (const { finding, construct } of found) {
      if (!construct || !inScope(construct)) continue;
      const ruleName = `${this.packName}-${finding.ruleId}${finding.verified ? '' : '[NotVerifiable]'}`;
      if (isAcknowledged(construct, ruleName, this.packName)) continue;
      const stage = Stage.of(construct);
      const nested = stage !== undefined && stage !== construct.node.root;
      violations.push({
        ruleName,
        description: nested ? `[${construct.node.path}] ${finding.message}` : finding.message,
        severity: finding.level,
        violatingResources: [nested ? { templatePath: Stack.of(construct).templateFile, locations: ['Properties'] }
          : { constructPath: construct.node.path, locations: ['Properties'] }],
        fix: finding.verified ? `See docs/RULES.md#${finding.ruleId.toLowerCase()}.`
          : `Confirm what the finding says, then acknowledge it: Validations.of(<the cluster or a construct above it>).acknowledge({ id: '${ruleName}', reason: '<what you confirmed>' }).`,
      });
    }
    return { success: violations.length === 0, violations };
  }

  /** Not used: this pack judges the app as a whole, not one resource at a time. */
  protected checkResource(_node: CfnResource): void {
    return;
  }
}
