import { CfnCondition, CfnElement, CfnMapping, CfnOutput, CfnParameter, CfnResource, DefaultTokenResolver, IFragmentConcatenator, IPostProcessor, IResolvable, IResolveContext, NestedStack, TokenizedStringFragments, Reference, Stack, Stage, Token, Tokenization } from 'aws-cdk-lib';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { TemplateInput } from '../engine/read/input';
import { UNREADABLE_CLUSTER_TYPES } from '../engine/template/template-set';

/**
 * The resource types the engine reads properties of, each with the properties it reads, by their
 * CloudFormation names (with the ones the L1 requires, so that its own rendering accepts them), or
 * 'all' for small types rendered whole. Tags (lazy values) and policies cost more to resolve than
 * the whole check, for nothing the rules use; an instance's user data and tags are read (kubectl, a
 * bastion's Name). Every other resource is
 * given by type only. test/check/adapters/tree-templates.test.ts fails when the engine reads a property of a type
 * that is not listed here.
 */
export const READS: Record<string, string[] | 'all'> = {
  'AWS::EKS::Cluster': ['Name', 'RoleArn', 'ResourcesVpcConfig', 'ComputeConfig', 'Logging', 'EncryptionConfig',
    'RemoteNetworkConfig', 'KubernetesNetworkConfig', 'AccessConfig'],
  'AWS::EKS::Nodegroup': ['ClusterName', 'NodeRole', 'Subnets', 'LaunchTemplate'],
  'AWS::EKS::AccessEntry': ['ClusterName', 'PrincipalArn'],
  'AWS::EKS::FargateProfile': ['ClusterName', 'PodExecutionRoleArn', 'Selectors', 'Subnets'],
  // aws-eks (v1): the cluster and Fargate profile are their Config; manifests name their cluster
  // and the kubectl handler (ServiceToken), aws-auth is in a Manifest
  'Custom::AWSCDK-EKS-Cluster': ['Config'],
  'Custom::AWSCDK-EKS-FargateProfile': ['Config'],
  'Custom::AWSCDK-EKS-KubernetesResource': ['ClusterName', 'Manifest', 'ServiceToken'],
  'Custom::AWSCDK-EKS-HelmChart': ['ClusterName', 'ServiceToken'],
  'Custom::AWSCDK-EKS-KubernetesPatch': ['ClusterName', 'ServiceToken'],
  'Custom::AWSCDK-EKS-KubernetesObjectValue': ['ClusterName', 'ServiceToken'],
  'AWS::EC2::VPC': ['CidrBlock', 'EnableDnsSupport', 'EnableDnsHostnames'],
  'AWS::EC2::VPCCidrBlock': ['VpcId', 'CidrBlock', 'Ipv4IpamPoolId'],
  'AWS::EC2::VPNGateway': [],
  'AWS::EC2::VPNGatewayRoutePropagation': ['RouteTableIds', 'VpnGatewayId'],
  'AWS::EC2::VPCGatewayAttachment': ['VpcId', 'VpnGatewayId', 'InternetGatewayId'],
  'AWS::EC2::VPNConnection': ['CustomerGatewayId', 'Type', 'VpnGatewayId', 'TransitGatewayId', 'StaticRoutesOnly'],
  'AWS::EC2::VPNConnectionRoute': 'all',
  'AWS::EC2::Subnet': ['VpcId', 'CidrBlock'],
  'AWS::EC2::RouteTable': ['VpcId'],
  'AWS::EC2::NatGateway': ['SubnetId', 'AllocationId', 'SecondaryAllocationIds', 'ConnectivityType'],
  'AWS::EC2::EIP': [],
  'AWS::EC2::InternetGateway': [],
  'AWS::EC2::VPCEndpoint': ['ServiceName', 'VpcId', 'VpcEndpointType', 'RouteTableIds', 'PrivateDnsEnabled', 'SecurityGroupIds', 'SubnetIds'],
  'AWS::EC2::DHCPOptions': ['DomainNameServers'],
  'AWS::EC2::SecurityGroup': ['GroupDescription', 'VpcId', 'SecurityGroupIngress', 'SecurityGroupEgress'],
  // UserData and Tags: read as written, for kubectl and a bastion's Name (engine/model/client-like.ts)
  'AWS::EC2::Instance': ['SubnetId', 'NetworkInterfaces', 'SecurityGroupIds', 'SecurityGroups', 'IamInstanceProfile', 'LaunchTemplate', 'UserData', 'Tags'],
  'AWS::EC2::LaunchTemplate': ['LaunchTemplateName', 'LaunchTemplateData'],
  'AWS::AutoScaling::AutoScalingGroup': ['MinSize', 'MaxSize', 'VPCZoneIdentifier', 'Tags', 'LaunchTemplate', 'MixedInstancesPolicy', 'LaunchConfigurationName'],
  'AWS::AutoScaling::LaunchConfiguration': ['ImageId', 'InstanceType', 'SecurityGroups'],
  'AWS::IAM::InstanceProfile': ['Roles'],
  // a role's trust policy, which its L1 requires, is not read: its managed policies are plain values
  'AWS::IAM::Role': ['ManagedPolicyArns'],
  'AWS::Lambda::Function': ['Code', 'Role', 'VpcConfig', 'Environment'],
  // the cluster's OIDC issuer registered for IAM roles for service accounts (ControlPlaneEgress)
  'AWS::IAM::OIDCProvider': ['Url'],
  'Custom::AWSCDKOpenIdConnectProvider': ['Url'],
  'AWS::EC2::VPCPeeringConnection': ['VpcId', 'PeerVpcId'],
  'AWS::EC2::TransitGateway': ['SecurityGroupReferencingSupport'],
  'AWS::EC2::TransitGatewayAttachment': ['VpcId', 'SubnetIds', 'TransitGatewayId', 'Options'],
  'AWS::EC2::TransitGatewayVpcAttachment': ['VpcId', 'SubnetIds', 'TransitGatewayId', 'Options'],
  'AWS::Route53Resolver::ResolverEndpoint': ['Direction', 'IpAddresses', 'SecurityGroupIds'],
  'AWS::Route53Resolver::ResolverRule': ['RuleType', 'DomainName', 'TargetIps', 'ResolverEndpointId'],
  'AWS::Route53Resolver::ResolverRuleAssociation': ['ResolverRuleId', 'VPCId'],
  'AWS::CloudFormation::Stack': ['TemplateURL', 'Parameters'],
  'AWS::EC2::SubnetRouteTableAssociation': 'all',
  'AWS::EC2::Route': 'all',
  'AWS::EC2::VPCDHCPOptionsAssociation': 'all',
  'AWS::EC2::SecurityGroupIngress': 'all',
  'AWS::EC2::SecurityGroupEgress': 'all',
  ...Object.fromEntries(UNREADABLE_CLUSTER_TYPES.map((type) => [type, 'all' as const])),
};

