/**
 * The CLI on a large template: the lab's Private-mode template copied until it holds 2,000
 * resources (each copy's logical IDs and references renamed, so each is a whole cluster of its
 * own), checked by `node bin/cdk-eks-endpoint.js check`, the way a pipeline runs it: process
 * start-up, reading and judging.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildLabApp, labOptions } from '../bin/lab';
import { median, Section, seconds } from './timing';

const ROOT = path.join(__dirname, '..', '..');

function renamed(value: unknown, ids: Set<string>, suffix: string): unknown {
  if (Array.isArray(value)) return value.map((v) => renamed(v, ids, suffix));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'Ref' && typeof v === 'string' && ids.has(v)) out[key] = v + suffix;
    else if (key === 'Fn::GetAtt' && Array.isArray(v) && ids.has(v[0])) out[key] = [v[0] + suffix, ...v.slice(1)];
    else if (key === 'DependsOn') out[key] = (Array.isArray(v) ? v : [v]).map((d) => (ids.has(d) ? d + suffix : d));
    else if (key === 'Fn::Sub' && typeof v === 'string') out[key] = v.replace(/\$\{([^}.!]+)/g, (m, id) => (ids.has(id) ? `\${${id}${suffix}` : m));
    else out[key] = renamed(v, ids, suffix);
  }
  return out;
}

/** A template of at least `size` resources made of whole copies of the lab's, and how many copies. */
export function largeTemplate(size: number): { template: Record<string, any>; copies: number } {
  const app = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:disable-asset-staging': true } });
  const stack = buildLabApp(app, labOptions({}));
  const lab = app.synth().getStackArtifact(stack.artifactId).template;
  const ids = new Set(Object.keys(lab.Resources));
  const resources: Record<string, unknown> = {};
  let copies = 0;
  for (; Object.keys(resources).length < size; copies++) {
    for (const [id, body] of Object.entries(lab.Resources)) resources[`${id}C${copies}`] = renamed(body, ids, `C${copies}`);
  }
  return { template: { ...lab, Resources: resources, Outputs: {} }, copies };
}

export function benchCli(runs: number): Section {
  const { template, copies } = largeTemplate(2000);
  const count = Object.keys(template.Resources).length;
  const text = JSON.stringify(template);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-')), 'large.template.json');
  fs.writeFileSync(file, text);
  const run = () => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cdk-eks-endpoint.js'), 'check', file], { encoding: 'utf8' });
  const first = run();
  if (first.status === 2 || first.status === null) throw new Error(`the CLI refused the large template: ${first.stderr}`);
  const times = Array.from({ length: runs }, () => seconds(() => run()));
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const t = median(times);
  return {
    title: 'The CLI on a 2,000-resource template',
    how: `\`node bin/cdk-eks-endpoint.js check\` on one JSON template of ${count} resources (${copies} renamed copies of the lab's Private-mode template, ${(text.length / 1e6).toFixed(1)} MB), a new process each run, median of ${runs}. Exit code ${first.status}.`,
    header: ['', 'median'],
    rows: [['start-up, read, judge', `${t.toFixed(2)} s`]],
    goal: { text: 'under 3 s', met: t < 3 },
  };
}
