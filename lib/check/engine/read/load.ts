/**
 * Reads what the CLI is given into the engine's input: CloudFormation template files (JSON or
 * YAML) and cloud assemblies (`cdk.out`, with its Stages and nested stacks). What cannot be read
 * as CloudFormation is refused with one `InputError` line that names the file and, for a syntax
 * error, the line and column. Reading never evaluates anything: intrinsics stay as written.
 *
 * YAML is read with the `yaml` package (eemeli/yaml v2): it is maintained, has no dependencies
 * (so it can be bundled with this library), takes custom tags for CloudFormation's short forms
 * (`!Ref`, `!GetAtt`, ...), and reports every error with its position. Not `yaml-cfn`: a thin
 * layer over js-yaml 4, unmaintained at 0.3.x. Not `cfn-resolver-lib`: it resolves intrinsics
 * from parameter values that must all be known, and has no notion of a value unknown until
 * deploy time, which is what the engine reasons about.
 *
 * `yaml` follows the YAML 1.2 grammar to the letter; CloudFormation's reader, like PyYAML (which
 * cfn-lint uses), is lenient where the grammar is strict: a multi-line quoted string whose next
 * line is indented no deeper than its key, as in AWS's EKS Quick Start, is read by CloudFormation
 * and refused by `yaml`. Such a string is indented further (which leaves its value as it is: a
 * quoted string's line breaks fold, with the spaces around them) and read again, by the same
 * parser with the same limits: one YAML parser, so one set of defences (aliases, depth, size).
 *
 * What is read is bounded (`READ_LIMITS`): a file's size, all files' size, the number of templates
 * (nested stacks included, each file parsed once however often it is nested), the depth of nesting
 * and YAML aliases. Nothing outside what was given is read: the templates of a cloud assembly, its
 * nested assemblies and nested stacks must lie inside its directory, a loose template's nested
 * stacks inside the template's directory, compared by real path, so neither `../` nor a symbolic
 * link leads out.
 *
 * JSON is read with `JSON.parse` (fast on large CDK templates) after a small scan that finds
 * what `JSON.parse` cannot report: the line and column of a syntax error, and duplicate keys.
 * A duplicate key is read as CloudFormation reads it (the AWS CLI loads templates with PyYAML and
 * JSON parsers where the last one wins, and CloudFormation deploys such templates): the last
 * value is kept, and a note with its line and column says so. Real templates carry them (the
 * aws-samples private NAT gateway sample, among others), most often far from what the rules read.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
 */
import * as fs from 'fs';
import * as path from 'path';
import { CollectionTag, LineCounter, Pair, parseDocument, Scalar, ScalarTag, YAMLMap } from 'yaml';
import { InputError, SourcePosition, TemplateInput } from './input';

/**
 * What the reader takes, at most. Each is far above what CloudFormation deploys (its quotas on a
 * template's size, its resources and a stack's outputs, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html)
 * and what this check's benchmark reads (one 10.6 MB template of 20,034 resources, docs/BENCHMARKS.md),
 * and low enough that hostile input (a YAML alias bomb, a "diamond" of nested stacks each naming
 * the next twice, a file of brackets) is refused as unusable input in well under a second.
 */
export const READ_LIMITS: ReadLimits = Object.freeze({
  fileBytes: 32 * 1024 * 1024,
  totalBytes: 256 * 1024 * 1024,
  templates: 5_000,
  depth: 128,
  aliases: 1_000,
});

/** Limits on reading: `READ_LIMITS`, unless a test gives others. */
export interface ReadLimits {
  /** The size of one file, in bytes. */
  readonly fileBytes: number;
  /** The size of all files read in one run, in bytes. */
  readonly totalBytes: number;
  /** The templates read in one run, nested stacks included (each nested stack is a template of its own). */
  readonly templates: number;
  /** How deep mappings and lists nest in a template. */
  readonly depth: number;
  /** How many aliases a YAML file may use (the `yaml` package's guard against alias bombs). */
  readonly aliases: number;
}

/**
 * The templates named by `paths`: each a template file (`.json`, `.yaml`, `.yml`, `.template`,
 * or any other name, read as JSON or YAML by its content) or a cloud assembly directory (one
 * holding `manifest.json`, such as `cdk.out`). Nested stacks come with their parent; a file
 * given twice, or given and also reached as a nested stack, is read once.
 * @throws InputError for a path that is not usable input
 */
