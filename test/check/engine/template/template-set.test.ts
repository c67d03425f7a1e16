import { TemplateInput } from '../../../../lib/check/engine/read/input';
import { Template, TemplateSet } from '../../../../lib/check/engine/template/template-set';
import { describe as describeValue, ResourceRef, Text, Unknown, Value } from '../../../../lib/check/engine/template/value';

/**
 * The intrinsic evaluator: what `Template.evaluate` makes of each intrinsic, alone and across
 * the templates of a set (imports, stack outputs, nested stacks). What it cannot know at synth
 * is `Unknown` with the reason; what it is given malformed it never throws on.
 */

/** The one template of a set made of `template`, with the input's other fields. */
function templateOf(template: unknown, input: Partial<TemplateInput> = {}): Template {
  return new TemplateSet([{ id: 't', template, ...input }]).templates[0];
}

/** A template of a set by its id. */
function byId(set: TemplateSet, id: string): Template {
  const found = set.templates.find((t) => t.id === id);
  if (!found) throw new Error(`no template ${id}`);
  return found;
}

/** A value evaluated in a template with the usual sections of a small network stack. */
function evaluate(value: unknown, input: Partial<TemplateInput> = {}): Value {
  return templateOf(BASE, input).evaluate(value);
}

/** What an `Unknown` says it depends on; fails the test when the value is known. */
function why(value: Value): string {
  if (!(value instanceof Unknown)) throw new Error(`expected an Unknown, got ${describeValue(value)}`);
  return value.why;
}

/** A reference's resource logical ID (with its template) and attribute. */
function refTo(value: Value): { template: string; logicalId: string; attribute: string } {
  if (!(value instanceof ResourceRef)) throw new Error(`expected a ResourceRef, got ${describeValue(value)}`);
  const resource = value.resource as unknown as { template: Template; logicalId: string };
  return { template: resource.template.id, logicalId: resource.logicalId, attribute: value.attribute };
}

const BASE = {
  Parameters: {
    Env: { Type: 'String', AllowedValues: ['prod', 'dev'] },
    Subnets: { Type: 'List<AWS::EC2::Subnet::Id>' },
    Cidrs: { Type: 'CommaDelimitedList' },
  },
  Conditions: {
    Always: { 'Fn::Equals': ['a', 'a'] },
    Never: { 'Fn::Equals': ['a', 'b'] },
    NumberAndString: { 'Fn::Equals': [1, '1'] },
    NotNever: { 'Fn::Not': [{ Condition: 'Never' }] },
    BothKnown: { 'Fn::And': [{ Condition: 'Always' }, { 'Fn::Not': [{ Condition: 'Never' }] }] },
    EitherKnown: { 'Fn::Or': [{ Condition: 'Never' }, { Condition: 'Always' }] },
    IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
    ProdAndNever: { 'Fn::And': [{ Condition: 'IsProd' }, { Condition: 'Never' }] },
    ProdOrAlways: { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'Always' }] },
    ProdAndAlways: { 'Fn::And': [{ Condition: 'IsProd' }, { Condition: 'Always' }] },
    SelfReferring: { 'Fn::Not': [{ Condition: 'SelfReferring' }] },
  },
  Mappings: {
    Regions: { 'eu-west-1': { Cidr: '10.0.0.0/16', Azs: ['eu-west-1a', 'eu-west-1b'] } },
  },
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Eip: { Type: 'AWS::EC2::EIP' },
  },
};

describe('Ref', () => {
  test('to a resource is a ResourceRef to it, attribute Ref', () => {
    expect(refTo(evaluate({ Ref: 'Vpc' }))).toEqual({ template: 't', logicalId: 'Vpc', attribute: 'Ref' });
  });

  test('to a parameter is Unknown, naming the parameter and its type', () => {
    expect(why(evaluate({ Ref: 'Env' }))).toBe('parameter Env (String)');
    expect(why(evaluate({ Ref: 'Subnets' }))).toBe('parameter Subnets (List<AWS::EC2::Subnet::Id>)');
  });

  test('to a parameter declared without a type is Unknown as a String parameter', () => {
    expect(why(templateOf({ Parameters: { P: {} } }).evaluate({ Ref: 'P' }))).toBe('parameter P (String)');
  });

  test('to a name the template does not define is Unknown, naming it', () => {
    expect(why(evaluate({ Ref: 'Nowhere' }))).toBe('Ref Nowhere, which the template does not define');
  });

  test('to a resource whose condition is false is Unknown: the resource is not there', () => {
    const t = templateOf({ Conditions: { Off: false }, Resources: { Gone: { Type: 'AWS::EC2::VPC', Condition: 'Off' } } });
    expect(why(t.evaluate({ Ref: 'Gone' }))).toMatch(/Ref Gone, which the template does not define/);
  });
});

describe('pseudo parameters', () => {
  test('AWS::Region is Unknown unless the input gives the region', () => {
    expect(why(evaluate({ Ref: 'AWS::Region' }))).toBe('AWS::Region');
    expect(evaluate({ Ref: 'AWS::Region' }, { region: 'eu-west-1' })).toBe('eu-west-1');
  });

  test('AWS::AccountId and AWS::StackName resolve from the input when given', () => {
    expect(why(evaluate({ Ref: 'AWS::AccountId' }))).toBe('AWS::AccountId');
    expect(evaluate({ Ref: 'AWS::AccountId' }, { account: '123456789012' })).toBe('123456789012');
    expect(why(evaluate({ Ref: 'AWS::StackName' }))).toBe('AWS::StackName');
    expect(evaluate({ Ref: 'AWS::StackName' }, { stackName: 'Network' })).toBe('Network');
  });

  test.each(['AWS::Partition', 'AWS::URLSuffix', 'AWS::StackId', 'AWS::NotificationARNs', 'AWS::Unheard'])('%s is Unknown, named', (name) => {
    expect(why(evaluate({ Ref: name }))).toBe(name);
  });

  test('AWS::NoValue removes the key it is the value of', () => {
    expect(evaluate({ A: 'kept', B: { Ref: 'AWS::NoValue' } })).toEqual({ A: 'kept' });
  });

  test('AWS::NoValue removes the list item it is', () => {
    expect(evaluate(['a', { Ref: 'AWS::NoValue' }, 'b'])).toEqual(['a', 'b']);
  });

  test('AWS::NoValue as a whole value is absent', () => {
    expect(evaluate({ Ref: 'AWS::NoValue' })).toBeUndefined();
  });

  test('AWS::NoValue chosen by Fn::If removes the key or the item', () => {
    expect(evaluate({ A: { 'Fn::If': ['Never', 'x', { Ref: 'AWS::NoValue' }] } })).toEqual({});
    expect(evaluate(['a', { 'Fn::If': ['Always', { Ref: 'AWS::NoValue' }, 'x'] }])).toEqual(['a']);
  });

  test('AWS::NoValue in a property removes it from the resource properties', () => {
    const t = templateOf({ Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: { Ref: 'AWS::NoValue' } } } } });
    expect(t.resources.get('Vpc')!.properties).toEqual({ CidrBlock: '10.0.0.0/16' });
  });
});

