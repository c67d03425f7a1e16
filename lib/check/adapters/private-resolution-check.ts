import { Annotations, IAspect, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { CLUSTER_NOT_CHECKED, Judged } from '../engine/analyze';
import { ClusterReport, clusterReport, reportFiles } from '../outputs/flow-report';
import { isAcknowledged, judgeTree, TreeFinding } from './tree-check';
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


/**
 * The Stages whose findings some check reports (its own, or one above it that reached them first):
 * a check above reports them not again.
 */
const judged = new WeakSet<IConstruct>();

/**
 * The context the CDK CLI sets to `false` (aws-cdk-lib's cx-api `FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT`):
 * the CLI then prints CDK's validation report itself, and fails on it.
 */
const CLI_REPORTS_CONTEXT = '@aws-cdk/core:failSynthOnValidationErrors';

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
 * Add it once, on the App: it judges the clusters in every Stage too, at any depth (every CDK
 * Pipelines stage). CDK synthesizes a nested `Stage` before the App's aspects run, so what it finds
 * there goes into CDK's validation report (`cdk.out/validation-report.json`) as findings of the
 * whole app, each message starting with the cluster's construct path: the `cdk synth` CLI prints
 * them and fails on an error whichever stacks it is asked for (none, a top-level stack, `'**'`), and
 * an in-process `app.synth()` throws `ValidationFailed`. Acknowledge a warning there with
 * `Validations.of(construct).acknowledge({ id: 'cdk-eks-endpoint:<Rule>', reason })`. Added to a
 * Stage itself, it reports that Stage's findings as annotations when synthesized in process (so
 * `Annotations.fromStack` sees them in tests) and through the validation report under the CLI
 * (which prints a Stage's annotations only when its stacks are named). No finding is reported twice.
 * Under the CLI it writes one line to stderr: how many clusters it judged, and where the flow report is.
 * The rules are listed in docs/RULES.md.
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
    const viaReport: TreeFinding[] = [];
    const reports: ClusterReport[] = [];
    const clusters: IConstruct[] = [];
    const { found, judged: counts, cached } = judgeTree(unit, rules, true, (cluster, findings, construct) => {
      reports.push(clusterReport(cluster, findings));
      if (construct) clusters.push(construct);
    });
    // Under the CDK CLI a nested Stage's annotations reach the user only when its stacks are named
    // (`cdk synth 'Prod/*'`); a validation report finding that names no construct, always.
    const cli = String(unit.node.tryGetContext(CLI_REPORTS_CONTEXT)) === 'false';
    const nested = unit !== unit.node.root;
    /** The clusters this check reports on: in scope, and in no Stage another check reports. */
    const mine = (construct: IConstruct) => {
      const stage = Stage.of(construct);
      return this.inScope(construct) && (stage === unit || (stage !== undefined && !judged.has(stage)));
    };
    // the nested Stages this check reports on, with findings or not: a check above leaves them alone
    const reached = new Set<IConstruct>([...clusters, ...found.map((f) => f.construct)]
      .filter((c): c is IConstruct => c !== undefined && mine(c) && Stage.of(c) !== unit).map((c) => Stage.of(c)!));
    const notChecked = found.filter((f) => f.finding.ruleId === CLUSTER_NOT_CHECKED && f.construct && mine(f.construct)).length;
    const judgedHere = clusters.filter(mine).length + notChecked;
    for (const item of found) {
      const construct = item.construct;
      if (!construct || !mine(construct)) continue;
      const stage = Stage.of(construct)!;
      if (stage !== unit || (nested && cli)) {
        // a nested Stage is written already (aspects do not cross Stages): CDK's validation report
        viaReport.push(item);
        continue;
      }
      const id = `cdk-eks-endpoint:${item.finding.ruleId}`;
      if (item.finding.level === 'error') {
        Annotations.of(construct).addError(`[${id}] ${item.finding.message}`);
      } else {
        Annotations.of(construct).addWarningV2(id, item.finding.message);
      }
    }
    // a cached account read that cannot be used: said on each cluster judged here, whose verdicts it may change
    for (const line of cached.unusable) {
      for (const construct of clusters.filter((c) => mine(c) && Stage.of(c) === unit)) Annotations.of(construct).addWarningV2('cdk-eks-endpoint:AccountContext', line);
    }
    // a check above this one reports them not again
    for (const stage of reached) judged.add(stage);
    if (viaReport.length > 0) {
      Validations.of(unit).addPlugins(new StageFindings(viaReport));
    }
    const written = this.report && String(unit.node.tryGetContext('cdk-eks-endpoint:report') ?? 'true') !== 'false'
      ? this.writeReports(unit, reports, counts) : undefined;
    // One line where the CDK CLI runs the app (it sets CDK_OUTDIR), on stderr, which the CLI
    // passes on: an annotation would be printed as a block of four lines (a stack frame of this
    // library, the message, the construct, how to acknowledge it). In-process synths (tests) stay quiet.
    if (process.env.CDK_OUTDIR !== undefined) {
      const line = judgedLine(judgedHere, notChecked, !nested && counts.clusters === 0, written, cached.inputs.map((i) => i.id), counts.importedVpc);
      if (line) process.stderr.write(`${line}\n`);
    }
    return [];
  }

  /**
   * Writes the unit's flow report into its cloud assembly directory; returns where, as the user
   * finds it from where they ran `cdk synth` (`cdk.out/eks-endpoint-reports`), or whole when it is
   * not under that directory.
   */
  private writeReports(unit: IConstruct, reports: ClusterReport[], counts: Judged): string | undefined {
    if (reports.length === 0 || !Stage.isStage(unit)) return undefined;
    const dir = path.join(unit.outdir, PrivateResolutionCheck.REPORT_DIR);
    // two files for the whole unit, a section (an entry) per cluster: files cost more than their text
    const files = reportFiles(reports, counts);
    writeReportFiles(dir, { 'flow-report.md': files.markdown, 'flow-report.json': files.json });
    const fromHere = path.relative(process.cwd(), dir);
    return fromHere.startsWith('..') || path.isAbsolute(fromHere) ? dir : fromHere;
  }

  private inScope(construct: IConstruct): boolean {
    for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
      if (this.roots.has(c)) return true;
    }
    return false;
  }
}

