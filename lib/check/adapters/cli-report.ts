import * as fs from 'fs';
import * as path from 'path';
import { Analysis } from '../engine/analyze';
import { ReportedFinding } from '../engine/finding';
import { judgedLine, RunSummary, toJson, toSarif } from '../outputs/formats';
import { ASPECT_RULES } from './rule-sets';

/** Where the command line writes. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The command line's output formats. */
export type Format = 'text' | 'json' | 'sarif';

/**
 * What `check` prints for an analysis, whatever was read (files, an account): the findings in the
 * format asked, then what was judged; returns the exit code (0 no error, 1 an error, 2 no cluster
 * at all unless `allowEmpty`). `inputs` names what was read, for the summary and the empty case.
 */
export function report(analysis: Analysis, notes: string[], format: Format, allowEmpty: boolean, inputs: string[], out: CliOutput): number {
  // how the input was read, where it matters (a duplicate key): on stderr, apart from the findings
  for (const n of notes) out.stderr(`note: ${printable(n)}\n`);
  const findings: ReportedFinding[] = analysis.findings;
  const errors = findings.filter((f) => f.level === 'error');
  const warnings = findings.filter((f) => f.level === 'warning');
  // no cluster at all: most likely a wrong path or an app synthesized without its clusters
  // (cfn-lint and cfn-guard treat a template file not found as a failure too)
  const empty = analysis.judged.clusters === 0;
  const code = errors.length > 0 ? 1 : empty && !allowEmpty ? 2 : 0;
  const summary: RunSummary = { ...analysis.judged, inputs, exitCode: code };
  const line = printable(judgedLine(analysis.judged, errors.length, warnings.length, inputs));
  const emptyHint = empty && !allowEmpty ? ' (exit 2; give --allow-empty where that is expected)' : '';
  const imported = analysis.judged.importedVpc;
  if (imported > 0) {
    out.stderr(`note: ${imported} cluster(s) in a VPC imported by ID, which the templates do not hold: what the rules need of it is not verifiable here; ` +
      'cdk-eks-endpoint check --account reads it from the account, read-only (lookup caches it for cdk synth)\n');
  }
  if (format === 'json' || format === 'sarif') {
    out.stdout(format === 'json' ? toJson([...errors, ...warnings], notes, summary)
      : toSarif([...errors, ...warnings], ASPECT_RULES, packageVersion(), process.cwd(), summary));
    if (empty) out.stderr(`${line}${emptyHint}\n`);
    return code;
  }
  for (const f of [...errors, ...warnings]) {
    out.stdout(`${f.level.padEnd(7)} ${printable(f.file ?? f.templateId)} ${printable(f.logicalId)} [${f.ruleId}] ${printable(oneLine(f.message))}\n`);
  }
  out.stdout(`${line}${emptyHint}\n`);
  return code;
}

/** Text on one line: its line breaks, with the space around them, made one space. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/**
 * Text from the input made safe to print on a terminal: control characters (C0, DEL, C1) and the
 * Unicode controls that reorder text (bidirectional overrides and isolates) written as `\u{..}`,
 * so that a logical ID or a file name cannot forge a line (`0 error(s)`), move the cursor or hide
 * what follows.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** This package's version, from the nearest package.json of that name above this file. */
function packageVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cdk-eks-endpoint' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
  }
  return '0.0.0';
}