/** Templates rendered from a construct tree, and the way back from a finding to its construct. */
export interface TreeTemplates {
  readonly inputs: TemplateInput[];
  /** The construct of a resource, by template id and logical ID. */
  element(templateId: string, logicalId: string): CfnElement | undefined;
}

/**
 * Renders the stacks under `root` as CloudFormation templates, as `cdk synth` would write
 * them, for the resources and properties the engine reads. Values are resolved the way
 * CloudFormation will see them (`Ref`, `Fn::GetAtt`, `Fn::Join`, overrides applied). A
 * reference into another stack is `Fn::ImportValue` of an export made up here, so the
 * engine links it whether or not `cdk synth` has yet replaced it by its own export or
 * weak reference: that also makes the result the same before and after synthesis.
 *
 * Every resource is in its template, by type; the properties of those the engine reads, and
 * the parameters, are rendered when the engine first reads them (most resources it reads none of:
 * roles, route tables), each once. The exports a rendering makes up are added to the producing
 * template's outputs then.
 *
 * @param stages whether to include stacks inside nested Stages
 */
export function renderTree(root: IConstruct, stages: boolean): TreeTemplates {
  logicalIds = new WeakMap();
  const stacks = stacksUnder(root, stages);

  const byStack = new Map<Stack, Record<string, any>>();
  /** The elements by template id, then logical ID. */
  const elements = new Map<string, Map<string, CfnElement>>();
  const exports = new Set<string>();
  const idOf = (stack: Stack) => stack.node.path || stack.stackName;
  for (const stack of stacks.keys()) {
    byStack.set(stack, { Resources: {}, Parameters: {}, Conditions: {}, Outputs: {}, Mappings: {} });
  }
  const exportName = (ref: Reference) => {
    const producer = Stack.of(ref.target);
    const logicalId = logicalIdOf(ref.target as CfnElement);
    const name = `cdk-eks-endpoint:${idOf(producer)}:${logicalId}:${ref.displayName}`;
    const outputs = byStack.get(producer)?.Outputs;
    if (!exports.has(name) && outputs) {
      exports.add(name);
      const value = ref.displayName === 'Ref' ? { Ref: logicalId } : { 'Fn::GetAtt': [logicalId, ref.displayName] };
      outputs[`CdkEksEndpointExport${exports.size - 1}`] = { Value: value, Export: { Name: name } };
    }
    return name;
  };
  for (const [stack, stackElements] of stacks) {
    const template = byStack.get(stack)!;
    const resolver = new CloudFormationResolver(stack, exportName);
    const resolveIn = (scope: IConstruct) => (value: unknown, removeEmpty?: boolean) =>
      Tokenization.resolve(value, { scope, resolver, preparing: false, removeEmpty });
    const stackId = idOf(stack);
    const byLogicalId = new Map<string, CfnElement>();
    elements.set(stackId, byLogicalId);
    for (const element of stackElements) {
      const logicalId = logicalIdOf(element);
      byLogicalId.set(logicalId, element);
      if (element instanceof CfnResource) {
        // an element that cannot be rendered here would fail `cdk synth` too; the engine sees it without properties
        template.Resources[logicalId] = new RenderedResource(element, resolver);
      } else if (element instanceof CfnParameter) {
        lazy(template.Parameters, logicalId, () => sectionOf(element, resolveIn(element), 'Parameters')?.[logicalId]);
      } else if (element instanceof CfnCondition || element instanceof CfnOutput || element instanceof CfnMapping) {
        try {
          const section = resolveIn(element)(internalRender(element)) ?? {};
          for (const [key, body] of Object.entries(section as Record<string, Record<string, unknown>>)) {
            Object.assign(template[key] ??= {}, body);
          }
        } catch {
          template.Resources[logicalId] ??= { Type: 'AWS::CloudFormation::WaitConditionHandle' };
        }
      }
    }
  }

  const inputs: TemplateInput[] = [...stacks.keys()].map((stack) => {
    const parentStack = stack instanceof NestedStack ? stack.nestedStackParent : undefined;
    const parentResource = stack instanceof NestedStack ? stack.nestedStackResource : undefined;
    return {
      id: idOf(stack),
      template: byStack.get(stack),
      stackName: Token.isUnresolved(stack.stackName) ? undefined : stack.stackName,
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      account: Token.isUnresolved(stack.account) ? undefined : stack.account,
      parent: parentStack && parentResource && byStack.has(parentStack)
        ? { id: idOf(parentStack), logicalId: logicalIdOf(parentResource) } : undefined,
    };
  });
  return { inputs, element: (templateId, logicalId) => elements.get(templateId)?.get(logicalId) };
}

