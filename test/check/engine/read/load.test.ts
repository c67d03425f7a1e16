import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError, TemplateInput } from '../../../../lib/check/engine/read/input';
import { loadInputs, readInputs } from '../../../../lib/check/engine/read/load';

/** Reading what the CLI is given: template files and cloud assemblies, into the engine's input. */
const fixtures = path.join(__dirname, '..', '..', '..', 'cli-fixtures');
const assembly = path.join(fixtures, 'assembly');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'load-'));

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** What a TemplateInput says besides its template and where its resources are (test/check/engine/read/positions.test.ts). */
function described(inputs: TemplateInput[]): Array<Omit<TemplateInput, 'template' | 'positions'>> {
  return inputs.map(({ template, positions, ...rest }) => rest);
}

/** The InputError loadInputs throws. */
function refusal(paths: string[]): InputError {
  try {
    loadInputs(paths);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('template files', () => {
  test('reads a JSON template as written, named by its path', () => {
    const file = path.join(fixtures, 'vpc.template.json');
    expect(loadInputs([file])).toEqual([{ id: file, file, template: JSON.parse(fs.readFileSync(file, 'utf8')), positions: new Map([['Vpc', { line: 4, column: 5 }]]) }]);
  });

  describe('a YAML template with short forms', () => {
    const [input] = loadInputs([path.join(fixtures, 'short-forms.yaml')]);
    const template = input.template as any;
    const props = (logicalId: string) => template.Resources[logicalId].Properties;

    test('turns !Ref, !GetAtt and !Condition into their long forms', () => {
      expect(props('Subnet').VpcId).toEqual({ Ref: 'Vpc' });
      expect(props('Subnet').CidrBlock).toEqual({ 'Fn::Select': [0, { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 4, 8] }] });
      expect(template.Conditions.Both).toEqual({ 'Fn::And': [{ Condition: 'IsProd' }, { Condition: 'NotDev' }] });
    });

    test('splits !GetAtt Resource.Attribute on the first dot, and keeps the sequence form', () => {
      expect(props('Db').Address).toEqual({ 'Fn::GetAtt': ['Db', 'Endpoint.Address'] });
      expect(props('Db').Port).toEqual({ 'Fn::GetAtt': ['Db', 'Endpoint.Port'] });
    });

    test('turns !Sub in both forms, and nested short forms, into long forms', () => {
      expect(props('Vpc').Tags).toEqual([
        { Key: 'Name', Value: { 'Fn::Sub': '${AWS::StackName}-vpc' } },
        { Key: 'Shared', Value: { 'Fn::Sub': ['${Prefix}-vpc', { Prefix: { 'Fn::ImportValue': 'shared-prefix' } }] } },
      ]);
    });

    test('turns every other short form into Fn::<name>', () => {
      expect(template.Conditions.IsProd).toEqual({ 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] });
      expect(template.Conditions.NotDev).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Env' }, 'dev'] }] });
      expect(template.Conditions.Either).toEqual({ 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'NotDev' }] });
      expect(props('Vpc').CidrBlock).toEqual({ 'Fn::FindInMap': ['Cidrs', { Ref: 'AWS::Region' }, 'Vpc'] });
      expect(props('Vpc').EnableDnsHostnames).toEqual({ 'Fn::If': ['IsProd', true, false] });
      expect(props('Subnet').AvailabilityZone).toEqual({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] });
      expect(props('Subnet').Ipv6CidrBlock).toEqual({ 'Fn::Select': [0, { 'Fn::Split': [',', { 'Fn::Join': [',', ['a', 'b']] }] }] });
      expect(props('Db')).toMatchObject({
        UserData: { 'Fn::Base64': 'hello' },
        Json: { 'Fn::ToJsonString': { a: 1 } },
        Count: { 'Fn::Length': ['a', 'b'] },
        Included: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://bucket/part.yaml' } } },
        VpcId: { 'Fn::GetStackOutput': { StackName: 'network', OutputName: 'VpcId' } },
      });
    });

    test('gives plain objects and arrays only, as JSON.parse would', () => {
      expect(template).toStrictEqual(JSON.parse(JSON.stringify(template)));
    });

    test('keeps yes, on and dates as strings (YAML 1.2 core schema)', () => {
      expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
      expect(template.Description).toBe('yes');
      expect(props('Vpc').EnableDnsSupport).toBe('on');
    });
  });

  test('reads a .template file, or one with no extension, as JSON or YAML by its content', () => {
    const json = write('json.template', '{ "Resources": { "Vpc": { "Type": "AWS::EC2::VPC" } } }');
    const yaml = write('yaml.template', 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: !Ref Cidr }\n');
    const bare = write('template', 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n');
    expect(loadInputs([json, yaml, bare]).map((i) => i.template)).toEqual([
      { Resources: { Vpc: { Type: 'AWS::EC2::VPC' } } },
      { Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: { Ref: 'Cidr' } } } } },
      { Resources: { Vpc: { Type: 'AWS::EC2::VPC' } } },
    ]);
  });

  test('reads a file given twice once', () => {
    const file = path.join(fixtures, 'vpc.template.json');
    expect(loadInputs([file, path.relative(process.cwd(), file)])).toHaveLength(1);
  });
});

