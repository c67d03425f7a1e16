import { TemplateInput } from '../engine/read/input';
import { accountInput } from './account/account-template';

export { accountId } from '../engine/read/input';

/*
 * Facts read from an AWS account, cached in the app's context the way CDK caches its own lookups
 * (`Vpc.fromLookup` writes `vpc-provider:...` keys into cdk.context.json once, with credentials;
 * every later synthesis reads them offline and deterministically). `cdk-eks-endpoint lookup`
 * writes one entry a VPC under its own keys; the Aspect and the pack add each entry as a template
 * read from the account, and the literal IDs of an app's imported VPC join it (engine/template).
 * An entry is read as untrusted input: one that is not usable is named, never followed.
 */

/** The context keys this library writes: `cdk-eks-endpoint:account-read:account=<id>:region=<region>:vpc-id=<id>`. */
export const ACCOUNT_CONTEXT_PREFIX = 'cdk-eks-endpoint:account-read:';

/** One cached read: a template of what was read (engine/read/input.ts `readFrom`), where and when. */
export interface CachedRead {
  /** The format of this entry. */
  readonly version: 1;
  readonly account?: string;
  readonly region: string;
  /** When it was read: an ISO 8601 time. */
  readonly readAt: string;
  /** The VPC it is about. */
  readonly vpcId: string;
  /** What was read, as CloudFormation, each resource naming its physical ID. */
  readonly template: { Parameters?: Record<string, unknown>; Resources: Record<string, unknown> };
  /** The reads that were denied: each an action and what it was about. */
  readonly denied: Array<{ readonly action: string; readonly what: string }>;
}

/** The context key of a cached read. */
export function contextKey(read: Pick<CachedRead, 'account' | 'region' | 'vpcId'>): string {
  return `${ACCOUNT_CONTEXT_PREFIX}account=${read.account ?? 'unknown'}:region=${read.region}:vpc-id=${read.vpcId}`;
}

/** The templates of the cached reads in a context, and a line for each entry that is not usable. */
export function cachedReads(context: Record<string, unknown>): { inputs: TemplateInput[]; unusable: string[] } {
  const inputs: TemplateInput[] = [];
  const unusable: string[] = [];
  for (const key of Object.keys(context).filter((k) => k.startsWith(ACCOUNT_CONTEXT_PREFIX)).sort()) {
    const problem = whyUnusable(context[key]);
    if (problem) {
      unusable.push(`context entry ${key} is not usable (${problem}); run cdk-eks-endpoint lookup again, or remove it with cdk context --reset ${JSON.stringify(key)}`);
      continue;
    }
    const { template, account, region, readAt } = context[key] as CachedRead;
    // what was denied at the lookup was said then; here only the facts are read
    inputs.push(accountInput({ template, ...(account ? { account } : {}), region, readAt, denied: [], unanswered: [], actions: [] }, 'cdk.context.json'));
  }
  return { inputs, unusable };
}

function whyUnusable(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'not an object';
  const read = entry as Record<string, unknown>;
  if (read.version !== 1) return `version ${JSON.stringify(read.version)}, where this library reads version 1`;
  if (typeof read.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(read.region)) return 'no region';
  if (read.account !== undefined && (typeof read.account !== 'string' || !/^\d{12}$/.test(read.account))) return 'an account that is not 12 digits';
  if (typeof read.readAt !== 'string' || Number.isNaN(Date.parse(read.readAt))) return 'no time it was read';
  const template = read.template as Record<string, unknown> | undefined;
  if (typeof template !== 'object' || template === null || typeof template.Resources !== 'object' || template.Resources === null) return 'no template';
  return undefined;
}
