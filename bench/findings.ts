/**
 * What the check says about everything it has been shown, recorded so that a change meant to keep
 * behaviour (a restructuring, a speed-up) can prove it did:
 *
 *   npm run build && node build/bench/findings.js record .bench/findings-before.txt
 *   ... the change ...
 *   npm run build && node build/bench/findings.js record .bench/findings-after.txt
 *   node build/bench/findings.js compare .bench/findings-before.txt .bench/findings-after.txt
 *
 * It records, one line per fact:
 * - every entry of test/corpus and test/cli-fixtures through the CLI, as a user runs it: exit code,
 *   stderr, and the text, JSON and SARIF outputs;
 * - every variant of the template-level fuzz (test/support/fuzz-templates.ts): the findings (rule, level,
 *   verified, template, logical ID, message) on each mode's template with one value replaced;
 * - every example app and the lab in each documented set of context keys: the check's annotations
 *   on each stack (from the Aspect and the pack's report), the flow reports written into the
 *   cloud assembly, and the CLI's JSON on that assembly.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { buildLabApp, labOptions } from '../bin/lab';
import { EndpointAccessChecks } from '../lib';
import { analyze } from '../lib/check/engine/analyze';
import { ALL_RULES } from '../lib/check/rules';
import { runCli } from '../test/support/cli';
import { baseTemplate, CONDITION_VARIANTS, MODES, targets, valueAt, VARIANTS, withValue } from '../test/support/fuzz-templates';

const ROOT = path.join(__dirname, '..', '..');

/** The contexts the lab's header documents, and the default. */
const LAB_CONTEXTS: Array<Record<string, string>> = [
  {},
  { mode: 'public-and-private', allowFrom: '203.0.113.0/24' },
  { mode: 'public', allowFrom: '0.0.0.0/0', bastion: 'false' },
  { mode: 'public-and-private', allowFrom: '203.0.113.7/32', adminPrincipals: 'arn:aws:iam::123456789012:role/Admin' },
  { egress: 'isolated', compute: 'auto-mode' },
  { mode: 'public-and-private', allowFrom: '203.0.113.0/24', connectedCidrs: '10.1.0.0/16,192.168.0.0/16' },
  { remoteNodeNetworks: '192.168.0.0/16', remotePodNetworks: '172.16.0.0/16' },
  { mode: 'public', allowFrom: '0.0.0.0/0' },
];

type Out = (line: string) => void;

function recordCli(name: string, target: string, out: Out): void {
  const relative = path.relative(ROOT, target);
  for (const format of ['text', 'json', 'sarif']) {
    const r = runCli('check', '--format', format, relative);
    out(`${name}\tcli ${format}\texit ${r.code}`);
    for (const line of r.stderr.split('\n').filter(Boolean)) out(`${name}\tcli ${format}\tstderr ${line}`);
    const text = format === 'sarif' && r.stdout ? JSON.stringify(JSON.parse(r.stdout), undefined, 1).replace(/"version": "[^"]*"/, '"version": "-"') : r.stdout;
    for (const line of text.split('\n').filter(Boolean)) out(`${name}\tcli ${format}\t${line}`);
  }
}

function recordFiles(out: Out): void {
  for (const dir of ['test/corpus', 'test/cli-fixtures']) {
    for (const entry of fs.readdirSync(path.join(ROOT, dir)).sort()) {
      if (entry.endsWith('.ts')) continue;
      recordCli(`${dir}/${entry}`, path.join(ROOT, dir, entry), out);
    }
  }
}

function recordFuzz(out: Out): number {
  let count = 0;
  for (const mode of MODES) {
    const base = baseTemplate(mode);
    const record = (name: string, template: unknown) => {
      count++;
      let lines: string[];
      try {
        lines = analyze([{ id: 'fuzz', template }], ALL_RULES)
          .map((f) => [f.ruleId, f.level, f.verified, f.templateId, f.logicalId, f.message].join(' | '));
      } catch (e) {
        lines = [`threw ${(e as Error).message}`];
      }
      out(`fuzz ${name}\tcount ${lines.length}`);
      for (const line of lines) out(`fuzz ${name}\t${line}`);
    };
    record(`${mode} base`, base);
    for (const [logicalId, at] of targets(base)) {
      const variants = at === 'Condition' ? CONDITION_VARIANTS : VARIANTS;
      const original = valueAt(base, logicalId, at);
      for (const variant of variants) record(`${mode} ${logicalId} ${at} <${variant.name}>`, withValue(base, logicalId, at, variant.value(original)));
    }
  }
  return count;
}

