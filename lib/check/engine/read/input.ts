/**
 * What the engine reads: CloudFormation templates exactly as they will be deployed, whichever
 * way they arrive (files and cloud assemblies for the CLI, the synthesized app for the cdk-nag
 * pack, templates rendered from the construct tree for the Aspect).
 */
export interface TemplateInput {
  /**
   * How the template is named in findings and messages: the file path for the CLI, the
   * stack's construct path (hierarchical ID) for the Aspect and the pack. Unique in one run.
   */
  readonly id: string;
  /**
   * The template, parsed: short-form YAML tags (`!Ref`, `!GetAtt a.b`, `!Sub`, ...) already
   * turned into their long form (`{ Ref }`, `{ 'Fn::GetAtt': [a, b] }`, `{ 'Fn::Sub' }`).
   */
  readonly template: unknown;
  /** The stack's name, when known: `Fn::GetStackOutput` finds stacks by it. */
  readonly stackName?: string;
  /**
   * For a nested stack's template: the parent template's `id` and the logical ID of the
   * parent's `AWS::CloudFormation::Stack` resource, whose `Parameters` feed this template's.
   */
  readonly parent?: NestedIn;
  /** The file the template was read from, for locating findings; absent when rendered in memory. */
  readonly file?: string;
  /**
   * Where each resource is written in `file`, by logical ID: the line and column of its key, as
   * the reader found them. Absent when rendered in memory.
   */
  readonly positions?: ReadonlyMap<string, SourcePosition>;
  /** The region the stack deploys to, when known (a CDK stack with an env): AWS::Region resolves to it. */
  readonly region?: string;
  /** The account the stack deploys to, when known. */
  readonly account?: string;
  /**
   * Set when the template was not written by anyone but read from an AWS account (the CLI's
   * `--account` and `--cluster`, or facts cached in `cdk.context.json` by `lookup`): its
   * resources name their physical IDs in `Metadata` (`READ_METADATA`), a literal ID in any
   * template refers to them, and its unset parameters are facts not read, their `Description`
   * saying why.
   */
  readonly readFrom?: AccountOrigin;
}

/** Where and when a template's facts were read from an account. */
export interface AccountOrigin {
  /** The account ID, when known. */
  readonly account?: string;
  readonly region: string;
  /** When they were read: an ISO 8601 time. */
  readonly at: string;
}

/** How a template read from an account is named in messages: `account 123456789012 us-east-1, read 2026-12-08 06:00 UTC`. */
export function accountId(origin: AccountOrigin, via?: string): string {
  const when = origin.at.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}).*$/, '$1 $2 UTC');
  return `account ${origin.account ?? '(unknown)'} ${origin.region}, read ${when}${via ? ` (${via})` : ''}`;
}

/**
 * The `Metadata` key of a resource read from an account: `{ id: <physical ID>, attributes?:
 * { <attribute>: <value> } }` (a role's `Arn`, a cluster's `ClusterSecurityGroupId`).
 */
export const READ_METADATA = 'cdk-eks-endpoint:read';

/** A place in a file: 1-based line and column. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** Where a nested stack's template is attached in its parent. */
export interface NestedIn {
  readonly id: string;
  readonly logicalId: string;
}

/** Input that cannot be read as CloudFormation: the CLI exits 2 with this one line. */
export class InputError extends Error {
  constructor(
    public readonly file: string,
    message: string,
    public readonly line?: number,
    public readonly column?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ''}` : ''}: ${message}`);
    this.name = 'InputError';
  }
}
