/** Paths to the API: TCP 443 from a client's groups into the cluster's, and back out. */
import { cidrContains } from '../../../shared/cidr';
import { Resource } from '../template/template-set';
import { Fact, Value } from '../template/value';
import { allows443, coversSubnet, UNKNOWN_GROUP } from './security-groups';
import { ClientView, ClusterView, ModelReader, SgRule } from './views';

/**
 * Whether a client can open TCP 443 to the EKS-owned ENIs: its egress and their ingress.
 * `sgReferencing` is whether a rule naming the client's security group works on the way in
 * (across a Transit Gateway only with security-group referencing support on).
 */
export function apiPath(model: ModelReader, cluster: ClusterView, client: ClientView, sgReferencing: Fact = true): Fact {
  const targets = cluster.controlPlaneSecurityGroups.map((sg) => model.securityGroupKey(sg));
  const sources = client.securityGroups.map((sg) => model.securityGroupKey(sg));
  if (sources.includes(targets[0])) {
    return true; // the cluster security group allows all traffic from its own members
  }
  const ingress = ingress443(cluster, (rule) => {
    if (rule.SourceSecurityGroupId !== undefined) {
      const source = model.securityGroupKey(rule.SourceSecurityGroupId);
      return source === UNKNOWN_GROUP ? 'unknown' : sources.includes(source) ? sgReferencing
        : !(source instanceof Resource) && sources.some((s) => !(s instanceof Resource)) ? 'unknown' : false;
    }
    if (rule.CidrIp !== undefined) return rule.CidrIp === '0.0.0.0/0' ? true : coversSubnet(rule.CidrIp, client.subnet);
    return rule.SourcePrefixListId !== undefined ? 'unknown' : false;
  });
  if (ingress === true) return egressTo(model, sources, targets, cluster);
  if (sources.some((s) => !(s instanceof Resource)) && ingress === false) {
    return 'unknown'; // an imported client group could be the cluster group itself
  }
  return ingress;
}

/**
 * Whether the cluster's security groups (the cluster security group and the additional ones on
 * the EKS-owned ENIs) let TCP 443 in from a source: true when a rule that certainly exists allows
 * TCP 443 from a source `covers` says true of; 'unknown' when one might (a port, source, group or
 * condition known only at deploy time, a rule that is itself a deploy-time value); else false.
 * `covers` judges a rule's source only; the walk judges port, existence and opaque rules. With
 * `importedGroups`, an additional group not in the templates makes it 'unknown' at best (it may
 * have rules made elsewhere). The one walk over the control plane's ingress that every rule uses.
 */
export function ingress443(cluster: ClusterView, covers: (rule: SgRule, port: Fact) => Fact, importedGroups = true): Fact {
  const model = cluster.model;
  const targets = cluster.controlPlaneSecurityGroups.map((sg) => model.securityGroupKey(sg));
  const clusterSg = targets[0];
  let result: Fact = false;
  for (const target of targets) {
    if (importedGroups && !(target instanceof Resource) && target !== clusterSg) result = 'unknown';
    for (const rule of model.ingressInto(target)) {
      const port = allows443(rule);
      if (port === false) continue;
      const covered = rule.opaque ? 'unknown' : covers(rule, port);
      if (covered === true && port === true && !rule.maybe) return true;
      if (covered !== false) result = 'unknown';
    }
  }
  return result;
}

/**
 * Whether an egress rule's CIDR block reaches the EKS-owned ENIs, which are somewhere in the
 * cluster subnets: true when it covers them all, false when it overlaps none (both literal),
 * 'unknown' otherwise (some subnets covered, or a block not known here).
 */
export function cidrReachesCluster(cidr: Value, cluster: ClusterView): Fact {
  if (cluster.subnets.length === 0) return 'unknown';
  const covered = cluster.subnets.map((s) => coversSubnet(cidr, s));
  if (covered.every((c) => c === true)) return true;
  const disjoint = cluster.subnets.every((s) => s.cidr !== undefined && cidrContains(cidr, s.cidr) === false && cidrContains(s.cidr, cidr) === false);
  return disjoint ? false : 'unknown';
}

export function egressTo(model: ModelReader, sources: unknown[], targets: unknown[], cluster: ClusterView): Fact {
  let result: Fact = false;
  for (const source of sources) {
    const rules = model.egressOf(source);
    if (rules === 'unknown') {
      result = 'unknown';
      continue;
    }
    for (const rule of rules) {
      const port = allows443(rule);
      if (port === false) continue;
      const destination = rule.DestinationSecurityGroupId !== undefined ? model.securityGroupKey(rule.DestinationSecurityGroupId) : undefined;
      const toCidr = rule.CidrIp === undefined ? false : rule.CidrIp === '0.0.0.0/0' || cidrReachesCluster(rule.CidrIp, cluster);
      const reaches = toCidr === true || destination !== undefined && destination !== UNKNOWN_GROUP && targets.includes(destination);
      if (reaches && port === true && !rule.maybe) return true;
      if (reaches || rule.opaque || destination === UNKNOWN_GROUP || rule.DestinationPrefixListId !== undefined || toCidr === 'unknown') result = 'unknown';
    }
  }
  return result;
}
