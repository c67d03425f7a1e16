import { analyze } from './engine/analyze';
import { ReportedFinding } from './engine/finding';
import { InputError } from './engine/input';
import { loadInputs } from './engine/load';
import { ALL_RULES } from './rules';

/** Where the command line writes. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const USAGE = `usage: cdk-eks-endpoint check <path> [<path> ...]
       cdk-eks-endpoint-check <path> [<path> ...]

Checks the EKS clusters in CloudFormation templates against the endpoint rules (docs/RULES.md).
A path is a cloud assembly directory (cdk.out, after cdk synth; its Stages and nested stacks
included) or a template file (.json, .yaml, .yml, .template). Give the stacks the clusters import
values from too, or those values stay unknown and the rules that need them warn.

Exit status: 0 no error (warnings allowed), 1 an error found, 2 unusable input or command line.
`;

const PROCESS_OUTPUT: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * The command line, `cdk-eks-endpoint check <paths...>`: one line per finding, then a count.
 * Returns the exit code: 0 without an error, 1 with one, 2 for input or a command line it
 * cannot use (and for an internal error, which must not pass for a finding).
 */
export function main(args: string[], out: CliOutput = PROCESS_OUTPUT): number {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h') {
    out.stdout(USAGE);
    return 0;
  }
  if (command !== 'check') {
    out.stderr(`${command === undefined ? 'no command given' : `unknown command: ${command}`}\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out.stdout(USAGE);
    return 0;
  }
  const unknown = rest.find((arg) => arg.startsWith('-'));
  if (unknown !== undefined) {
    out.stderr(`unknown option: ${unknown}\n${USAGE}`);
    return 2;
  }
  const paths = rest;
  if (paths.length === 0) {
    out.stderr(`no path given\n${USAGE}`);
    return 2;
  }
  return check(paths, out);
}

function check(paths: string[], out: CliOutput): number {
  let findings: ReportedFinding[];
  const notes: string[] = [];
  try {
    findings = analyze(loadInputs(paths, notes), ALL_RULES.filter((rule) => rule.runsIn === 'both'));
  } catch (e) {
    if (e instanceof InputError) {
      out.stderr(`${e.message}\n`);
    } else {
      // a bug here must not read as "the check found an error" (exit 1)
      out.stderr(`internal error: ${oneLine(e instanceof Error ? e.message : String(e))} (please report)\n`);
    }
    return 2;
  }
  // how the input was read, where it matters (a duplicate key): on stderr, apart from the findings
  for (const n of notes) out.stderr(`note: ${n}\n`);
  const errors = findings.filter((f) => f.level === 'error');
  const warnings = findings.filter((f) => f.level === 'warning');
  for (const f of [...errors, ...warnings]) {
    out.stdout(`${f.level.padEnd(7)} ${f.file ?? f.templateId} ${f.logicalId} [${f.ruleId}] ${oneLine(f.message)}\n`);
  }
  out.stdout(`${errors.length} error(s), ${warnings.length} warning(s)\n`);
  return errors.length > 0 ? 1 : 0;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
