import { Analysis, judge } from '../engine/analyze';
import { InputError } from '../engine/read/input';
import { readInputs } from '../engine/read/load';
import { explainMode } from '../outputs/explain';
import { modeNamed } from '../../shared/endpoint-modes';
import { CliOutput, Format, oneLine, printable, report } from './cli-report';
import { ASPECT_RULES } from './rule-sets';

export { CliOutput, printable } from './cli-report';

const USAGE = `usage: cdk-eks-endpoint check [--format text|json|sarif] [--allow-empty] [--account] <path> [<path> ...]
       cdk-eks-endpoint check --cluster <name> [--region <region>] [--profile <profile>] [--format ...]
       cdk-eks-endpoint lookup [--region <region>] [--profile <profile>] [--context-file <file>] [<cdk.out>]
       cdk-eks-endpoint explain --mode public|public-and-private|private
       cdk-eks-endpoint <command> --help
       cdk-eks-endpoint-check <path> [<path> ...]     (the same as check)

check     judges the EKS clusters in CloudFormation templates, or a running cluster, against the endpoint rules
lookup    reads an app's imported VPCs from the account, read-only, into cdk.context.json for the synth-time checks
explain   prints who reaches the Kubernetes API by which path in a mode, with a Mermaid diagram
`;

const ACCOUNT_USAGE = `Reading the account (--account, --cluster, lookup) is read-only: describe and list calls, never a
change. It uses the AWS SDK's credentials (environment, --profile or AWS_PROFILE, SSO, an instance
role) and region (--region, AWS_REGION, or the region a stack deploys to), and needs the AWS SDK
clients installed (the command prints the npm install line when they are not).
--print-policy   prints the IAM policy with exactly the read-only actions the reader calls, and exits
A fact the policy does not allow is not read: the rules that need it warn, not verifiable.`;

const CHECK_USAGE = `usage: cdk-eks-endpoint check [--format text|json|sarif] [--allow-empty] [--account] <path> [<path> ...]
       cdk-eks-endpoint check --cluster <name> [--region <region>] [--profile <profile>] [--format ...]
       cdk-eks-endpoint check --print-policy

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

--account        reads from the AWS account what the templates leave unknown: each VPC they
                 import by ID (Vpc.fromLookup, Vpc.fromVpcAttributes), with its DNS attributes,
                 DHCP options, subnets and route tables, gateways, endpoints, security groups,
                 Resolver rules, peering and Transit Gateway attachments; findings name what
                 was read from the account, and when
--cluster NAME   judges the running cluster NAME and its VPC as read from the account, with no
                 template: the proof after deploy that needs no bastion
--region, --profile   where and as whom to read (else the SDK's defaults)

${ACCOUNT_USAGE}

Exit status: 0 no error (warnings allowed), 1 an error found, 2 unusable input or command line,
a reading that could not start or finish (no credentials, no such cluster), or no EKS cluster
in the inputs (0 with --allow-empty).
`;