/**
 * Defines `object[key]` as the value `produce` gives when it is first read (undefined if it
 * throws), kept from then on. Enumerable, so that the key is seen before the value is made.
 */
function lazy(object: Record<string, unknown>, key: string, produce: () => unknown): void {
  Object.defineProperty(object, key, {
    enumerable: true,
    configurable: true,
    get() {
      let value: unknown;
      try {
        value = produce();
      } catch {
        value = undefined;
      }
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      return value;
    },
  });
}

/** A section (`Parameters`, ...) of what `_toCloudFormation()` renders for an element. */
function sectionOf(element: CfnElement, resolve: (value: unknown) => any, section: string): Record<string, unknown> | undefined {
  return (resolve(internalRender(element)) as Record<string, Record<string, unknown>> | undefined)?.[section];
}

/**
 * An element's logical ID as the template will have it (an override included), without going
 * through token resolution, which costs a fifth of the check. `_synthesizeLogicalId` is what the
 * element's own `logicalId` token produces; internal to aws-cdk-lib, hence the fallback.
 */
function logicalIdOf(element: CfnElement): string {
  let id = logicalIds.get(element);
  if (id === undefined) {
    const synthesize = (element as unknown as { _synthesizeLogicalId?: () => string })._synthesizeLogicalId;
    id = typeof synthesize === 'function' ? synthesize.call(element) : Stack.of(element).resolve(element.logicalId) as string;
    logicalIds.set(element, id);
  }
  return id;
}