/**
 * What a check judged, in one line: the clusters it reports on (those not checked), and where
 * the flow report is (`cdk.out/eks-endpoint-reports/flow-report.md`). The App's check says so too when
 * the app holds no EKS cluster at all; a Stage's, or an App's whose clusters other checks report, stays quiet.
 */
function judgedLine(clusters: number, notChecked: number, appEmpty: boolean, reportDir: string | undefined, reads: string[] = [], imported = 0): string | undefined {
  if (clusters === 0) {
    return appEmpty ? 'cdk-eks-endpoint: no EKS cluster found in the app, its Stages included: nothing was judged' : undefined;
  }
  const where = reportDir === undefined ? '' : `; flow report: ${reportDir.split(path.sep).join('/')}/flow-report.md (and flow-report.json)`;
  const withReads = reads.length === 0 ? '' : `, with ${reads.length} VPC(s) read from ${[...new Set(reads)].join('; ')}`;
  const unread = imported > 0 ? `; ${imported} in a VPC imported by ID, not verifiable until read: npx cdk-eks-endpoint lookup` : '';
  return `cdk-eks-endpoint: ${clusters} cluster(s) judged (${notChecked} not checked)${withReads}${unread}${where}`;
}

/**
 * Findings in nested Stages, reported through CDK's validation report as findings of the whole app:
 * each names its template but no construct, and its message starts with the cluster's construct
 * path. The CDK CLI (aws-cdk 2.1148) shows a stack's validation findings only for the stacks it is
 * asked for, and keeps every finding that names no construct (`filterReportsByStacks` in
 * @aws-cdk/cloud-assembly-api's validation loading): so `cdk synth` prints these, and fails on an
 * error, whichever stacks are selected.
 */
class StageFindings implements IPolicyValidationPlugin {
  public readonly name = 'cdk-eks-endpoint';

  constructor(private readonly findings: TreeFinding[]) {}

  public validate(_context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = this.findings
      .filter(({ finding, construct }) => finding.level === 'error' || !isAcknowledged(construct!, `cdk-eks-endpoint:${finding.ruleId}`, this.name))
      .map(({ finding, construct }) => ({
        ruleName: `cdk-eks-endpoint:${finding.ruleId}`,
        description: `[${construct!.node.path}] ${finding.message}`,
        severity: finding.level,
        violatingResources: [{ templatePath: Stack.of(construct!).templateFile, locations: ['Properties'] }],
        fix: finding.level === 'error' ? `See docs/RULES.md#${finding.ruleId.toLowerCase()}.`
          : `Once confirmed, acknowledge it: Validations.of(<${construct!.node.path} or a construct above it>).acknowledge({ id: 'cdk-eks-endpoint:${finding.ruleId}', reason })`,
      }));
    return { success: violations.every((v) => v.severity !== 'error'), violations };
  }
}