export function readInputs(paths: string[], limits: ReadLimits = READ_LIMITS): ReadResult {
  const r: Reading = { notes: [], ids: new Set<string>(), bytes: 0, templates: 0, parsed: new Map(), limits };
  const roots: Loaded[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(p, code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file or directory' : `cannot read: ${code}`);
    }
    if (stat.isDirectory()) {
      roots.push(...readAssembly(r, p, p, realPath(p), new Set()));
    } else if (path.basename(p) === 'manifest.json') {
      throw new InputError(p, `a cloud assembly's manifest: give its directory (${path.dirname(p)}) instead`);
    } else {
      const { template, positions } = readTemplate(r, p);
      const input: TemplateInput = { id: claim(r.ids, p, p), template, file: p, positions };
      counted(r, p);
      // a loose template's nested stacks: beside it or below, never elsewhere
      const inside = path.dirname(realPath(p));
      roots.push({ input, nested: readNested(r, input, template, assetsBesides(r, p, inside), [p], inside), inAssembly: false });
    }
  }
  // The same template given twice (`cdk.out/*.template.json` and `cdk.out`), or given alone and
  // also reached as a nested stack: keep it once, where it says the most. A nested stack stays
  // with its parent, whose resource feeds its parameters; a stack of a cloud assembly knows its
  // name and environment, a loose file does not.
  const nestedFiles = new Set(roots.flatMap((r) => r.nested.map((n) => path.resolve(n.file!))));
  const inAssembly = new Set(roots.filter((r) => r.inAssembly).map((r) => path.resolve(r.input.file!)));
  const kept = new Set<string>();
  const inputs: TemplateInput[] = [];
  for (const { input, nested, inAssembly: fromAssembly } of roots) {
    const key = path.resolve(input.file!);
    if (nestedFiles.has(key) || kept.has(key) || (!fromAssembly && inAssembly.has(key))) continue;
    kept.add(key);
    inputs.push(input, ...nested);
  }
  return { inputs, notes: r.notes };
}

/** The templates named by `paths`, without the notes: `readInputs(paths).inputs`. */
export function loadInputs(paths: string[]): TemplateInput[] {
  return readInputs(paths).inputs;
}

/** What was read, and the notes on how (a duplicate key, read as CloudFormation reads it), as `file:line:column: text`. */
export interface ReadResult {
  readonly inputs: TemplateInput[];
  readonly notes: string[];
}

/** One call's reading: the notes it makes, the template ids it has given out, and what it has read so far. */
interface Reading {
  readonly notes: string[];
  readonly ids: Set<string>;
  /** Bytes read, all files. */
  bytes: number;
  /** Templates taken, nested stacks included. */
  templates: number;
  /** Each template file parsed once, by real path, however many stacks use it. */
  readonly parsed: Map<string, ParsedTemplate>;
  readonly limits: ReadLimits;
}

interface ParsedTemplate {
  readonly template: Template;
  readonly positions: Map<string, SourcePosition>;
}

/** One more template taken; refused past `READ_LIMITS.templates`. */
function counted(r: Reading, file: string): void {
  if (++r.templates > r.limits.templates) {
    throw new InputError(file, `more than ${r.limits.templates} templates (nested stacks counted each time they are nested): `
      + 'not an app CloudFormation deploys; give fewer stacks, or the stacks of one app');
  }
}

