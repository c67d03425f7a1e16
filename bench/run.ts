/**
 * npm run bench: how long the lab app takes to synthesize, measured in this run.
 *
 * The baseline is the precompiled app run directly by node (`node build/bin/lab.js`);
 * each other way of running it is reported as a ratio to that baseline, measured in the same
 * run. Ratios still move with the machine and its load (a busy machine has measured x1.34 and
 * x1.58 for the same CLI start-up on one day): compare figures from one run. Times are medians
 * of several runs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchCheck } from './check';

const ROOT = path.join(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Case {
  readonly name: string;
  readonly command: string[];
  readonly env?: Record<string, string>;
}

function timeOnce(c: Case): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const [cmd, ...args] = c.command.map((a) => a.replace('$OUT', outdir));
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { cwd: ROOT, env: { ...process.env, CDK_OUTDIR: outdir, ...c.env }, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(outdir, { recursive: true, force: true });
  if (result.status !== 0) {
    throw new Error(`${c.name} failed (${result.status}): ${result.stderr}`);
  }
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(): void {
  const lab = path.join('build', 'bin', 'lab.js');
  if (!fs.existsSync(path.join(ROOT, lab))) {
    throw new Error(`${lab} is missing: run npm run build first`);
  }
  const cases: Case[] = [
    { name: 'precompiled app, node directly (baseline)', command: [process.execPath, lab] },
    { name: 'npx cdk synth (what the README says)', command: ['npx', 'cdk', 'synth', '-q', '-o', '$OUT'] },
    { name: 'precompiled app, built-in CloudFormation validation off', command: [process.execPath, lab], env: { CDK_VALIDATION: 'false' } },
  ];
  timeOnce(cases[0]); // warm the file cache
  const results = cases.map((c) => ({ name: c.name, seconds: median(Array.from({ length: RUNS }, () => timeOnce(c))) }));
  const baseline = results[0].seconds;
  console.log(`Lab app synthesis, median of ${RUNS} runs each (${os.cpus().length} cores, node ${process.version})`);
  for (const r of results) {
    console.log(`  ${r.name.padEnd(58)} ${r.seconds.toFixed(2)} s  x${(r.seconds / baseline).toFixed(2)}`);
  }
  benchCheck(Number(process.env.BENCH_CHECK_RUNS ?? 21));
}

main();