/**
 * Logical IDs seen in this process. An element's logical ID can still change until synthesis
 * (`overrideLogicalId`, a rename): the cache is cleared at the start of each rendering, which
 * happens once the app is complete.
 */
let logicalIds = new WeakMap<CfnElement, string>();

/** What `_toCloudFormation()` gives for an element: the one aws-cdk-lib method that renders CloudFormation with overrides. */
function internalRender(element: CfnElement): unknown {
  const render = (element as unknown as { _toCloudFormation?: () => unknown })._toCloudFormation;
  return typeof render === 'function' ? render.call(element) : {};
}

type Resolve = (value: unknown, removeEmpty?: boolean) => any;

/** Where a rendered resource keeps what it is made from, out of its enumerable keys (and of JSON). */
const SOURCE = Symbol('source');

/**
 * A resource as CloudFormation will see it: its type, condition, path, and the properties the
 * engine reads, with overrides, rendered when first read. Types it reads nothing of are given by
 * type only: a reference to them still resolves.
 *
 * One class, its metadata and properties getters on the prototype: every rendered resource has
 * the same shape, where an accessor defined on each object gave each its own hidden class, which
 * made the engine's reads of them megamorphic and the optimized code that had seen them die with
 * them (V8 discards it when a full garbage collection frees a class it embeds: the bench's runs
 * then started from unoptimized code). Its own enumerable keys are `Type` and `Condition` (undefined
 * when it has none, which JSON leaves out); the rest is read through the getters.
 */
class RenderedResource {
  public readonly Type: string;
  public readonly Condition: string | undefined;
  private readonly [SOURCE]: { readonly resource: CfnResource; readonly resolver: CloudFormationResolver; metadata?: Record<string, unknown>; properties?: unknown; rendered: boolean };

  constructor(resource: CfnResource, resolver: CloudFormationResolver) {
    this.Type = resource.cfnResourceType;
    const condition = resource.cfnOptions.condition;
    this.Condition = condition ? logicalIdOf(condition) : undefined;
    this[SOURCE] = { resource, resolver, metadata: undefined, properties: undefined, rendered: false };
  }

  /** `aws:cdk:path` (the construct path, made when first read: most resources are never named) and the client marker. */
  public get Metadata(): Record<string, unknown> {
    const source = this[SOURCE];
    if (source.metadata === undefined) {
      const metadata: Record<string, unknown> = { 'aws:cdk:path': source.resource.node.path };
      const marker = source.resource.getMetadata('cdk-eks-endpoint');
      if (marker !== undefined) metadata['cdk-eks-endpoint'] = marker;
      source.metadata = metadata;
    }
    return source.metadata;
  }