/** The real path of an existing file or directory (symbolic links resolved); the path itself when it cannot be resolved. */
function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Whether `file` (an existing path) is `dir` or lies below it, by real path: neither `../` nor a symbolic link leads out. */
function isInside(file: string, dir: string): boolean {
  const real = realPath(file);
  return real === dir || real.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

function note(r: Reading, file: string, line: number, column: number, message: string): void {
  r.notes.push(`${file}:${line}:${column}: ${message}`);
}

/** A template read from a path the user gave, and the nested stacks under it (all levels). */
interface Loaded {
  readonly input: TemplateInput;
  readonly nested: TemplateInput[];
  /** Read from a cloud assembly's manifest, rather than given as a file. */
  readonly inAssembly: boolean;
}

/** An id not yet used in this run: a second app's stack of the same name is qualified by its directory. */
function claim(ids: Set<string>, id: string, qualified: string): string {
  const unique = ids.has(id) ? qualified : id;
  ids.add(unique);
  return unique;
}

// ---------------------------------------------------------------------------------------------
// Cloud assemblies

/**
 * The stacks of a cloud assembly: `aws:cloudformation:stack` artifacts, and those of nested
 * assemblies (`cdk:cloud-assembly`, one per CDK Stage, in `properties.directoryName`).
 */
function readAssembly(r: Reading, dir: string, root: string, inside: string, visited: Set<string>): Loaded[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!isFile(manifestFile)) {
    throw new InputError(dir, 'not a cloud assembly: no manifest.json; give a template file or a cdk.out directory');
  }
  if (!isInside(manifestFile, inside)) throw outside(manifestFile, inside);
  visited.add(realPath(dir));
  const manifest = readJsonFile(r, manifestFile);
  const artifacts = isMapping(manifest) && isMapping(manifest.artifacts) ? manifest.artifacts : {};
  const loaded: Loaded[] = [];
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    if (!isMapping(artifact)) continue;
    const properties = isMapping(artifact.properties) ? artifact.properties : {};
    if (artifact.type === 'aws:cloudformation:stack') {
      if (typeof properties.templateFile !== 'string') {
        throw new InputError(manifestFile, `stack artifact ${artifactId} has no properties.templateFile`);
      }
      const file = path.join(dir, properties.templateFile);
      if (!isFile(file)) throw new InputError(file, `no such file (the template of stack artifact ${artifactId} in ${manifestFile})`);
      if (!isInside(file, inside)) throw outside(file, inside, `the template of stack artifact ${artifactId} in ${manifestFile}`);
      const { template, positions } = readTemplate(r, file);
      counted(r, file);
      const name = typeof artifact.displayName === 'string' ? artifact.displayName : artifactId;
      const input: TemplateInput = {
        id: claim(r.ids, name, path.join(root, name)),
        template,
        file,
        positions,
        stackName: typeof properties.stackName === 'string' ? properties.stackName : artifactId,
        ...environment(artifact.environment),
      };
      loaded.push({ input, nested: readNested(r, input, template, assetsBesides(r, file, inside), [file], inside), inAssembly: true });
    } else if (artifact.type === 'cdk:cloud-assembly') {
      if (typeof properties.directoryName !== 'string') {
        throw new InputError(manifestFile, `nested assembly artifact ${artifactId} has no properties.directoryName`);
      }
      const nestedDir = path.join(dir, properties.directoryName);
      if (visited.has(realPath(nestedDir))) continue;
      if (!isFile(path.join(nestedDir, 'manifest.json'))) {
        throw new InputError(manifestFile, `nested assembly artifact ${artifactId}: ${nestedDir} holds no manifest.json`);
      }
      if (!isInside(nestedDir, inside)) throw outside(nestedDir, inside, `nested assembly artifact ${artifactId} in ${manifestFile}`);
      loaded.push(...readAssembly(r, nestedDir, root, inside, visited));
    }
  }
  if (dir === root && loaded.length === 0) {
    throw new InputError(dir, 'the cloud assembly holds no CloudFormation stack');
  }
  return loaded;
}

/** A file or directory named by a manifest that lies outside the cloud assembly: refused, never read. */
function outside(file: string, inside: string, what?: string): InputError {
  return new InputError(file, `outside the cloud assembly ${inside}${what ? ` (${what})` : ''}, by its real path: not read; `
    + 'a cloud assembly names only files inside its directory');
}