describe('Fn::GetAtt', () => {
  test('in the list form is a ResourceRef with the attribute', () => {
    expect(refTo(evaluate({ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }))).toEqual({ template: 't', logicalId: 'Vpc', attribute: 'CidrBlock' });
  });

  test('in the string form splits on the first dot', () => {
    expect(refTo(evaluate({ 'Fn::GetAtt': 'Vpc.Ipv6CidrBlocks.0' }))).toEqual({ template: 't', logicalId: 'Vpc', attribute: 'Ipv6CidrBlocks.0' });
  });

  test('with the attribute given by an intrinsic that evaluates to a string', () => {
    expect(refTo(evaluate({ 'Fn::GetAtt': ['Vpc', { 'Fn::Join': ['', ['Cidr', 'Block']] }] })).attribute).toBe('CidrBlock');
  });

  test('with the attribute a parameter is Unknown', () => {
    expect(why(evaluate({ 'Fn::GetAtt': ['Vpc', { Ref: 'Env' }] }))).toBe('Fn::GetAtt with names not known at synth');
  });

  test('of a resource the template does not define is Unknown, naming it', () => {
    expect(why(evaluate({ 'Fn::GetAtt': ['Nowhere', 'Arn'] }))).toBe('Fn::GetAtt Nowhere.Arn, which the template does not define');
  });
});

describe('Fn::Sub', () => {
  test('of plain text is the text', () => {
    expect(evaluate({ 'Fn::Sub': 'com.amazonaws.eu-west-1.s3' })).toBe('com.amazonaws.eu-west-1.s3');
  });

  test('keeps ${!Literal} as the literal ${Literal}', () => {
    expect(evaluate({ 'Fn::Sub': 'echo ${!HOME}/bin' })).toBe('echo ${HOME}/bin');
  });

  test('with a variable map uses the map', () => {
    expect(evaluate({ 'Fn::Sub': ['${Prefix}-vpc', { Prefix: 'prod' }] })).toBe('prod-vpc');
  });

  test('with a variable map whose value is a deploy-time value is Text with that Unknown', () => {
    const value = evaluate({ 'Fn::Sub': ['${Prefix}-vpc', { Prefix: { 'Fn::ImportValue': 'shared-prefix' } }] });
    expect(value).toBeInstanceOf(Text);
    const [unknown, rest] = (value as Text).parts;
    expect(why(unknown as Value)).toBe('the export shared-prefix, from a stack not given');
    expect(rest).toBe('-vpc');
  });

  test('with ${Resource.Attribute} is Text with a ResourceRef to the attribute', () => {
    const value = evaluate({ 'Fn::Sub': '${Eip.PublicIp}/32' });
    expect(value).toBeInstanceOf(Text);
    const [ref, suffix] = (value as Text).parts;
    expect(refTo(ref as Value)).toEqual({ template: 't', logicalId: 'Eip', attribute: 'PublicIp' });
    expect(suffix).toBe('/32');
  });

  test('with ${Resource} is Text with a Ref to it', () => {
    const value = evaluate({ 'Fn::Sub': 'arn:aws:ec2:::vpc/${Vpc}' }) as Text;
    expect(value.parts[0]).toBe('arn:aws:ec2:::vpc/');
    expect(refTo(value.parts[1] as Value).attribute).toBe('Ref');
  });

  test('with ${AWS::Region} is a string when the region is known, else Text with the Unknown', () => {
    expect(evaluate({ 'Fn::Sub': 'com.amazonaws.${AWS::Region}.ecr.api' }, { region: 'eu-west-1' })).toBe('com.amazonaws.eu-west-1.ecr.api');
    const value = evaluate({ 'Fn::Sub': 'com.amazonaws.${AWS::Region}.ecr.api' }) as Text;
    expect(value.parts).toHaveLength(3);
    expect(value.parts[0]).toBe('com.amazonaws.');
    expect(why(value.parts[1] as Value)).toBe('AWS::Region');
    expect(value.parts[2]).toBe('.ecr.api');
  });

  test('with ${Parameter} is Text with the parameter Unknown', () => {
    const value = evaluate({ 'Fn::Sub': '${Env}-cluster' }) as Text;
    expect(why(value.parts[0] as Value)).toBe('parameter Env (String)');
  });

  test('describes built strings with their references', () => {
    expect(describeValue(evaluate({ 'Fn::Sub': '${Eip}/32' }))).toBe('<t/Eip>/32');
  });
});

describe('Fn::Join', () => {
  test('of literals is the joined string', () => {
    expect(evaluate({ 'Fn::Join': ['.', ['com', 'amazonaws', 'eu-west-1', 's3']] })).toBe('com.amazonaws.eu-west-1.s3');
  });

  test('of literals and numbers is a string', () => {
    expect(evaluate({ 'Fn::Join': ['', ['10.0.0.0/', 16]] })).toBe('10.0.0.0/16');
  });

  test('with a Ref is Text with the literal parts merged around it', () => {
    const value = evaluate({ 'Fn::Join': ['', [{ Ref: 'Eip' }, '/', '32']] });
    expect(value).toBeInstanceOf(Text);
    expect((value as Text).parts).toHaveLength(2);
    expect(refTo((value as Text).parts[0] as Value).logicalId).toBe('Eip');
    expect((value as Text).parts[1]).toBe('/32');
  });

  test('of a list parameter is Unknown, naming it', () => {
    expect(why(evaluate({ 'Fn::Join': [',', { Ref: 'Cidrs' }] }))).toBe('parameter Cidrs (CommaDelimitedList)');
  });

  test('of an empty list is the empty string', () => {
    expect(evaluate({ 'Fn::Join': [',', []] })).toBe('');
  });
});

