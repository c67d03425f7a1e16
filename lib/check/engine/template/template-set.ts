/*
 * Why an evaluator of our own: the libraries that resolve intrinsics (cfn-resolver-lib, and
 * aws-cdk-lib's CfnInclude) need a value for every parameter and either substitute a guess or
 * fail on what they cannot resolve; CfnInclude also type-checks every property through the L1
 * classes, which reject a list parameter where a list belongs. This engine needs the third
 * answer, "unknown, because of X", at every step; no maintained library gives it. YAML is read
 * with `yaml` (load.ts), which fits as it is.
 */
import { cidrSubnets } from '../../../shared/cidr';
import { READ_METADATA, TemplateInput } from '../read/input';
import { at, Fact, isRecord, ResourceRef, sameValue, Text, Unknown, Value } from './value';

/** Marks a property removed by `AWS::NoValue`. */
const NO_VALUE = Symbol('AWS::NoValue');
type Raw = unknown;

/**
 * CDK's cross-region references (`crossRegionReferences: true`): the consuming stack reads each
 * value with `Fn::GetAtt [<reader>, "/cdk/exports/<stack>/<name>"]`, the producing stack (in
 * another region) writes it into that SSM parameter with a writer whose
 * `WriterProps.exports` maps the parameter's name to the value.
 */
const CROSS_REGION_READER = 'Custom::CrossRegionExportReader';
const CROSS_REGION_WRITER = 'Custom::CrossRegionExportWriter';

/**
 * Resource types whose clusters the engine cannot read: reported once as not checked. (aws-eks
 * v1's `Custom::AWSCDK-EKS-Cluster` is read: model/cluster-config.ts.)
 */
export const UNREADABLE_CLUSTER_TYPES = ['AWSQS::EKS::Cluster'];

/**
 * A resource of a template, its properties evaluated on first use: most resources are only
 * ever referred to. `exists` is 'unknown' when a resource-level `Condition` depends on a
 * deploy-time value; resources whose condition is false are left out altogether.
 */
export class Resource {
  private evaluated?: Record<string, Value>;
  /** When the whole `Properties` is a deploy-time value (an `Fn::If` on a parameter): what it depends on. */
  public unknownProperties?: Unknown;
  private name?: string;

  constructor(
    public readonly template: Template,
    public readonly logicalId: string,
    public readonly type: string,
    private readonly raw: Record<string, Raw>,
    public readonly exists: Fact,
  ) {
  }

  /** How a message names it: its CDK construct path, else its template and logical ID (found on first use: most resources are never named). */
  public get display(): string {
    this.name ??= displayName(this.template, this.logicalId, this.raw.Metadata);
    return this.name;
  }

  /** The properties as CloudFormation will see them, intrinsics evaluated. */
  public get properties(): Record<string, Value> {
    if (!this.evaluated) {
      const value = this.template.evaluate(this.raw.Properties ?? {});
      if (value instanceof Unknown) {
        // every property is then that deploy-time value
        this.unknownProperties = value;
        this.evaluated = new Proxy({}, { get: (_, key) => (typeof key === 'string' ? value : undefined) });
      } else {
        this.evaluated = isRecord(value) ? value : {};
      }
    }
    return this.evaluated;
  }

  /**
   * A property as written, intrinsics not evaluated: for text the evaluator leaves to deploy time
   * (an instance's user data, in `Fn::Base64`), read for the words in it.
   */
  public written(name: string): unknown {
    const props = this.raw.Properties as unknown;
    return typeof props === 'object' && props !== null && !Array.isArray(props) ? (props as Record<string, unknown>)[name] : undefined;
  }

  /** A Metadata entry, as written (not evaluated). */
  public metadata(key: string): unknown {
    return isRecord(this.raw.Metadata as Value) ? (this.raw.Metadata as Record<string, unknown>)[key] : undefined;
  }
}

/** A message-friendly name: the CDK construct path (without the trailing /Resource of an L2's resource, or /Resource/Resource/Default of a custom resource's), else template and logical ID. */
function displayName(template: Template, logicalId: string, metadata: Raw): string {
  const read = template.input.readFrom ? physicalIdOf(metadata) : undefined;
  if (read !== undefined) return `${read} (${template.id})`;
  const cdkPath = isRecord(metadata as Value) ? (metadata as Record<string, unknown>)['aws:cdk:path'] : undefined;
  if (typeof cdkPath === 'string' && cdkPath.length > 0) {
    // an L2's resource is `<construct>/Resource`, a custom resource's `<construct>/Resource/Resource/Default` (aws-eks v1's cluster)
    return cdkPath.replace(/\/Resource(\/Resource\/Default)?$/, '');
  }
  return `${template.id}/${logicalId}`;
}

