import * as path from 'path';
import { Judged } from '../engine/analyze';
import { ReportedFinding } from '../engine/finding';
import { EndpointRule } from '../engine/rule';

/** Where each rule is documented, for SARIF readers that link a finding to its help. */
const RULES_DOC = 'https://github.com/cdk-eks-endpoint/cdk-eks-endpoint/blob/main/docs/RULES.md';

/** `ClusterNotChecked` is the engine's, not a rule's: described here so that SARIF can name it. */
const NOT_CHECKED = {
  id: 'ClusterNotChecked',
  level: 'warning' as const,
  summary: 'A cluster resource type the engine cannot read (aws-eks v1 custom resource, AWSQS::EKS::Cluster): not checked.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
};

/** What a run of the command line judged: the engine's counts, the inputs named, and its exit code. */
export interface RunSummary extends Judged {
  /** The paths given, as given. */
  readonly inputs: string[];
  readonly exitCode: number;
}

/**
 * The line that says what was judged: `2 cluster(s) judged (1 not checked): 1 error(s), 3 warning(s)`,
 * or, with no cluster at all, that none was found in the inputs, named (a wrong path must not
 * read like a clean app).
 */
export function judgedLine(judged: Judged, errors: number, warnings: number, inputs: string[]): string {
  if (judged.clusters === 0) {
    return `no EKS cluster found in ${inputs.join(', ')} (${judged.templates} template(s) read): nothing was judged`;
  }
  return `${judged.clusters} cluster(s) judged (${judged.notChecked} not checked): ${errors} error(s), ${warnings} warning(s)`;
}

/**
 * The findings as JSON for scripts: each finding whole (with the line and column of its cluster in
 * the file, and the clients, compute, connections or networks it is about), the counts, and a
 * `summary` of what was judged (clusters, not checked, templates, the inputs, the line the text prints).
 */
export function toJson(findings: ReportedFinding[], notes: string[], summary?: RunSummary): string {
  const errors = findings.filter((f) => f.level === 'error').length;
  return JSON.stringify({
    findings: findings.map((f) => ({
      level: f.level, ruleId: f.ruleId, verified: f.verified, message: f.message,
      file: f.file, templateId: f.templateId, logicalId: f.logicalId,
      ...(f.position ? { line: f.position.line, column: f.position.column } : {}),
      ...(f.subjects ? { subjects: f.subjects } : {}),
    })),
    errors,
    warnings: findings.length - errors,
    notes,
    ...(summary ? {
      summary: {
        clusters: summary.clusters, notChecked: summary.notChecked, templates: summary.templates, importedVpc: summary.importedVpc,
        inputs: summary.inputs, errors, warnings: findings.length - errors, text: judgedLine(summary, errors, findings.length - errors, summary.inputs),
      },
    } : {}),
  }, undefined, 2) + '\n';
}

/**
 * The findings as a SARIF 2.1.0 log: one reporting descriptor per rule (its summary, its AWS
 * source, a link to its section of docs/RULES.md), each result located at its template file
 * (relative to `baseDir`, at the line of the cluster's logical ID where the reader kept it) and at the
 * logical ID, so that GitHub code scanning and other SARIF readers place it.
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function toSarif(
  findings: ReportedFinding[], rules: Array<Pick<EndpointRule, 'id' | 'level' | 'summary' | 'source'>>, version: string, baseDir: string, summary?: RunSummary,
): string {
  const described = [...rules, NOT_CHECKED];
  const index = new Map(described.map((r, i) => [r.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk-eks-endpoint',
          version,
          informationUri: RULES_DOC,
          rules: described.map((r) => ({
            id: r.id,
            name: r.id,
            shortDescription: { text: r.summary },
            fullDescription: { text: `${r.summary} Source: ${r.source}` },
            help: { text: `${r.summary} AWS documentation: ${r.source}. What is checked, why, and how to fix: ${RULES_DOC}#${r.id.toLowerCase()}` },
            helpUri: `${RULES_DOC}#${r.id.toLowerCase()}`,
            defaultConfiguration: { level: r.level },
          })),
          // the descriptors of the invocation's notifications (SARIF 2.1.0 §3.19.24, driver.notifications)
          ...(summary ? { notifications: NOTIFICATIONS } : {}),
        },
      },
      // what was judged: the run's property bag, and the invocation (SARIF 2.1.0 §3.20), whose
      // notification says so when no cluster was found (§3.58, toolExecutionNotifications)
      ...(summary ? sarifSummary(findings, summary) : {}),
      results: findings.map((f) => {
        const file = f.file ? path.relative(baseDir, path.resolve(f.file)).split(path.sep).join('/') : undefined;
        return {
          ruleId: f.ruleId,
          ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
          level: f.level,
          message: { text: f.message },
          locations: [{
            ...(file !== undefined ? { physicalLocation: { artifactLocation: { uri: file }, ...(f.position ? { region: { startLine: f.position.line, startColumn: f.position.column } } : {}) } } : {}),
            logicalLocations: [{ name: f.logicalId, fullyQualifiedName: `${f.templateId}/${f.logicalId}`, kind: 'resource' }],
          }],
          properties: { verified: f.verified, templateId: f.templateId },
        };
      }),
    }],
  };
  return JSON.stringify(log, undefined, 2) + '\n';
}

/** What the invocation's notification can say: what was judged, or that no cluster was found. */
const NOTIFICATIONS = [
  { id: 'Judged', shortDescription: { text: 'The clusters judged, those not checked (ClusterNotChecked), and the errors and warnings found.' } },
  { id: 'NoCluster', shortDescription: { text: 'The inputs hold no EKS cluster: nothing was judged (exit 2 unless --allow-empty).' } },
];

/** The run's `invocations` and `properties` for a summary: counts, and a notification when no cluster was found. */
function sarifSummary(findings: ReportedFinding[], summary: RunSummary): object {
  const errors = findings.filter((f) => f.level === 'error').length;
  const text = judgedLine(summary, errors, findings.length - errors, summary.inputs);
  return {
    invocations: [{
      // exit 2 is input the command line could not use: no cluster, unless --allow-empty
      executionSuccessful: summary.exitCode !== 2,
      exitCode: summary.exitCode,
      toolExecutionNotifications: [{
        descriptor: { id: summary.clusters === 0 ? 'NoCluster' : 'Judged' },
        level: summary.clusters === 0 ? (summary.exitCode === 2 ? 'error' : 'warning') : 'note',
        message: { text },
      }],
    }],
    properties: { clusters: summary.clusters, notChecked: summary.notChecked, templates: summary.templates, inputs: summary.inputs },
  };
}