describe('Fn::Select', () => {
  test('on a literal list is the item', () => {
    expect(evaluate({ 'Fn::Select': [1, ['a', 'b', 'c']] })).toBe('b');
  });

  test('takes the index as a string of digits', () => {
    expect(evaluate({ 'Fn::Select': ['2', ['a', 'b', 'c']] })).toBe('c');
  });

  test('on a list of references is the reference', () => {
    expect(refTo(evaluate({ 'Fn::Select': [0, [{ Ref: 'Vpc' }, { Ref: 'Eip' }]] })).logicalId).toBe('Vpc');
  });

  test('on an unknown list is Unknown, naming the item and the list', () => {
    expect(why(evaluate({ 'Fn::Select': [0, { Ref: 'Subnets' }] }))).toBe('item 0 of parameter Subnets (List<AWS::EC2::Subnet::Id>)');
  });

  test('with an index that is a parameter is Unknown', () => {
    expect(why(evaluate({ 'Fn::Select': [{ Ref: 'Env' }, ['a']] }))).toBe('Fn::Select with an index not known at synth');
  });

  test('on an Fn::Split of literals is the piece', () => {
    expect(evaluate({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] })).toBe('b');
  });
});

describe('Fn::Split', () => {
  test('of a literal string is the list of pieces', () => {
    expect(evaluate({ 'Fn::Split': [',', '10.0.0.0/24,10.0.1.0/24'] })).toEqual(['10.0.0.0/24', '10.0.1.0/24']);
  });

  test('of a deploy-time value is Unknown, naming it', () => {
    expect(why(evaluate({ 'Fn::Split': [',', { 'Fn::ImportValue': 'SubnetIds' }] }))).toBe('Fn::Split of the export SubnetIds, from a stack not given');
  });

  test('of built text is Unknown', () => {
    expect(why(evaluate({ 'Fn::Split': [',', { 'Fn::Sub': '${Vpc},x' }] }))).toBe('Fn::Split of a value not known at synth');
  });
});

describe('Fn::If and conditions', () => {
  test.each([
    ['Fn::Equals of two equal literals', 'Always', 'yes'],
    ['Fn::Equals of two different literals', 'Never', 'no'],
    ['Fn::Equals of a number and the same string', 'NumberAndString', 'yes'],
    ['Fn::Not', 'NotNever', 'yes'],
    ['Fn::And', 'BothKnown', 'yes'],
    ['Fn::Or', 'EitherKnown', 'yes'],
    ['Fn::And with a false operand, whatever the parameter', 'ProdAndNever', 'no'],
    ['Fn::Or with a true operand, whatever the parameter', 'ProdOrAlways', 'yes'],
  ])('with a known condition (%s) is the branch it chooses', (_name, condition, expected) => {
    expect(evaluate({ 'Fn::If': [condition, 'yes', 'no'] })).toBe(expected);
  });

  test('with a condition given as a Condition reference inside Fn::Not', () => {
    const t = templateOf({ Conditions: { A: true, NotA: { 'Fn::Not': [{ Condition: 'A' }] } } });
    expect(t.condition('NotA')).toBe(false);
    expect(t.evaluate({ 'Fn::If': ['NotA', 1, 2] })).toBe(2);
  });

  test('evaluates only the chosen branch', () => {
    expect(evaluate({ 'Fn::If': ['Always', { Ref: 'Vpc' }, { 'Fn::GetAtt': ['Nowhere', 'X'] }] })).toBeInstanceOf(ResourceRef);
  });

  test.each(['IsProd', 'ProdAndAlways'])('with a condition on a parameter (%s) is Unknown, naming the condition', (condition) => {
    expect(why(evaluate({ 'Fn::If': [condition, 'yes', 'no'] }))).toBe(`condition ${condition}`);
  });

  test('with a condition on a parameter and equal branches is the branch', () => {
    expect(evaluate({ 'Fn::If': ['IsProd', ['10.0.0.0/8'], ['10.0.0.0/8']] })).toEqual(['10.0.0.0/8']);
    expect(refTo(evaluate({ 'Fn::If': ['IsProd', { Ref: 'Vpc' }, { Ref: 'Vpc' }] })).logicalId).toBe('Vpc');
  });

  test('with a condition on a parameter and one branch AWS::NoValue is Unknown', () => {
    expect(why(evaluate({ 'Fn::If': ['IsProd', 'x', { Ref: 'AWS::NoValue' }] }))).toBe('condition IsProd');
  });

  test('with a condition the template does not define is Unknown', () => {
    expect(why(evaluate({ 'Fn::If': ['Undefined', 'yes', 'no'] }))).toBe('condition Undefined');
  });

  test('a condition that refers to itself is unknown, not a stack overflow', () => {
    const t = templateOf(BASE);
    expect(t.condition('SelfReferring')).toBe('unknown');
  });

  test('on a parameter condition is the same value every time it is read', () => {
    const t = templateOf(BASE);
    expect(t.condition('IsProd')).toBe('unknown');
    expect(t.condition('IsProd')).toBe('unknown');
    expect(t.condition('Always')).toBe(true);
  });
});