  /** The properties the engine reads (undefined for a type it reads none of, or when they cannot be rendered), rendered once. */
  public get Properties(): unknown {
    const source = this[SOURCE];
    if (!source.rendered) {
      source.rendered = true;
      const reads = READS[this.Type];
      if (reads !== undefined) {
        const { resource, resolver } = source;
        const resolve: Resolve = (value, removeEmpty) => (typeof value === 'string' && resolver.referenceIn(value))
          || Tokenization.resolve(value, { scope: resource, resolver, preparing: false, removeEmpty });
        try {
          source.properties = renderProperties(resource, resolve, reads === 'all' ? undefined : reads) ?? wholeProperties(resource, resolve);
        } catch {
          source.properties = undefined;
        }
      }
    }
    return source.properties;
  }
}

function wholeProperties(resource: CfnResource, resolve: Resolve): unknown {
  const section = resolve(internalRender(resource)) as { Resources?: Record<string, { Properties?: unknown }> } | undefined;
  return Object.values(section?.Resources ?? {})[0]?.Properties;
}

interface ResourceInternals {
  readonly cfnProperties?: Record<string, unknown>;
  renderProperties?: (props: Record<string, unknown>) => Record<string, unknown>;
  readonly rawOverrides?: { Properties?: unknown };
}

/**
 * Renders a resource's properties (all, or those named `keys`, CloudFormation names) the way
 * `_toCloudFormation()` does: the L1's properties resolved, rendered to CloudFormation names by the
 * L1, overrides merged in. A property whose value resolves to a plain value (a string, number,
 * boolean, intrinsic, or a list of them) is renamed without the L1's rendering, which would give
 * it back as it is after validating every property it is given. These members are internal to
 * aws-cdk-lib: when one is missing, undefined is returned and the caller renders the whole resource.
 */
function renderProperties(resource: CfnResource, resolve: Resolve, keys?: string[]): Record<string, unknown> | undefined {
  const internals = resource as unknown as ResourceInternals;
  const all = internals.cfnProperties;
  if (!all || typeof internals.renderProperties !== 'function') return undefined;
  const overrides = internals.rawOverrides?.Properties;
  const hasOverrides = overrides !== undefined && (typeof overrides !== 'object' || overrides === null || Object.keys(overrides).length > 0);
  // overrides merge in ways of aws-cdk-lib's own (an intrinsic over an object, an object over a
  // list): merged with aws-cdk-lib's own merge, or, without it, the resource rendered whole
  if (hasOverrides && !DEEP_MERGE) return undefined;
  const names = cloudFormationNames(resource, internals, all);
  if (!names) return undefined;
  const rendered: Record<string, unknown> = {};
  let structured: Map<string, { cfnName: string; value: unknown }> | undefined;
  for (const cfnName of keys ?? names.keys()) {
    const l1Name = names.get(cfnName);
    const raw = l1Name === undefined ? undefined : all[l1Name];
    if (raw === undefined) continue;
    const value = resolve(raw);
    if (value === undefined) continue;
    if (isPlain(value)) {
      rendered[cfnName] = value;
    } else {
      (structured ??= new Map()).set(l1Name!, { cfnName, value });
    }
  }
  if (structured && !renderStructured(resource, internals.renderProperties, names, rendered, structured)) {
    return undefined; // the L1 refused the subset (a required property left out): render it whole
  }
  return hasOverrides ? mergeOverrides(rendered, overrides, resolve) : rendered;
}

/**
 * Renders the structured properties (resolved, by L1 name) into `rendered`, by CloudFormation
 * name, as the L1 renders them: nested names capitalised (`subnetIds` to `SubnetIds`). The L1's
 * own rendering validates every property it is given and costs more than resolving them, so it
 * is asked only until it has shown, for each path of names met (`resourcesVpcConfig.subnetIds`,
 * `securityGroupIngress[].cidrIp`), that it renders them capitalised and values as they are; a
 * property it renders some other way (a map of names of the user's, a name not capitalised) is
 * always left to it. False when the L1 refuses the properties.
 */
