import * as fs from 'fs';
import * as path from 'path';
import { judge } from '../engine/analyze';
import { TemplateInput } from '../engine/read/input';
import { readInputs } from '../engine/read/load';
import {
  AccountRead, accountInput, AccountReadError, AccountSetupError, Caller, NotAnswered, readCluster, readPolicy, readVpcs, vpcsOfSubnets,
} from './account';
import { ACCOUNT_CONTEXT_PREFIX, CachedRead, contextKey } from './account-context';
import { CliOutput, Format, printable, report } from './cli-report';
import { ASPECT_RULES } from './rule-sets';

/*
 * The commands that read an AWS account, read-only (issue 15): `check --cluster NAME` judges a
 * running cluster; `check --account <paths>` judges templates with what they leave unknown (an
 * imported VPC) read from the account; `lookup <cdk.out>` caches those reads in cdk.context.json
 * for the Aspect and the pack, CDK's own lookup pattern. Loaded by the command line only when one
 * of them runs: `check` on files loads neither this file nor the AWS SDK.
 */

/** Where to read: the region, and the credentials' profile (else the SDK's default chain). */
export interface AccountOptions {
  readonly region?: string;
  readonly profile?: string;
}

/** The IDs of imported networks in one region, and the accounts the stacks naming them deploy to (when they say). */
export interface ImportedNetworks {
  readonly vpcs: Set<string>;
  readonly subnets: Set<string>;
  readonly accounts: Set<string>;
}

/** The literal IDs a template set leaves to an account: an imported VPC's, its subnets', by the region they deploy to. */
export function importedNetworks(inputs: TemplateInput[], defaultRegion: string | undefined): Map<string | undefined, ImportedNetworks> {
  const byRegion = new Map<string | undefined, ImportedNetworks>();
  for (const input of inputs) {
    if (input.readFrom) continue;
    const region = input.region ?? defaultRegion;
    const found = byRegion.get(region) ?? { vpcs: new Set<string>(), subnets: new Set<string>(), accounts: new Set<string>() };
    byRegion.set(region, found);
    if (input.account) found.accounts.add(input.account);
    const resources = (input.template as { Resources?: unknown } | undefined)?.Resources;
    walkStrings(resources, (text) => {
      if (/^vpc-[0-9a-f]{8,17}$/.test(text)) found.vpcs.add(text);
      else if (/^subnet-[0-9a-f]{8,17}$/.test(text)) found.subnets.add(text);
    });
  }
  for (const [region, found] of byRegion) if (found.vpcs.size === 0 && found.subnets.size === 0) byRegion.delete(region);
  return byRegion;
}

function walkStrings(value: unknown, visit: (text: string) => void, depth = 0): void {
  if (depth > 64) return;
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) value.forEach((v) => walkStrings(v, visit, depth + 1));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => walkStrings(v, visit, depth + 1));
}

function regionOf(o: AccountOptions, fallback?: string): string | undefined {
  return o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? fallback;
}

/** One line on stderr for each read: where, when, what, and what could not be read. */
function sayRead(read: AccountRead, what: string, out: CliOutput): void {
  const when = read.readAt.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}).*$/, '$1 $2 UTC');
  out.stderr(`read ${what} from account ${read.account ?? '(unknown)'} ${read.region} at ${when}: ${Object.keys(read.template.Resources ?? {}).length} resource(s), ${read.actions.length} read-only action(s)\n`);
  for (const d of read.denied) out.stderr(`not read: ${printable(d.what)}: ${d.action} was denied (${d.code}); the rules that need it warn, not verifiable\n`);
  for (const u of read.unanswered) out.stderr(`not read: ${printable(u.what)}: ${u.action} got no answer (${printable(u.why)})\n`);
}

/** Runs one reading; its errors become one line and exit 2. */
async function reading(out: CliOutput, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof AccountReadError || e instanceof AccountSetupError) {
      out.stderr(`${printable(e.message)}\n`);
      return 2;
    }
    out.stderr(`internal error: ${printable(e instanceof Error ? e.message : String(e))} (please report)\n`);
    return 2;
  }
}

/** `check --cluster NAME`: the running cluster and its VPC, judged as a template would be. */
export function checkCluster(name: string, o: AccountOptions, format: Format, out: CliOutput): Promise<number> {
  return reading(out, async () => {
    const region = regionOf(o);
    if (!region) return noRegion(out);
    const caller = new Caller({ region, ...(o.profile ? { profile: o.profile } : {}) });
    let read: AccountRead;
    try {
      read = await readCluster(caller, name);
    } finally {
      caller.close();
    }
    sayRead(read, `the cluster ${name}`, out);
    const analysis = judge([accountInput(read)], ASPECT_RULES);
    return report(analysis, [], format, false, [`cluster ${name}`], out);
  });
}