describe('Fn::FindInMap', () => {
  test('with literal keys is the mapped value', () => {
    expect(evaluate({ 'Fn::FindInMap': ['Regions', 'eu-west-1', 'Cidr'] })).toBe('10.0.0.0/16');
    expect(evaluate({ 'Fn::FindInMap': ['Regions', 'eu-west-1', 'Azs'] })).toEqual(['eu-west-1a', 'eu-west-1b']);
  });

  test('with a key from a known pseudo parameter is the mapped value', () => {
    expect(evaluate({ 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Cidr'] }, { region: 'eu-west-1' })).toBe('10.0.0.0/16');
  });

  test('with a key that is a deploy-time value is Unknown', () => {
    expect(why(evaluate({ 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Cidr'] }))).toBe('Fn::FindInMap with keys not known at synth');
  });

  test('with keys not in the mappings is Unknown, naming them', () => {
    expect(why(evaluate({ 'Fn::FindInMap': ['Regions', 'us-east-1', 'Cidr'] }))).toBe('mapping Regions.us-east-1.Cidr, not in the template');
  });
});

describe('Fn::ImportValue', () => {
  const exporter = {
    Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } } },
    Outputs: {
      VpcId: { Value: { Ref: 'Vpc' }, Export: { Name: 'network-vpc' } },
      Cidr: { Value: '10.0.0.0/16', Export: { Name: { 'Fn::Sub': '${AWS::StackName}-cidr' } } },
    },
  };

  test('of an export in another template of the set is the exporter\'s value: a reference to its resource', () => {
    // GIVEN a network template that exports its VPC, and a cluster template that imports it
    const set = new TemplateSet([
      { id: 'network', template: exporter, stackName: 'Network' },
      { id: 'cluster', template: {} },
    ]);
    // WHEN the cluster template evaluates the import
    const value = byId(set, 'cluster').evaluate({ 'Fn::ImportValue': 'network-vpc' });
    // THEN it is the network template's VPC
    expect(refTo(value)).toEqual({ template: 'network', logicalId: 'Vpc', attribute: 'Ref' });
  });

  test('finds an export whose name is built with the exporter\'s stack name', () => {
    const set = new TemplateSet([{ id: 'network', template: exporter, stackName: 'Network' }, { id: 'cluster', template: {} }]);
    expect(byId(set, 'cluster').evaluate({ 'Fn::ImportValue': 'Network-cidr' })).toBe('10.0.0.0/16');
    expect(byId(set, 'cluster').evaluate({ 'Fn::ImportValue': { 'Fn::Sub': 'Network-cidr' } })).toBe('10.0.0.0/16');
  });

  test('of an export no template given makes is Unknown, naming the export', () => {
    expect(why(evaluate({ 'Fn::ImportValue': 'shared-vpc' }))).toBe('the export shared-vpc, from a stack not given');
  });

  test('with an export name that is a deploy-time value is Unknown', () => {
    expect(why(evaluate({ 'Fn::ImportValue': { 'Fn::Sub': '${Env}-vpc' } }))).toBe('an import whose export name is not known at synth');
  });

  test('of an export two templates make is Unknown', () => {
    const set = new TemplateSet([{ id: 'a', template: exporter }, { id: 'b', template: exporter }, { id: 'c', template: {} }]);
    expect(why(byId(set, 'c').evaluate({ 'Fn::ImportValue': 'network-vpc' }))).toBe('the export network-vpc, defined by more than one template given');
  });

  test('in a cycle (A exports what it imports from B, B what it imports from A) is Unknown, not a stack overflow', () => {
    // GIVEN two templates whose exports import each other
    const set = new TemplateSet([
      { id: 'a', template: { Outputs: { O: { Value: { 'Fn::ImportValue': 'from-b' }, Export: { Name: 'from-a' } } } } },
      { id: 'b', template: { Outputs: { O: { Value: { 'Fn::ImportValue': 'from-a' }, Export: { Name: 'from-b' } } } } },
    ]);
    // WHEN either import is evaluated
    // THEN it is Unknown, because of the cycle
    expect(why(byId(set, 'a').evaluate({ 'Fn::ImportValue': 'from-b' }))).toBe('a circular reference');
    expect(why(byId(set, 'b').evaluate({ 'Fn::ImportValue': 'from-a' }))).toBe('a circular reference');
  });

  test('of an export that imports itself is Unknown', () => {
    const set = new TemplateSet([{ id: 'a', template: { Outputs: { O: { Value: { 'Fn::ImportValue': 'me' }, Export: { Name: 'me' } } } } }]);
    expect(why(set.templates[0].evaluate({ 'Fn::ImportValue': 'me' }))).toBe('a circular reference');
  });

  test('in a cycle through built strings is Text with the Unknown, not a stack overflow', () => {
    const set = new TemplateSet([
      { id: 'a', template: { Outputs: { O: { Value: { 'Fn::Join': ['-', ['a', { 'Fn::ImportValue': 'from-b' }]] }, Export: { Name: 'from-a' } } } } },
      { id: 'b', template: { Outputs: { O: { Value: { 'Fn::Join': ['-', ['b', { 'Fn::ImportValue': 'from-a' }]] }, Export: { Name: 'from-b' } } } } },
    ]);
    expect(describeValue(byId(set, 'a').evaluate({ 'Fn::ImportValue': 'from-a' }))).toBe('a-b-<a circular reference>');
  });
});

describe('Fn::GetStackOutput', () => {
  const network = {
    Resources: { Vpc: { Type: 'AWS::EC2::VPC' } },
    Outputs: { VpcId: { Value: { Ref: 'Vpc' } } },
  };

  test('finds the stack by the input\'s stackName and reads its output', () => {
    const set = new TemplateSet([{ id: 'network', template: network, stackName: 'Network' }, { id: 'cluster', template: {} }]);
    const value = byId(set, 'cluster').evaluate({ 'Fn::GetStackOutput': { StackName: 'Network', OutputName: 'VpcId', Region: 'eu-west-1' } });
    expect(refTo(value)).toEqual({ template: 'network', logicalId: 'Vpc', attribute: 'Ref' });
  });

  test('of a stack not given is Unknown, naming the output and the stack', () => {
    expect(why(evaluate({ 'Fn::GetStackOutput': { StackName: 'Other', OutputName: 'VpcId' } }))).toBe('output VpcId of stack Other, not given');
  });

  test('of an output the stack does not have is Unknown', () => {
    const set = new TemplateSet([{ id: 'network', template: network, stackName: 'Network' }, { id: 'cluster', template: {} }]);
    expect(why(byId(set, 'cluster').evaluate({ 'Fn::GetStackOutput': { StackName: 'Network', OutputName: 'Nope' } }))).toBe('output Nope of stack Network, not given');
  });

  test('with a stack name that is a parameter is Unknown', () => {
    expect(why(evaluate({ 'Fn::GetStackOutput': { StackName: { Ref: 'Env' }, OutputName: 'VpcId' } }))).toBe('a stack output whose stack is not known at synth');
  });

  test('that is malformed is Unknown', () => {
    expect(evaluate({ 'Fn::GetStackOutput': ['Network', 'VpcId'] })).toBeInstanceOf(Unknown);
    expect(evaluate({ 'Fn::GetStackOutput': null })).toBeInstanceOf(Unknown);
  });
});

describe('nested stacks', () => {
  const parent = {
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      Child: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: { TemplateURL: 'https://example.com/child.json', Parameters: { VpcId: { Ref: 'Vpc' }, Name: 'passed' } },
      },
    },
  };
  const child = {
    Parameters: { VpcId: { Type: 'AWS::EC2::VPC::Id' }, Name: { Type: 'String' }, Cidr: { Type: 'String', Default: '10.0.1.0/24' }, Free: { Type: 'String' } },
    Resources: { Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'VpcId' }, CidrBlock: { Ref: 'Cidr' } } } },
    Outputs: { SubnetId: { Value: { Ref: 'Subnet' } }, Label: { Value: { 'Fn::Sub': '${Name}-subnet' } } },
  };
  const set = () => new TemplateSet([
    { id: 'parent', template: parent },
    { id: 'child', template: child, parent: { id: 'parent', logicalId: 'Child' } },
  ]);

  test('a child parameter passed by the parent\'s Stack resource is the parent\'s value: a reference into the parent', () => {
    const subnet = byId(set(), 'child').resources.get('Subnet')!;
    expect(refTo(subnet.properties.VpcId)).toEqual({ template: 'parent', logicalId: 'Vpc', attribute: 'Ref' });
  });

  test('a child parameter not passed takes its Default', () => {
    expect(byId(set(), 'child').resources.get('Subnet')!.properties.CidrBlock).toBe('10.0.1.0/24');
  });

  test('a child parameter neither passed nor defaulted is Unknown', () => {
    expect(why(byId(set(), 'child').evaluate({ Ref: 'Free' }))).toBe('parameter Free (String)');
  });

  test('the parent\'s Fn::GetAtt [Child, Outputs.X] reads the child\'s output', () => {
    const p = byId(set(), 'parent');
    expect(refTo(p.evaluate({ 'Fn::GetAtt': ['Child', 'Outputs.SubnetId'] }))).toEqual({ template: 'child', logicalId: 'Subnet', attribute: 'Ref' });
    expect(p.evaluate({ 'Fn::GetAtt': 'Child.Outputs.Label' })).toBe('passed-subnet');
  });

  test('an output of a nested stack whose template is not given is Unknown', () => {
    const alone = templateOf(parent);
    expect(why(alone.evaluate({ 'Fn::GetAtt': ['Child', 'Outputs.SubnetId'] }))).toBe('Outputs.SubnetId of the nested stack Child, whose template is not given');
  });

  test('an output the child does not have is Unknown', () => {
    expect(why(byId(set(), 'parent').evaluate({ 'Fn::GetAtt': ['Child', 'Outputs.Nope'] }))).toMatch(/Outputs\.Nope of the nested stack Child/);
  });

  test('a parent attribute other than an output is a reference to the Stack resource', () => {
    expect(refTo(byId(set(), 'parent').evaluate({ 'Fn::GetAtt': ['Child', 'Arn'] }))).toEqual({ template: 'parent', logicalId: 'Child', attribute: 'Arn' });
  });

  test('a cycle between a child parameter and the child\'s own output is Unknown, not a stack overflow', () => {
    // GIVEN a parent that passes the child's output back in as the child's parameter
    const loopParent = { Resources: { Child: { Type: 'AWS::CloudFormation::Stack', Properties: { Parameters: { P: { 'Fn::GetAtt': ['Child', 'Outputs.O'] } } } } } };
    const loopChild = { Parameters: { P: { Type: 'String' } }, Outputs: { O: { Value: { Ref: 'P' } } } };
    const loop = new TemplateSet([{ id: 'p', template: loopParent }, { id: 'c', template: loopChild, parent: { id: 'p', logicalId: 'Child' } }]);
    // THEN both ends are Unknown
    expect(why(byId(loop, 'p').evaluate({ 'Fn::GetAtt': ['Child', 'Outputs.O'] }))).toBe('a circular reference');
    expect(why(byId(loop, 'c').evaluate({ Ref: 'P' }))).toBe('a circular reference');
  });

  test('a template named as its own parent is read without a stack overflow', () => {
    const self = { Parameters: { P: { Type: 'String' } }, Resources: { Me: { Type: 'AWS::CloudFormation::Stack', Properties: { Parameters: { P: { Ref: 'P' } } } } } };
    const t = new TemplateSet([{ id: 's', template: self, parent: { id: 's', logicalId: 'Me' } }]).templates[0];
    expect(t.evaluate({ Ref: 'P' })).toBeInstanceOf(Unknown);
  });

  test('a child whose parent is not in the set reads its parameters as deploy-time values', () => {
    const orphan = new TemplateSet([{ id: 'child', template: child, parent: { id: 'missing', logicalId: 'Child' } }]).templates[0];
    expect(why(orphan.resources.get('Subnet')!.properties.VpcId)).toBe('parameter VpcId (AWS::EC2::VPC::Id)');
  });
});

