import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The package as it ships, built from the current source: jsii compiles lib/ (the half of
 * `npm run build` that `prepack` runs which goes into the tarball) in a copy of the source, `npm
 * pack` packs it, and the tarball is installed into a fresh project as a user installs it. So the
 * public API checked here is the current one, never a stale `.jsii` or `lib/index.js` left by an
 * earlier build. One build and one install for the whole file: jsii takes 25 to 35 s here.
 */
const ROOT = path.join(__dirname, '..');
const REPO = 'https://github.com/cdk-eks-endpoint/cdk-eks-endpoint/blob/main/';
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const versionOf = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;

/** Apparent size, as `du -sb` counts it: files, symbolic links and the directories themselves. */
function sizeOf(target: string): number {
  const stat = fs.lstatSync(target);
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(target).reduce((n, entry) => n + sizeOf(path.join(target, entry)), stat.size);
}

/** Copies the source files the package is built from: no compiled file of an earlier build. */
function copySource(to: string): void {
  const keep = (file: string) => !file.endsWith('.d.ts') && !file.endsWith('.js') && !file.endsWith('.tsbuildinfo');
  for (const entry of ['package.json', 'README.md', 'LICENSE', 'docs', 'examples', 'lib']) {
    fs.cpSync(path.join(ROOT, entry), path.join(to, entry), {
      recursive: true,
      filter: (src) => fs.statSync(src).isDirectory() || !src.startsWith(path.join(ROOT, 'lib')) || keep(src),
    });
  }
  fs.mkdirSync(path.join(to, 'bin'));
  for (const bin of Object.values(pkg.bin) as string[]) fs.copyFileSync(path.join(ROOT, bin), path.join(to, bin));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'));
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'package-'));
const installed = path.join(work, 'app', 'node_modules', pkg.name);
let installOutput = '';
let buildOutput = '';