/** The physical ID a resource read from an account names in its metadata. */
function physicalIdOf(metadata: Raw): string | undefined {
  const read = isRecord(metadata as Value) ? (metadata as Record<string, unknown>)[READ_METADATA] : undefined;
  const id = isRecord(read as Value) ? (read as Record<string, unknown>).id : undefined;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/**
 * Whether a string can stand for one resource read from an account wherever it is written: an
 * EC2-style ID (`subnet-0a1b2c3d`, `sg-...`, `vpc-...`, `rtb-...`) or an ARN. Names (a cluster's, a
 * role's) are not: the same word may be a tag or a description elsewhere.
 */
const PHYSICAL_ID = /^(arn:aws[a-z-]*:[^\s]+|[a-z][a-z0-9]*(-[a-z0-9]+)*-[0-9a-f]{8,17})$/;

/** One template of the set, with its parameters, conditions, mappings and outputs. */
export class Template {
  public readonly resources = new Map<string, Resource>();
  private readonly parameters: Record<string, Raw>;
  private readonly conditions: Record<string, Raw>;
  private readonly mappings: Record<string, Raw>;
  public readonly outputs: Record<string, Raw>;
  private readonly conditionValues = new Map<string, Fact>();
  private readonly evaluating = new Set<string>();
  /** The `Fn::ForEach` loops over a collection not known at synth: the resources they make are not seen. */
  public readonly unexpanded: string[] = [];

  constructor(public readonly set: TemplateSet, public readonly input: TemplateInput) {
    const t = (isRecord(input.template as Value) ? input.template : {}) as Record<string, Raw>;
    this.parameters = objectOr(t.Parameters);
    this.conditions = objectOr(t.Conditions);
    this.mappings = objectOr(t.Mappings);
    this.outputs = objectOr(t.Outputs);
    for (const [logicalId, raw] of Object.entries(expandForEach(objectOr(t.Resources), this.unexpanded))) {
      if (!isRecord(raw as Value)) continue;
      const resource = raw as Record<string, Raw>;
      const type = typeof resource.Type === 'string' ? resource.Type : '';
      const exists = typeof resource.Condition === 'string' ? this.condition(resource.Condition) : true;
      if (exists === false) continue;
      const made = new Resource(this, logicalId, type, resource, exists);
      this.resources.set(logicalId, made);
      if (input.readFrom) set.registerPhysical(made, resource.Metadata);
    }
  }

  public get id(): string {
    return this.input.id;
  }

  /** A condition's value: true, false, or 'unknown' when it depends on a deploy-time value. */
  public condition(name: string): Fact {
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    if (this.evaluating.has(`condition:${name}`)) return 'unknown';
    this.evaluating.add(`condition:${name}`);
    const value = own(this.conditions, name) ? this.conditionExpression(this.conditions[name]) : 'unknown';
    this.evaluating.delete(`condition:${name}`);
    this.conditionValues.set(name, value);
    return value;
  }

  private conditionExpression(raw: Raw): Fact {
    if (typeof raw === 'boolean') return raw;
    if (!isRecord(raw as Value)) return 'unknown';
    const [fn, args] = Object.entries(raw as Record<string, Raw>)[0] ?? [];
    const list = Array.isArray(args) ? args : [];
    switch (fn) {
      case 'Condition':
        return typeof args === 'string' ? this.condition(args) : 'unknown';
      case 'Fn::Not': {
        const inner = this.conditionExpression(list[0]);
        return inner === 'unknown' ? 'unknown' : !inner;
      }
      case 'Fn::And': {
        const values = list.map((x) => this.conditionExpression(x));
        return values.includes(false) ? false : values.includes('unknown') ? 'unknown' : true;
      }
      case 'Fn::Or': {
        const values = list.map((x) => this.conditionExpression(x));
        return values.includes(true) ? true : values.includes('unknown') ? 'unknown' : false;
      }
      case 'Fn::Equals': {
        const [a, b] = list.map((x) => this.evaluate(x));
        if (!isKnownScalar(a) || !isKnownScalar(b)) return 'unknown';
        return String(a) === String(b);
      }
      default:
        return 'unknown';
    }
  }

  /** Evaluates a template value: intrinsics resolved where they can be, `Unknown` elsewhere. Never throws. */
  public evaluate(raw: Raw, depth = 0): Value {
    const value = this.evaluateOrNoValue(raw, depth);
    return value === NO_VALUE ? undefined : value;
  }

  private evaluateOrNoValue(raw: Raw, depth: number): Value | typeof NO_VALUE {
    if (depth > 64) return new Unknown('a value nested too deep to read');
    if (typeof raw === 'string') return this.set.physicalRef(raw) ?? raw;
    if (raw === null || typeof raw === 'number' || typeof raw === 'boolean') return raw;
    if (raw === undefined) return undefined;
    if (Array.isArray(raw)) {
      const items = raw.map((x) => this.evaluateOrNoValue(x, depth + 1)).filter((x) => x !== NO_VALUE);
      return items as Value[];
    }
    if (typeof raw !== 'object') return new Unknown('a value that is not JSON');
    const entries = Object.entries(raw as Record<string, Raw>);
    if (entries.length === 1) {
      const [key, args] = entries[0];
      if (key === 'Ref') return this.ref(args, depth);
      if (key.startsWith('Fn::')) return this.intrinsic(key, args, depth);
    }
    const result: Record<string, Value> = {};
    for (const [key, v] of entries) {
      const evaluated = this.evaluateOrNoValue(v, depth + 1);
      if (evaluated !== NO_VALUE && evaluated !== undefined) result[key] = evaluated;
    }
    return result;
  }

  private ref(name: Raw, depth: number): Value | typeof NO_VALUE {
    if (typeof name !== 'string') return new Unknown('a Ref that is not a name');
    switch (name) {
      case 'AWS::NoValue': return NO_VALUE;
      case 'AWS::Region': return this.input.region ?? new Unknown('AWS::Region');
      case 'AWS::AccountId': return this.input.account ?? new Unknown('AWS::AccountId');
      case 'AWS::StackName': return this.input.stackName ?? new Unknown('AWS::StackName');
    }
    if (name.startsWith('AWS::')) return new Unknown(name);
    const resource = this.resources.get(name);
    if (resource) return new ResourceRef(resource, 'Ref');
    if (own(this.parameters, name)) return this.parameter(name, depth);
    return new Unknown(`Ref ${name}, which the template does not define`);
  }

  /** A parameter: from the parent stack of a nested stack when given, else a deploy-time value. */
  private parameter(name: string, depth: number): Value {
    const declared = objectOr(this.parameters[name]);
    const type = typeof declared.Type === 'string' ? declared.Type : 'String';
    const parentStack = this.set.parentOf(this);
    if (parentStack) {
      const passed = objectOr(parentStack.resourceRaw.Parameters);
      const value = own(passed, name) ? parentStack.template.evaluate(passed[name], depth + 1)
        : own(declared, 'Default') ? this.evaluate(declared.Default, depth + 1) : undefined;
      if (value !== undefined) {
        // a nested stack's parameters are strings: a list parameter gets them comma-delimited
        return /^(List<|CommaDelimitedList)/.test(type) ? splitList(value) : value;
      }
    }
    // in a template read from an account, an unset parameter is a fact not read: its description says why
    if (this.input.readFrom && typeof declared.Description === 'string') return new Unknown(declared.Description, `${this.id}#${name}`);
    return new Unknown(`parameter ${name} (${type})`, `${this.id}#${name}`);
  }

  private intrinsic(fn: string, args: Raw, depth: number): Value | typeof NO_VALUE {
    const list = Array.isArray(args) ? args : undefined;
    switch (fn) {
      case 'Fn::GetAtt': return this.getAtt(args, depth);
      case 'Fn::Sub': return this.sub(args, depth);
      case 'Fn::Join': {
        if (!list || list.length !== 2 || typeof list[0] !== 'string') return new Unknown('a malformed Fn::Join');
        const items = this.evaluate(list[1], depth + 1);
        if (!Array.isArray(items)) return items instanceof Unknown ? items : new Unknown('Fn::Join of a list not known at synth');
        return join(list[0], items);
      }
      case 'Fn::Select': {
        if (!list || list.length !== 2) return new Unknown('a malformed Fn::Select');
        const index = this.evaluate(list[0], depth + 1);
        const items = this.evaluate(list[1], depth + 1);
        const i = typeof index === 'number' && Number.isInteger(index) && index >= 0 ? index
          : typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : undefined;
        if (i === undefined) return new Unknown('Fn::Select with an index not known at synth');
        if (!Array.isArray(items)) {
          const why = items instanceof Unknown ? items.why : 'a list not known at synth';
          // an item of a split reference keeps where it comes from (the host of a cluster's endpoint)
          const cut = items instanceof Unknown && items.cut && items.cut.index === undefined ? { ...items.cut, index: i } : undefined;
          return new Unknown(`item ${i} of ${why}`, undefined, cut);
        }
        return i < items.length ? items[i] : new Unknown(`Fn::Select index ${i} past the end of the list`);
      }
      case 'Fn::Split': {
        if (!list || list.length !== 2 || typeof list[0] !== 'string') return new Unknown('a malformed Fn::Split');
        const source = this.evaluate(list[1], depth + 1);
        if (typeof source === 'string') return source.split(list[0]);
        const cut = source instanceof ResourceRef ? { ref: source, delimiter: list[0] } : undefined;
        return new Unknown(`Fn::Split of ${source instanceof Unknown ? source.why : 'a value not known at synth'}`, undefined, cut);
      }
      case 'Fn::If': {
        if (!list || list.length !== 3 || typeof list[0] !== 'string') return new Unknown('a malformed Fn::If');
        const condition = this.condition(list[0]);
        if (condition !== 'unknown') return this.evaluateOrNoValue(condition ? list[1] : list[2], depth + 1);
        const [a, b] = [this.evaluateOrNoValue(list[1], depth + 1), this.evaluateOrNoValue(list[2], depth + 1)];
        if (typeof a !== 'symbol' && typeof b !== 'symbol' && sameValue(a, b)) return a;
        return new Unknown(`condition ${list[0]}`);
      }
      case 'Fn::ImportValue': {
        const name = this.evaluate(args, depth + 1);
        if (typeof name !== 'string') return new Unknown('an import whose export name is not known at synth');
        return this.set.importValue(name, depth) ?? new Unknown(`the export ${name}, from a stack not given`);
      }
      case 'Fn::GetStackOutput': {
        const o = isRecord(args as Value) ? (args as Record<string, Raw>) : {};
        const stackName = this.evaluate(o.StackName, depth + 1);
        const outputName = this.evaluate(o.OutputName, depth + 1);
        if (typeof stackName !== 'string' || typeof outputName !== 'string') return new Unknown('a stack output whose stack is not known at synth');
        return this.set.stackOutput(stackName, outputName, depth) ?? new Unknown(`output ${outputName} of stack ${stackName}, not given`);
      }
      case 'Fn::Cidr': return this.cidr(list, depth);
      case 'Fn::FindInMap': {
        if (!list || list.length < 3) return new Unknown('a malformed Fn::FindInMap');
        const keys = list.slice(0, 3).map((k) => this.evaluate(k, depth + 1));
        if (!keys.every((k) => typeof k === 'string' || typeof k === 'number')) return new Unknown('Fn::FindInMap with keys not known at synth');
        const map = objectOr(own(this.mappings, String(keys[0])) ? this.mappings[String(keys[0])] : undefined);
        const second = objectOr(own(map, String(keys[1])) ? map[String(keys[1])] : undefined);
        const found = own(second, String(keys[2])) ? second[String(keys[2])] : undefined;
        return found === undefined ? new Unknown(`mapping ${keys.join('.')}, not in the template`) : this.evaluate(found, depth + 1);
      }
      default:
        return new Unknown(`${fn}, evaluated only at deploy time`);
    }
  }

  private getAtt(args: Raw, depth: number): Value {
    let name: unknown;
    let attribute: unknown;
    if (typeof args === 'string') {
      const dot = args.indexOf('.');
      [name, attribute] = dot < 0 ? [args, ''] : [args.slice(0, dot), args.slice(dot + 1)];
    } else if (Array.isArray(args)) {
      [name, attribute] = [args[0], typeof args[1] === 'string' ? args[1] : this.evaluate(args[1], depth + 1)];
    }
    if (typeof name !== 'string' || typeof attribute !== 'string') return new Unknown('Fn::GetAtt with names not known at synth');
    const resource = this.resources.get(name);
    if (!resource) return new Unknown(`Fn::GetAtt ${name}.${attribute}, which the template does not define`);
    // a nested stack's output: read it from the child template when it is given
    if (resource.type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
      const child = this.set.childOf(this, name);
      const outputName = attribute.slice('Outputs.'.length);
      const output = child && own(child.outputs, outputName) ? objectOr(child.outputs[outputName]) : undefined;
      if (child && output && own(output, 'Value')) return this.set.guard(`${child.id}#${attribute}`, () => child.evaluate(output.Value, depth + 1));
      return new Unknown(`${attribute} of the nested stack ${name}, whose template is not given`);
    }
    // a CDK cross-region reference (crossRegionReferences): the reader's attribute is the SSM
    // parameter that the producing stack's writer fills with the value; read it from the writer
    if (resource.type === CROSS_REGION_READER && attribute.startsWith('/cdk/exports/')) {
      const exported = this.set.crossRegionExport(attribute);
      if (exported !== undefined) return exported;
    }
    return new ResourceRef(resource, attribute);
  }

  /**
   * `Fn::Cidr [ipBlock, count, cidrBits]`: the blocks, where the block and the numbers are known.
   * The block is a literal, a parameter's value where known, or `Fn::GetAtt Vpc.CidrBlock` of a
   * VPC whose `CidrBlock` is (how AWS's own VPC templates carve their subnets).
   */
  private cidr(list: Raw[] | undefined, depth: number): Value {
    if (!list || list.length !== 3) return new Unknown('a malformed Fn::Cidr');
    let block = this.evaluate(list[0], depth + 1);
    if (block instanceof ResourceRef && block.resource instanceof Resource && block.resource.type === 'AWS::EC2::VPC' && block.attribute === 'CidrBlock') {
      const vpc = block.resource;
      block = this.set.guard(`cidr:${vpc.template.id}#${vpc.logicalId}`, () => vpc.properties.CidrBlock);
      if (block === undefined) return new Unknown(`Fn::Cidr of the CidrBlock of ${vpc.display}, which has none in the template (an IPAM pool gives it at deploy)`);
    }
    const [count, bits] = [this.evaluate(list[1], depth + 1), this.evaluate(list[2], depth + 1)];
    if (typeof block !== 'string') return new Unknown(`Fn::Cidr of ${block instanceof Unknown ? block.why : 'a block not known at synth'}`);
    const why = (v: Value) => (v instanceof Unknown ? v.why : 'not known at synth');
    if (typeof count !== 'number' && typeof count !== 'string') return new Unknown(`Fn::Cidr of ${block} with count ${why(count)}`);
    if (typeof bits !== 'number' && typeof bits !== 'string') return new Unknown(`Fn::Cidr of ${block} with cidrBits ${why(bits)}`);
    const blocks = cidrSubnets(block, count, bits);
    return Array.isArray(blocks) ? blocks : new Unknown(blocks.problem);
  }

  private sub(args: Raw, depth: number): Value {
    const [text, vars] = typeof args === 'string' ? [args, {}] : Array.isArray(args) ? [args[0], objectOr(args[1])] : [undefined, {}];
    if (typeof text !== 'string') return new Unknown('a malformed Fn::Sub');
    const parts: Value[] = [];
    const pattern = /\$\{([^}]*)\}/g;
    let last = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      parts.push(text.slice(last, m.index));
      const name = m[1].trim();
      if (name.startsWith('!')) {
        parts.push('${' + name.slice(1) + '}');
      } else if (own(vars, name)) {
        parts.push(this.evaluate((vars as Record<string, Raw>)[name], depth + 1));
      } else if (name.includes('.') && !name.startsWith('AWS::')) {
        parts.push(this.getAtt(name, depth));
      } else {
        const ref = this.ref(name, depth);
        parts.push(ref === NO_VALUE ? '' : ref);
      }
      last = m.index + m[0].length;
    }
    parts.push(text.slice(last));
    return join('', parts);
  }
}