describe('resource-level conditions', () => {
  const template = {
    Parameters: { Env: { Type: 'String' } },
    Conditions: { Off: { 'Fn::Equals': ['a', 'b'] }, On: { 'Fn::Not': [{ Condition: 'Off' }] }, IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
    Resources: {
      Gone: { Type: 'AWS::EC2::VPC', Condition: 'Off' },
      There: { Type: 'AWS::EC2::VPC', Condition: 'On' },
      Maybe: { Type: 'AWS::EC2::VPC', Condition: 'IsProd' },
      Undefined: { Type: 'AWS::EC2::VPC', Condition: 'NotDeclared' },
      Plain: { Type: 'AWS::EC2::VPC' },
    },
  };

  test('a resource whose condition is false is absent', () => {
    expect(templateOf(template).resources.has('Gone')).toBe(false);
  });

  test('a resource whose condition is true exists', () => {
    expect(templateOf(template).resources.get('There')!.exists).toBe(true);
    expect(templateOf(template).resources.get('Plain')!.exists).toBe(true);
  });

  test('a resource whose condition depends on a parameter exists "unknown"', () => {
    expect(templateOf(template).resources.get('Maybe')!.exists).toBe('unknown');
  });

  test('a resource whose condition is not declared exists "unknown"', () => {
    expect(templateOf(template).resources.get('Undefined')!.exists).toBe('unknown');
  });
});

describe('intrinsics evaluated only at deploy time', () => {
  test.each([
    ['Fn::Base64', { 'Fn::Base64': 'echo hi' }],
    ['Fn::GetAZs', { 'Fn::GetAZs': '' }],
    ['Fn::Transform', { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://bucket/x.yaml' } } }],
    ['Fn::ForEach', { 'Fn::ForEach::Subnets': ['Id', ['A', 'B'], { 'Subnet${Id}': { Type: 'AWS::EC2::Subnet' } }] }],
    ['Fn::Length', { 'Fn::Length': [1, 2] }],
    ['Fn::ToJsonString', { 'Fn::ToJsonString': { a: 1 } }],
    ['an intrinsic nobody has heard of', { 'Fn::Frobnicate': [] }],
  ])('%s is Unknown, and does not throw', (name, value) => {
    const result = evaluate(value);
    expect(result).toBeInstanceOf(Unknown);
    expect(why(result)).toMatch(/evaluated only at deploy time/);
    expect(why(result)).toContain(name === 'an intrinsic nobody has heard of' ? 'Fn::Frobnicate' : name);
  });

  test('Fn::Select of Fn::GetAZs is Unknown, naming the item', () => {
    expect(why(evaluate({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }))).toBe('item 0 of Fn::GetAZs, evaluated only at deploy time');
  });

  test('a Fn::ForEach over a literal list is expanded, the identifier replaced in keys, Ref and strings', () => {
    const t = templateOf({ Resources: { 'Fn::ForEach::Subnets': ['Id', ['A', 'b-2'], {
      'Subnet&{Id}': { Type: 'AWS::EC2::Subnet', Properties: { Name: { Ref: 'Id' }, Label: { 'Fn::Sub': 'net-${Id}' } } },
    }], Vpc: { Type: 'AWS::EC2::VPC' } } });
    expect([...t.resources.keys()]).toEqual(['SubnetA', 'Subnetb2', 'Vpc']);
    expect(t.resources.get('Subnetb2')!.properties).toEqual({ Name: 'b-2', Label: 'net-b-2' });
    expect(t.unexpanded).toEqual([]);
  });

  test('a Fn::ForEach over a deploy-time list is skipped and recorded as unexpanded', () => {
    const t = templateOf({
      Parameters: { Ids: { Type: 'CommaDelimitedList' } },
      Resources: { 'Fn::ForEach::Subnets': ['Id', { Ref: 'Ids' }, { 'Subnet${Id}': { Type: 'AWS::EC2::Subnet' } }], Vpc: { Type: 'AWS::EC2::VPC' } },
    });
    expect([...t.resources.keys()]).toEqual(['Vpc']);
    expect(t.unexpanded).toEqual(['Fn::ForEach::Subnets']);
  });

  test('an object with Ref and other keys is an ordinary object, its values evaluated', () => {
    expect(evaluate({ Ref: 'Vpc', Extra: { Ref: 'Vpc' } })).toEqual({ Ref: 'Vpc', Extra: expect.any(ResourceRef) });
  });
});

describe('malformed input never throws', () => {
  test.each<[string, unknown]>([
    ['Fn::Join with a non-list', { 'Fn::Join': 'a,b' }],
    ['Fn::Join with a non-list second argument', { 'Fn::Join': [',', 'abc'] }],
    ['Fn::Join with a non-string delimiter', { 'Fn::Join': [1, ['a']] }],
    ['Fn::Join with a number', { 'Fn::Join': 3 }],
    ['Fn::Join of objects', { 'Fn::Join': ['', [{ a: 1 }, 'b']] }],
    ['Fn::Select index out of range', { 'Fn::Select': [5, ['a']] }],
    ['Fn::Select with a non-list', { 'Fn::Select': [0, 'abc'] }],
    ['Fn::Select with a boolean list', { 'Fn::Select': [0, true] }],
    ['Fn::Select with a wrong arity', { 'Fn::Select': [0] }],
    ['Fn::Select with a negative index', { 'Fn::Select': [-1, ['a']] }],
    ['Fn::Select with an object index', { 'Fn::Select': [{}, ['a']] }],
    ['Fn::Split of a number', { 'Fn::Split': [',', 5] }],
    ['Fn::Split with a non-list', { 'Fn::Split': ',' }],
    ['Ref to a non-string', { Ref: ['Vpc'] }],
    ['Ref to a number', { Ref: 1 }],
    ['Ref to null', { Ref: null }],
    ['Ref to an intrinsic', { Ref: { Ref: 'Vpc' } }],
    ['Ref to an inherited property name', { Ref: 'constructor' }],
    ['Fn::GetAtt with a number', { 'Fn::GetAtt': 5 }],
    ['Fn::GetAtt with an empty list', { 'Fn::GetAtt': [] }],
    ['Fn::GetAtt with no dot', { 'Fn::GetAtt': 'Vpc' }],
    ['Fn::GetAtt of an inherited property name', { 'Fn::GetAtt': ['toString', 'x'] }],
    ['Fn::Sub with a number', { 'Fn::Sub': 42 }],
    ['Fn::Sub with a non-object variable map', { 'Fn::Sub': ['${A}', 'not a map'] }],
    ['Fn::Sub with an unclosed variable', { 'Fn::Sub': 'a${B' }],
    ['Fn::Sub with an empty variable', { 'Fn::Sub': 'a${}b' }],
    ['Fn::Sub naming an inherited property', { 'Fn::Sub': ['${toString}', {}] }],
    ['Fn::If with a wrong arity', { 'Fn::If': ['Always', 'x'] }],
    ['Fn::If with a non-string condition', { 'Fn::If': [true, 'x', 'y'] }],
    ['Fn::If with a non-list', { 'Fn::If': 'Always' }],
    ['Fn::If on an inherited property name', { 'Fn::If': ['constructor', 'x', 'y'] }],
    ['Fn::FindInMap with a number', { 'Fn::FindInMap': 1 }],
    ['Fn::FindInMap with inherited names', { 'Fn::FindInMap': ['__proto__', 'constructor', 'name'] }],
    ['Fn::FindInMap with list keys', { 'Fn::FindInMap': [['Regions'], 'eu-west-1', 'Cidr'] }],
    ['Fn::ImportValue of a list', { 'Fn::ImportValue': ['a'] }],
    ['Fn::ImportValue of null', { 'Fn::ImportValue': null }],
    ['Fn::Equals outside a condition', { 'Fn::Equals': ['a', 'a'] }],
    ['a Condition key outside a condition', { Condition: 'Always' }],
    ['an empty object', {}],
    ['an empty list', []],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['a bigint', BigInt(1)],
    ['a deep list', nest(500, (x) => [x])],
    ['a deep Fn::If', nest(500, (x) => ({ 'Fn::If': ['IsProd', x, 'y'] }))],
    ['a deep Fn::Join', nest(500, (x) => ({ 'Fn::Join': ['', [x, 'y']] }))],
  ])('%s', (_name, value) => {
    expect(() => evaluate(value)).not.toThrow();
    expect(() => describeValue(evaluate(value))).not.toThrow();
  });

  test('Fn::Join with a non-list is Unknown', () => {
    expect(why(evaluate({ 'Fn::Join': 'a,b' }))).toBe('a malformed Fn::Join');
    expect(why(evaluate({ 'Fn::Join': [',', 'abc'] }))).toBe('Fn::Join of a list not known at synth');
  });

  test('Fn::Select with an index out of range is Unknown', () => {
    expect(why(evaluate({ 'Fn::Select': [5, ['a']] }))).toBe('Fn::Select index 5 past the end of the list');
  });

  test('Ref to a non-string is Unknown', () => {
    expect(why(evaluate({ Ref: ['Vpc'] }))).toBe('a Ref that is not a name');
  });

  test('a value nested too deep is Unknown', () => {
    expect(describeValue(evaluate(nest(100, (x) => [x])))).toContain('a value nested too deep to read');
  });

  test.each<[string, unknown]>([
    ['a template that is null', null],
    ['a template that is a string', 'AWSTemplateFormatVersion: 2010-09-09'],
    ['a template that is a list', [{ Resources: {} }]],
    ['a template that is a number', 7],
    ['Resources that is a list', { Resources: [{ Type: 'AWS::EC2::VPC' }] }],
    ['Resources that is a string', { Resources: 'none' }],
    ['a Resources entry that is a string', { Resources: { Vpc: 'AWS::EC2::VPC' } }],
    ['a Resources entry that is null', { Resources: { Vpc: null } }],
    ['a Resources entry that is a list', { Resources: { Vpc: ['AWS::EC2::VPC'] } }],
    ['a Resources entry without a Type', { Resources: { Vpc: { Properties: { CidrBlock: '10.0.0.0/16' } } } }],
    ['a Resources entry whose Type is a number', { Resources: { Vpc: { Type: 5 } } }],
    ['a Resources entry whose Condition is a list', { Resources: { Vpc: { Type: 'AWS::EC2::VPC', Condition: ['x'] } } }],
    ['Properties that are an array', { Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: ['CidrBlock'] } } }],
    ['Properties that are a string', { Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: 'CidrBlock' } } }],
    ['Properties that are null', { Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: null } } }],
    ['Properties that are a deploy-time value', { Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { 'Fn::ImportValue': 'props' } } } }],
    ['Metadata that is a string', { Resources: { Vpc: { Type: 'AWS::EC2::VPC', Metadata: 'x' } } }],
    ['Parameters, Conditions, Mappings and Outputs that are lists', { Parameters: [], Conditions: [], Mappings: [], Outputs: [], Resources: { Vpc: { Type: 'AWS::EC2::VPC' } } }],
    ['a parameter declared as a string', { Parameters: { P: 'String' }, Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: { Ref: 'P' } } } } }],
    ['a condition declared as a string', { Conditions: { C: 'yes' }, Resources: { Vpc: { Type: 'AWS::EC2::VPC', Condition: 'C' } } }],
    ['an output that is a number', { Outputs: { O: 5 }, Resources: {} }],
    ['an export name that is an import', { Outputs: { O: { Value: 'x', Export: { Name: { 'Fn::ImportValue': 'other' } } } } }],
  ])('%s: reading the template, its properties and imports from it does not throw', (_name, template) => {
    expect(() => {
      const set = new TemplateSet([{ id: 't', template }, { id: 'u', template: {} }]);
      for (const resource of set.resources()) void resource.properties;
      set.templates[1].evaluate({ 'Fn::ImportValue': 'x' });
      set.templates[0].evaluate({ Ref: 'P' });
      set.templates[0].condition('C');
    }).not.toThrow();
  });

  test('Properties that are an array are read as no properties', () => {
    const t = templateOf({ Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: ['CidrBlock'] } } });
    expect(t.resources.get('Vpc')!.properties).toEqual({});
  });

  test('Properties that are a deploy-time value are read as an unknown whole', () => {
    const t = templateOf({ Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { 'Fn::ImportValue': 'props' } } } });
    expect(t.resources.get('Vpc')!.properties.__unknown__).toBeInstanceOf(Unknown);
  });

  test('Resources entries that are strings or null are skipped, the others read', () => {
    const t = templateOf({ Resources: { A: 'AWS::EC2::VPC', B: null, C: { Type: 'AWS::EC2::VPC' } } });
    expect([...t.resources.keys()]).toEqual(['C']);
  });

  test('a template that is null has no resources', () => {
    const t = templateOf(null);
    expect(t.resources.size).toBe(0);
    expect(why(t.evaluate({ Ref: 'Anything' }))).toBe('Ref Anything, which the template does not define');
  });

  test.each<[string, unknown]>([
    ['Fn::Join of a number', { 'Fn::Join': [',', 5] }],
    ['Fn::Join of a boolean', { 'Fn::Join': [',', true] }],
    ['Fn::Select from a number', { 'Fn::Select': [0, 5] }],
    ['Fn::Select from a boolean', { 'Fn::Select': [0, false] }],
    ['Fn::Split of a boolean', { 'Fn::Split': [',', true] }],
    ['Fn::FindInMap with a boolean key', { 'Fn::FindInMap': ['Regions', true, 'Cidr'] }],
  ])('%s, a number or boolean where a list or string is expected, is Unknown', (_name, value) => {
    expect(evaluate(value)).toBeInstanceOf(Unknown);
  });
});