function renderStructured(
  resource: CfnResource, renderer: (props: Record<string, unknown>) => Record<string, unknown>, names: Map<string, string>,
  rendered: Record<string, unknown>, structured: Map<string, { cfnName: string; value: unknown }>,
): boolean {
  let learnt = LEARNT.get(renderer);
  if (!learnt) LEARNT.set(renderer, learnt = { paths: new NamePath(), byL1: new Set() });
  const direct = new Map<string, { value: unknown; paths: NamePath[] }>();
  let ask = false;
  for (const [l1Name, { value }] of structured) {
    if (learnt.byL1.has(l1Name)) {
      ask = true;
      continue;
    }
    const paths: NamePath[] = [];
    const capitalisedValue = capitalise(value, learnt.paths.next(l1Name), paths);
    if (capitalisedValue === NOT_DATA) {
      ask = true;
      continue;
    }
    direct.set(l1Name, { value: capitalisedValue, paths });
    if (!paths.every((p) => p.capitalised)) ask = true;
  }
  if (!ask) {
    for (const [l1Name, { cfnName }] of structured) rendered[cfnName] = direct.get(l1Name)!.value;
    return true;
  }
  // the L1 validates what it is given, and requires some of the plain ones: it is given those too
  const input: Record<string, unknown> = {};
  for (const cfnName of Object.keys(rendered)) input[names.get(cfnName)!] = rendered[cfnName];
  for (const [l1Name, { value }] of structured) input[l1Name] = value;
  let out: Record<string, unknown>;
  try {
    out = renderer.call(resource, input) ?? {};
  } catch {
    return false;
  }
  for (const [l1Name, { cfnName }] of structured) {
    rendered[cfnName] = out[cfnName];
    const mine = direct.get(l1Name);
    if (!mine) continue;
    if (sameData(mine.value, out[cfnName])) {
      for (const p of mine.paths) p.capitalised = true;
    } else {
      learnt.byL1.add(l1Name);
    }
  }
  return true;
}

/**
 * What each L1 class's rendering (by its function) has shown: the paths of property names it
 * renders capitalised, and the properties it renders some other way.
 */
const LEARNT = new WeakMap<Function, { paths: NamePath; byL1: Set<string> }>();

const NOT_DATA = Symbol('not plain data');

/**
 * A resolved value with the names of its objects capitalised, intrinsics left as they are,
 * and the path of every name met added to `met`; NOT_DATA when it holds something other than
 * JSON data (a Date), which only the L1 renders.
 */
function capitalise(value: unknown, path: NamePath, met: NamePath[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    const item = path.next('[]');
    for (const x of value) {
      const rendered = capitalise(x, item, met);
      if (rendered === NOT_DATA) return NOT_DATA;
      out.push(rendered);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_DATA;
  if (isIntrinsic(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const at = path.next(key);
    met.push(at);
    const rendered = capitalise(item, at, met);
    if (rendered === NOT_DATA) return NOT_DATA;
    out[capitalised(key)] = rendered;
  }
  return out;
}

/**
 * A path of property names below an L1 property (`resourcesVpcConfig.subnetIds`,
 * `securityGroupIngress[].cidrIp`), one node per name or list (`[]`) met: found by the names
 * themselves, where a path written out as a string had to be built and hashed for every name of
 * every value rendered.
 */
class NamePath {
  /** Whether the L1 has shown that it renders the name this path ends with capitalised, and its value as it is. */
  public capitalised = false;
  private readonly below = new Map<string, NamePath>();

  public next(name: string): NamePath {
    let path = this.below.get(name);
    if (path === undefined) this.below.set(name, path = new NamePath());
    return path;
  }
}

/** A name with its first letter capitalised, as the L1s render nested names; each name made once. */
function capitalised(name: string): string {
  let result = CAPITALISED.get(name);
  if (result === undefined) {
    result = name.charAt(0).toUpperCase() + name.slice(1);
    if (CAPITALISED.size < 10_000) CAPITALISED.set(name, result);
  }
  return result;
}

const CAPITALISED = new Map<string, string>();

/** Whether two rendered values are the same data, a key whose value is undefined being no key. */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((x, i) => sameData(x, bs[i]));
  }
  const defined = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined);
  const as = defined(a);
  const bs = new Map(defined(b));
  return as.length === bs.size && as.every(([k, v]) => bs.has(k) && sameData(v, bs.get(k)));
}