describe('cloud assemblies', () => {
  test('reads every stack of an assembly: its Stages and its nested stacks, at all levels', () => {
    // GIVEN the assembly of an app with a stack (two levels of nested stacks) and a Stage
    // WHEN it is read
    const inputs = loadInputs([assembly]);
    // THEN each stack is an input, named as CDK names it, with its name and environment
    const dns = 'Network/DnsNestedStackDnsNestedStackResource1A2B3C4D';
    expect(described(inputs)).toEqual([
      {
        id: 'Prod/App',
        file: path.join(assembly, 'assembly-Prod', 'ProdApp0A1B2C3D.template.json'),
        stackName: 'Prod-App',
      },
      {
        id: 'Prod/App/NodesNestedStackNodesNestedStackResource9C8D7E6F',
        file: path.join(assembly, 'assembly-Prod', 'ProdAppNodes9C8D7E6F.nested.template.json'),
        parent: { id: 'Prod/App', logicalId: 'NodesNestedStackNodesNestedStackResource9C8D7E6F' },
      },
      {
        id: 'Network',
        file: path.join(assembly, 'Network.template.json'),
        stackName: 'network-prod',
        account: '111111111111',
        region: 'eu-west-1',
      },
      {
        id: dns,
        file: path.join(assembly, 'NetworkDns1A2B3C4D.nested.template.json'),
        parent: { id: 'Network', logicalId: 'DnsNestedStackDnsNestedStackResource1A2B3C4D' },
        account: '111111111111',
        region: 'eu-west-1',
      },
      {
        id: `${dns}/RecordsNestedStackRecordsNestedStackResource5E6F7A8B`,
        file: path.join(assembly, 'NetworkDnsRecords5E6F7A8B.nested.template.json'),
        parent: { id: dns, logicalId: 'RecordsNestedStackRecordsNestedStackResource5E6F7A8B' },
        account: '111111111111',
        region: 'eu-west-1',
      },
    ]);
    expect((inputs[3].template as any).Resources.Zone.Type).toBe('AWS::Route53::HostedZone');
  });

  test('finds a nested stack without asset metadata through the asset manifest', () => {
    // ProdApp's nested stack resource has no aws:asset:path: its TemplateURL names the object key
    const inputs = loadInputs([path.join(assembly, 'assembly-Prod')]);
    expect(inputs.map((i) => path.basename(i.file!))).toEqual([
      'ProdApp0A1B2C3D.template.json',
      'ProdAppNodes9C8D7E6F.nested.template.json',
    ]);
  });

  test('reads a stack given both as a file and in its assembly once, from the assembly', () => {
    const files = fs.readdirSync(assembly).filter((f) => f.endsWith('.template.json')).map((f) => path.join(assembly, f));
    expect(files).toHaveLength(3);
    expect(described(loadInputs([...files, assembly])).map((i) => i.id)).toEqual([
      'Prod/App',
      'Prod/App/NodesNestedStackNodesNestedStackResource9C8D7E6F',
      'Network',
      'Network/DnsNestedStackDnsNestedStackResource1A2B3C4D',
      'Network/DnsNestedStackDnsNestedStackResource1A2B3C4D/RecordsNestedStackRecordsNestedStackResource5E6F7A8B',
    ]);
  });

  test('reads nested templates given with their parent (cdk.out/*.template.json) once, under the parent', () => {
    const files = fs.readdirSync(assembly).filter((f) => f.endsWith('.template.json')).sort().map((f) => path.join(assembly, f));
    const parent = path.join(assembly, 'Network.template.json');
    expect(described(loadInputs(files))).toEqual([
      { id: parent, file: parent },
      {
        id: `${parent}/DnsNestedStackDnsNestedStackResource1A2B3C4D`,
        file: path.join(assembly, 'NetworkDns1A2B3C4D.nested.template.json'),
        parent: { id: parent, logicalId: 'DnsNestedStackDnsNestedStackResource1A2B3C4D' },
      },
      {
        id: `${parent}/DnsNestedStackDnsNestedStackResource1A2B3C4D/RecordsNestedStackRecordsNestedStackResource5E6F7A8B`,
        file: path.join(assembly, 'NetworkDnsRecords5E6F7A8B.nested.template.json'),
        parent: {
          id: `${parent}/DnsNestedStackDnsNestedStackResource1A2B3C4D`,
          logicalId: 'RecordsNestedStackRecordsNestedStackResource5E6F7A8B',
        },
      },
    ]);
  });

  test('names the stacks of a second assembly by their directory when the names are taken', () => {
    const copy = path.join(tmp, 'other-app');
    fs.cpSync(assembly, copy, { recursive: true });
    const ids = loadInputs([assembly, copy]).filter((i) => !i.parent).map((i) => i.id);
    expect(ids).toEqual(['Prod/App', 'Network', path.join(copy, 'Prod/App'), path.join(copy, 'Network')]);
  });
});