/**
 * The Resources section with its `Fn::ForEach::<Loop>` entries (AWS::LanguageExtensions)
 * expanded, nested loops included, where the collection is a literal list; the others are
 * left out and their names added to `unexpanded`. In each copy, the identifier is replaced in
 * the output key (`${Id}`, `&{Id}` without its non-alphanumeric characters), in `Ref: Id` and
 * in strings (`${Id}` in Fn::Sub).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html
 */
function expandForEach(section: Record<string, Raw>, unexpanded: string[], depth = 0): Record<string, Raw> {
  // most templates have no loop: the section as it is, not a copy
  if (!Object.keys(section).some((key) => key.startsWith('Fn::ForEach::'))) return section;
  const result: Record<string, Raw> = {};
  for (const [key, value] of Object.entries(section)) {
    if (!key.startsWith('Fn::ForEach::')) {
      result[key] = value;
      continue;
    }
    const [identifier, collection, fragment] = Array.isArray(value) ? value : [];
    if (typeof identifier !== 'string' || !Array.isArray(collection) || !collection.every((c) => typeof c === 'string') || depth > 8) {
      unexpanded.push(key);
      continue;
    }
    for (const item of collection as string[]) {
      const replaced = substitute(objectOr(fragment), identifier, item) as Record<string, Raw>;
      Object.assign(result, expandForEach(replaced, unexpanded, depth + 1));
    }
  }
  return result;
}

