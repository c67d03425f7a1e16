import { CfnElement, CfnResource, DefaultTokenResolver, IFragmentConcatenator, IPostProcessor, IResolvable, IResolveContext, Reference, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A reference to another CloudFormation element, kept as the element itself rather than
 * `{ Ref }` / `{ Fn::GetAtt }` with a logical ID: that way a reference into another stack
 * points at the right resource, whatever its logical ID.
 */
export class RefTo {
  constructor(public readonly target: IConstruct, public readonly attribute: string) {}

  /** The CloudFormation resource referred to, when it is one. */
  public get resource(): CfnResource | undefined {
    return this.target instanceof CfnResource ? this.target : undefined;
  }
}

/**
 * A resource as CloudFormation will see it (overrides applied), references as markers.
 * Properties are resolved on first use: most resources are only ever referred to.
 */
export class IndexedResource {
  private resolved?: Record<string, any>;

  constructor(public readonly resource: CfnResource, private readonly resolver: MarkingResolver) {}

  public get type(): string {
    return this.resource.cfnResourceType;
  }

  public get properties(): Record<string, any> {
    this.resolved ??= resolvePartially(this.resource, this.resolver, PARTIAL[this.type]) ?? resolveProperties(this.resource, this.resolver);
    return this.resolved;
  }
}

/**
 * Joins string fragments; a fragment that resolved to an object (`{ Ref: 'AWS::Region' }`,
 * `{ Fn::ImportValue }`) becomes a `\u0000value:...\u0000` marker rather than "[object Object]".
 */
class MarkingConcat implements IFragmentConcatenator {
  public join(left: any, right: any): any {
    return [left, right].filter((x) => x !== undefined).map(fragment).join('');
  }
}

function fragment(x: any): string {
  return typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : `\u0000value:${JSON.stringify(x)}\u0000`;
}

/**
 * Resolves references to marker strings (`\u0000ref:N\u0000`) instead of `{ Ref }`: the
 * L1 classes type-check their properties while they render, so a reference has to stay a
 * string. Each marker maps back to the referenced element through `refs`.
 */
class MarkingResolver extends DefaultTokenResolver {
  public readonly refs: RefTo[] = [];
  private readonly ids = new Map<IResolvable, number>();

  constructor() {
    super(new MarkingConcat());
  }

  public resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): any {
    if (Reference.isReference(t)) {
      // CDK hands out one token per target and attribute, so the token itself is the key
      let id = this.ids.get(t);
      if (id === undefined) {
        id = this.refs.push(new RefTo(t.target, t.displayName)) - 1;
        this.ids.set(t, id);
      }
      return `\u0000ref:${id}\u0000`;
    }
    return super.resolveToken(t, context, postProcessor);
  }
}

const MARKER = /\u0000ref:(\d+)\u0000/g;

/**
 * Every CloudFormation resource of an app, resolved once, by type and by construct. The
 * checks read properties from here, never from L2 classes, so they see any app: ours,
 * aws-eks-v2's, raw L1s, escape hatches included.
 */
export class CfnIndex {
  private readonly byType = new Map<string, IndexedResource[]>();
  private readonly byResource = new Map<CfnResource, IndexedResource>();
  private readonly resolver = new MarkingResolver();

  /**
   * @param root the app (or any scope) whose resources to index
   * @param types the resource types to index; others are skipped, they cost time to resolve
   */
  constructor(root: IConstruct, types?: ReadonlySet<string>) {
    for (const construct of root.node.findAll()) {
      if (!(construct instanceof CfnResource) || (types && !types.has(construct.cfnResourceType))) {
        continue;
      }
      const indexed = new IndexedResource(construct, this.resolver);
      this.byResource.set(construct, indexed);
      const list = this.byType.get(indexed.type) ?? [];
      list.push(indexed);
      this.byType.set(indexed.type, list);
    }
  }

  private readonly referrerMaps = new Map<string, Map<CfnResource, IndexedResource[]>>();

  /**
   * The resources of `type` whose `property` refers to `target` (any attribute). The map for
   * a type and property is built once, so each lookup is constant time: a scan per lookup
   * would make the check quadratic in the size of the app.
   */
  public referrers(type: string, property: string, target: CfnResource): IndexedResource[] {
    const key = `${type}|${property}`;
    let map = this.referrerMaps.get(key);
    if (!map) {
      map = new Map();
      for (const resource of this.ofType(type)) {
        const value = resource.properties[property];
        for (const item of Array.isArray(value) ? value : [value]) {
          const referred = this.refOf(item)?.resource;
          if (referred) {
            map.set(referred, [...(map.get(referred) ?? []), resource]);
          }
        }
      }
      this.referrerMaps.set(key, map);
    }
    return map.get(target) ?? [];
  }

  public ofType(type: string): IndexedResource[] {
    return this.byType.get(type) ?? [];
  }

  public get(resource: CfnResource | undefined): IndexedResource | undefined {
    return resource ? this.byResource.get(resource) : undefined;
  }

  /** The reference a value is, when the whole value is one `Ref` or `Fn::GetAtt`. */
  public refOf(value: unknown): RefTo | undefined {
    if (typeof value !== 'string') {
      return undefined;
    }
    const match = /^\u0000ref:(\d+)\u0000$/.exec(value);
    return match ? this.resolver.refs[Number(match[1])] : undefined;
  }