describe('refusals', () => {
  test('refuses invalid JSON with the line and column of the error', () => {
    const file = write('bad.json', '{\n  "Resources": {\n    "Vpc": { "Type": tru }\n  }\n}\n');
    expect(refusal([file])).toMatchObject({ file, line: 3, column: 22, message: `${file}:3:22: invalid JSON: expected a value` });
  });

  test('refuses invalid YAML with the line and column of the error', () => {
    const file = write('bad.yaml', 'Resources:\n  Vpc:\n    Type: [AWS::EC2::VPC\n');
    expect(refusal([file])).toMatchObject({ file, line: 4, column: 1 });
    expect(refusal([file]).message).toMatch(/^.*bad\.yaml:4:1: invalid YAML: /);
  });

  test('reads duplicate keys as CloudFormation does, the last one, with a note where the second one is', () => {
    // real templates carry them (aws-samples/eks-private-nat-gateway), and CloudFormation deploys them
    const json = write('dup.json', '{\n  "Resources": {\n    "Vpc": {"Type": "A"},\n    "Vpc": {"Type": "AWS::EC2::VPC"}\n  }\n}\n');
    const yaml = write('dup.yaml', 'Resources:\n  Vpc:\n    Type: A\n  Vpc:\n    Type: AWS::EC2::VPC\n');
    const { inputs, notes } = readInputs([json, yaml]);
    expect(inputs.map((i) => (i.template as any).Resources.Vpc.Type)).toEqual(['AWS::EC2::VPC', 'AWS::EC2::VPC']);
    expect(notes).toEqual([
      `${json}:4:5: duplicate key "Vpc": the last one is read, as CloudFormation does`,
      `${yaml}:4:3: duplicate key "Vpc": the last one is read, as CloudFormation does`,
    ]);
  });

  test('refuses an unknown tag and !GetAtt without an attribute', () => {
    const unknown = write('unknown-tag.yaml', 'Resources:\n  Vpc: !Reference Vpc\n');
    const getAtt = write('getatt.yaml', 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: !GetAtt Other }\n');
    expect(refusal([unknown]).message).toBe(`${unknown}:2:8: invalid YAML: unknown tag !Reference: not a CloudFormation short form`);
    expect(refusal([getAtt]).message).toMatch(/getatt\.yaml:4:30: invalid YAML: !GetAtt Other: expected Resource\.Attribute/);
  });

  test('refuses a YAML file with more than one document', () => {
    const file = write('two.yaml', 'Resources: {}\n---\nResources: {}\n');
    expect(refusal([file]).message).toBe(`${file}:2:1: invalid YAML: more than one document: a template is one`);
  });

  test('refuses a cloud assembly whose manifest names a missing template', () => {
    const dir = path.join(tmp, 'broken-assembly');
    write('broken-assembly/manifest.json', JSON.stringify({
      artifacts: { App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json' } } },
    }));
    expect(refusal([dir]).message).toBe(
      `${path.join(dir, 'App.template.json')}: no such file (the template of stack artifact App in ${path.join(dir, 'manifest.json')})`);
  });

  test('refuses a cloud assembly without a stack', () => {
    const dir = path.join(tmp, 'empty-assembly');
    write('empty-assembly/manifest.json', '{ "version": "55.0.0", "artifacts": {} }');
    expect(refusal([dir]).message).toBe(`${dir}: the cloud assembly holds no CloudFormation stack`);
  });
});

describe('YAML that CloudFormation reads and the YAML 1.2 grammar does not', () => {
  test('reads a quoted string continued on a line no deeper than its key, as CloudFormation and PyYAML do', () => {
    const [input] = loadInputs([path.join(fixtures, 'lenient-multiline-string.yaml')]);
    const template = input.template as any;
    expect(template.Parameters.Label.Description).toBe("(Optional) A label for the cluster's tags. It must match the label used by the other stacks of the same environment.");
    expect(template.Resources.Topic.Properties.TopicName).toEqual({ 'Fn::Sub': '${Label}-events' });
  });
});

describe('the short forms of the Rules section', () => {
  test('reads !ValueOf, !Contains, !EachMemberIn and the others as their long forms', () => {
    const file = path.join(os.tmpdir(), `rules-${process.pid}.yaml`);
    fs.writeFileSync(file, [
      'Rules:', '  SubnetsInVpc:', '    Assertions:', '      - Assert: !EachMemberEquals [!ValueOfAll [AWS::EC2::Subnet::Id, VpcId], !Ref Vpc]',
      '      - Assert: !Contains [[a, b], !ValueOf [Subnet, VpcId]]', '      - Assert: !EachMemberIn [!RefAll AWS::EC2::VPC::Id, [vpc-1]]',
      'Resources:', '  Topic:', '    Type: AWS::SNS::Topic', '',
    ].join('\n'));
    const [input] = loadInputs([file]);
    const assertions = (input.template as any).Rules.SubnetsInVpc.Assertions;
    expect(assertions[0].Assert).toEqual({ 'Fn::EachMemberEquals': [{ 'Fn::ValueOfAll': ['AWS::EC2::Subnet::Id', 'VpcId'] }, { Ref: 'Vpc' }] });
    expect(assertions[1].Assert['Fn::Contains'][1]).toEqual({ 'Fn::ValueOf': ['Subnet', 'VpcId'] });
    expect(assertions[2].Assert['Fn::EachMemberIn'][0]).toEqual({ 'Fn::RefAll': 'AWS::EC2::VPC::Id' });
  });
});
