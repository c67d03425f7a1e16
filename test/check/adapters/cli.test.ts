import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as engine from '../../../lib/check/engine/analyze';
import { analyze } from '../../../lib/check/engine/analyze';
import { loadInputs } from '../../../lib/check/engine/read/load';
import { ALL_RULES } from '../../../lib/check/rules';
import { aspectCheck, byRule, vpnApp } from '../../support/apps';
import { lines, runCli as run } from '../../support/cli';

/**
 * The command line (adapters/cli.ts): `cdk-eks-endpoint check <paths...>`, what it prints and the
 * exit code, in this process and as the bin files run it.
 */

/** The command line, `cdk-eks-endpoint check <paths...>`: what it prints and the exit code. */
const root = path.join(__dirname, '..', '..', '..');

const fixtures = path.join(root, 'test', 'cli-fixtures');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** The TypeScript sources under a directory. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(p);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [p] : [];
  });
}

const PATH = 'ConnectedClientPath';

describe('usage', () => {
  test('--help, check --help, lookup --help and explain --help print their usage and exit 0', () => {
    for (const args of [['--help'], ['check', '--help'], ['check', 'cdk.out', '-h']]) {
      const result = run(...args);
      expect(result).toEqual({ code: 0, stdout: expect.stringMatching(/^usage: cdk-eks-endpoint check \[--format text\|json\|sarif\] \[--allow-empty\] \[--account\] <path> /), stderr: '' });
    }
    expect(run('check', '--help').stdout).toContain('cdk-eks-endpoint check --cluster <name>');
    expect(run('lookup', '--help')).toEqual({ code: 0, stdout: expect.stringMatching(/^usage: cdk-eks-endpoint lookup \[--region <region>\]/), stderr: '' });
    expect(run('explain', '--help')).toEqual({ code: 0, stdout: expect.stringMatching(/^usage: cdk-eks-endpoint explain --mode public\|public-and-private\|private\n/), stderr: '' });
  });

  test.each([
    ['no command', [], /^no command given\nusage: /],
    ['an unknown command', ['lint', 'cdk.out'], /^unknown command: lint\nusage: /],
    ['no path', ['check'], /^no path given\nusage: /],
    ['an unknown option', ['check', '--strict', 'cdk.out'], /^unknown option: --strict\nusage: /],
    ['an unknown format', ['check', '--format', 'xml', 'cdk.out'], /^unknown format: xml \(text, json or sarif\)\nusage: /],
    ['a format with no value', ['check', 'cdk.out', '--format'], /^--format needs a value\nusage: /],
    ['--allow-empty with a value', ['check', '--allow-empty=yes', 'cdk.out'], /^--allow-empty takes no value \(given: --allow-empty=yes\)\nusage: /],
    ['--region without --account or --cluster', ['check', '--region', 'us-east-1', 'cdk.out'], /^--region only applies with --account or --cluster\nusage: /],
    ['--cluster with a path', ['check', '--cluster', 'demo', 'cdk.out'], /^--cluster reads the cluster from the account, with no template \(given: cdk.out\)\nusage: /],
    ['--print-policy with a path', ['check', '--print-policy', 'cdk.out'], /^--print-policy takes nothing else \(given: cdk.out\)\nusage: /],
    ['lookup of two assemblies', ['lookup', 'a.out', 'b.out'], /^lookup reads one cloud assembly \(given: a.out b.out\)\nusage: cdk-eks-endpoint lookup/],
    ['explain with no mode', ['explain'], /^no --mode given\nusage: cdk-eks-endpoint explain/],
    ['explain with an unknown mode', ['explain', '--mode', 'hybrid'], /^unknown mode: hybrid \(public, public-and-private or private\)\nusage: /],
    ['explain with a path', ['explain', '--mode', 'private', 'cdk.out'], /^unexpected argument: cdk.out\nusage: /],
  ])('refuses %s with the usage on stderr, exit 2', (_, args, message) => {
    const result = run(...args);
    expect(result).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(message) });
  });
});

describe('explain', () => {
  test.each(['Private', 'PRIVATE', 'private'])('reads --mode %s in any case: the same flows as private', (mode) => {
    const result = run('explain', '--mode', mode);
    expect(result).toEqual({ code: 0, stdout: run('explain', '--mode', 'private').stdout, stderr: '' });
  });
});