function substitute(value: Raw, identifier: string, item: string): Raw {
  const text = (s: string) => s.split('${' + identifier + '}').join(item).split('&{' + identifier + '}').join(item.replace(/[^A-Za-z0-9]/g, ''));
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) return value.map((v) => substitute(v, identifier, item));
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, Raw>);
    if (entries.length === 1 && entries[0][0] === 'Ref' && entries[0][1] === identifier) return item;
    return Object.fromEntries(entries.map(([k, v]) => [text(k), substitute(v, identifier, item)]));
  }
  return value;
}

/** The parts joined: a plain string when all are literal, else a `Text`. */
function join(delimiter: string, items: Value[]): Value {
  const parts: Array<string | ResourceRef | Unknown> = [];
  items.forEach((item, i) => {
    if (i > 0 && delimiter) parts.push(delimiter);
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') parts.push(String(item));
    else if (item instanceof Text) parts.push(...item.parts);
    else if (item instanceof ResourceRef || item instanceof Unknown) parts.push(item);
    else if (item !== undefined && item !== null) parts.push(new Unknown('a non-string value in a string'));
  });
  const merged: Array<string | ResourceRef | Unknown> = [];
  for (const part of parts) {
    if (typeof part === 'string' && typeof merged[merged.length - 1] === 'string') merged[merged.length - 1] += part;
    else if (part !== '') merged.push(part);
  }
  if (merged.length === 0) return '';
  return merged.length === 1 && typeof merged[0] === 'string' ? merged[0] : new Text(merged);
}

