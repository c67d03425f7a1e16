import { ClusterView, routed } from '../engine/model';
import { Resource } from '../engine/template/template-set';
import { unique } from '../engine/template/value';
import { remoteBlocks, RemoteBlock } from './hybrid-node-rule';
import { about, EndpointRule, Finding, networkSubject, notVerifiable } from './rule';

/**
 * The control plane and hybrid nodes meet through the cluster VPC: "all traffic that crosses the
 * cloud boundary routes through your VPC". In every endpoint mode the API server reaches kubelet
 * (TCP 10250) and webhooks on the hybrid nodes through the EKS-owned ENIs in the cluster subnets,
 * and pods on hybrid nodes reach the API server through the `kubernetes` service, whose endpoints
 * are those ENIs; in Private mode kubelet and kube-proxy come that way too. So every cluster
 * subnet's route table needs a route for each remote node and pod network to the gateway of the
 * on-premises link (a virtual private gateway, a Transit Gateway). The TCP 443 rules are
 * HybridNodeSecurityGroup's, so that acknowledging this warning, which routes added outside the
 * templates make common, never hides a missing rule.
 * A warning, not an error: routes may be propagated, or added, outside the templates.
 * https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html ;
 * https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-concepts-traffic-flows.html
 */
export const HybridNodePath: EndpointRule = {
  id: 'HybridNodePath',
  level: 'warning',
  summary: 'With hybrid nodes, every cluster subnet route table routes the remote node and pod networks to the on-premises link.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html',
  check(cluster: ClusterView): Finding[] {
    const blocks = remoteBlocks(cluster, 'every cluster subnet route table routes them to the gateway of your on-premises link');
    if (!blocks) return [];
    const { remotes, definite, findings } = blocks;
    if (remotes.length === 0) return findings;
    return [...findings, ...routeFindings(cluster, remotes, (message) => definite(this, message))];
  },
};

/** The route findings: a remote block the route tables of the cluster subnets do not lead to the on-premises link. */
function routeFindings(cluster: ClusterView, remotes: RemoteBlock[], definite: (message: string) => Finding): Finding[] {
  const what = remotes.map((r) => r.cidr).join(', ');
  if (cluster.subnets.length === 0) {
    return [notVerifiable(`the cluster's subnets are ${cluster.subnetsUnknown ?? 'not in the templates given'}. Confirm the route tables of its subnets ` +
      `route ${what} to the gateway of your on-premises link (a virtual private gateway or Transit Gateway).`)];
  }
  const findings: Finding[] = [];
  const unread = cluster.subnets.filter((s) => s.routeTable === undefined);
  if (unread.length > 0) {
    findings.push(notVerifiable(`the route tables of ${unique(unread.map((s) => s.display)).join(', ')} are not in the templates given (an imported subnet, ` +
      `or one on the VPC's main route table). Confirm they route ${what} to the gateway of your on-premises link.`));
  }
  const tables = unique(cluster.subnets.map((s) => s.routeTable).filter((t): t is Resource => t !== undefined));
  for (const remote of remotes) {
    const verdicts = tables.map((table) => ({ table, routed: routed(cluster, table, remote.cidr) }));
    const missing = verdicts.filter((v) => v.routed === false).map((v) => v.table.display);
    const unsure = verdicts.filter((v) => v.routed === 'unknown').map((v) => v.table.display);
    const why = remote.pods
      ? 'the API server reaches webhooks on those pods, and answers their API calls, through the EKS-owned ENIs in the cluster subnets'
      : 'the API server reaches kubelet on the hybrid nodes (TCP 10250: logs, exec, port-forward), and answers their API calls, through the EKS-owned ENIs in the cluster subnets';
    if (missing.length > 0) {
      findings.push(about(definite(`no route for the ${remote.what} to your on-premises link in the route table${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `of the cluster subnets: ${why}, in every endpoint mode. Add to each a route for ${remote.cidr} to your virtual private gateway or Transit Gateway ` +
        `(ec2.CfnRoute with destinationCidrBlock '${remote.cidr}' and gatewayId or transitGatewayId), or propagate the virtual private gateway's routes ` +
        'into them (AWS::EC2::VPNGatewayRoutePropagation). Routes your network adds outside these templates do not show here: once they exist, acknowledge this warning.'),
      networkSubject(remote.cidr)));
    } else if (unsure.length > 0) {
      findings.push(about(notVerifiable(`the routes for the ${remote.what} in ${unsure.join(', ')} depend on deploy-time values, or lead to a target the templates do not show ` +
        `(a NAT gateway, an appliance, a local gateway). Confirm each routes ${remote.cidr} to your on-premises link: ${why}.`), networkSubject(remote.cidr)));
    }
  }
  return findings;
}
