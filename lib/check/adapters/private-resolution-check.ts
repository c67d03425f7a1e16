import { Annotations, IAspect, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { ClusterReport, clusterReport, reportMarkdown } from '../outputs/flow-report';
import { checkTree, isAcknowledged, TreeFinding } from './tree-check';
import { ALL_RULES } from '../rules';
import { writeReportFiles } from './report-files';
import { ASPECT_RULES } from './rule-sets';

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

  /**
   * Whether to write a flow report of each cluster into the cloud assembly directory
   * (`eks-endpoint-reports/flow-report.md` and its JSON twin `flow-report.json`, a section per
   * cluster): who reaches the API by which path, what allows or blocks it, the findings, and a
   * Mermaid diagram. The context key
   * `cdk-eks-endpoint:report` set to `false` turns it off too.
   * @default true
   */
  readonly report?: boolean;
}


/** The synthesis units (App or Stage) some check judges: their findings are reported there, not again from above. */
const judged = new WeakSet<IConstruct>();

/**
 * Judges, at synth time, whether each EKS cluster in the app gives in-VPC clients private
 * resolution of its endpoint and a path to it, and what to fix when it does not.
 *
 * It reads the app as CloudFormation (`AWS::EKS::Cluster`, `AWS::EC2::VPC`, ... with their
 * intrinsics, conditions and cross-stack references), so it works on `EndpointCluster`,
 * aws-eks-v2's `Cluster` and raw `CfnCluster`s alike, and gives the same findings as the
 * `EndpointAccessChecks` pack and the `cdk-eks-endpoint check` CLI. It judges every stack
 * once all other aspects have run (in the validation step of synthesis). A definite problem
 * is an error, which fails `cdk synth`; what cannot be known at synth (an imported VPC, a
 * parameter) is a warning with the ID `cdk-eks-endpoint:<rule>`, saying what to confirm.
 *
 * CDK synthesizes a nested `Stage` (every CDK Pipelines stage) before the app's aspects run,
 * so findings in a Stage the check was not added to are reported in CDK's validation report
 * (`cdk.out/validation-report.json`): an in-process `app.synth()` throws on an error there, while
 * the `cdk synth` CLI prints it and fails only for the stacks it is asked to synthesize (`cdk synth
 * '**'`, or the Stage's stacks by name); add the check to the Stage itself for annotations there. The rules are listed in docs/RULES.md.
 *
 * `Aspects.of(app).add(new PrivateResolutionCheck())`.
 */
export class PrivateResolutionCheck implements IAspect {
  /** The directory of the flow reports inside the cloud assembly directory. */
  public static readonly REPORT_DIR = 'eks-endpoint-reports';

  private readonly skip: Set<string>;
  private readonly report: boolean;
  /** The units this check judges. */
  private readonly units = new WeakSet<IConstruct>();
  /**
   * Where the check was added: each first node visited whose parent was not. Everything under
   * them is judged, constructs that later aspects add included.
   */
  private readonly roots = new Set<IConstruct>();
  private readonly visited = new WeakSet<IConstruct>();

  constructor(props: PrivateResolutionCheckProps = {}) {
    const known = ALL_RULES.map((r) => r.id);
    const unknown = (props.skip ?? []).filter((id) => !known.includes(id));
    if (unknown.length > 0) {
      throw new Error(`PrivateResolutionCheck: skip has unknown rule ID(s) ${unknown.join(', ')}. Known: ${known.join(', ')}.`);
    }
    this.skip = new Set(props.skip ?? []);
    this.report = props.report ?? true;
  }

  public visit(node: IConstruct): void {
    const scope = node.node.scope;
    this.visited.add(node);
    // below a node already visited: same unit, same scope (aspects do not cross into Stages)
    if (scope && this.visited.has(scope)) return;
    this.roots.add(node);
    const unit = Stage.isStage(node) ? node : Stage.of(node) ?? node.node.root;
    if (this.units.has(unit)) return;
    this.units.add(unit);
    judged.add(unit);
    // the validation step runs after every aspect and after cross-stack references are
    // resolved, and before stacks are written: the latest point where annotations still count
    unit.node.addValidation({ validate: () => this.judge(unit) });
  }