/** A comma-delimited string (literal or built) as the list a `List<...>` parameter makes of it. */
function splitList(value: Value): Value {
  if (typeof value === 'string') return value.split(',').map((x) => x.trim());
  if (!(value instanceof Text)) return value;
  const items: Value[] = [];
  let current: Array<string | ResourceRef | Unknown> = [];
  const flush = () => {
    const trimmed = current.filter((p) => typeof p !== 'string' || p.trim() !== '');
    items.push(trimmed.length === 1 && typeof trimmed[0] !== 'string' ? trimmed[0] : join('', trimmed as Value[]));
    current = [];
  };
  for (const part of value.parts) {
    if (typeof part !== 'string') {
      current.push(part);
      continue;
    }
    const pieces = part.split(',');
    pieces.forEach((piece, i) => {
      if (i > 0) flush();
      current.push(piece);
    });
  }
  flush();
  return items;
}

function isKnownScalar(value: Value): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Whether a template's mapping defines a key itself (not `constructor` or `toString` of every JS object). */
function own(object: Record<string, Raw>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function objectOr(value: Raw): Record<string, Raw> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, Raw>) : {};
}

/**
 * Every template given in one run, linked: `Fn::ImportValue` finds the export in any of them,
 * `Fn::GetStackOutput` finds the stack by name, a nested stack's parameters come from its
 * parent's `AWS::CloudFormation::Stack` resource and its outputs go back up.
 */