  /** The indexed resource a value refers to, if it is one (of type `type`, when given). */
  public deref(value: unknown, type?: string): IndexedResource | undefined {
    const target = this.get(this.refOf(value)?.resource);
    return target && (type === undefined || target.type === type) ? target : undefined;
  }

  /** Whether a value holds any reference or deploy-time part: then it cannot be read at synth. */
  public isOpaque(value: unknown): boolean {
    let opaque = false;
    mapStrings(value, (text) => {
      opaque ||= text.includes('\u0000') || Tokenization.isResolvable(text);
      return text;
    });
    return opaque || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).some((k) => k.startsWith('Fn::')));
  }

  /** The value with each reference shown as `<path>` or `<path.Attribute>`, for messages. */
  public describe(value: unknown): string {
    const shown = mapStrings(value, (text) => text.replace(MARKER, (_, id) => {
      const ref = this.resolver.refs[Number(id)];
      return `<${ref.target.node.path}${ref.attribute === 'Ref' ? '' : '.' + ref.attribute}>`;
    }).replace(/\u0000value:(.*?)\u0000/g, '$1'));
    return typeof shown === 'string' ? shown : JSON.stringify(shown);
  }
}

/** A copy of a JSON-like value with every string passed through `fn`. */
function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return value;
}

/**
 * The resource's CloudFormation properties, with overrides. `_toCloudFormation()` is the
 * one place where CDK applies `addPropertyOverride` and escape hatches; it is internal to
 * aws-cdk-lib, hence the guard.
 */
function resolveProperties(resource: CfnResource, resolver: MarkingResolver): Record<string, any> {
  const render = (resource as unknown as { _toCloudFormation?: () => any })._toCloudFormation;
  if (typeof render !== 'function') {
    return {};
  }
  const resolved = Tokenization.resolve(render.call(resource), { scope: resource as CfnElement, resolver, preparing: false });
  const only = Object.values(resolved?.Resources ?? {})[0] as { Properties?: Record<string, any> } | undefined;
  return only?.Properties ?? {};
}

/**
 * Types whose rendering is costly for what the checks read from them: an instance's user data
 * is a long join of tokens, resolved for nothing. For these only the listed properties are
 * resolved (camelCase names of the L1, PascalCase in the result); other types resolve all.
 */
const PARTIAL: Record<string, string[]> = {
  'AWS::EC2::Instance': ['subnetId', 'networkInterfaces', 'securityGroupIds', 'securityGroups', 'iamInstanceProfile'],
  'AWS::Lambda::Function': ['code', 'role', 'vpcConfig'],
};

/**
 * Resolves a resource's properties (all, or only `keys`) the way `_toCloudFormation()` renders
 * them: the L1's properties, resolved, rendered to CloudFormation names, with raw overrides
 * merged on top; without the logical ID, DependsOn and the rest, which cost time for nothing here.
 * These members are internal to aws-cdk-lib: when one is missing, undefined is returned and
 * the caller renders the whole resource instead.
 */
function resolvePartially(resource: CfnResource, resolver: MarkingResolver, keys?: string[]): Record<string, any> | undefined {
  const internals = resource as unknown as {
    readonly cfnProperties?: Record<string, unknown>;
    renderProperties?: (props: Record<string, unknown>) => Record<string, any>;
    readonly rawOverrides?: { Properties?: Record<string, unknown> };
  };
  const all = internals.cfnProperties;
  if (!all || typeof internals.renderProperties !== 'function') {
    return undefined;
  }
  const options = { scope: resource as CfnElement, resolver, preparing: false };
  const picked = keys ? Object.fromEntries(keys.filter((k) => all[k] !== undefined).map((k) => [k, all[k]])) : all;
  let rendered: Record<string, any>;
  try {
    rendered = internals.renderProperties.call(resource, Tokenization.resolve(picked, options) ?? {}) ?? {};
  } catch {
    return undefined; // the L1 refused the subset (a required property left out): render it whole
  }
  const raw = internals.rawOverrides?.Properties ?? {};
  // resolving drops keys whose value is undefined: note the deletion overrides first
  const deleted = undefinedPaths(raw);
  const merged = mergeOverrides(rendered, Tokenization.resolve(raw, options) ?? {});
  for (const path of deleted) {
    deletePath(merged, path);
  }
  return merged;
}

/** The paths of an overrides object whose value is undefined (`addPropertyDeletionOverride`). */
function undefinedPaths(value: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(value).flatMap(([key, v]) => v === undefined ? [[...prefix, key]]
    : isPlainObject(v) && !Tokenization.isResolvable(v) ? undefinedPaths(v, [...prefix, key]) : []);
}

function deletePath(target: Record<string, any>, path: string[]): void {
  const parent = path.slice(0, -1).reduce<any>((node, key) => (isPlainObject(node) ? node[key] : undefined), target);
  if (isPlainObject(parent)) {
    delete parent[path[path.length - 1]];
  }
}

/** Overrides merged into properties: objects key by key, anything else replaced, undefined deleted. */
function mergeOverrides(target: Record<string, any>, overrides: Record<string, any>): Record<string, any> {
  const result: Record<string, any> = { ...target };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) {
      delete result[key];
    } else if (isPlainObject(value) && isPlainObject(result[key])) {
      result[key] = mergeOverrides(result[key], value);
    } else {
      result[key] = value;
    }
  }
  return result;
}

function isPlainObject(x: unknown): x is Record<string, any> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