/** `depth` levels of `wrap` around a string. */
function nest(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

describe('Fn::Cidr', () => {
  const vpcs = {
    Parameters: { VpcCidr: { Type: 'String', Default: '10.2.0.0/16' }, Bits: { Type: 'Number' } },
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      IpamVpc: { Type: 'AWS::EC2::VPC', Properties: { Ipv4IpamPoolId: 'ipam-pool-0123', Ipv4NetmaskLength: 16 } },
      ParameterVpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: { Ref: 'VpcCidr' } } },
    },
  };
  const inVpcs = (value: unknown) => templateOf(vpcs).evaluate(value);

  test('of the VPC\'s CidrBlock by Fn::GetAtt, under Fn::Select, is the block carved from the VPC\'s literal block', () => {
    expect(inVpcs({ 'Fn::Select': [0, { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 4, 8] }] })).toBe('10.0.0.0/24');
    expect(inVpcs({ 'Fn::Select': [3, { 'Fn::Cidr': [{ 'Fn::GetAtt': 'Vpc.CidrBlock' }, '4', '8'] }] })).toBe('10.0.3.0/24');
  });

  test('of a literal block is the list of blocks', () => {
    expect(inVpcs({ 'Fn::Cidr': ['10.0.0.0/16', 6, 5] })).toEqual(['10.0.0.0/27', '10.0.0.32/27', '10.0.0.64/27', '10.0.0.96/27', '10.0.0.128/27', '10.0.0.160/27']);
  });

  test('of a VPC whose block is a parameter is Unknown, naming the parameter (a default is not the deployed value)', () => {
    expect(why(inVpcs({ 'Fn::Cidr': [{ 'Fn::GetAtt': ['ParameterVpc', 'CidrBlock'] }, 2, 8] }))).toBe('Fn::Cidr of parameter VpcCidr (String)');
  });

  test('of a VPC whose block comes from an IPAM pool is Unknown, saying so', () => {
    expect(why(inVpcs({ 'Fn::Cidr': [{ 'Fn::GetAtt': ['IpamVpc', 'CidrBlock'] }, 2, 8] })))
      .toBe('Fn::Cidr of the CidrBlock of t/IpamVpc, which has none in the template (an IPAM pool gives it at deploy)');
  });

  test('with a count or bits that are deploy-time values is Unknown, naming them', () => {
    expect(why(inVpcs({ 'Fn::Cidr': ['10.0.0.0/16', 2, { Ref: 'Bits' }] }))).toBe('Fn::Cidr of 10.0.0.0/16 with cidrBits parameter Bits (Number)');
    expect(why(inVpcs({ 'Fn::Select': [0, { 'Fn::Cidr': ['10.0.0.0/16', { Ref: 'Bits' }, 8] }] }))).toBe('item 0 of Fn::Cidr of 10.0.0.0/16 with count parameter Bits (Number)');
  });

  test('with arguments CloudFormation refuses is Unknown with the reason, never a throw', () => {
    expect(why(inVpcs({ 'Fn::Cidr': ['10.0.0.0/16', 0, 8] }))).toBe('Fn::Cidr count 0: the valid range is 1 to 256');
    expect(why(inVpcs({ 'Fn::Cidr': ['10.0.0.0/16', 2, 20] }))).toBe('Fn::Cidr of 10.0.0.0/16 with 20 subnet bits: a /12 does not fit in a /16');
    expect(why(inVpcs({ 'Fn::Cidr': ['10.0.0.0/16', 2] }))).toBe('a malformed Fn::Cidr');
    expect(why(inVpcs({ 'Fn::Cidr': 'nope' }))).toBe('a malformed Fn::Cidr');
  });

  test('of a VPC whose block refers to the subnets carved from it is Unknown, not a stack overflow', () => {
    const cycle = { Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: { 'Fn::Select': [0, { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 1, 8] }] } } } } };
    const value = templateOf(cycle).evaluate({ 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 1, 8] });
    expect(value).toBeInstanceOf(Unknown);
  });
});