export class TemplateSet {
  public readonly templates: Template[];
  private readonly byId = new Map<string, Template>();
  private exportsByName?: Map<string, Array<{ template: Template; value: Raw }>>;
  /** How many outputs the templates had when `exportsByName` was made. */
  private exportOutputs = 0;
  private readonly inProgress = new Set<string>();

  /** Resources read from an account, by their physical IDs and ARNs: a literal ID anywhere refers to them. */
  private readonly physical = new Map<string, ResourceRef>();

  constructor(inputs: TemplateInput[]) {
    this.templates = [];
    // parents first, so that a child's parameters can be read from them; the order of evaluation is lazy anyway
    for (const input of inputs) {
      const template = new Template(this, input);
      this.templates.push(template);
      this.byId.set(input.id, template);
    }
  }

  /** Registers the physical ID and attributes a resource read from an account names in its metadata. */
  public registerPhysical(resource: Resource, metadata: Raw): void {
    const id = physicalIdOf(metadata);
    if (id === undefined) return;
    const add = (value: unknown, attribute: string) => {
      if (typeof value === 'string' && PHYSICAL_ID.test(value) && !this.physical.has(value)) this.physical.set(value, new ResourceRef(resource, attribute));
    };
    add(id, 'Ref');
    const read = (metadata as Record<string, Record<string, unknown>>)[READ_METADATA];
    const attributes = isRecord(read.attributes as Value) ? read.attributes as Record<string, unknown> : {};
    for (const [attribute, value] of Object.entries(attributes)) add(value, attribute);
  }

