import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError } from '../../../../lib/check/engine/read/input';
import { READ_LIMITS, ReadLimits, readInputs } from '../../../../lib/check/engine/read/load';

/**
 * Input written to take the reader down or lead it out of what it was given (issue 16, part 3).
 * Each case failed before the reader had limits: the first two ran past jest's five seconds (the
 * alias bomb took 62 s and 4.3 GB), the path cases printed findings for templates outside the input.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** The InputError readInputs throws. */
function refusal(paths: string[], limits?: ReadLimits): InputError {
  try {
    readInputs(paths, limits);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('not refused');
}

const topic = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';

describe('refuses input that would take the reader down', () => {
  test('refuses a YAML alias bomb that also holds a string only a lenient reader takes', () => {
    // nine levels of nine aliases: 9^9 strings once expanded; the quoted string continued on a line
    // no deeper than its key sent the file to a second parser without an alias limit
    const levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
    const file = write('bomb.yaml', `Metadata:\n  ${levels.join('\n  ')}\n  Note: "a\n  b"\n${topic}`);
    expect(refusal([file]).message).toMatch(/^.*bomb\.yaml: invalid YAML: .*alias/i);
  });

  test('refuses a diamond of nested stacks, each naming the next twice, past the template limit', () => {
    const depth = 30; // 2^30 stacks if each were followed
    for (let i = 0; i < depth; i++) {
      const child = i + 1 < depth ? `level${i + 1}.yaml` : undefined;
      write(`diamond/level${i}.yaml`, child
        ? `Resources:\n  Left:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ${child}\n`
          + `  Right:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ${child}\n`
        : topic);
    }
    expect(refusal([path.join(tmp, 'diamond', 'level0.yaml')]).message)
      .toMatch(new RegExp(`more than ${READ_LIMITS.templates} templates \\(nested stacks counted each time they are nested\\)`));
  });

  test('reads a small diamond: every nested stack, each file parsed once', () => {
    write('small/top.yaml', 'Resources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: mid.yaml\n'
      + '  B:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: mid.yaml\n');
    write('small/mid.yaml', 'Resources:\n  C:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: leaf.yaml\n'
      + '  D:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: leaf.yaml\n');
    write('small/leaf.yaml', topic);
    const { inputs } = readInputs([path.join(tmp, 'small', 'top.yaml')]);
    expect(inputs.map((i) => i.id.replace(`${tmp}${path.sep}`, ''))).toEqual([
      'small/top.yaml', 'small/top.yaml/A', 'small/top.yaml/A/C', 'small/top.yaml/A/D',
      'small/top.yaml/B', 'small/top.yaml/B/C', 'small/top.yaml/B/D',
    ]);
    // one parse per file: the four leaf stacks share one template object
    const leaves = inputs.filter((i) => i.file!.endsWith('leaf.yaml'));
    expect(new Set(leaves.map((l) => l.template)).size).toBe(1);
  });

  test('refuses a file larger than the file limit before reading it', () => {
    const file = path.join(tmp, 'large.json');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, READ_LIMITS.fileBytes + 1); // sparse: nothing written, the size is what counts
    expect(refusal([file]).message).toBe(`${file}: 32.0 MB: larger than the 32.0 MB this check reads in a file `
      + '(CloudFormation deploys no template near that size)');
  });

  test('refuses input larger than the total limit, counting every file read', () => {
    const files = [0, 1, 2].map((i) => write(`total/t${i}.json`, JSON.stringify({ Resources: { [`T${i}`]: { Type: 'AWS::SNS::Topic' } } })));
    const size = fs.statSync(files[0]).size;
    const limits = { ...READ_LIMITS, totalBytes: size * 2 + 1 };
    expect(readInputs(files.slice(0, 2), limits).inputs).toHaveLength(2);
    expect(refusal(files, limits).message).toMatch(/t2\.json: more than 0\.0 MB read in all: larger input than any app's templates/);
  });

  test.each([
    ['JSON', 'deep.json', `{"Resources":{"T":{"Type":"AWS::SNS::Topic","Properties":{"P":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}}`],
    ['YAML', 'deep.yaml', `${topic}    Properties:\n      P: ${'['.repeat(200)}${']'.repeat(200)}\n`],
  ])('refuses %s nested deeper than the depth limit', (_kind, name, text) => {
    const file = write(name, text);
    expect(refusal([file]).message).toMatch(new RegExp(`nested deeper than ${READ_LIMITS.depth} levels: not a CloudFormation template`));
  });

  test('reads nesting within the depth limit', () => {
    const file = write('deep-enough.json', `{"Resources":{"T":{"Type":"AWS::SNS::Topic","Properties":{"P":${'['.repeat(100)}${']'.repeat(100)}}}}}`);
    expect(readInputs([file]).inputs).toHaveLength(1);
  });
});

describe('reads nothing outside what it was given', () => {
  const stack = (name: string) => JSON.stringify({ Resources: { [name]: { Type: 'AWS::SNS::Topic' } } });
  const manifest = (artifacts: Record<string, unknown>) => JSON.stringify({ version: '55.0.0', artifacts });
  const outsideTemplate = write('secret/Outside.template.json', stack('Secret'));

  test('refuses a manifest whose template file climbs out of the cloud assembly', () => {
    const dir = path.join(tmp, 'climb');
    write('climb/manifest.json', manifest({ App: { type: 'aws:cloudformation:stack', properties: { templateFile: '../secret/Outside.template.json' } } }));
    expect(refusal([dir]).message).toBe(`${path.join(dir, '../secret/Outside.template.json')}: outside the cloud assembly ${fs.realpathSync(dir)} `
      + `(the template of stack artifact App in ${path.join(dir, 'manifest.json')}), by its real path: not read; a cloud assembly names only files inside its directory`);
  });

  test('refuses a template file that is a symbolic link out of the cloud assembly', () => {
    const dir = path.join(tmp, 'linked');
    write('linked/manifest.json', manifest({ App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json' } } }));
    fs.symlinkSync(outsideTemplate, path.join(dir, 'App.template.json'));
    expect(refusal([dir]).message).toMatch(/App\.template\.json: outside the cloud assembly .* by its real path: not read/);
  });

  test('refuses a nested assembly outside the cloud assembly', () => {
    const dir = path.join(tmp, 'stage-out');
    write('stage-elsewhere/manifest.json', manifest({ S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } } }));
    write('stage-elsewhere/S.template.json', stack('S'));
    write('stage-out/manifest.json', manifest({ Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: '../stage-elsewhere' } } }));
    expect(refusal([dir]).message).toMatch(/stage-elsewhere: outside the cloud assembly .*\(nested assembly artifact Stage in .*\), by its real path: not read/);
  });

  test('leaves out a nested stack whose template is outside, with a note, and reads the rest', () => {
    const dir = path.join(tmp, 'nested-out');
    write('nested-out/manifest.json', manifest({ App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json' } } }));
    const parent = write('nested-out/App.template.json', JSON.stringify({
      Resources: {
        Escape: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': '../secret/Outside.template.json' }, Properties: { TemplateURL: 'x' } },
        Inside: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'Inside.nested.template.json' }, Properties: { TemplateURL: 'y' } },
      },
    }));
    write('nested-out/Inside.nested.template.json', stack('Fine'));
    const { inputs, notes } = readInputs([dir]);
    expect(inputs.map((i) => i.id)).toEqual(['App', 'App/Inside']);
    expect(notes).toEqual([`${parent}:1:1: nested stack Escape: its template ${path.join(dir, '../secret/Outside.template.json')} is outside `
      + `${fs.realpathSync(dir)}, by its real path: not read`]);
  });

  test('reads the nested stacks beside a loose template, and none reached through a link out of its directory', () => {
    write('loose/parent.yaml', 'Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: child.yaml\n'
      + '  Linked:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: linked.json\n');
    write('loose/child.yaml', topic);
    fs.symlinkSync(outsideTemplate, path.join(tmp, 'loose', 'linked.json'));
    const { inputs, notes } = readInputs([path.join(tmp, 'loose', 'parent.yaml')]);
    expect(inputs.map((i) => path.basename(i.file!))).toEqual(['parent.yaml', 'child.yaml']);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/nested stack Linked: its template .*linked\.json is outside .*loose, by its real path: not read$/);
  });
});

describe('one YAML parser, lenient where CloudFormation is', () => {
  test('reads a quoted string continued on a line no deeper than its key, keeping its value', () => {
    const file = write('lenient.yaml', 'Parameters:\n  P:\n    Type: String\n    Description: "first\n    second \\"quoted\\"\n    third"\n'
      + "    Default: 'it''s\n    here'\n" + topic);
    const { inputs } = readInputs([file]);
    const template = inputs[0].template as any;
    expect(template.Parameters.P.Description).toBe('first second "quoted" third');
    expect(template.Parameters.P.Default).toBe("it's here");
    expect(inputs[0].positions!.get('Topic')).toEqual({ line: 10, column: 3 });
  });

  test('refuses a quoted string that never closes, where the parser finds its end missing', () => {
    const file = write('unclosed.yaml', `Parameters:\n  P:\n    Description: "never closed\n${topic}`);
    expect(refusal([file]).message).toMatch(/unclosed\.yaml:7:1: invalid YAML: Missing closing "quote/);
  });
});