describe('checking', () => {
  // these inputs hold no EKS cluster: what they test is the reading
  test.each([
    ['a JSON template', path.join(fixtures, 'vpc.template.json'), 1],
    ['a YAML template with short forms', path.join(fixtures, 'short-forms.yaml'), 1],
    ['a cloud assembly with a Stage and nested stacks', path.join(fixtures, 'assembly'), 5],
  ])('checks %s with --allow-empty: the line that says no cluster was found, exit 0', (_, input, templates) => {
    const result = run('check', '--allow-empty', input);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([`no EKS cluster found in ${input} (${templates} template(s) read): nothing was judged`]);
  });

  test('refuses inputs that hold no EKS cluster: it names them and exits 2, not 0 like a clean app (a wrong path in CI)', () => {
    const inputs = [path.join(fixtures, 'vpc.template.json'), path.join(fixtures, 'short-forms.yaml')];
    const text = run('check', ...inputs);
    expect(text).toEqual({
      code: 2,
      stdout: `no EKS cluster found in ${inputs.join(', ')} (2 template(s) read): nothing was judged (exit 2; give --allow-empty where that is expected)\n`,
      stderr: '',
    });
    // json and sarif: the document on stdout, the line on stderr
    for (const format of ['json', 'sarif']) {
      const result = run('check', '--format', format, ...inputs);
      expect(result.code).toBe(2);
      expect(() => JSON.parse(result.stdout)).not.toThrow();
      expect(result.stderr).toBe(text.stdout);
    }
    expect(run('check', '--format', 'json', '--allow-empty', ...inputs).code).toBe(0);
  });

  test('says how many clusters it judged and how many it could not read (ClusterNotChecked)', () => {
    const result = run('check', path.join(root, 'test', 'corpus', 'quickstart-awsqs-cluster.yaml'), path.join(fixtures, 'private-dns-hostnames-off.yaml'));
    expect(result.code).toBe(1);
    const notChecked = lines(result.stdout).filter((l) => l.includes('[ClusterNotChecked]')).length;
    expect(notChecked).toBeGreaterThan(0);
    const errors = lines(result.stdout).filter((l) => l.startsWith('error ')).length;
    const warnings = lines(result.stdout).filter((l) => l.startsWith('warning ')).length;
    expect(lines(result.stdout).pop()).toBe(`${notChecked + 1} cluster(s) judged (${notChecked} not checked): ${errors} error(s), ${warnings} warning(s)`);
  });

  // needs the engine: fails while analyze() is a stub that finds nothing
  test('fails a template whose Private-mode cluster has DNS hostnames off: an error line, exit 1', () => {
    const file = path.join(fixtures, 'private-dns-hostnames-off.yaml');
    const result = run('check', file);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toContainEqual(
      expect.stringContaining(`error   ${file} Cluster [VpcDnsHostnames] Private access is on, but DNS hostnames are off`));
    expect(lines(result.stdout).pop()).toMatch(/^1 cluster\(s\) judged \(0 not checked\): [1-9]\d* error\(s\), \d+ warning\(s\)$/);
  });

  describe('with findings from the engine', () => {
    afterEach(() => jest.restoreAllMocks());

    const judged = { clusters: 1, notChecked: 0, templates: 1, importedVpc: 0 };

    test('prints one line per finding, errors first, and exits 1 on an error', () => {
      jest.spyOn(engine, 'judge').mockReturnValue({ judged, findings: [
        { ruleId: 'PublicEndpointOpen', level: 'warning', verified: true, message: 'open to\n0.0.0.0/0', templateId: 'App', logicalId: 'Cluster' },
        {
          ruleId: 'VpcDnsHostnames', level: 'error', verified: true, message: 'DNS hostnames are off',
          templateId: 'App', logicalId: 'Cluster', file: 'cdk.out/App.template.json',
        },
      ] });
      const result = run('check', path.join(fixtures, 'vpc.template.json'));
      expect(result).toEqual({
        code: 1,
        stdout: 'error   cdk.out/App.template.json Cluster [VpcDnsHostnames] DNS hostnames are off\n' +
          'warning App Cluster [PublicEndpointOpen] open to 0.0.0.0/0\n' +
          '1 cluster(s) judged (0 not checked): 1 error(s), 1 warning(s)\n',
        stderr: '',
      });
    });

    test('exits 0 with warnings only', () => {
      jest.spyOn(engine, 'judge').mockReturnValue({ judged, findings: [
        { ruleId: 'PublicEndpointOpen', level: 'warning', verified: true, message: 'open', templateId: 'App', logicalId: 'Cluster' },
      ] });
      expect(run('check', path.join(fixtures, 'vpc.template.json')).code).toBe(0);
    });

    test('runs the rules that run in both adapters, not the cdk-nag-only ones', () => {
      const analyze = jest.spyOn(engine, 'judge').mockReturnValue({ judged, findings: [] });
      run('check', path.join(fixtures, 'vpc.template.json'));
      const ids = analyze.mock.calls[0][1].map((rule) => rule.id);
      expect(ids).toContain('VpcDnsHostnames');
      expect(ids).not.toContain('ControlPlaneLogging');
    });

    test('refuses to pass an internal error off as a finding: one line, exit 2', () => {
      jest.spyOn(engine, 'judge').mockImplementation(() => {
        throw new TypeError("Cannot read properties of undefined (reading 'Properties')");
      });
      expect(run('check', path.join(fixtures, 'vpc.template.json'))).toEqual({
        code: 2,
        stdout: '',
        stderr: "internal error: Cannot read properties of undefined (reading 'Properties') (please report)\n",
      });
    });
  });
});

