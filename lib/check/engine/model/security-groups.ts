/** Security groups: a key per group, their ingress and egress rules, and what a rule lets through. */
import { cidrContains } from '../../../shared/cidr';
import { refOf } from '../template/resource-index';
import { Resource } from '../template/template-set';
import { Fact, isOpaque, isRecord, toList, Unknown, Value } from '../template/value';
import { isClusterType } from './cluster-config';
import { isDeployTime } from './values';
import { ClusterSecurityGroup, ModelReader, SgRule, SubnetView } from './views';

export const OPAQUE_RULE: SgRule = { opaque: true, maybe: true };

export function sgRule(value: Value, maybe: boolean, resource?: Resource): SgRule {
  if (resource?.unknownProperties || !isRecord(value)) return OPAQUE_RULE;
  return { ...value, maybe: maybe || isDeployTime(value.GroupId) };
}

/** A stand-in key for a security group that is a deploy-time value: equal to none, not even itself. */
export const UNKNOWN_GROUP = Symbol('a security group not known at synth');

const clusterSgKeys = new WeakMap<Resource, ClusterSecurityGroup>();

/** The one key of the security group EKS creates for a cluster. */
export function clusterSecurityGroupKey(cluster: Resource): ClusterSecurityGroup {
  let key = clusterSgKeys.get(cluster);
  if (!key) {
    key = new ClusterSecurityGroup(cluster);
    clusterSgKeys.set(cluster, key);
  }
  return key;
}

/** Whether a security group rule lets TCP 443 through: true, false, or 'unknown' for deploy-time values. */
export function allows443(rule: SgRule): Fact {
  if (rule.opaque || isOpaque(rule.IpProtocol)) return 'unknown';
  // EC2 takes the protocol in any case and stores it in lower case
  const protocol = String(rule.IpProtocol).toLowerCase();
  if (protocol === '-1' || protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  if (isOpaque(rule.FromPort) || isOpaque(rule.ToPort)) return 'unknown';
  const from = Number(rule.FromPort);
  const to = Number(rule.ToPort);
  return Number.isFinite(from) && Number.isFinite(to) && from <= 443 && 443 <= to;
}

/** Whether a literal CIDR source covers a literal block; 'unknown' when either is not literal. */
export function cidrCovers(source: Value, block: string | undefined): Fact {
  if (source === undefined) return false;
  const contains = cidrContains(source, block ?? '');
  return contains === undefined ? 'unknown' : contains;
}

/**
 * Whether a CIDR rule source covers a subnet: a literal block that contains the subnet's, or
 * the VPC's own CIDR block by reference (`Fn::GetAtt Vpc.CidrBlock`, how CDK writes "from the VPC").
 */
export function coversSubnet(source: Value, subnet: SubnetView | undefined): Fact {
  const ref = refOf(source);
  if (ref?.resource.type === 'AWS::EC2::VPC' && ref.attribute === 'CidrBlock' && subnet?.vpc?.resource) {
    return ref.resource === subnet.vpc.resource;
  }
  return cidrCovers(source, subnet?.cidr);
}

const unsureByModel = new WeakMap<ModelReader, Map<string, Resource[]>>();

/** The rule resources of a type whose group is a deploy-time value, found once per model. */
function unsureRules(model: ModelReader, type: string): Resource[] {
  let byType = unsureByModel.get(model);
  if (!byType) unsureByModel.set(model, byType = new Map());
  let found = byType.get(type);
  if (!found) byType.set(type, found = model.index.ofType(type).filter((r) => isDeployTime(r.properties.GroupId)));
  return found;
}

/** Separate rule resources of a group, and those whose group is a deploy-time value (they may be its). */
export function separateRules(model: ModelReader, type: string, key: unknown): Resource[] {
  const unsure = unsureRules(model, type);
  if (key instanceof ClusterSecurityGroup || key instanceof Resource) {
    const target = key instanceof ClusterSecurityGroup ? key.cluster : key;
    return [...model.index.referrers(type, 'GroupId', target).filter((r) => securityGroupKey(r.properties.GroupId) === key), ...unsure];
  }
  return [...(typeof key === 'string' ? model.index.ofType(type).filter((r) => r.properties.GroupId === key) : []), ...unsure];
}

/** Ingress rules into a security group key: inline ones and separate resources. */
export function ingressInto(model: ModelReader, key: unknown): SgRule[] {
  const rules: SgRule[] = [];
  if (key instanceof Resource) {
    const inline = toList(key.properties.SecurityGroupIngress);
    if (inline instanceof Unknown) rules.push(OPAQUE_RULE);
    else rules.push(...inline.map((r) => sgRule(r, key.exists !== true)));
  }
  rules.push(...separateRules(model, 'AWS::EC2::SecurityGroupIngress', key).map((r) => sgRule(r.properties, r.exists !== true, r)));
  return rules;
}

/** Egress rules of a security group resource ('unknown' for a group not in the templates). */
export function egressOf(model: ModelReader, key: unknown): SgRule[] | 'unknown' {
  if (!(key instanceof Resource)) return 'unknown';
  const inline = toList(key.properties.SecurityGroupEgress);
  if (inline instanceof Unknown) return 'unknown';
  const separate = separateRules(model, 'AWS::EC2::SecurityGroupEgress', key);
  // Without inline egress EC2 gives the group its allow-all egress rule, and separate
  // AWS::EC2::SecurityGroupEgress resources add to it; inline egress replaces it.
  const base: SgRule[] = key.properties.SecurityGroupEgress === undefined ? [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }]
    : inline.map((r) => sgRule(r, key.exists !== true));
  return [...base, ...separate.map((e) => sgRule(e.properties, e.exists !== true, e))];
}

/** A key for a security group value: the referenced resource (or cluster SG attribute), else the literal; an unknown is its own key. */
export function securityGroupKey(value: Value | ClusterSecurityGroup): unknown {
  if (value instanceof ClusterSecurityGroup) return value;
  if (isDeployTime(value)) return UNKNOWN_GROUP;
  const ref = refOf(value);
  if (ref && isClusterType(ref.resource.type) && ref.attribute === 'ClusterSecurityGroupId') {
    return clusterSecurityGroupKey(ref.resource);
  }
  return ref?.resource ?? value;
}
