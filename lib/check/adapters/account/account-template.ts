/**
 * What the account reader writes: a CloudFormation template of what it read, in the shape the
 * template reader reads (the types and properties of tree-templates.ts's READS), so that every rule
 * and output works on an account as on an app ("one model, two inputs", issue 15 item 3).
 *
 * Conventions, the contract with what joins app templates to an account read:
 * - a logical ID comes from the physical ID (`subnet-0a1b` -> `Subnet0a1b`), unique in the template;
 * - every resource's Metadata has `cdk-eks-endpoint:read`: `{ id: <physical id>, attributes: {...} }`
 *   (a role's `Arn`, a cluster's `ClusterSecurityGroupId`);
 * - a resource refers to another one read with `Ref` / `Fn::GetAtt`; an ID of something not read
 *   (a peer VPC in another account) stays a literal string;
 * - the cluster security group is never a resource: its ID is `Fn::GetAtt <cluster>.ClusterSecurityGroupId`;
 * - a fact not read is `{ Ref: NotRead<Something> }`, a parameter without a value whose Description
 *   says what was not read and why: the engine reads it as unknown and the rules say "not verifiable".
 */
import { accountId, READ_METADATA, TemplateInput } from '../../engine/read/input';
import { Caller, Denied } from './caller';

/** The Metadata key of what the reader read about a resource. */
export const READ_METADATA_KEY = READ_METADATA;

/** What a resource's `cdk-eks-endpoint:read` Metadata holds. */
export interface ReadMetadata {
  /** The physical ID (`subnet-0a1b`, a cluster's or role's name). */
  readonly id: string;
  /** Attributes read (`Arn`, `ClusterSecurityGroupId`, `PublicIp`). */
  readonly attributes?: Record<string, string>;
}

/** An account read: the template, where and when it was read, and what could not be. */
export interface AccountRead {
  readonly template: Record<string, any>;
  /** The account the resources belong to, when an answer named it (a VPC's owner, a cluster's ARN). */
  readonly account?: string;
  readonly region: string;
  /** When it was read, ISO 8601. */
  readonly readAt: string;
  /** The calls AWS refused, by action and what: their facts are parameters without a value. */
  readonly denied: Denied[];
  /** The calls the endpoint did not answer (an emulator without the operation): their facts are not read either. */
  readonly unanswered: Array<{ action: string; what: string; why: string }>;
  /** The IAM actions called, sorted. */
  readonly actions: string[];
}

/** A physical ID in a property, resolved when the template is rendered: a reference when read, else the literal. */
class PhysicalId {
  constructor(public readonly id: string, public readonly attribute?: string) {}
}

interface Written {
  readonly type: string;
  readonly properties: Record<string, unknown>;
  readonly metadata: ReadMetadata;
}

/** The attribute a reference to a resource of a type uses, where `Ref` is not the ID the API gives. */
const ID_ATTRIBUTE: Record<string, string> = {
  'AWS::EC2::SecurityGroup': 'GroupId',
  'AWS::Route53Resolver::ResolverRule': 'ResolverRuleId',
  'AWS::Route53Resolver::ResolverEndpoint': 'ResolverEndpointId',
  'AWS::IAM::Role': 'Arn',
};

/** The template being written. */
export class AccountTemplate {
  private readonly resources = new Map<string, Written>();
  private readonly logicalByPhysical = new Map<string, string>();
  private readonly parameters: Record<string, { Type: string; Description: string }> = {};
  /** The cluster security group's ID, and the cluster's logical ID. */
  private clusterGroup?: { id: string; cluster: string };
  /** An account an answer named. */
  public account?: string;
  /** The VPCs read, and the other sides of their peering connections and the Transit Gateways they attach to. */
  public readonly network = {
    vpcs: new Set<string>(),
    peers: new Map<string, { readonly owner?: string; readonly region?: string }>(),
    transitGateways: new Set<string>(),
  };

  /** Whether a resource with this physical ID was written. */
  public has(physicalId: string): boolean {
    return this.logicalByPhysical.has(physicalId);
  }

  /** The logical ID of a resource written, by its physical ID. */
  public logicalId(physicalId: string): string | undefined {
    return this.logicalByPhysical.get(physicalId);
  }

  /**
   * Writes a resource, once per physical ID (a second write of the same ID is ignored and
   * returns the first's logical ID). `properties` may hold `ref(...)` values.
   */
  public add(type: string, physicalId: string, properties: Record<string, unknown>, attributes?: Record<string, string>, name?: string): string {
    const known = this.logicalByPhysical.get(physicalId);
    if (known) return known;
    const logicalId = this.uniqueId(logicalIdFor(name ?? physicalId));
    this.logicalByPhysical.set(physicalId, logicalId);
    this.resources.set(logicalId, { type, properties, metadata: { id: physicalId, ...(attributes && Object.keys(attributes).length > 0 ? { attributes } : {}) } });
    return logicalId;
  }

  /** Writes a resource that has no physical ID of its own (a route, an association): `name` makes its logical ID. */
  public addPart(type: string, name: string, properties: Record<string, unknown>, metadata: ReadMetadata): string {
    const logicalId = this.uniqueId(logicalIdFor(name));
    this.resources.set(logicalId, { type, properties, metadata });
    return logicalId;
  }

  /**
   * A physical ID in a property: when its resource is written, `Fn::GetAtt` of `attribute` (`'Ref'`
   * for a `Ref`; by default the attribute that is the ID the API gives: a group's GroupId, a role's
   * Arn, else `Ref`), else the literal.
   */
  public ref(physicalId: string, attribute?: string): unknown {
    return new PhysicalId(physicalId, attribute);
  }