describe('refuses unusable input: exit 2, one line on stderr naming the file', () => {
  const noManifest = path.join(tmp, 'no-manifest');
  fs.mkdirSync(noManifest, { recursive: true });
  test.each([
    ['a path that does not exist', () => path.join(tmp, 'nope.template.json'), /^\S*nope\.template\.json: no such file or directory$/],
    ['a directory without manifest.json', () => noManifest,
      /^\S*no-manifest: not a cloud assembly: no manifest\.json; give a template file or a cdk\.out directory$/],
    ['manifest.json given directly', () => path.join(fixtures, 'assembly', 'manifest.json'),
      /^\S*assembly\/manifest\.json: a cloud assembly's manifest: give its directory \(\S*assembly\) instead$/],
    ['invalid JSON', () => write('broken.json', '{\n  "Resources": {\n    "A": {"Type": "x",}\n  }\n}\n'),
      /^\S*broken\.json:3:23: invalid JSON: expected a property name in double quotes$/],
    ['invalid YAML', () => write('broken.yaml', 'Resources:\n  A: Type: x\n'),
      /^\S*broken\.yaml:2:6: invalid YAML: Nested mappings are not allowed in compact mappings$/],
    ['an empty file', () => write('empty.json', '  \n'), /^\S*empty\.json: empty file: not a CloudFormation template$/],
    ['a JSON array', () => write('list.json', '[{ "Resources": {} }]'),
      /^\S*list\.json: not a CloudFormation template: it holds a list, not a mapping with a Resources section$/],
    ['a package.json', () => write('app/package.json', '{ "name": "app", "version": "1.0.0" }'),
      /^\S*package\.json: not a CloudFormation template: no Resources section$/],
    ['Resources that are not a mapping', () => write('list-resources.yaml', 'Resources:\n  - Vpc\n'),
      /^\S*list-resources\.yaml: not a CloudFormation template: Resources is not a mapping of logical IDs to resources$/],
  ])('refuses %s', (_, input, message) => {
    const file = input();
    const result = run('check', path.join(fixtures, 'vpc.template.json'), file);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toEqual([expect.stringMatching(message)]);
    expect(result.stderr.startsWith(`${file}`)).toBe(true);
  });
});

describe('the shipped command', () => {
  test('both bin files hand their arguments to lib/check/adapters/cli, the alias under "check"', () => {
    const bin = (name: string) => fs.readFileSync(path.join(root, 'bin', name), 'utf8');
    expect(bin('cdk-eks-endpoint.js')).toMatch(/^#!\/usr\/bin\/env node\n/);
    // main answers later for the commands that read an account: the exit code is set when it does
    expect(bin('cdk-eks-endpoint.js')).toContain("Promise.resolve(require('../lib/check/adapters/cli').main(process.argv.slice(2))).then((code) => { process.exitCode = code; });");
    expect(bin('cdk-eks-endpoint-check.js')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(bin('cdk-eks-endpoint-check.js')).toContain(
      "Promise.resolve(require('../lib/check/adapters/cli').main(['check', ...process.argv.slice(2)])).then((code) => { process.exitCode = code; });");
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({
      'cdk-eks-endpoint': 'bin/cdk-eks-endpoint.js',
      'cdk-eks-endpoint-check': 'bin/cdk-eks-endpoint-check.js',
    });
    expect(pkg.files).toEqual(expect.arrayContaining(['bin/cdk-eks-endpoint.js', 'bin/cdk-eks-endpoint-check.js']));
    // jsii refuses a dependency that is not a jsii library unless it is bundled: all of them are
    expect([...pkg.bundledDependencies].sort()).toEqual(Object.keys(pkg.dependencies).sort());
    expect(pkg.bundleDependencies).toBeUndefined(); // npm's other spelling, which it sometimes writes beside it
  });

  describe('in a process of its own, as the bin files run it', () => {
    // The bin files require ../lib/check/adapters/cli, jsii's output, which `npm test` does not rebuild;
    // its `tsc -p tsconfig.dev.json` compiles the current source into build/, which runs here.
    const cli = path.join(root, 'build', 'lib', 'check', 'adapters', 'cli.js');
    const command = (...args: string[]) => spawnSync(process.execPath,
      ['-e', `Promise.resolve(require(${JSON.stringify(cli)}).main(process.argv.slice(1))).then((code) => { process.exitCode = code; });`, '--', ...args],
      { encoding: 'utf8', cwd: root });

    beforeAll(() => {
      // `npm test` compiles first; when jest runs alone and a source is newer than its output,
      // compile here, so that the spawned process runs the current source (tsc is incremental:
      // an output it has no need to rewrite stays older, and that is fine)
      const stale = sources(path.join(root, 'lib')).some((ts) => {
        const js = path.join(root, 'build', path.relative(root, ts)).replace(/\.ts$/, '.js');
        return !fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(ts).mtimeMs;
      });
      if (stale) {
        const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.dev.json')], { encoding: 'utf8' });
        if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.dev.json failed, so build/ cannot be brought up to date:\n${tsc.stdout}`);
      }
    });

    test('exits 0 with the usage for --help', () => {
      const result = command('--help');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^usage: cdk-eks-endpoint check/);
    });

    test('exits 0 with a count line for a template without an error, and 2 for one without a cluster', () => {
      const result = command('check', '--allow-empty', 'test/cli-fixtures/vpc.template.json');
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(lines(result.stdout).pop()).toBe('no EKS cluster found in test/cli-fixtures/vpc.template.json (1 template(s) read): nothing was judged');
      expect(command('check', 'test/cli-fixtures/vpc.template.json').status).toBe(2);
    });

    test('refuses invalid YAML with exit 2 and one line, no stack trace', () => {
      const file = write('spawned.yaml', 'Resources:\n  A: !Ref\n    - [\n');
      const result = command('check', file);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(lines(result.stderr)).toEqual([expect.stringMatching(/^\S*spawned\.yaml:\d+:\d+: invalid YAML: /)]);
    });
  });
});

describe('a Site-to-Site VPN through the CLI', () => {
  test('reads the synthesized template as the Aspect reads the construct tree: the same findings', () => {
    // GIVEN the routes propagated into the public subnets only, and no 443 rule
    // (path metadata on, as `cdk synth` sets it, so that the CLI names resources by their construct paths too)
    const build = () => vpnApp('cfn', 'cross-stack', 'private', ec2.SubnetType.PUBLIC, false, { 'aws:cdk:enable-path-metadata': true }).app;
    const aspect = byRule(aspectCheck(build()), PATH).map((r) => r.message).sort();
    const assembly = build().synth();
    const cli = analyze(loadInputs([assembly.directory]), ALL_RULES.filter((r) => r.id === PATH)).map((f) => f.message).sort();
    fs.rmSync(assembly.directory, { recursive: true, force: true });
    // THEN both name the missing route back and the missing 443 rule
    expect(aspect).toHaveLength(2);
    expect(cli).toEqual(aspect);
  });
});

describe('text from the input printed safely', () => {
  test('escapes control characters in a logical ID: no forged count line, no terminal escape', () => {
    const forged = 'Cluster\n0 error(s), 0 warning(s)\u001b[2K\u202e';
    const template = fs.readFileSync(path.join(fixtures, 'private-dns-hostnames-off.yaml'), 'utf8').replace(/^  Cluster:/m, `  ${JSON.stringify(forged)}:`);
    expect(template).toContain('\\u001b'); // the fixture has the cluster under that key
    const file = write('forged.yaml', template);
    const result = run('check', file);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(/[\u001b\u202e]/);
    const printed = lines(result.stdout);
    expect(printed.filter((l) => /error\(s\), \d+ warning\(s\)$/.test(l))).toEqual([expect.stringMatching(/^1 cluster\(s\) judged/)]);
    expect(printed.filter((l) => l.startsWith('0 error(s)'))).toEqual([]);
    expect(printed).toContainEqual(expect.stringContaining(`${file} Cluster\\u{a}0 error(s), 0 warning(s)\\u{1b}[2K\\u{202e} [VpcDnsHostnames]`));
  });

  test('escapes control characters in a refusal naming the file', () => {
    const file = write('bad\u001b[31m.json', '{"Resources": ');
    const result = run('check', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${path.join(tmp, 'bad\\u{1b}[31m.json')}:1:15: invalid JSON: unexpected end of file, expected a value\n`);
  });
});
