import { Analysis, judge } from '../engine/analyze';
import { InputError } from '../engine/read/input';
import { readInputs } from '../engine/read/load';
import { explainMode } from '../outputs/explain';
import { modeNamed } from '../../shared/endpoint-modes';
import { CliOutput, Format, oneLine, printable, report } from './cli-report';
import { ASPECT_RULES } from './rule-sets';

export { CliOutput, printable } from './cli-report';

const USAGE = `usage: cdk-eks-endpoint check [--format text|json|sarif] [--allow-empty] <path> [<path> ...]
       cdk-eks-endpoint explain --mode public|public-and-private|private
       cdk-eks-endpoint <command> --help
       cdk-eks-endpoint-check <path> [<path> ...]     (the same as check)

check     judges the EKS clusters in CloudFormation templates against the endpoint rules
explain   prints who reaches the Kubernetes API by which path in a mode, with a Mermaid diagram
`;

const CHECK_USAGE = `usage: cdk-eks-endpoint check [--format text|json|sarif] [--allow-empty] <path> [<path> ...]

Checks the EKS clusters in CloudFormation templates against the endpoint rules (https://github.com/cdk-eks-endpoint/cdk-eks-endpoint/blob/main/docs/RULES.md).
A path is a cloud assembly directory (cdk.out, after cdk synth; its Stages and nested stacks
included) or a template file (.json, .yaml, .yml, .template). Give the stacks the clusters import
values from too, or those values stay unknown and the rules that need them warn.

--format text    one line per finding, then what was judged: "2 cluster(s) judged (1 not
                 checked): 1 error(s), 3 warning(s)" (the default)
--format json    the findings and counts as JSON, for scripts, with a "summary" object
--format sarif   a SARIF 2.1.0 log for GitHub code scanning and other SARIF readers: one rule per
                 check rule, each result at its template file and the cluster's logical ID; the
                 counts in the run's properties and its invocation's notification
--allow-empty    inputs with no EKS cluster exit 0 (still saying so); without it they exit 2

"Not checked" clusters are of a type the check cannot read (ClusterNotChecked). When the inputs
hold no EKS cluster, it says so by name ("no EKS cluster found in cdk.out ..."), on stdout with
--format text and on stderr with json and sarif, and exits 2: a wrong path in CI must not pass
as a clean app. Give --allow-empty where having no cluster is expected.

Exit status: 0 no error (warnings allowed), 1 an error found, 2 unusable input or command line,
or no EKS cluster in the inputs (0 with --allow-empty).
`;

const EXPLAIN_USAGE = `usage: cdk-eks-endpoint explain --mode public|public-and-private|private

Prints, for an endpoint mode, a table of who reaches the Kubernetes API (you on the internet, a
bastion in the VPC, the nodes, the API server to kubelet, connected networks, on-premises), the
DNS answer each gets, the path it takes and what it needs (with the rule that checks it), and the
same as a Mermaid flowchart. It reads no template: run it anywhere.
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
  if (command !== 'check' && command !== 'explain') {
    out.stderr(`${command === undefined ? 'no command given' : `unknown command: ${command}`}\n${USAGE}`);
    return 2;
  }
  const usage = command === 'check' ? CHECK_USAGE : EXPLAIN_USAGE;
  if (rest.includes('--help') || rest.includes('-h')) {
    out.stdout(usage);
    return 0;
  }
  const options: Record<string, string> = {};
  const positional: string[] = [];
  const known = command === 'check' ? ['--format'] : ['--mode'];
  const flags = command === 'check' ? ['--allow-empty'] : [];
  const set = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    if (flags.includes(arg)) {
      set.add(arg);
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2);
    if (flags.includes(name)) {
      out.stderr(`${name} takes no value (given: ${arg})\n${usage}`);
      return 2;
    }
    if (!known.includes(name)) {
      out.stderr(`unknown option: ${arg}\n${usage}`);
      return 2;
    }
    const value = inline ?? rest[++i];
    if (value === undefined || value.startsWith('-')) {
      out.stderr(`${name} needs a value\n${usage}`);
      return 2;
    }
    options[name] = value;
  }
  if (command === 'explain') {
    return explain(options['--mode'], positional, out);
  }
  const format = options['--format'] ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) {
    out.stderr(`unknown format: ${format} (text, json or sarif)\n${usage}`);
    return 2;
  }
  if (positional.length === 0) {
    out.stderr(`no path given\n${usage}`);
    return 2;
  }
  return check(positional, format as Format, set.has('--allow-empty'), out);
}

function explain(modeName: string | undefined, extra: string[], out: CliOutput): number {
  if (modeName === undefined || extra.length > 0) {
    out.stderr(`${modeName === undefined ? 'no --mode given' : `unexpected argument: ${extra[0]}`}\n${EXPLAIN_USAGE}`);
    return 2;
  }
  const mode = modeNamed(modeName);
  if (!mode) {
    out.stderr(`unknown mode: ${modeName} (public, public-and-private or private)\n${EXPLAIN_USAGE}`);
    return 2;
  }
  out.stdout(explainMode(mode));
  return 0;
}

function check(paths: string[], format: Format, allowEmpty: boolean, out: CliOutput): number {
  let analysis: Analysis;
  let notes: string[];
  try {
    const read = readInputs(paths);
    notes = read.notes;
    analysis = judge(read.inputs, ASPECT_RULES);
  } catch (e) {
    if (e instanceof InputError) {
      out.stderr(`${printable(e.message)}\n`);
    } else {
      // a bug here must not read as "the check found an error" (exit 1)
      out.stderr(`internal error: ${printable(oneLine(e instanceof Error ? e.message : String(e)))} (please report)\n`);
    }
    return 2;
  }
  return report(analysis, notes, format, allowEmpty, paths, out);
}