/** Whether a resolved value is rendered by an L1 as it is: a scalar, an intrinsic, or a list of those. */
function isPlain(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every((item) => typeof item !== 'object' || item === null || isIntrinsic(item));
  return isIntrinsic(value);
}

/** `{ Ref }` or `{ 'Fn::...' }`, as aws-cdk-lib's L1s recognise an intrinsic (and leave it as it is). */
function isIntrinsic(value: object): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/**
 * A resource's properties by their CloudFormation names, each with its L1 name, learnt from the L1
 * itself once per class: its rendering given an intrinsic for every property (which an L1 takes
 * as it is) says where each one goes. A plain `CfnResource` has its properties by their
 * CloudFormation names already. Undefined when the L1 renders in some other way.
 */
function cloudFormationNames(resource: CfnResource, internals: ResourceInternals, all: Record<string, unknown>): Map<string, string> | undefined {
  if (internals.renderProperties === CfnResource.prototype['renderProperties' as keyof CfnResource]) {
    return new Map(Object.keys(all).map((name) => [name, name]));
  }
  const renderer = internals.renderProperties!;
  let names = NAMES.get(renderer);
  if (names === undefined) {
    names = null;
    try {
      const probes = new Map(Object.keys(all).map((l1Name) => [{ Ref: l1Name } as unknown, l1Name]));
      const out = renderer.call(resource, Object.fromEntries([...probes].map(([probe, l1Name]) => [l1Name, probe]))) ?? {};
      const found = new Map<string, string>();
      for (const [cfnName, value] of Object.entries(out)) {
        const l1Name = probes.get(value);
        if (l1Name !== undefined && !found.has(cfnName)) found.set(cfnName, l1Name);
      }
      // each property in one place, given as it was: else the L1 renders in a way not learnt here
      if (found.size === probes.size && new Set(found.values()).size === probes.size) names = found;
    } catch {
      names = null;
    }
    NAMES.set(renderer, names);
  }
  return names ?? undefined;
}

/**
 * A resource's properties by their CloudFormation names, each with its L1 name, as its L1 renders
 * them; undefined when that cannot be learnt (and the resource is then rendered whole).
 */
export function propertyNames(resource: CfnResource): Map<string, string> | undefined {
  const internals = resource as unknown as ResourceInternals;
  const all = internals.cfnProperties;
  return all && typeof internals.renderProperties === 'function' ? cloudFormationNames(resource, internals, all) : undefined;
}

/** The CloudFormation names of each L1 class's properties with their L1 names (by its rendering function), learnt once. */
const NAMES = new WeakMap<Function, Map<string, string> | null>();

/**
 * aws-cdk-lib's own merge of raw overrides into a rendered resource (`deepMerge`, internal: loaded
 * by its file, which the package's exports do not list). Without it, a resource with overrides is
 * rendered whole, as `_toCloudFormation()` merges them.
 */