describe('Fn::GetAtt of a CDK cross-region export reader', () => {
  const producer = {
    Resources: {
      Subnet: { Type: 'AWS::EC2::Subnet', Properties: { CidrBlock: '10.0.1.0/24' } },
      Writer: {
        Type: 'Custom::CrossRegionExportWriter',
        Properties: { ServiceToken: 'arn:aws:lambda:x', WriterProps: { region: 'eu-west-1', exports: { '/cdk/exports/Consumer/NetRefSubnet': { Ref: 'Subnet' } } } },
      },
    },
  };
  const consumer = {
    Resources: { Reader: { Type: 'Custom::CrossRegionExportReader', Properties: { ServiceToken: 'arn:aws:lambda:y', ReaderProps: { region: 'eu-west-1', imports: {} } } } },
  };

  test('is the value the writer of another template writes to that SSM parameter: a reference to its resource', () => {
    const set = new TemplateSet([{ id: 'producer', template: producer, region: 'us-east-1' }, { id: 'consumer', template: consumer, region: 'eu-west-1' }]);
    expect(refTo(byId(set, 'consumer').evaluate({ 'Fn::GetAtt': ['Reader', '/cdk/exports/Consumer/NetRefSubnet'] })))
      .toEqual({ template: 'producer', logicalId: 'Subnet', attribute: 'Ref' });
  });

  test('stays a reference to the reader when no template given writes it', () => {
    const set = new TemplateSet([{ id: 'consumer', template: consumer }]);
    expect(refTo(byId(set, 'consumer').evaluate({ 'Fn::GetAtt': ['Reader', '/cdk/exports/Consumer/NetRefSubnet'] })))
      .toEqual({ template: 'consumer', logicalId: 'Reader', attribute: '/cdk/exports/Consumer/NetRefSubnet' });
  });
});

describe('how a resource is named in messages', () => {
  const named = (path?: string) => templateOf({
    Resources: { R: { Type: 'AWS::EC2::VPC', ...(path === undefined ? {} : { Metadata: { 'aws:cdk:path': path } }) } },
  }).resources.get('R')!.display;

  test.each([
    ['an L2\'s resource by its construct', 'Stack/Vpc/Resource', 'Stack/Vpc'],
    ['aws-eks v1\'s cluster (a custom resource) by its construct', 'Stack/Cluster/Resource/Resource/Default', 'Stack/Cluster'],
    ['an L1 by its own path', 'Stack/Vpc/VpnGateway/Default', 'Stack/Vpc/VpnGateway/Default'],
    ['a resource without a CDK path by template and logical ID', undefined, 't/R'],
  ])('names %s', (_, path, display) => {
    expect(named(path)).toBe(display);
  });
});