/** Account and region from an artifact's `aws://ACCOUNT/REGION`, unless `unknown-account`, `unknown-region`. */
function environment(env: unknown): { account?: string; region?: string } {
  const match = typeof env === 'string' ? /^aws:\/\/([^/]+)\/([^/]+)$/.exec(env) : null;
  if (!match) return {};
  return {
    ...(match[1] !== 'unknown-account' ? { account: match[1] } : {}),
    ...(match[2] !== 'unknown-region' ? { region: match[2] } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Nested stacks

/**
 * The templates of a template's nested stacks, at all levels, each linked to its parent's
 * `AWS::CloudFormation::Stack` resource. CDK names the template file in the resource's
 * `aws:asset:path` metadata (relative to the directory of the template); without asset metadata
 * (`app.synth()` in code, `cdk synth --no-asset-metadata`), the stack's asset manifest
 * (`<artifact>.assets.json`) maps the object key in `TemplateURL` to the file. A nested stack
 * whose template is not found is left out: the engine sees only its resource.
 */
function readNested(
  r: Reading, parent: TemplateInput, template: Template, assets: Map<string, string>, chain: string[], inside: string,
): TemplateInput[] {
  const dir = path.dirname(parent.file!);
  const found: TemplateInput[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (!isMapping(resource) || resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const file = nestedTemplateFile(resource, dir, assets);
    if (!file || chain.some((f) => path.resolve(f) === path.resolve(file))) continue;
    if (!isInside(file, inside)) {
      note(r, parent.file!, 1, 1, `nested stack ${logicalId}: its template ${file} is outside ${inside}, by its real path: not read`);
      continue;
    }
    const { template: nestedTemplate, positions } = readTemplate(r, file);
    // unique, as its parent's id is and its logical ID is in the parent
    const id = `${parent.id}/${logicalId}`;
    r.ids.add(id);
    const input: TemplateInput = {
      id,
      template: nestedTemplate,
      file,
      positions,
      parent: { id: parent.id, logicalId },
      // a nested stack deploys to its parent's account and region
      ...(parent.account !== undefined ? { account: parent.account } : {}),
      ...(parent.region !== undefined ? { region: parent.region } : {}),
    };
    counted(r, file);
    found.push(input, ...readNested(r, input, nestedTemplate, assets, [...chain, file], inside));
  }
  return found;
}

function nestedTemplateFile(resource: Mapping, dir: string, assets: Map<string, string>): string | undefined {
  const metadata = isMapping(resource.Metadata) ? resource.Metadata : {};
  if (typeof metadata['aws:asset:path'] === 'string') {
    const file = path.join(dir, metadata['aws:asset:path']);
    return isFile(file) ? file : undefined;
  }
  const url = JSON.stringify(isMapping(resource.Properties) ? resource.Properties.TemplateURL ?? '' : '');
  for (const [objectKey, source] of assets) {
    if (url.includes(objectKey)) {
      const file = path.join(dir, source);
      return isFile(file) ? file : undefined;
    }
  }
  // a hand-written parent names its child by URL (`https://bucket.s3.../templates/child.yaml`,
  // often through Fn::Sub): a template of that file name beside the parent is taken for it, the
  // layout of the Quick Starts and aws-samples that deploy from a folder of templates
  // (or by a local path, the form `aws cloudformation package` takes: `TemplateURL: vpc.yaml`)
  const tail = /(?:\/|^")([A-Za-z0-9._-]+\.(?:ya?ml|json|template))"?\s*[\]}]*$/.exec(url)?.[1];
  if (tail) {
    const file = path.join(dir, tail);
    if (isFile(file)) return file;
  }
  return undefined;
}

/**
 * The file assets of the asset manifest CDK writes beside `<artifact>.template.json`, as object
 * key (the S3 key in a nested stack's `TemplateURL`) to source path. Empty when there is none.
 */
function assetsBesides(r: Reading, templateFile: string, inside: string): Map<string, string> {
  const assets = new Map<string, string>();
  const file = templateFile.replace(/\.template\.json$/, '.assets.json');
  if (file === templateFile || !isFile(file) || !isInside(file, inside)) return assets;
  const manifest = readJsonFile(r, file);
  const files = isMapping(manifest) && isMapping(manifest.files) ? manifest.files : {};
  for (const asset of Object.values(files)) {
    if (!isMapping(asset) || !isMapping(asset.source) || typeof asset.source.path !== 'string') continue;
    for (const destination of Object.values(isMapping(asset.destinations) ? asset.destinations : {})) {
      if (isMapping(destination) && typeof destination.objectKey === 'string') {
        assets.set(destination.objectKey, asset.source.path);
      }
    }
  }
  return assets;
}

// ---------------------------------------------------------------------------------------------
// Template files

type Mapping = Record<string, unknown>;

/** What every CloudFormation template has: a mapping of logical IDs to resources. */
interface Template extends Mapping {
  readonly Resources: Mapping;
}

/** A template file, parsed and checked to be a CloudFormation template, and where its resources are written. */
function readTemplate(r: Reading, file: string): ParsedTemplate {
  const key = realPath(file);
  let parsed = r.parsed.get(key);
  if (!parsed) {
    parsed = parseTemplate(r, file);
    r.parsed.set(key, parsed);
  }
  return parsed;
}

function parseTemplate(r: Reading, file: string): ParsedTemplate {
  const text = readText(r, file);
  const positions = new Map<string, SourcePosition>();
  const value = isJson(file, text) ? parseJson(r, file, text, positions) : parseYaml(r, file, text, positions);
  if (value === null || value === undefined) throw new InputError(file, 'empty file: not a CloudFormation template');
  if (Array.isArray(value)) {
    throw new InputError(file, 'not a CloudFormation template: it holds a list, not a mapping with a Resources section');
  }
  if (!isMapping(value)) {
    throw new InputError(file, 'not a CloudFormation template: it holds a single value, not a mapping with a Resources section');
  }
  if (!('Resources' in value)) throw new InputError(file, 'not a CloudFormation template: no Resources section');
  if (!isMapping(value.Resources)) {
    throw new InputError(file, 'not a CloudFormation template: Resources is not a mapping of logical IDs to resources');
  }
  return { template: value as Template, positions };
}

/** JSON by extension (`.json`), YAML by extension (`.yaml`, `.yml`), otherwise by the first character. */
function isJson(file: string, text: string): boolean {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return true;
  if (extension === '.yaml' || extension === '.yml') return false;
  return /^\s*[{[]/.test(text);
}

function readText(r: Reading, file: string): string {
  let text: string;
  try {
    const size = fs.statSync(file).size;
    if (size > r.limits.fileBytes) {
      throw new InputError(file, `${megabytes(size)}: larger than the ${megabytes(r.limits.fileBytes)} this check reads in a file `
        + '(CloudFormation deploys no template near that size)');
    }
    r.bytes += size;
    if (r.bytes > r.limits.totalBytes) {
      throw new InputError(file, `more than ${megabytes(r.limits.totalBytes)} read in all: larger input than any app's templates; `
        + 'give the stacks of one app');
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new InputError(file, 'empty file: not a CloudFormation template');
  return text;
}

function readJsonFile(r: Reading, file: string): unknown {
  return parseJson(r, file, readText(r, file));
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** JSON text, checked; the positions of the keys of its top-level Resources go to `positions`. */
function parseJson(r: Reading, file: string, text: string, positions?: Map<string, SourcePosition>): unknown {
  const duplicates: Array<{ offset: number; key: string }> = [];
  const resources: Array<{ offset: number; key: string }> = [];
  const problem = jsonProblem(text, duplicates, resources, r.limits.depth);
  const at = lineAndColumn(text);
  if (problem) {
    const { line, column } = at(problem.offset);
    throw new InputError(file, `invalid JSON: ${problem.message}`, line, column);
  }
  for (const d of duplicates) {
    const { line, column } = at(d.offset);
    note(r, file, line, column, `duplicate key ${d.key}: the last one is read, as CloudFormation does`);
  }
  // the last of duplicate logical IDs is the one read
  for (const resource of resources) positions?.set(resource.key, at(resource.offset));
  return JSON.parse(text);
}

/** 1-based line and column of an offset in `text`: the line starts found once, each offset by binary search. */
function lineAndColumn(text: string): (offset: number) => SourcePosition {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low] + 1 };
  };
}

/**
 * The first syntax error in JSON text (RFC 8259), with its offset; undefined for valid JSON.
 * Duplicate keys go to `duplicates`.
 */
function jsonProblem(
  text: string, duplicates: Array<{ offset: number; key: string }>, resources: Array<{ offset: number; key: string }>, limit: number,
): { offset: number; message: string } | undefined {
  let i = 0;
  class Problem {
    constructor(readonly offset: number, readonly message: string) {}
  }
  const fail = (message: string, at = i): never => {
    throw new Problem(at, message);
  };
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const expect = (what: string) => fail(i >= text.length ? `unexpected end of file, expected ${what}` : `expected ${what}`);
  // a run of characters that need no look: not a quote, a backslash or a control character
  const plain = /[^"\\\u0000-\u001f]+/y;
  const string = (): string => {
    const start = i++;
    for (;;) {
      plain.lastIndex = i;
      if (plain.test(text)) i = plain.lastIndex;
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) return text.slice(start, ++i);
      if (c < 0x20) fail('control character in a string: escape it');
      if (c !== 0x5c) {
        i++;
      } else if ('"\\/bfnrt'.includes(text[i + 1])) {
        i += 2;
      } else if (text[i + 1] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        i += 6;
      } else {
        fail('invalid escape in a string');
      }
    }
  };
  const token = (pattern: RegExp): boolean => {
    pattern.lastIndex = i;
    const match = pattern.exec(text);
    if (match) i += match[0].length;
    return match !== null;
  };
  // depth 0 is the template; `collect` is set on the value of its Resources, whose keys are logical IDs
  const value = (depth: number, collect: boolean): void => {
    space();
    const c = text[i];
    if ((c === '{' || c === '[') && depth >= limit) {
      fail(`nested deeper than ${limit} levels: not a CloudFormation template`);
    }
    if (c === '{') {
      i++;
      const keys = new Set<string>();
      space();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        space();
        if (text[i] !== '"') expect('a property name in double quotes');
        const at = i;
        const raw = string();
        const key = raw.includes('\\') ? JSON.parse(raw) as string : raw.slice(1, -1);
        if (keys.has(key)) duplicates.push({ offset: at, key: raw });
        keys.add(key);
        if (collect) resources.push({ offset: at, key });
        space();
        if (text[i] !== ':') expect("':'");
        i++;
        value(depth + 1, depth === 0 && key === 'Resources');
        space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        expect("',' or '}'");
      }
    } else if (c === '[') {
      i++;
      space();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(depth + 1, false);
        space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        expect("',' or ']'");
      }
    } else if (c === '"') {
      string();
    } else if (!token(/-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y)) {
      expect('a value');
    }
  };
  try {
    value(0, false);
    space();
    if (i < text.length) fail('unexpected text after the JSON value');
    return undefined;
  } catch (e) {
    if (e instanceof Problem) return e;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// YAML

/**
 * CloudFormation's short forms, each to its long form: `!Ref x` is `{ Ref: x }`, `!Sub s` is
 * `{ 'Fn::Sub': s }`. On a scalar, a sequence or a mapping alike: whether a function takes that
 * form is for the engine (and CloudFormation) to judge, not the reader.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-rules.html
 */
const SHORT_FORMS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  ...Object.fromEntries([
    'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'GetStackOutput', 'ImportValue', 'Join', 'Length', 'Select',
    'Split', 'Sub', 'ToJsonString', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or',
    // the rule-specific functions of a template's Rules section
    'Contains', 'EachMemberEquals', 'EachMemberIn', 'RefAll', 'ValueOf', 'ValueOfAll',
  ].map((name) => [name, `Fn::${name}`])),
};

/** `{ name: node }` as a YAML node, so that the node's own tags, anchors and aliases still resolve. */
function longForm(name: string, node: unknown): YAMLMap {
  const map = new YAMLMap();
  map.items.push(new Pair(new Scalar(name), node));
  return map;
}

const CFN_TAGS: Array<ScalarTag | CollectionTag> = Object.entries(SHORT_FORMS).flatMap(([short, name]) => {
  const scalar: ScalarTag = {
    tag: `!${short}`,
    // a plain value: the parser keeps it as the scalar's value
    resolve(value, onError) {
      if (short !== 'GetAtt') return { [name]: value };
      // `!GetAtt Resource.Attribute`: the attribute may hold dots (Endpoint.Address), the logical ID cannot
      const dot = value.indexOf('.');
      if (dot <= 0 || dot === value.length - 1) onError(`!GetAtt ${value}: expected Resource.Attribute, or [Resource, Attribute]`);
      return { [name]: dot > 0 ? [value.slice(0, dot), value.slice(dot + 1)] : value };
    },
  };
  const collection = (kind: 'seq' | 'map'): CollectionTag => ({
    tag: `!${short}`,
    collection: kind,
    resolve: (node) => longForm(name, node),
  });
  return [scalar, collection('seq'), collection('map')];
});

/**
 * YAML 1.2 with the core schema, as JSON reads: `yes`, `no`, `on`, `off` and dates such as
 * `2010-09-09` stay strings. A quoted string continued on a line no deeper than its key (which
 * CloudFormation reads) is indented and the text read again, at most `MAX_REPAIRS` times.
 */
function parseYaml(r: Reading, file: string, text: string, positions: Map<string, SourcePosition>, uniqueKeys = true, repairs = 0): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    customTags: CFN_TAGS,
    uniqueKeys,
    prettyErrors: false,
    lineCounter,
  });
  const unquoted = doc.errors.find((e) => e.code === 'MISSING_CHAR' && /^Missing closing .?quote/.test(e.message));
  if (unquoted && repairs < MAX_REPAIRS) {
    const repaired = indentQuotedContinuation(text, lineCounter.linePos(unquoted.pos[0]).line);
    if (repaired !== undefined) return parseYaml(r, file, repaired, positions, uniqueKeys, repairs + 1);
  }
  // a duplicate key: noted, and the document read again keeping the last
  const duplicates = doc.errors.filter((e) => e.code === 'DUPLICATE_KEY');
  if (duplicates.length > 0 && duplicates.length === doc.errors.length) {
    for (const d of duplicates) {
      const { line, col } = lineCounter.linePos(d.pos[0]);
      note(r, file, line, col, `duplicate key ${JSON.stringify(keyAt(text, d.pos[0]))}: the last one is read, as CloudFormation does`);
    }
    return parseYaml(r, file, text, positions, false, repairs);
  }
  // an unknown tag is only a warning for the parser; CloudFormation refuses it
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (problem) {
    const { line, col } = lineCounter.linePos(problem.pos[0]);
    const message = problem.code === 'DUPLICATE_KEY' ? `duplicate key ${JSON.stringify(keyAt(text, problem.pos[0]))}`
      : problem.code === 'MULTIPLE_DOCS' ? 'more than one document: a template is one'
        : problem.message.replace(/^Unresolved tag: (.*)$/, 'unknown tag $1: not a CloudFormation short form');
    throw new InputError(file, `invalid YAML: ${message}`, line, col);
  }
  const resources = doc.get('Resources', true);
  if (resources instanceof YAMLMap) {
    for (const pair of resources.items) {
      const key = pair.key;
      if (key instanceof Scalar && key.range) {
        const { line, col } = lineCounter.linePos(key.range[0]);
        positions.set(String(key.value), { line, column: col });
      }
    }
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: r.limits.aliases });
  } catch (e) {
    // aliases that expand without bound ("billion laughs")
    throw new InputError(file, `invalid YAML: ${(e as Error).message}`);
  }
  if (deeperThan(value, r.limits.depth)) {
    throw new InputError(file, `nested deeper than ${r.limits.depth} levels: not a CloudFormation template`);
  }
  return value;
}