const DEEP_MERGE: ((target: Record<string, unknown>, ...sources: unknown[]) => Record<string, unknown>) | undefined = (() => {
  try {
    const file = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'core', 'lib', 'private', 'deep-merge.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const merge = require(file).deepMerge;
    return typeof merge === 'function' ? merge : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * The properties rendered (all or some) with the resource's property overrides merged in, as
 * `_toCloudFormation()` merges them: the overrides resolved keeping empty values (a deletion
 * override is an undefined value), then merged over `{ Properties }`. Which properties were
 * rendered does not change how the others merge: the merge goes key by key.
 */
function mergeOverrides(rendered: Record<string, unknown>, overrides: unknown, resolve: Resolve): Record<string, unknown> {
  const merged = DEEP_MERGE!({ Properties: rendered }, { Properties: resolve(overrides, false) });
  return (merged.Properties ?? {}) as Record<string, unknown>;
}

/**
 * Joins string fragments as CloudFormation does: two literals concatenate, anything else
 * becomes `Fn::Join` (the same shape `cdk synth` writes).
 */
class CloudFormationConcat implements IFragmentConcatenator {
  public join(left: any, right: any): any {
    if (left === undefined) return right;
    if (right === undefined) return left;
    if (typeof left === 'string' && typeof right === 'string') return left + right;
    return { 'Fn::Join': ['', [...joinParts(left), ...joinParts(right)]] };
  }
}

function joinParts(x: any): any[] {
  if (typeof x === 'object' && x !== null && Array.isArray(x['Fn::Join']) && x['Fn::Join'][0] === '') return x['Fn::Join'][1];
  return [typeof x === 'number' ? String(x) : x];
}

/**
 * A string that is one encoded string token and nothing else, as aws-cdk-lib encodes them
 * (`${Token[<key>]}`, the key of its `TokenMap`): no list token in it, no literal around it.
 */
const ONE_STRING_TOKEN = /^\$\{Token\[[a-zA-Z0-9:._-]+\]\}$/;

/** Resolves tokens as a stack would, but a reference into another stack becomes an import of a made-up export. */
class CloudFormationResolver extends DefaultTokenResolver {
  constructor(private readonly consumer: Stack, private readonly exportName: (ref: Reference) => string) {
    super(new CloudFormationConcat());
  }

  public resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): any {
    return this.reference(t) ?? super.resolveToken(t, context, postProcessor);
  }

  /** A string that is one token (an attribute such as a role's ARN): a reference is rendered here, without a nested resolution. */
  public resolveString(fragments: TokenizedStringFragments, context: IResolveContext): any {
    const only = fragments.length === 1 ? fragments.firstToken : undefined;
    return (only && this.reference(only)) ?? super.resolveString(fragments, context);
  }

  /**
   * What a string that is one token and nothing else renders to, when that token is a reference
   * (most properties the engine reads: a VPC's, subnet's or role's ID or ARN): what
   * `resolveString` gives it, without the way through `Tokenization.resolve`.
   */
  public referenceIn(s: string): unknown {
    if (!ONE_STRING_TOKEN.test(s)) return undefined;
    const only = Tokenization.reverseString(s).firstToken;
    return only && this.reference(only);
  }

  private reference(t: IResolvable): unknown {
    if (!Reference.isReference(t) || !(t.target instanceof CfnElement)) return undefined;
    if (Stack.of(t.target) !== this.consumer) return { 'Fn::ImportValue': this.exportName(t) };
    // what the reference renders to, with the logical ID allocated once per element and run
    // rather than once per reference (allocating hashes the construct path)
    const id = logicalIdOf(t.target);
    return t.displayName === 'Ref' ? { Ref: id } : { 'Fn::GetAtt': [id, t.displayName] };
  }
}

/**
 * The stacks under `root`, in tree order, each with its own CloudFormation elements (not those
 * of its nested stacks), found in one walk of the tree.
 */
function stacksUnder(root: IConstruct, stages: boolean): Map<Stack, CfnElement[]> {
  const found = new Map<Stack, CfnElement[]>();
  const visit = (c: IConstruct, elements: CfnElement[] | undefined) => {
    // elements first: most constructs of a stack are, and an element is no stack or Stage
    if (c instanceof CfnElement) {
      elements?.push(c);
    } else if (Stack.isStack(c)) {
      elements = [];
      found.set(c, elements);
    } else if (Stage.isStage(c)) {
      if (c !== root && !stages) return;
      elements = undefined; // a Stage's elements are in its own stacks
    }
    for (const child of c.node.children) visit(child, elements);
  };
  visit(root, undefined);
  return found;
}