  /** The resource read from an account that a literal string names, if any. */
  public physicalRef(text: string): ResourceRef | undefined {
    return this.physical.size === 0 ? undefined : this.physical.get(text);
  }

  public resources(): Resource[] {
    return this.templates.flatMap((t) => [...t.resources.values()]);
  }

  public parentOf(template: Template): { template: Template; resourceRaw: Record<string, Raw> } | undefined {
    const link = template.input.parent;
    const parent = link ? this.byId.get(link.id) : undefined;
    const raw = parent ? objectOr(objectOr(objectOr(parent.input.template).Resources)[link!.logicalId]) : undefined;
    return parent && raw ? { template: parent, resourceRaw: objectOr(raw.Properties) } : undefined;
  }

  public childOf(parent: Template, logicalId: string): Template | undefined {
    return this.templates.find((t) => t.input.parent?.id === parent.id && t.input.parent.logicalId === logicalId);
  }

  /** Evaluates once per key at a time: a cycle of imports becomes unknown instead of a stack overflow. */
  public guard(key: string, fn: () => Value): Value {
    if (this.inProgress.has(key)) return new Unknown('a circular reference');
    this.inProgress.add(key);
    try {
      return fn();
    } finally {
      this.inProgress.delete(key);
    }
  }

  public importValue(name: string, depth: number): Value | undefined {
    // a template rendered from a construct tree gains the outputs its references need as they
    // are rendered, while the engine reads: an export not found is looked for again when outputs came
    const outputs = () => this.templates.reduce((n, t) => n + Object.keys(t.outputs).length, 0);
    if (!this.exportsByName || (!this.exportsByName.has(name) && outputs() !== this.exportOutputs)) {
      this.exportsByName = new Map();
      this.exportOutputs = outputs();
      for (const template of this.templates) {
        for (const output of Object.values(template.outputs)) {
          const o = objectOr(output);
          const exportName = template.evaluate(objectOr(o.Export).Name);
          if (typeof exportName === 'string') {
            this.exportsByName.set(exportName, [...(this.exportsByName.get(exportName) ?? []), { template, value: o.Value }]);
          }
        }
      }
    }
    const found = this.exportsByName.get(name);
    if (!found || found.length !== 1) return found ? new Unknown(`the export ${name}, defined by more than one template given`) : undefined;
    return this.guard(`export:${name}`, () => found[0].template.evaluate(found[0].value, depth + 1));
  }

  /**
   * The value a CDK cross-region export writer in one of the templates writes to the SSM
   * parameter `name`, evaluated in the writer's template; undefined when no template given writes it.
   */
  public crossRegionExport(name: string): Value | undefined {
    for (const template of this.templates) {
      for (const writer of template.resources.values()) {
        if (writer.type !== CROSS_REGION_WRITER) continue;
        const written = this.guard(`cross-region:${template.id}#${writer.logicalId}`, () => at(writer.properties.WriterProps, 'exports'));
        if (isRecord(written) && own(written as Record<string, Raw>, name)) return written[name];
      }
    }
    return undefined;
  }

  public stackOutput(stackName: string, outputName: string, depth: number): Value | undefined {
    const template = this.templates.find((t) => t.input.stackName === stackName);
    const output = template && own(template.outputs, outputName) ? objectOr(template.outputs[outputName]) : undefined;
    if (!template || !output || !own(output, 'Value')) return undefined;
    return this.guard(`output:${template.id}#${outputName}`, () => template.evaluate(output.Value, depth + 1));
  }
}
