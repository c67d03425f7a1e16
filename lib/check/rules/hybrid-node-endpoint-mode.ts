import { ClusterView } from '../engine/model';
import { describe } from '../engine/template/value';
import { EndpointRule, Finding, mayBeMode, notVerifiable, violation } from './rule';

/**
 * Hybrid nodes run outside the VPC, so the EKS private hosted zone (associated with the cluster
 * VPC only) never answers them. In Public & Private mode they resolve the endpoint to its public
 * addresses, "which can prevent your hybrid nodes from joining the cluster": AWS recommends
 * Public or Private, not both. In Public mode their on-premises egress addresses must be in the
 * allow-list, which the templates cannot show.
 * https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-cluster-create.html (Considerations);
 * https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-concepts-kubernetes.html (EKS API server endpoint)
 */
export const HybridNodeEndpointMode: EndpointRule = {
  id: 'HybridNodeEndpointMode',
  level: 'warning',
  summary: 'With hybrid nodes, the endpoint is Public or Private, not both: in Public & Private mode they resolve the public addresses.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-cluster-create.html',
  check(cluster: ClusterView): Finding[] {
    const hybrid = cluster.remoteNodeNetworks.present;
    if (hybrid === false) return [];
    const nodes = hybrid === true ? `the hybrid nodes (${cluster.remoteNodeNetworks.cidrs.map(describe).join(', ')})` : 'hybrid nodes';
    const ifHybrid = (message: string) => (hybrid === true ? message
      : `the remote node networks are a deploy-time value (${cluster.remoteNodeNetworks.unlisted}). If there are hybrid nodes: ${message}`);
    const findings: Finding[] = [];

    const both = mayBeMode(cluster, true, true);
    const problem = `${nodes} are outside the VPC, so the EKS private hosted zone (associated with ${cluster.vpcDisplay} only) never answers them: in Public & Private ` +
      'mode they resolve the endpoint to its public addresses, which can keep them from joining, and their kubelet traffic leaves over the internet. ' +
      'AWS recommends Public or Private for hybrid nodes, not both. Use EndpointMode.PRIVATE (the nodes then reach the EKS-owned ENIs across your VPN or ' +
      'Direct Connect), or EndpointMode.PUBLIC with the on-premises egress addresses in publicAccessCidrs; or have your on-premises DNS forward the ' +
      'endpoint\'s host name to a Route 53 Resolver inbound endpoint in the cluster VPC.';
    if (both === 'yes') {
      findings.push(hybrid === true ? violation(this, problem) : notVerifiable(ifHybrid(problem)));
    } else if (both === 'unknown') {
      findings.push(notVerifiable(ifHybrid(`the endpoint access flags are deploy-time values. If both are on: ${problem}`)));
    }

    // Public only: the nodes' kubelet and kube-proxy come from their on-premises egress addresses
    if (mayBeMode(cluster, true, false) === 'yes' && cluster.publicAccessOpen !== true) {
      const list = cluster.publicAccessCidrs === 'unknown' ? 'a deploy-time value' : cluster.publicAccessCidrs.map(describe).join(', ');
      findings.push(notVerifiable(ifHybrid(`the public endpoint is limited to ${list}, ` +
        `and ${nodes} reach it from their on-premises internet egress addresses, which the templates cannot show. Confirm those addresses are in publicAccessCidrs, ` +
        'or the nodes never join.')));
    }
    return findings;
  },
};