beforeAll(() => {
  const source = path.join(work, 'source');
  fs.mkdirSync(source);
  copySource(source);
  // the jsii step of `npm run build`, as npm runs it (through sh, node_modules/.bin first on the PATH)
  const jsiiStep = String(pkg.scripts.build).split(' && ')[0];
  const built = spawnSync('sh', ['-c', jsiiStep], {
    cwd: source, encoding: 'utf8', env: { ...process.env, PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` },
  });
  buildOutput = built.stdout + built.stderr;
  expect(built.status).toBe(0);
  // prepack would run the whole build again (and tsc over tests this copy does not hold): jsii ran above
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: source, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', version: '1.0.0', private: true }));
  const install = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, packed[0].filename),
    `aws-cdk-lib@${versionOf('aws-cdk-lib')}`, `constructs@${versionOf('constructs')}`], { cwd: app, encoding: 'utf8' });
  installOutput = install.stdout + install.stderr;
  expect(install.status).toBe(0);
}, 300_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the jsii assembly, built from the current source', () => {
  const assembly = () => JSON.parse(fs.readFileSync(path.join(installed, '.jsii'), 'utf8'));

  test('exports the contract names, and nothing from lib/private', () => {
    const types = Object.keys(assembly().types).sort();
    expect(types).toEqual([
      'cdk-eks-endpoint.ClusterBastion',
      'cdk-eks-endpoint.ClusterBastionOptions',
      'cdk-eks-endpoint.ClusterBastionProps',
      'cdk-eks-endpoint.ClusterCompute',
      'cdk-eks-endpoint.ClusterEgress',
      'cdk-eks-endpoint.EndpointAccessChecks',
      'cdk-eks-endpoint.EndpointCluster',
      'cdk-eks-endpoint.EndpointClusterProps',
      'cdk-eks-endpoint.EndpointMode',
      'cdk-eks-endpoint.PrivateResolutionCheck',
      'cdk-eks-endpoint.PrivateResolutionCheckProps',
    ]);
  });

  test('has a Python target', () => {
    expect(assembly().targets.python).toEqual({ distName: 'cdk-eks-endpoint', module: 'cdk_eks_endpoint' });
  });

  test('EndpointMode has the three modes, of() and onlyFrom()', () => {
    const mode = assembly().types['cdk-eks-endpoint.EndpointMode'];
    const names = [...mode.properties, ...mode.methods].map((m: { name: string }) => m.name).sort();
    expect(names).toEqual(expect.arrayContaining([
      'PUBLIC', 'PUBLIC_AND_PRIVATE', 'PRIVATE', 'of', 'onlyFrom', 'publicAccess', 'privateAccess', 'publicAccessCidrs',
    ]));
  });

  test('ClusterEgress and ClusterCompute are plain enums with the issue\'s members', () => {
    const types = assembly().types;
    expect(types['cdk-eks-endpoint.ClusterEgress'].members.map((m: { name: string }) => m.name)).toEqual(['NAT_GATEWAY', 'ISOLATED']);
    expect(types['cdk-eks-endpoint.ClusterCompute'].members.map((m: { name: string }) => m.name)).toEqual(['NODEGROUP', 'AUTO_MODE']);
    const props = types['cdk-eks-endpoint.EndpointClusterProps'].properties.map((p: { name: string }) => p.name);
    expect(props).toEqual(expect.arrayContaining(['egress', 'compute', 'connectedVpcs', 'connectedCidrs', 'remoteNodeNetworks', 'remotePodNetworks']));
  });
});

describe('the packed tarball, installed into a fresh project', () => {
  test('require(\'cdk-eks-endpoint\') loads the compiled library', () => {
    const exported = execFileSync(process.execPath, ['-e', "console.log(Object.keys(require('cdk-eks-endpoint')).sort().join(' '))"], { cwd: path.dirname(path.dirname(installed)), encoding: 'utf8' });
    expect(exported.trim()).toBe('ClusterBastion ClusterCompute ClusterEgress EndpointAccessChecks EndpointCluster EndpointMode PrivateResolutionCheck');
    expect(pkg.main).toBe('lib/index.js');
  });

  test('has no install-time script, and npm warns of none (only of the engine, on a Node.js engines leaves out)', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).scripts ?? {};
    for (const event of ['preinstall', 'install', 'postinstall', 'prepare']) expect(scripts[event]).toBeUndefined();
    const warnings = installOutput.split('\n').filter((l) => l.startsWith('npm warn') && !l.startsWith('npm warn EBADENGINE'));
    expect(warnings).toEqual([]);
    expect(installOutput).not.toMatch(/install-scripts|allowScripts/);
  });

  test('the repository builds on npm ci (postprepare) and the tarball on npm pack (prepack), both the build', () => {
    expect(pkg.scripts.postprepare).toBe('npm run build');
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.scripts.build).toMatch(/^JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 jsii .* && tsc -p tsconfig.dev.json$/);
  });

  test('npm run build prints no Node.js end-of-life banner (jsii\'s, on Node.js 20, CI\'s)', () => {
    // @jsii/check-node reads JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION, a list of major versions
    // (https://github.com/aws/jsii/pull/4077); the build names 20 only, so 23 or an older one still warns
    expect(buildOutput).not.toMatch(/end-of-life|!!!!/);
    expect(buildOutput).toMatch(/Errors: 0/);
  });

  test('holds every file the README links, and every file those link', () => {
    const readme = fs.readFileSync(path.join(installed, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/\]\((?!https?:|#)[^)]*\)/); // npmjs.com resolves a relative link against nothing
    const linked = [...readme.matchAll(new RegExp(`\\]\\(${REPO.replace(/[.]/g, '\\.')}([^)#]+)`, 'g'))].map((m) => m[1]);
    expect(linked).toEqual(expect.arrayContaining(['docs/RULES.md', 'docs/SECURITY.md', 'docs/BENCHMARKS.md', 'examples/README.md', 'LICENSE']));
    const files = new Set(linked);
    for (const doc of ['docs/RULES.md', 'docs/SECURITY.md', 'docs/BENCHMARKS.md', 'examples/README.md', 'lib/check/README.md']) {
      const text = fs.readFileSync(path.join(installed, doc), 'utf8');
      for (const m of text.matchAll(/\]\((?!https?:|#)([^)#]+)/g)) files.add(path.posix.join(path.posix.dirname(doc), m[1]));
    }
    for (const file of files) {
      expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
      // TypeScript source of lib/ ships compiled: a .ts beside its .d.ts would be compiled again by a user's tsc
      const shipped = /^lib\/.*\.ts$/.test(file) ? file.replace(/\.ts$/, '.js') : file;
      expect([file, fs.existsSync(path.join(installed, shipped))]).toEqual([file, true]);
    }
  });

  test('`cdk-eks-endpoint check --help` links docs/RULES.md in full', () => {
    const help = spawnSync(path.join(path.dirname(installed), '.bin', 'cdk-eks-endpoint'), ['check', '--help'], { encoding: 'utf8' });
    expect(help.stdout + help.stderr).toContain(`(${REPO}docs/RULES.md)`);
  });

  test('adds what the README says to node_modules, within 5 % (apparent size, as du -sb counts it)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const claimed = Number(/The package adds ([\d.]+) MB to `node_modules`/.exec(readme)![1]);
    const measured = sizeOf(installed) / 1e6;
    expect(Math.abs(measured - claimed) / claimed).toBeLessThanOrEqual(0.05);
  });
});
