/**
 * npm run bench:footprint: what installing the package costs a project, and what a synthesis
 * of the lab leaves in cdk.out. Prints a Markdown section for docs/BENCHMARKS.md.
 *
 * - the package as published (`npm pack`), installed into an empty project next to the peers
 *   a CDK project already has (aws-cdk-lib, constructs, cdk-nag, at this repository's
 *   versions), then with the one kubectl layer package the lab's Kubernetes version needs;
 * - the lab app synthesized into an empty directory: the whole cdk.out, and its largest asset.
 *
 * It needs the npm registry (to install the peers) and a built package (`npm run build`).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/** Apparent size, as `du -sb` counts it: files, and the directories themselves (4 KiB each, mostly). */
function sizeOf(target: string): number {
  const stat = fs.lstatSync(target);
  if (!stat.isDirectory()) return stat.size;
  let total = stat.size;
  for (const entry of fs.readdirSync(target)) total += sizeOf(path.join(target, entry));
  return total;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
}

function main(): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const versionOf = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'footprint-'));
  try {
    const tarball = path.join(work, npm(['pack', '--ignore-scripts', '--pack-destination', work], ROOT).trim().split('\n').pop()!);
    const project = path.join(work, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'footprint', version: '0.0.0', private: true }));
    const peers = ['aws-cdk-lib', 'constructs', 'cdk-nag'].map((name) => `${name}@${versionOf(name)}`);
    npm(['install', ...peers], project);
    const peersOnly = sizeOf(path.join(project, 'node_modules'));
    npm(['install', tarball], project);
    const withPackage = sizeOf(path.join(project, 'node_modules'));
    const own = sizeOf(path.join(project, 'node_modules', pkg.name));
    const layers = fs.readdirSync(path.join(project, 'node_modules', '@aws-cdk')).filter((d) => d.startsWith('lambda-layer-kubectl'));
    const layer = '@aws-cdk/lambda-layer-kubectl-v35';
    npm(['install', `${layer}@${versionOf(layer)}`], project);
    const withLayer = sizeOf(path.join(project, 'node_modules'));
    const layerSize = sizeOf(path.join(project, 'node_modules', layer));

    const outdir = path.join(work, 'cdk.out');
    execFileSync(process.execPath, [path.join(ROOT, 'build', 'bin', 'lab.js')], {
      cwd: ROOT, env: { ...process.env, CDK_OUTDIR: outdir, CDK_VALIDATION: 'false' }, stdio: 'ignore',
    });
    const assets = fs.readdirSync(outdir).filter((f) => f.startsWith('asset.')).map((f) => ({ f, size: sizeOf(path.join(outdir, f)) }));
    const largest = assets.sort((a, b) => b.size - a.size)[0];

    console.log(`## Install footprint and cdk.out (${new Date().toISOString().slice(0, 10)}, npm ${execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim()}, node ${process.version})`);
    console.log('');
    console.log('| what | size on disk |');
    console.log('|---|---|');
    console.log(`| \`node_modules\` with the peers only (${peers.join(', ')}) | ${mb(peersOnly)} |`);
    console.log(`| the same after \`npm install ${pkg.name}\` (${path.basename(tarball)}) | ${mb(withPackage)} (+${mb(withPackage - peersOnly)}; the package itself ${mb(own)}; kubectl layers installed with it: ${layers.length}) |`);
    console.log(`| the same after \`npm install ${layer}\` | ${mb(withLayer)} (+${mb(withLayer - withPackage)}; the layer package ${mb(layerSize)}) |`);
    console.log(`| \`cdk.out\` of the lab app (Private mode) | ${mb(sizeOf(outdir))}, of which the kubectl asset ${largest ? mb(largest.size) : 'none'} |`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