/** Reads the imported VPCs of a template set: one AccountRead a VPC, as the context keeps them. */
async function readImported(inputs: TemplateInput[], o: AccountOptions, out: CliOutput): Promise<Array<{ vpcId: string; read: AccountRead }> | number> {
  const reads: Array<{ vpcId: string; read: AccountRead }> = [];
  for (const [region, found] of importedNetworks(inputs, regionOf(o))) {
    if (!region) return noRegion(out, 'the templates name no region for their imported VPC');
    const caller = new Caller({ region, ...(o.profile ? { profile: o.profile } : {}) });
    try {
      for (const vpcId of [...new Set([...found.vpcs, ...await subnetsVpcs(caller, [...found.subnets].sort())])].sort()) {
        const read = await readVpcs(caller, [vpcId]);
        if (read.account && found.accounts.size > 0 && !found.accounts.has(read.account)) {
          // the credentials are for another account than the stacks deploy to: what they read is not the app's network
          out.stderr(`not used: ${vpcId} was read from account ${read.account}, but the stacks deploy to ${[...found.accounts].join(', ')}: use credentials for that account (--profile)\n`);
          continue;
        }
        sayRead(read, vpcId, out);
        reads.push({ vpcId, read });
      }
    } finally {
      caller.close();
    }
  }
  return reads;
}

/** The VPCs of subnets (an imported VPC may be named by its subnets only): not knowing them ends the reading. */
async function subnetsVpcs(caller: Caller, subnetIds: string[]): Promise<string[]> {
  const vpcIds = await vpcsOfSubnets(caller, subnetIds);
  if (vpcIds instanceof NotAnswered) throw new AccountReadError(`${vpcIds.why}: finding the imported VPC from its subnets needs it (print the policy with --print-policy)`);
  return vpcIds;
}

/** `check --account <paths>`: the templates, with what they leave to the account read from it. */
export function checkWithAccount(paths: string[], o: AccountOptions, format: Format, allowEmpty: boolean, out: CliOutput): Promise<number> {
  return reading(out, async () => {
    const { inputs, notes } = readTemplates(paths, out) ?? {};
    if (!inputs) return 2;
    const reads = await readImported(inputs, o, out);
    if (typeof reads === 'number') return reads;
    if (reads.length === 0) out.stderr('note: the templates import no VPC by ID: nothing was read from the account\n');
    const analysis = judge([...inputs, ...reads.map((r) => accountInput(r.read))], ASPECT_RULES);
    return report(analysis, notes!, format, allowEmpty, paths, out);
  });
}

/**
 * `lookup <cdk.out>`: reads each imported VPC of the app and caches it in the app's context file
 * (cdk.context.json), one entry a VPC, for the Aspect and the pack at the next synth.
 */
export function lookup(paths: string[], o: AccountOptions, contextFile: string, out: CliOutput): Promise<number> {
  return reading(out, async () => {
    const { inputs } = readTemplates(paths, out) ?? {};
    if (!inputs) return 2;
    let context: Record<string, unknown>;
    try {
      context = fs.existsSync(contextFile) ? JSON.parse(fs.readFileSync(contextFile, 'utf8')) : {};
      if (typeof context !== 'object' || context === null || Array.isArray(context)) throw new Error('not a JSON object');
    } catch (e) {
      out.stderr(`${printable(contextFile)} cannot be read as a JSON object (${printable((e as Error).message)}): fix or remove it\n`);
      return 2;
    }
    const reads = await readImported(inputs, o, out);
    if (typeof reads === 'number') return reads;
    let written = 0;
    for (const { vpcId, read } of reads) {
      const entry: CachedRead = {
        version: 1, ...(read.account ? { account: read.account } : {}), region: read.region, readAt: read.readAt, vpcId,
        template: read.template as CachedRead['template'], denied: read.denied.map(({ action, what }) => ({ action, what })),
      };
      context[contextKey(entry)] = entry;
      written++;
    }
    if (written === 0) {
      const imports = importedNetworks(inputs, regionOf(o)).size > 0;
      out.stdout(imports ? `no VPC read could be used: ${contextFile} unchanged\n` : `the app imports no VPC by ID: nothing to look up, ${contextFile} unchanged\n`);
      return 0;
    }
    writeAtomically(contextFile, `${JSON.stringify(sortKeys(context), undefined, 2)}\n`);
    out.stdout(`wrote ${written} VPC read(s) to ${contextFile} under ${ACCOUNT_CONTEXT_PREFIX}...: the next cdk synth judges with them (commit the file, as CDK's own lookups are)\n`);
    return 0;
  });
}

/** `--print-policy`: the IAM policy with exactly the read actions the reader can call. */
export function printPolicy(out: CliOutput): number {
  out.stdout(`${JSON.stringify(readPolicy(), undefined, 2)}\n`);
  return 0;
}

function readTemplates(paths: string[], out: CliOutput): { inputs: TemplateInput[]; notes: string[] } | undefined {
  try {
    return readInputs(paths);
  } catch (e) {
    out.stderr(`${printable(e instanceof Error ? e.message : String(e))}\n`);
    return undefined;
  }
}

function noRegion(out: CliOutput, why = 'no region given'): number {
  out.stderr(`${why}: give --region (or set AWS_REGION)\n`);
  return 2;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/** Writes a file by renaming a new file over it: a link at its name is replaced, never followed. */
function writeAtomically(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, text, { flag: 'wx', mode: 0o644 });
  fs.renameSync(temp, file);
}