  /** Replaces the properties of a resource written (one whose properties refer to its own logical ID). */
  public setProperties(logicalId: string, properties: Record<string, unknown>): void {
    const written = this.resources.get(logicalId);
    if (written) this.resources.set(logicalId, { ...written, properties });
  }

  /** The physical ID of a resource written of `type` whose read attribute `name` is `value` (an Elastic IP by its PublicIp). */
  public findByAttribute(type: string, name: string, value: string): string | undefined {
    for (const written of this.resources.values()) {
      if (written.type === type && written.metadata.attributes?.[name] === value) return written.metadata.id;
    }
    return undefined;
  }

  /** Marks `groupId` as the security group EKS made for the cluster written as `clusterLogicalId`. */
  public setClusterSecurityGroup(groupId: string, clusterLogicalId: string): void {
    this.clusterGroup = { id: groupId, cluster: clusterLogicalId };
  }

  /**
   * The cluster security group's rules when they cannot be read: one ingress rule on it whose
   * protocol and source are a parameter without a value, so that every path into it is unknown to
   * the engine (never a pass, never an error). The cluster is the one marked, unless given.
   */
  public clusterGroupNotRead(why: string, clusterLogicalId = this.clusterGroup?.cluster): void {
    if (!clusterLogicalId) return;
    const unknown = this.notRead(`ClusterSecurityGroupRules${clusterLogicalId}`, why);
    this.addPart('AWS::EC2::SecurityGroupIngress', `${clusterLogicalId}SecurityGroupRulesNotRead`, {
      GroupId: { 'Fn::GetAtt': [clusterLogicalId, 'ClusterSecurityGroupId'] }, IpProtocol: unknown, CidrIp: unknown,
    }, { id: `${clusterLogicalId}/ClusterSecurityGroupId` });
  }

  /** The cluster security group's ID, when read. */
  public get clusterSecurityGroupId(): string | undefined {
    return this.clusterGroup?.id;
  }

  /**
   * A fact not read: a parameter without a value (`{ Ref: NotRead<name> }`), whose Description says
   * what and why. One parameter per name.
   */
  public notRead(name: string, description: string, type: 'String' | 'CommaDelimitedList' = 'String'): unknown {
    const id = `NotRead${logicalIdFor(name)}`.slice(0, 255);
    this.parameters[id] ??= { Type: type, Description: description };
    return { Ref: id };
  }

  /** The template, references resolved. */
  public render(): Record<string, any> {
    const resources: Record<string, unknown> = {};
    for (const [logicalId, written] of this.resources) {
      resources[logicalId] = {
        Type: written.type,
        Properties: this.resolve(written.properties),
        Metadata: { [READ_METADATA_KEY]: written.metadata },
      };
    }
    return {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: 'What cdk-eks-endpoint read from an AWS account (read-only), written as CloudFormation for its check',
      ...(Object.keys(this.parameters).length > 0 ? { Parameters: { ...this.parameters } } : {}),
      Resources: resources,
    };
  }

  private resolve(value: unknown): unknown {
    if (value instanceof PhysicalId) {
      if (this.clusterGroup && value.id === this.clusterGroup.id) return { 'Fn::GetAtt': [this.clusterGroup.cluster, 'ClusterSecurityGroupId'] };
      const logicalId = this.logicalByPhysical.get(value.id);
      if (!logicalId) return value.id;
      const attribute = value.attribute ?? ID_ATTRIBUTE[this.resources.get(logicalId)!.type];
      return attribute && attribute !== 'Ref' ? { 'Fn::GetAtt': [logicalId, attribute] } : { Ref: logicalId };
    }
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
    }
    return value;
  }

  private uniqueId(base: string): string {
    let id = base;
    for (let n = 2; this.resources.has(id) || this.parameters[id]; n++) id = `${base}${n}`;
    return id;
  }
}

/** A CloudFormation logical ID from a physical ID or name: alphanumeric, each part capitalised (`subnet-0a1b` -> `Subnet0a1b`). */
export function logicalIdFor(name: string): string {
  const id = name.split(/[^A-Za-z0-9]+/).filter((p) => p.length > 0).map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  return (/^[A-Za-z]/.test(id) ? id : `R${id}`).slice(0, 255) || 'Resource';
}

/** The account read, from a template written and the caller that read it. */
export function accountRead(template: AccountTemplate, caller: Caller, readAt: Date = new Date()): AccountRead {
  return {
    template: template.render(),
    ...(template.account ? { account: template.account } : {}),
    region: caller.region,
    readAt: readAt.toISOString(),
    // sorted: calls made side by side finish in any order
    denied: [...caller.denied].sort((a, b) => `${a.action} ${a.what}`.localeCompare(`${b.action} ${b.what}`)),
    unanswered: [...caller.unanswered].sort((a, b) => `${a.action} ${a.what}`.localeCompare(`${b.action} ${b.what}`)),
    actions: [...caller.actions].sort(),
  };
}

/**
 * The engine's input for an account read: named by account, region and minute read
 * (`account 123456789012 us-east-1, read 2026-12-08 06:00 UTC`), marked as read from an account so
 * that literal IDs in app templates join its resources and its unset parameters say why (engine/template).
 */
export function accountInput(read: AccountRead, via?: string): TemplateInput {
  const origin = { ...(read.account ? { account: read.account } : {}), region: read.region, at: read.readAt };
  return {
    id: accountId(origin, via),
    template: read.template,
    region: read.region,
    ...(read.account ? { account: read.account } : {}),
    readFrom: origin,
  };
}
