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
 * What a run judged, for the outputs to say so: every EKS cluster resource found (`clusters`),
 * and of those the ones whose type the engine cannot read (`notChecked`, one `ClusterNotChecked`
 * warning each). No cluster at all is worth saying: a wrong path would otherwise pass in silence.
 */
export interface Judged {
  readonly clusters: number;
  readonly notChecked: number;
  /** The templates read. */
  readonly templates: number;
  /**
   * The clusters judged whose VPC the templates name by literal IDs but do not hold (imported by
   * ID: `Vpc.fromLookup`, `Vpc.fromVpcAttributes`): what the rules needed of it is "not
   * verifiable", unless read from the account.
   */
  readonly importedVpc: number;
}

/** The findings of a run and what it judged. */
export interface Analysis {
  readonly findings: ReportedFinding[];
  readonly judged: Judged;
}

/**
 * Runs the rules on every EKS cluster in a set of templates, linked to each other (imports,
 * stack outputs, nested stacks). It never throws on what a template holds: a value it cannot
 * read is unknown, and a rule that fails on one cluster is reported as a warning on that
 * cluster rather than ending the run.
 */
export function analyze(inputs: TemplateInput[], rules: EndpointRule[], onCluster?: (cluster: ClusterView, findings: ReportedFinding[]) => void): ReportedFinding[] {
  return judge(inputs, rules, onCluster).findings;
}

/** `analyze`, with the count of what was judged. */
export function judge(inputs: TemplateInput[], rules: EndpointRule[], onCluster?: (cluster: ClusterView, findings: ReportedFinding[]) => void): Analysis {
  const set = new TemplateSet(inputs);
  const index = new ResourceIndex(set);
  const model = new NetworkModel(index);
  const reported: ReportedFinding[] = [];
  // resources made by Fn::ForEach over a deploy-time list are not seen: what they may provide
  // (an endpoint, a route, a rule) could turn a finding around
  const unseen = set.templates.flatMap((t) => t.unexpanded.map((loop) => `${t.id} ${loop}`));
  let clusters = 0;
  let unchecked = 0;
  let importedVpc = 0;
  for (const cluster of clusterResources(index)) {
    clusters++;
    const where = located(cluster);
    const unreadable = unreadableConfig(cluster);
    if (unreadable) {
      unchecked++;
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
    const view = model.cluster(cluster);
    if (!view.vpc && view.subnetsUnknown === undefined && view.subnets.length > 0) importedVpc++;
    onCluster?.(view, reported.slice(before));
  }
  for (const type of UNREADABLE_CLUSTER_TYPES) {
    for (const cluster of index.ofType(type)) {
      clusters++;
      unchecked++;
      reported.push(notChecked(cluster, `${cluster.display} is a ${type}, whose endpoint settings and network this check cannot read: it was not checked. ` +
        'Confirm its endpoint access, DNS and security groups by hand (docs/RULES.md lists what to look at), or move it to AWS::EKS::Cluster.'));
    }
  }
  return { findings: reported, judged: { clusters, notChecked: unchecked, templates: set.templates.length, importedVpc } };
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
