/**
 * Access granted by the `aws-auth` ConfigMap, the way aws-eks (v1) grants it
 * (`cluster.awsAuth.addMastersRole()`, `addRoleMapping()`, `addUserMapping()`, `addAccount()`):
 * a `Custom::AWSCDK-EKS-KubernetesResource` whose `Manifest` is a JSON list of manifests, built
 * with `Fn::Join` around the ARNs it takes from the templates; `data.mapRoles` and `data.mapUsers`
 * are YAML (here JSON, which YAML reads) lists of `{ rolearn | userarn, username, groups }`,
 * `data.mapAccounts` a list of account IDs. A role mapped there calls the API like a role with
 * an access entry.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
 * @see node_modules/aws-cdk-lib/aws-eks/lib/aws-auth.js (the manifest the v1 Cluster writes)
 */
import { parse as parseYaml } from 'yaml';
import { isRecord, ResourceRef, Text, Unknown, Value } from '../template/value';

/** What an aws-auth ConfigMap maps: ARNs and account IDs as values (a part taken from the templates stays a reference; one not known, unknown). */
export interface AwsAuthMappings {
  /** `mapRoles[].rolearn` of the entries that are not nodes (`system:nodes` is how nodes and Fargate pods join). */
  readonly roles: Value[];
  readonly users: Value[];
  readonly accounts: Value[];
  /** Why the mappings cannot be read, when they cannot (a deploy-time manifest, text that does not parse): there may be others. */
  readonly unreadable?: string;
}

const MARK = '\u00a7cdk-eks-endpoint-part-';
const MARKS = new RegExp(`${MARK}(\\d+)\u00a7`, 'g');

/**
 * The mappings of the aws-auth ConfigMap in a manifest value, undefined when the manifest holds
 * none. The parts of a built string that are not literal are put back where they were found,
 * so a role's ARN is the reference to it. Never throws: what it cannot read is `unreadable`.
 */
export function readAwsAuth(manifest: Value): AwsAuthMappings | undefined {
  const unreadable = (why: string): AwsAuthMappings => ({ roles: [], users: [], accounts: [], unreadable: why });
  if (manifest instanceof Unknown) return unreadable(`the manifest is ${manifest.why}`);
  const parts: Array<ResourceRef | Unknown> = [];
  let text: string;
  if (typeof manifest === 'string') {
    text = manifest;
  } else if (manifest instanceof Text) {
    text = manifest.parts.map((p) => (typeof p === 'string' ? p : `${MARK}${parts.push(p) - 1}\u00a7`)).join('');
  } else {
    return undefined;
  }
  if (!text.includes('aws-auth')) return undefined;
  const documents = parseText(text);
  if (documents === undefined) return unreadable('the manifest is not JSON or YAML that can be read at synth');
  const configMap = (Array.isArray(documents) ? documents : [documents]).find((d) => isRecord(d as Value)
    && (d as Record<string, unknown>).kind === 'ConfigMap' && isRecord((d as Record<string, Value>).metadata)
    && ((d as Record<string, Record<string, unknown>>).metadata.name === 'aws-auth') && (d as Record<string, Record<string, unknown>>).metadata.namespace === 'kube-system') as
    { data?: Record<string, unknown> } | undefined;
  if (!configMap) return undefined;
  const restore = (value: unknown): Value => restoreParts(value, parts);
  const why: string[] = [];
  const list = (key: string): unknown[] => {
    const raw = isRecord(configMap.data as Value) ? configMap.data![key] : undefined;
    if (raw === undefined) return [];
    const items = typeof raw === 'string' ? parseText(raw) : undefined;
    if (!Array.isArray(items)) {
      why.push(`data.${key} is not a list that can be read at synth`);
      return [];
    }
    return items;
  };
  const field = (item: unknown, key: string) => (isRecord(item as Value) ? (item as Record<string, unknown>)[key] : undefined);
  const roles = list('mapRoles')
    .filter((r) => !(Array.isArray(field(r, 'groups')) && (field(r, 'groups') as unknown[]).includes('system:nodes')))
    .map((r) => restore(field(r, 'rolearn'))).filter((r) => r !== undefined);
  const users = list('mapUsers').map((u) => restore(field(u, 'userarn'))).filter((u) => u !== undefined);
  const accounts = list('mapAccounts').map(restore).filter((a) => a !== undefined);
  return { roles, users, accounts, ...(why.length > 0 ? { unreadable: why.join('; ') } : {}) };
}

/** JSON, else YAML; undefined when neither reads it. */
function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return parseYaml(text, { maxAliasCount: 100 });
    } catch {
      return undefined;
    }
  }
}

/** A string with the marks of non-literal parts as the value it was: the part itself, or a `Text` of literal and non-literal parts. */
function restoreParts(value: unknown, parts: Array<ResourceRef | Unknown>): Value {
  if (typeof value !== 'string') {
    return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value === undefined ? undefined : new Unknown('a value of aws-auth that is not a string');
  }
  const pieces: Array<string | ResourceRef | Unknown> = [];
  let last = 0;
  for (const m of value.matchAll(MARKS)) {
    if (m.index! > last) pieces.push(value.slice(last, m.index));
    pieces.push(parts[Number(m[1])] ?? new Unknown('a part of the manifest not read'));
    last = m.index! + m[0].length;
  }
  if (last < value.length) pieces.push(value.slice(last));
  if (pieces.length === 0) return '';
  return pieces.length === 1 ? pieces[0] : new Text(pieces);
}