/** How many unclosed quoted strings one file may have repaired: real templates have a handful. */
const MAX_REPAIRS = 100;

/**
 * The text with the quoted string that opens on `line` (1-based) and does not close there indented:
 * each following line up to the closing quote, where no deeper than the string's line, gets the
 * indentation of that line plus two. Undefined when no quoted string opens there or none closes.
 */
function indentQuotedContinuation(text: string, line: number): string | undefined {
  const lines = text.split('\n');
  const first = lines[line - 1];
  if (first === undefined) return undefined;
  // the opening quote: the last quote on the line that starts a value (after `key:` or `- `)
  const open = /^(\s*)(?:-\s+)*(?:[^\s#"'][^#"']*?:\s+)?(["'])/.exec(first);
  if (!open) return undefined;
  const quote = open[2];
  const indent = open[1].length;
  let rest = first.slice(open[0].length);
  for (let i = line; ; i++) {
    if (closes(rest, quote)) break;
    if (i >= lines.length) return undefined;
    rest = lines[i];
    const own = /^\s*/.exec(rest)![0].length;
    if (own <= indent && rest.trim() !== '') lines[i] = ' '.repeat(indent + 2) + rest.slice(own);
  }
  return lines.join('\n');
}

/** Whether a quoted string's text (after its opening quote, or a continuation line) holds the closing quote. */
function closes(text: string, quote: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return true;
    }
  }
  return false;
}

/** Whether a parsed value nests deeper than `limit` mappings and lists (walked without recursion). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The mapping key written at an offset, for the duplicate-key message. */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset).split('\n')[0];
  const quoted = /^(["'])(.*?)\1/.exec(rest);
  return quoted ? quoted[2] : rest.replace(/\s*:.*$/, '').trim();
}

// ---------------------------------------------------------------------------------------------

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
