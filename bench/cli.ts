/**
 * The CLI on a large template: the lab's Private-mode template copied until it holds 20,000
 * resources (each copy's logical IDs and references renamed, so each is a whole cluster of its
 * own: VPC, subnets, route tables, routes, NAT, security groups, roles, cluster, node group,
 * bastion), checked by `node bin/cdk-eks-endpoint.js check`, the way a pipeline runs it: process
 * start-up, reading and judging. Wall time and the process's peak resident memory (max RSS, read
 * by a preloaded exit hook in the child).
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

/** Where the child writes its peak RSS (kB) when it exits: `process.resourceUsage().maxRSS`. */
const RSS_HOOK = "process.on('exit', () => require('fs').writeSync(2, '\\nbench-max-rss-kb ' + process.resourceUsage().maxRSS + '\\n'));";

export function benchCli(runs: number, size = 20000): Section {
  const { template, copies } = largeTemplate(size);
  const count = Object.keys(template.Resources).length;
  const text = JSON.stringify(template);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
  const file = path.join(dir, 'large.template.json');
  const hook = path.join(dir, 'rss-hook.js');
  fs.writeFileSync(file, text);
  fs.writeFileSync(hook, RSS_HOOK);
  const run = () => {
    let result: ReturnType<typeof spawnSync> | undefined;
    const t = seconds(() => {
      result = spawnSync(process.execPath, ['-r', hook, path.join(ROOT, 'bin', 'cdk-eks-endpoint.js'), 'check', file], { encoding: 'utf8' });
    });
    const rss = Number(/bench-max-rss-kb (\d+)/.exec(String(result!.stderr))?.[1] ?? NaN) / 1024;
    return { t, rss, status: result!.status, stderr: String(result!.stderr) };
  };
  const first = run();
  if (first.status === 2 || first.status === null) throw new Error(`the CLI refused the large template: ${first.stderr}`);
  const results = Array.from({ length: runs }, run);
  fs.rmSync(dir, { recursive: true, force: true });
  const t = median(results.map((r) => r.t));
  const rss = median(results.map((r) => r.rss));
  const maxRss = Math.max(...results.map((r) => r.rss));
  return {
    title: `The CLI on a ${count.toLocaleString('en-US')}-resource template`,
    how: `\`node bin/cdk-eks-endpoint.js check\` on one JSON template of ${count} resources (${copies} renamed copies of the lab's Private-mode template: as many clusters, VPCs, subnets, route tables, routes, security groups; ${(text.length / 1e6).toFixed(1)} MB), a new process each run, median of ${runs}. Peak memory is the process's max RSS. Exit code ${first.status}.`,
    header: ['', 'median', 'highest'],
    rows: [
      ['wall time: start-up, read, judge', `${t.toFixed(2)} s`, `${Math.max(...results.map((r) => r.t)).toFixed(2)} s`],
      ['peak memory (max RSS)', `${rss.toFixed(0)} MB`, `${maxRss.toFixed(0)} MB`],
    ],
    goal: { text: 'under 1 s and under 200 MB', met: t < 1 && maxRss < 200 },
  };
}
