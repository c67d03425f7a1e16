import { CfnCondition, CfnElement, CfnMapping, CfnOutput, CfnParameter, CfnResource, DefaultTokenResolver, IFragmentConcatenator, IPostProcessor, IResolvable, IResolveContext, NestedStack, TokenizedStringFragments, Reference, Stack, Stage, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { TemplateInput } from '../engine/read/input';
import { UNREADABLE_CLUSTER_TYPES } from '../engine/template/template-set';

/**
 * The resource types the engine reads properties of, each with the properties it reads (the
 * L1's camelCase names, with the ones the L1 requires), or 'all' for small types resolved whole.
 * Tags (lazy values), policies and an instance's user data cost more to resolve than the whole
 * check, for nothing the rules use. Other resources are given by type only.
 */
const READS: Record<string, string[] | 'all'> = {
  'AWS::EKS::Cluster': ['name', 'roleArn', 'resourcesVpcConfig', 'computeConfig', 'logging', 'encryptionConfig',
    'remoteNetworkConfig', 'kubernetesNetworkConfig', 'accessConfig'],
  'AWS::EKS::Nodegroup': ['clusterName', 'nodeRole', 'subnets', 'launchTemplate'],
  'AWS::EKS::AccessEntry': ['clusterName', 'principalArn'],
  'AWS::EKS::FargateProfile': ['clusterName', 'podExecutionRoleArn', 'selectors', 'subnets'],
  'AWS::EC2::VPC': ['cidrBlock', 'enableDnsSupport', 'enableDnsHostnames'],
  'AWS::EC2::VPCCidrBlock': ['vpcId', 'cidrBlock', 'ipv4IpamPoolId'],
  'AWS::EC2::VPNGateway': [],
  'AWS::EC2::VPNGatewayRoutePropagation': ['routeTableIds', 'vpnGatewayId'],
  'AWS::EC2::VPCGatewayAttachment': ['vpcId', 'vpnGatewayId', 'internetGatewayId'],
  'AWS::EC2::VPNConnection': ['customerGatewayId', 'type', 'vpnGatewayId', 'transitGatewayId', 'staticRoutesOnly'],
  'AWS::EC2::VPNConnectionRoute': 'all',
  'AWS::EC2::Subnet': ['vpcId', 'cidrBlock'],
  'AWS::EC2::RouteTable': ['vpcId'],
  'AWS::EC2::NatGateway': ['subnetId', 'allocationId', 'secondaryAllocationIds', 'connectivityType'],
  'AWS::EC2::EIP': [],
  'AWS::EC2::InternetGateway': [],
  'AWS::EC2::VPCEndpoint': ['serviceName', 'vpcId', 'vpcEndpointType', 'routeTableIds', 'privateDnsEnabled', 'securityGroupIds', 'subnetIds'],
  'AWS::EC2::DHCPOptions': ['domainNameServers'],
  'AWS::EC2::SecurityGroup': ['groupDescription', 'vpcId', 'securityGroupIngress', 'securityGroupEgress'],
  'AWS::EC2::Instance': ['subnetId', 'networkInterfaces', 'securityGroupIds', 'securityGroups', 'iamInstanceProfile', 'launchTemplate'],
  'AWS::EC2::LaunchTemplate': ['launchTemplateName', 'launchTemplateData'],
  'AWS::AutoScaling::AutoScalingGroup': ['minSize', 'maxSize', 'vpcZoneIdentifier', 'tags', 'launchTemplate', 'mixedInstancesPolicy', 'launchConfigurationName'],
  'AWS::AutoScaling::LaunchConfiguration': ['imageId', 'instanceType', 'securityGroups'],
  'AWS::IAM::InstanceProfile': ['roles'],
  'AWS::Lambda::Function': ['code', 'role', 'vpcConfig'],
  'AWS::EC2::VPCPeeringConnection': ['vpcId', 'peerVpcId'],
  'AWS::EC2::TransitGateway': ['securityGroupReferencingSupport'],
  'AWS::EC2::TransitGatewayAttachment': ['vpcId', 'subnetIds', 'transitGatewayId', 'options'],
  'AWS::EC2::TransitGatewayVpcAttachment': ['vpcId', 'subnetIds', 'transitGatewayId', 'options'],
  'AWS::Route53Resolver::ResolverEndpoint': ['direction', 'ipAddresses', 'securityGroupIds'],
  'AWS::Route53Resolver::ResolverRule': ['ruleType', 'domainName', 'targetIps', 'resolverEndpointId'],
  'AWS::Route53Resolver::ResolverRuleAssociation': ['resolverRuleId', 'vpcId'],
  'AWS::CloudFormation::Stack': ['templateUrl', 'parameters'],
  'AWS::EC2::SubnetRouteTableAssociation': 'all',
  'AWS::EC2::Route': 'all',
  'AWS::EC2::VPCDHCPOptionsAssociation': 'all',
  'AWS::EC2::SecurityGroupIngress': 'all',
  'AWS::EC2::SecurityGroupEgress': 'all',
  ...Object.fromEntries(UNREADABLE_CLUSTER_TYPES.map((type) => [type, 'all' as const])),
};

/**
 * Types whose few properties the engine reads are plain values (strings, lists of strings):
 * rendered by name, CloudFormation's name to the L1's, without the L1's validation of every
 * property it requires. A role's trust policy, which its L1 requires, costs more to resolve
 * than the rest of the check on it.
 */
const PLAIN_READS: Record<string, Record<string, string>> = {
  'AWS::IAM::Role': { ManagedPolicyArns: 'managedPolicyArns' },
};

function plainProperties(resource: CfnResource, resolve: (value: unknown) => any, names: Record<string, string>): Record<string, unknown> | undefined {
  const all = (resource as unknown as { cfnProperties?: Record<string, unknown> }).cfnProperties;
  const overrides = (resource as unknown as { rawOverrides?: { Properties?: Record<string, unknown> } }).rawOverrides?.Properties ?? {};
  const out: Record<string, unknown> = {};
  for (const [cfnName, l1Name] of Object.entries(names)) {
    // an override of the property itself wins, as aws-cdk-lib merges it
    const value = cfnName in overrides ? overrides[cfnName] : all?.[l1Name];
    if (value !== undefined) out[cfnName] = resolve(value);
  }
  return out;
}

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
 * @param stages whether to include stacks inside nested Stages
 */
export function renderTree(root: IConstruct, stages: boolean): TreeTemplates {
  logicalIds = new WeakMap();
  const stacks = stacksUnder(root, stages);

  const byStack = new Map<Stack, Record<string, any>>();
  const elements = new Map<string, CfnElement>();
  const exports = new Map<string, { producer: Stack; output: Record<string, unknown> }>();
  const referredElsewhere = new Map<Stack, Set<CfnElement>>();
  const idOf = (stack: Stack) => stack.node.path || stack.stackName;
  for (const stack of stacks.keys()) {
    byStack.set(stack, { Resources: {}, Parameters: {}, Conditions: {}, Outputs: {}, Mappings: {} });
  }
  for (const stack of stacks.keys()) {
    const template = byStack.get(stack)!;
    // resources the engine reads nothing of are given by type only, and only when something
    // it reads refers to them: allocating every logical ID of an app costs more than the check
    const referred = new Set<CfnElement>();
    const resolver = new CloudFormationResolver(stack, referred, (ref) => {
      const producer = Stack.of(ref.target);
      const logicalId = logicalIdOf(ref.target as CfnElement);
      const name = `cdk-eks-endpoint:${idOf(producer)}:${logicalId}:${ref.displayName}`;
      if (!exports.has(name)) {
        const value = ref.displayName === 'Ref' ? { Ref: logicalId } : { 'Fn::GetAtt': [logicalId, ref.displayName] };
        exports.set(name, { producer, output: { Value: value, Export: { Name: name } } });
        referredElsewhere.get(producer)?.add(ref.target as CfnElement);
      }
      return name;
    });
    const resolve = (value: unknown, scope: IConstruct) => Tokenization.resolve(value, { scope, resolver, preparing: false });
    const render = (element: CfnElement) => {
      const logicalId = logicalIdOf(element);
      elements.set(`${idOf(stack)}\u0000${logicalId}`, element);
      try {
        if (element instanceof CfnResource) {
          template.Resources[logicalId] = renderResource(element, (v) => resolve(v, element));
        } else {
          const section = resolve(internalRender(element), element) ?? {};
          for (const [key, body] of Object.entries(section as Record<string, Record<string, unknown>>)) {
            Object.assign(template[key] ??= {}, body);
          }
        }
      } catch (e) {
        // an element that cannot be rendered here would fail `cdk synth` too; the engine sees it as absent
        template.Resources[logicalId] ??= { Type: element instanceof CfnResource ? element.cfnResourceType : 'AWS::CloudFormation::WaitConditionHandle' };
      }
    };
    for (const element of stacks.get(stack)!) {
      if (element instanceof CfnResource ? element.cfnResourceType in READS || element.cfnResourceType in PLAIN_READS
        : element instanceof CfnParameter || element instanceof CfnCondition || element instanceof CfnOutput || element instanceof CfnMapping) {
        render(element);
      }
    }
    for (const element of referred) {
      const logicalId = logicalIdOf(element);
      if (!(logicalId in template.Resources) && element instanceof CfnResource) {
        template.Resources[logicalId] = renderResource(element, (v) => resolve(v, element));
      }
    }
    referredElsewhere.set(stack, referred);
  }
  // resources referred to from other stacks, by type too
  for (const [stack, referred] of referredElsewhere) {
    const template = byStack.get(stack)!;
    for (const element of referred) {
      const logicalId = logicalIdOf(element);
      if (!(logicalId in template.Resources) && element instanceof CfnResource) {
        template.Resources[logicalId] = { Type: element.cfnResourceType, Metadata: { 'aws:cdk:path': element.node.path } };
      }
    }
  }
  let n = 0;
  for (const { producer, output } of exports.values()) {
    byStack.get(producer)!.Outputs[`CdkEksEndpointExport${n++}`] = output;
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
  return { inputs, element: (templateId, logicalId) => elements.get(`${templateId}\u0000${logicalId}`) };
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

/**
 * A resource as CloudFormation will see it: its type, condition, path, and the properties the
 * engine reads, with overrides. Types it reads nothing of are given by type only: a reference
 * to them still resolves.
 */
function renderResource(resource: CfnResource, resolve: (value: unknown) => any): Record<string, unknown> {
  const type = resource.cfnResourceType;
  const rendered: Record<string, unknown> = { Type: type, Metadata: { 'aws:cdk:path': resource.node.path } };
  const marker = resource.getMetadata('cdk-eks-endpoint');
  if (marker !== undefined) (rendered.Metadata as Record<string, unknown>)['cdk-eks-endpoint'] = marker;
  const condition = resource.cfnOptions.condition;
  if (condition) rendered.Condition = Stack.of(resource).resolve(condition.logicalId);
  const plain = PLAIN_READS[type];
  if (plain) {
    rendered.Properties = plainProperties(resource, resolve, plain);
    return rendered;
  }
  const reads = READS[type];
  if (reads === undefined) return rendered; // given by type only
  const properties = renderProperties(resource, resolve, reads === 'all' ? undefined : reads) ?? wholeProperties(resource, resolve);
  if (properties !== undefined) rendered.Properties = properties;
  return rendered;
}

function wholeProperties(resource: CfnResource, resolve: (value: unknown) => any): unknown {
  const section = resolve(internalRender(resource)) as { Resources?: Record<string, { Properties?: unknown }> } | undefined;
  return Object.values(section?.Resources ?? {})[0]?.Properties;
}

/**
 * Resolves a resource's properties (all, or only `keys`) the way `_toCloudFormation()` does:
 * the L1's properties, resolved and rendered to CloudFormation names. These members are internal to aws-cdk-lib: when one is missing, undefined is
 * returned and the caller renders the whole resource instead.
 */
function renderProperties(resource: CfnResource, resolve: (value: unknown) => any, keys?: string[]): Record<string, unknown> | undefined {
  const internals = resource as unknown as {
    readonly cfnProperties?: Record<string, unknown>;
    renderProperties?: (props: Record<string, unknown>) => Record<string, unknown>;
    readonly rawOverrides?: { Properties?: Record<string, unknown> };
  };
  const all = internals.cfnProperties;
  if (!all || typeof internals.renderProperties !== 'function') return undefined;
  // a plain CfnResource has its properties by their CloudFormation names, not the L1's: rendered whole
  if (internals.renderProperties === CfnResource.prototype['renderProperties' as keyof CfnResource]) return undefined;
  // overrides merge in ways of aws-cdk-lib's own (an intrinsic over an object, an object over a
  // list): for a resource that has some, let aws-cdk-lib render it whole
  if (Object.keys(internals.rawOverrides?.Properties ?? {}).length > 0) return undefined;
  const picked = keys ? Object.fromEntries(keys.filter((k) => all[k] !== undefined).map((k) => [k, all[k]])) : all;
  try {
    return internals.renderProperties.call(resource, resolve(picked) ?? {}) ?? {};
  } catch {
    return undefined; // the L1 refused the subset (a required property left out): render it whole
  }
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

/** Resolves tokens as a stack would, but a reference into another stack becomes an import of a made-up export. */
class CloudFormationResolver extends DefaultTokenResolver {
  constructor(private readonly consumer: Stack, private readonly referred: Set<CfnElement>, private readonly exportName: (ref: Reference) => string) {
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

  private reference(t: IResolvable): unknown {
    if (!Reference.isReference(t) || !(t.target instanceof CfnElement)) return undefined;
    if (Stack.of(t.target) !== this.consumer) return { 'Fn::ImportValue': this.exportName(t) };
    this.referred.add(t.target);
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
    if (c !== root && !stages && Stage.isStage(c)) return;
    if (Stack.isStack(c)) {
      elements = [];
      found.set(c, elements);
    } else if (Stage.isStage(c)) {
      elements = undefined; // a Stage's elements are in its own stacks
    } else if (elements && c instanceof CfnElement) {
      elements.push(c);
    }
    for (const child of c.node.children) visit(child, elements);
  };
  visit(root, undefined);
  return found;
}