/** The check's annotations on every construct of an app, the pack's report, the flow reports and the CLI on the assembly. */
function recordApp(name: string, app: App, out: Out): void {
  const pack = new EndpointAccessChecks().validateScope(app);
  for (const v of pack.violations) {
    out(`${name}\tpack\t${v.severity} ${v.ruleName} ${v.violatingResources.map((r) => `${r.constructPath} ${r.locations.join(',')}`).join(';')}: ${v.description}`);
  }
  const assembly = app.synth();
  const visit = (c: IConstruct) => {
    for (const m of c.node.metadata) {
      const text = String(m.data);
      if (/^aws:cdk:(error|warning|info)$/.test(m.type) && /cdk-eks-endpoint|EndpointAccess/.test(text)) out(`${name}\tannotation\t${c.node.path} ${m.type} ${text}`);
    }
    c.node.children.forEach(visit);
  };
  visit(app);
  const reports: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^flow-report\.(md|json)$/.test(entry.name)) reports.push(full);
    }
  };
  walk(assembly.directory);
  for (const report of reports.sort()) {
    for (const line of fs.readFileSync(report, 'utf8').split('\n')) out(`${name}\t${path.relative(assembly.directory, report)}\t${line}`);
  }
  const r = runCli('check', '--format', 'json', assembly.directory);
  out(`${name}\tcli json\texit ${r.code}`);
  for (const line of r.stdout.split(assembly.directory).join('<assembly>').split('\n').filter(Boolean)) out(`${name}\tcli json\t${line}`);
}

function recordExamples(out: Out): void {
  const dir = path.join(ROOT, 'build', 'examples');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort()) {
    const exported = require(path.join(dir, file)) as { app?: App };
    if (exported.app) recordApp(`examples/${file}`, exported.app, out);
  }
  for (const context of LAB_CONTEXTS) {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'findings-lab-')), context: { 'aws:cdk:disable-asset-staging': true, ...context } });
    const stage: Stage = app;
    buildLabApp(app, labOptions(context));
    recordApp(`lab ${JSON.stringify(context)}`, stage as App, out);
  }
}

/** A temporary directory's name changes with every run: the line keeps where it is, not what it is called. */
function stable(line: string): string {
  return line.replace(/(\.\.\/)*\/?tmp\/[A-Za-z0-9._-]+/g, '<tmp>');
}

function record(file: string): void {
  process.env.CDK_VALIDATION = 'false';
  process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-asset-staging': true });
  const lines: string[] = [];
  const out: Out = (line) => lines.push(stable(line));
  recordFiles(out);
  const fuzzed = recordFuzz(out);
  recordExamples(out);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, lines.join('\n') + '\n');
  process.stdout.write(`${lines.length} lines, ${fuzzed} fuzzed templates -> ${file}\n`);
}

function compare(before: string, after: string): number {
  const a = fs.readFileSync(before, 'utf8').split('\n');
  const b = fs.readFileSync(after, 'utf8').split('\n');
  const inA = new Set(a);
  const inB = new Set(b);
  const gone = a.filter((l) => !inB.has(l));
  const added = b.filter((l) => !inA.has(l));
  for (const l of gone) process.stdout.write(`- ${l}\n`);
  for (const l of added) process.stdout.write(`+ ${l}\n`);
  const reordered = gone.length === 0 && added.length === 0 && a.join('\n') !== b.join('\n');
  process.stdout.write(`${a.length} lines before, ${b.length} after: ${gone.length} gone, ${added.length} new${reordered ? ', the same lines in another order' : ''}\n`);
  return gone.length + added.length > 0 || reordered ? 1 : 0;
}

const [command, ...args] = process.argv.slice(2);
if (command === 'record' && args.length === 1) {
  record(args[0]);
} else if (command === 'compare' && args.length === 2) {
  process.exitCode = compare(args[0], args[1]);
} else {
  process.stderr.write('usage: node build/bench/findings.js record <file> | compare <before> <after>\n');
  process.exitCode = 2;
}