const LOOKUP_USAGE = `usage: cdk-eks-endpoint lookup [--region <region>] [--profile <profile>] [--context-file <file>] [<cdk.out>]
       cdk-eks-endpoint lookup --print-policy

Reads each VPC the app imports by ID (its literal vpc-... and subnet-... IDs in the synthesized
templates, cdk.out by default) from the account, and writes what it read into the app's context
file (cdk.context.json by default), one entry a VPC under cdk-eks-endpoint:account-read:... keys:
CDK's own pattern for Vpc.fromLookup. The next cdk synth stays offline, and PrivateResolutionCheck
and EndpointAccessChecks judge the imported VPC with those facts instead of "not verifiable",
naming the account and the minute they were read. Run it again when the network changes;
remove an entry with cdk context --reset <key>.

${ACCOUNT_USAGE}

Exit status: 0 written (or nothing to look up), 2 unusable input or command line, or a reading
that could not start or finish.
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
export function main(args: string[], out: CliOutput = PROCESS_OUTPUT): number | Promise<number> {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h') {
    out.stdout(USAGE);
    return 0;
  }
  const spec = COMMANDS[command];
  if (!spec) {
    out.stderr(`${command === undefined ? 'no command given' : `unknown command: ${command}`}\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out.stdout(spec.usage);
    return 0;
  }
  const parsed = parse(rest, spec, out);
  if (typeof parsed === 'number') return parsed;
  const { options, flags, positional } = parsed;
  if (command === 'explain') {
    return explain(options['--mode'], positional, out);
  }
  // reading the account: loaded only here, so that a check of files loads neither it nor the AWS SDK
  const account = () => require('./account-commands') as typeof import('./account-commands');
  const where = { ...(options['--region'] ? { region: options['--region'] } : {}), ...(options['--profile'] ? { profile: options['--profile'] } : {}) };
  if (flags.has('--print-policy')) {
    const other = [...Object.keys(options), ...[...flags].filter((f) => f !== '--print-policy'), ...positional];
    if (other.length > 0) {
      out.stderr(`--print-policy takes nothing else (given: ${other.join(' ')})\n${spec.usage}`);
      return 2;
    }
    return account().printPolicy(out);
  }
  if (command === 'lookup') {
    if (positional.length > 1) {
      out.stderr(`lookup reads one cloud assembly (given: ${positional.join(' ')})\n${spec.usage}`);
      return 2;
    }
    return account().lookup(positional.length > 0 ? positional : ['cdk.out'], where, options['--context-file'] ?? 'cdk.context.json', out);
  }
  const format = options['--format'] ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) {
    out.stderr(`unknown format: ${format} (text, json or sarif)\n${spec.usage}`);
    return 2;
  }
  if (options['--cluster'] !== undefined) {
    if (positional.length > 0 || flags.has('--account')) {
      out.stderr(`--cluster reads the cluster from the account, with no template (given: ${[...positional, ...flags].join(' ')})\n${spec.usage}`);
      return 2;
    }
    return account().checkCluster(options['--cluster'], where, format as Format, out);
  }
  if (positional.length === 0) {
    out.stderr(`no path given\n${spec.usage}`);
    return 2;
  }
  if (flags.has('--account')) return account().checkWithAccount(positional, where, format as Format, flags.has('--allow-empty'), out);
  if (Object.keys(where).length > 0) {
    const given = Object.keys(options).filter((o) => o === '--region' || o === '--profile');
    out.stderr(`${given.join(' and ')} only appl${given.length > 1 ? 'y' : 'ies'} with --account or --cluster\n${spec.usage}`);
    return 2;
  }
  return check(positional, format as Format, flags.has('--allow-empty'), out);
}

/** A command's options (each with a value) and flags (without one). */
interface CommandSpec {
  readonly usage: string;
  readonly options: string[];
  readonly flags: string[];
}

const COMMANDS: Record<string, CommandSpec> = {
  check: { usage: CHECK_USAGE, options: ['--format', '--cluster', '--region', '--profile'], flags: ['--allow-empty', '--account', '--print-policy'] },
  lookup: { usage: LOOKUP_USAGE, options: ['--region', '--profile', '--context-file'], flags: ['--print-policy'] },
  explain: { usage: EXPLAIN_USAGE, options: ['--mode'], flags: [] },
};

function parse(rest: string[], spec: CommandSpec, out: CliOutput): { options: Record<string, string>; flags: Set<string>; positional: string[] } | number {
  const options: Record<string, string> = {};
  const positional: string[] = [];
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    if (spec.flags.includes(arg)) {
      flags.add(arg);
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2);
    if (spec.flags.includes(name)) {
      out.stderr(`${name} takes no value (given: ${printable(arg)})\n${spec.usage}`);
      return 2;
    }
    if (!spec.options.includes(name)) {
      out.stderr(`unknown option: ${printable(arg)}\n${spec.usage}`);
      return 2;
    }
    const value = inline ?? rest[++i];
    if (value === undefined || value.startsWith('-')) {
      out.stderr(`${name} needs a value\n${spec.usage}`);
      return 2;
    }
    options[name] = value;
  }
  return { options, flags, positional };
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
