import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Dependencies point one way (issue 18, and the layout in lib/check/README.md): the engine reads
 * CloudFormation and knows nothing of rules, adapters, constructs or aws-cdk-lib; rules import the
 * engine and their shared bases, never another rule; the constructs import nothing of the check;
 * lib/shared holds the facts both sides need and imports nothing. Read from the sources' imports.
 */
const LIB = path.join(__dirname, '..', 'lib');

interface Source {
  /** Path from lib/, without the extension: `check/engine/model/paths`. */
  readonly name: string;
  /** What it imports: other sources by name, and packages by their name. */
  readonly sources: string[];
  readonly packages: string[];
  readonly text: string;
}

function sources(): Source[] {
  const found: Source[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const text = fs.readFileSync(full, 'utf8');
        const specs = [...text.matchAll(/(?:^import [^;]*? from |^export [^;]*? from |require\()'([^']+)'/gm)].map((m) => m[1]);
        const name = path.relative(LIB, full).replace(/\.ts$/, '');
        const local = specs.filter((s) => s.startsWith('.')).map((s) => {
          const target = path.relative(LIB, path.resolve(path.dirname(full), s));
          return fs.existsSync(path.join(LIB, `${target}.ts`)) ? target : `${target}/index`;
        });
        const packages = specs.filter((s) => !s.startsWith('.')).map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]));
        found.push({ name, sources: local, packages, text });
      }
    }
  };
  walk(LIB);
  return found;
}

const ALL = sources();
const under = (prefix: string) => ALL.filter((s) => s.name.startsWith(prefix));
const violations = (from: Source[], allowed: (target: string, source: Source) => boolean) =>
  from.flatMap((s) => s.sources.filter((t) => !allowed(t, s)).map((t) => `${s.name} imports ${t}`));

/** A rule file: one the catalogue (rules/index.ts) exports a rule from; the rest of rules/ are shared bases. */
const CATALOGUE = ALL.find((s) => s.name === 'check/rules/index')!;
const isRule = (s: Source) => CATALOGUE.text.includes(`from './${path.basename(s.name)}';`) && /^export const \w+(: EndpointRule)? =/m.test(s.text);

describe('dependencies point one way', () => {
  test('reads every source file of lib/', () => {
    expect(ALL.length).toBeGreaterThan(40);
    expect(ALL.map((s) => s.name)).toEqual(expect.arrayContaining(['check/engine/analyze', 'check/rules/vpc-dns-support', 'endpoint-cluster', 'shared/cidr']));
  });

  test('lib/shared imports nothing but lib/shared: no package, no Node.js module', () => {
    const shared = under('shared/');
    expect(shared.length).toBeGreaterThan(0);
    expect(violations(shared, (t) => t.startsWith('shared/'))).toEqual([]);
    expect(shared.flatMap((s) => s.packages.map((p) => `${s.name} imports ${p}`))).toEqual([]);
  });

  test('the engine imports only the engine and lib/shared, and of packages only the YAML reader and Node.js', () => {
    const engine = under('check/engine/');
    expect(violations(engine, (t) => t.startsWith('check/engine/') || t.startsWith('shared/'))).toEqual([]);
    const packages = engine.flatMap((s) => s.packages.filter((p) => !['fs', 'path', 'yaml'].includes(p)).map((p) => `${s.name} imports ${p}`));
    expect(packages).toEqual([]);
  });

  test('a rule imports the engine, lib/shared and the shared bases of rules/, never another rule', () => {
    const rules = under('check/rules/').filter((s) => s.name !== 'check/rules/index');
    const ruleFiles = new Set(rules.filter(isRule).map((s) => s.name));
    expect(ruleFiles.size).toBeGreaterThanOrEqual(16);
    expect(violations(rules, (t) => t.startsWith('check/engine/') || t.startsWith('shared/') || (t.startsWith('check/rules/') && !ruleFiles.has(t)))).toEqual([]);
    expect(rules.flatMap((s) => s.packages.map((p) => `${s.name} imports ${p}`))).toEqual([]);
  });

  test('the outputs read the engine\'s findings and model, never an adapter', () => {
    expect(violations(under('check/outputs/'), (t) => t.startsWith('check/engine/') || t.startsWith('check/outputs/') || t.startsWith('shared/'))).toEqual([]);
  });

  test('the account reader (adapters/account) imports the engine and itself, never a rule, and no package: the AWS SDK only when called', () => {
    const account = under('check/adapters/account/');
    expect(account.map((s) => s.name)).toEqual(expect.arrayContaining(['check/adapters/account/read-cluster', 'check/adapters/account/caller']));
    expect(violations(account, (t) => t.startsWith('check/engine/') || t.startsWith('check/adapters/account/') || t.startsWith('shared/'))).toEqual([]);
    expect(account.flatMap((s) => s.packages.map((p) => `${s.name} imports ${p}`))).toEqual([]);
  });

  test('the constructs import nothing of the check', () => {
    const constructs = ALL.filter((s) => !s.name.startsWith('check/') && !s.name.startsWith('shared/') && s.name !== 'index');
    expect(constructs.map((s) => s.name)).toEqual(expect.arrayContaining(['endpoint-cluster', 'cluster-bastion', 'private/vpc-endpoints']));
    expect(violations(constructs, (t) => !t.startsWith('check/'))).toEqual([]);
  });

  test('fails on a rule that imports another rule: the test reads what it says it reads', () => {
    const fake: Source = { name: 'check/rules/fake', sources: ['check/rules/vpc-attribute-rule', 'check/rules/public-endpoint-open'], packages: [], text: '' };
    const ruleFiles = new Set(under('check/rules/').filter(isRule).map((s) => s.name));
    expect(violations([fake], (t) => t.startsWith('check/rules/') && !ruleFiles.has(t))).toEqual(['check/rules/fake imports check/rules/public-endpoint-open']);
  });
});

describe('the command line', () => {
  test('loads no aws-cdk-lib, constructs, cdk-nag or account-reader file to check a template and to explain a mode', () => {
    // GIVEN the CLI as compiled by `npm test`'s tsc step, run in a fresh process
    const cli = path.join(__dirname, '..', 'build', 'lib', 'check', 'adapters', 'cli.js');
    const fixture = path.join(__dirname, 'cli-fixtures', 'short-forms.yaml');
    const script = `const { main } = require(${JSON.stringify(cli)});
      const quiet = { stdout() {}, stderr() {} };
      main(['check', ${JSON.stringify(fixture)}], quiet);
      main(['explain', '--mode', 'private'], quiet);
      const loaded = Object.keys(require.cache).filter((k) => k.includes('node_modules')).map((k) => k.split('node_modules/').pop().split('/').slice(0, 1).join('/'));
      const account = Object.keys(require.cache).filter((k) => !k.includes('node_modules') && /adapters[\\/]account/.test(k));
      process.stdout.write(JSON.stringify([...new Set([...loaded, ...account.map(() => 'the account reader')])].sort()));`;
    // WHEN it checks a template and explains a mode
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
    // THEN only the YAML reader was loaded from node_modules (one parser, with one set of limits), and
    // nothing of the account reader (its commands, the AWS SDK) was
    expect(loaded).toEqual(['yaml']);
  });
});