  private judge(unit: IConstruct): string[] {
    const rules = ASPECT_RULES.filter((r) => !this.skip.has(r.id));
    const elsewhere: TreeFinding[] = [];
    const reports: ClusterReport[] = [];
    const clusters: IConstruct[] = [];
    const found = checkTree(unit, rules, true, (cluster, findings, construct) => {
      reports.push(clusterReport(cluster, findings));
      if (construct) clusters.push(construct);
    });
    if (this.report && String(unit.node.tryGetContext('cdk-eks-endpoint:report') ?? 'true') !== 'false') {
      this.writeReports(unit, reports, clusters);
    }
    for (const item of found) {
      const construct = item.construct;
      if (!construct) continue;
      const stage = Stage.of(construct);
      if (stage !== unit) {
        // a nested Stage is written already; it reports through its own check when it has one,
        // and through this one when this one was added above it (aspects do not cross Stages)
        if (stage && !judged.has(stage) && this.inScope(stage)) elsewhere.push(item);
        continue;
      }
      if (!this.inScope(construct)) continue; // outside the scope the check was added to
      const id = `cdk-eks-endpoint:${item.finding.ruleId}`;
      if (item.finding.level === 'error') {
        Annotations.of(construct).addError(`[${id}] ${item.finding.message}`);
      } else {
        Annotations.of(construct).addWarningV2(id, item.finding.message);
      }
    }
    if (elsewhere.length > 0) {
      Validations.of(unit).addPlugins(new StageFindings(elsewhere));
    }
    return [];
  }

  /** Writes each cluster's flow report into the unit's cloud assembly directory, and says where in one line. */
  private writeReports(unit: IConstruct, reports: ClusterReport[], clusters: IConstruct[]): void {
    if (reports.length === 0 || !Stage.isStage(unit)) return;
    const dir = path.join(unit.outdir, PrivateResolutionCheck.REPORT_DIR);
    // two files for the whole unit, a section (an entry) per cluster: files cost more than their text
    writeReportFiles(dir, {
      'flow-report.md': reports.map(reportMarkdown).join('\n'),
      'flow-report.json': JSON.stringify({ clusters: reports }, undefined, 2) + '\n',
    });
    // One line where the CDK CLI runs the app (it sets CDK_OUTDIR), on stderr, which the CLI
    // passes on: an annotation would be printed as a block of four lines (a stack frame of this
    // library, the message, the construct, how to acknowledge it). In-process synths (tests) stay quiet.
    if (process.env.CDK_OUTDIR !== undefined && clusters.some((c) => Stage.of(c) === unit && this.inScope(c))) {
      process.stderr.write(`${reportLine(reports.length, path.relative(rootOutdir(unit), dir))}\n`);
    }
  }

  private inScope(construct: IConstruct): boolean {
    for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
      if (this.roots.has(c)) return true;
    }
    return false;
  }
}

/** Where the flow reports are, relative to the cloud assembly (`cdk.out`), in one line. */
function reportLine(clusters: number, dir: string): string {
  const where = dir.split(path.sep).join('/');
  return `cdk-eks-endpoint: the flow report of ${clusters === 1 ? '1 cluster' : `${clusters} clusters`} is in the cloud assembly: ` +
    `${where}/flow-report.md (and flow-report.json)`;
}

/** The cloud assembly directory of the app a unit is in. */
function rootOutdir(unit: IConstruct): string {
  const root = unit.node.root;
  return Stage.isStage(root) ? root.outdir : (unit as Stage).outdir;
}

/** Findings in nested Stages, reported through CDK's validation report. */
class StageFindings implements IPolicyValidationPlugin {
  public readonly name = 'cdk-eks-endpoint';

  constructor(private readonly findings: TreeFinding[]) {}

  public validate(_context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = this.findings
      .filter(({ finding, construct }) => finding.level === 'error' || !isAcknowledged(construct!, `cdk-eks-endpoint:${finding.ruleId}`))
      .map(({ finding, construct }) => ({
        ruleName: `cdk-eks-endpoint:${finding.ruleId}`,
        description: finding.message,
        severity: finding.level,
        violatingResources: [{ resourceLogicalId: finding.logicalId, templatePath: Stack.of(construct!).templateFile, locations: ['Properties'] }],
      }));
    return { success: violations.every((v) => v.severity !== 'error'), violations };
  }
}
