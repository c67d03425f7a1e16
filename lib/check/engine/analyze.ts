import { ReportedFinding } from './finding';
import { TemplateInput } from './read/input';
import { ClusterView, NetworkModel } from './model';
import { clusterResources, unreadableConfig } from './model/cluster-config';
import { ResourceIndex } from './template/resource-index';
import { Resource, TemplateSet, UNREADABLE_CLUSTER_TYPES } from './template/template-set';
import { EndpointRule, Finding, notVerifiable } from './rule';

/** The ID of the warning for a cluster resource the engine cannot read. */
export const CLUSTER_NOT_CHECKED = 'ClusterNotChecked';

/**
 * Runs the rules on every EKS cluster in a set of templates, linked to each other (imports,
 * stack outputs, nested stacks). It never throws on what a template holds: a value it cannot
 * read is unknown, and a rule that fails on one cluster is reported as a warning on that
 * cluster rather than ending the run.
 */
export function analyze(inputs: TemplateInput[], rules: EndpointRule[], onCluster?: (cluster: ClusterView, findings: ReportedFinding[]) => void): ReportedFinding[] {
  const set = new TemplateSet(inputs);
  const index = new ResourceIndex(set);
  const model = new NetworkModel(index);
  const reported: ReportedFinding[] = [];
  // resources made by Fn::ForEach over a deploy-time list are not seen: what they may provide
  // (an endpoint, a route, a rule) could turn a finding around
  const unseen = set.templates.flatMap((t) => t.unexpanded.map((loop) => `${t.id} ${loop}`));
  for (const cluster of clusterResources(index)) {
    const where = located(cluster);
    const unreadable = unreadableConfig(cluster);
    if (unreadable) {
      reported.push(notChecked(cluster, `${cluster.display} is an aws-eks (v1) cluster, and ${unreadable}: its endpoint settings and network cannot be read at synth, ` +
        'so it was not checked. Confirm its endpoint access, DNS and security groups by hand (docs/RULES.md lists what to look at), or give the Config as plain values.'));
      continue;
    }
    const before = reported.length;
    for (const rule of rules) {
      let findings: Finding[];
      try {
        findings = rule.check(model.cluster(cluster));
      } catch (e) {
        findings = [notVerifiable(`the rule stopped on an input it does not understand (${(e as Error).message}); please report it. ` +
          'Check this rule by hand for this cluster.')];
      }
      for (const finding of findings) {
        // a cluster that exists only under a deploy-time condition may not exist at all
        const f = cluster.exists !== true && finding.verified
          ? notVerifiable(`the cluster exists only under a deploy-time condition. If it is created: ${finding.message}`)
          : unseen.length > 0 && finding.verified && finding.level === 'error'
            ? notVerifiable(`resources made by Fn::ForEach over a list known only at deploy time (${unseen.join(', ')}) are not read. If none of them changes this: ${finding.message}`)
            : finding;
        reported.push({ ruleId: rule.id, level: f.level, verified: f.verified, message: f.message, ...(finding.subjects ? { subjects: finding.subjects } : {}), ...where });
      }
    }
    onCluster?.(model.cluster(cluster), reported.slice(before));
  }
  for (const type of UNREADABLE_CLUSTER_TYPES) {
    for (const cluster of index.ofType(type)) {
      reported.push(notChecked(cluster, `${cluster.display} is a ${type}, whose endpoint settings and network this check cannot read: it was not checked. ` +
        'Confirm its endpoint access, DNS and security groups by hand (docs/RULES.md lists what to look at), or move it to AWS::EKS::Cluster.'));
    }
  }
  return reported;
}

function notChecked(cluster: Resource, message: string): ReportedFinding {
  return { ruleId: CLUSTER_NOT_CHECKED, level: 'warning', verified: false, message, ...located(cluster) };
}

/** Where a finding about a cluster resource is: its template, logical ID, and file and position when read from one. */
function located(cluster: Resource): Pick<ReportedFinding, 'templateId' | 'logicalId' | 'file' | 'position'> {
  const input = cluster.template.input;
  const position = input.positions?.get(cluster.logicalId);
  return { templateId: cluster.template.id, logicalId: cluster.logicalId, file: input.file, ...(position ? { position } : {}) };
}
