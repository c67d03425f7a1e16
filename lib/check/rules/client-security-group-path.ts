import { apiPath, ClusterView } from '../engine/model';
import { unique } from '../engine/template/value';
import { about, clientSubject, computeSubject, EndpointRule, Finding, mayBePrivate, maybeClient, notVerifiable, violationIfPrivate } from './rule';

/**
 * With private access on, a client in the cluster VPC resolves the endpoint to the
 * EKS-owned ENIs, guarded by the cluster security group: without a 443 rule for it, kubectl
 * times out. The bastion that "goes out through the internet gateway" does not.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const ClientSecurityGroupPath: EndpointRule = {
  id: 'ClientSecurityGroupPath',
  level: 'error',
  summary: 'With private access, every known API client in the cluster VPC needs a TCP 443 path into the cluster security group.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  check(cluster: ClusterView): Finding[] {
    if (!mayBePrivate(cluster)) return [];
    const findings: Finding[] = [];
    for (const client of cluster.clients) {
      const path = apiPath(cluster.model, cluster, client);
      if (path === true) continue;
      const push = (f: Finding) => findings.push(about(f, clientSubject(client)));
      if (path === 'unknown') {
        push(notVerifiable(`the security groups between ${client.display} (${client.kind}) and the cluster are not all in the templates given. ` +
          'Confirm the cluster security group allows TCP 443 from it and it may send TCP 443 out.'));
      } else {
        const problem = `${client.display} (${client.kind}) is in the cluster VPC, so it resolves the endpoint to private addresses, ` +
          'but no security group rule lets it reach the cluster on TCP 443: kubectl will time out. ' +
          'Allow TCP 443 from its security group into the cluster security group (cluster.clusterSecurityGroup), and out of its own group.';
        push(client.maybe ? notVerifiable(`${maybeClient(client)} ${problem}`) : violationIfPrivate(this, cluster, problem));
      }
    }
    for (const client of cluster.unplacedClients) {
      findings.push(about(notVerifiable(`${client.maybe ? `${maybeClient(client)} ` : ''}where ${client.display} (${client.kind}) runs is not known here ` +
        `(its subnet, or ${cluster.vpcDisplay}, is a deploy-time value or not in the templates given). If it runs in the cluster VPC, ` +
        'confirm the cluster security group allows TCP 443 from it; if in another network, that the network is connected and routed to the cluster subnets.'), clientSubject(client)));
    }
    // nodes with security groups of their own (a launch template's) are API clients too: kubelet
    // and kube-proxy reach the private endpoint like any other (EKS gives the cluster security
    // group only to managed nodes whose launch template names none)
    for (const compute of cluster.compute.filter((c) => c.securityGroups !== undefined && c.resource && c.subnets.length > 0)) {
      const paths = unique(compute.subnets).map((subnet) => apiPath(cluster.model, cluster, {
        display: compute.what, kind: 'nodes', instance: compute.resource!, subnet, securityGroups: compute.securityGroups!, outsideVpc: false,
      }));
      if (paths.every((p) => p === true)) continue;
      const push = (f: Finding) => findings.push(about(f, computeSubject(compute)));
      if (!paths.includes(false) || compute.maybe) {
        push(notVerifiable(`the security groups between ${compute.what} and the cluster are not all readable here. ` +
          'Confirm the cluster security group allows TCP 443 from the nodes\' security groups.'));
      } else {
        push(violationIfPrivate(this, cluster, `${compute.what} carry the security groups of their launch template, not the cluster security group, ` +
          'and no rule lets them reach the cluster on TCP 443: they resolve the endpoint to private addresses and never join. ' +
          'Allow TCP 443 from their security group into the cluster security group, or leave security groups out of the launch template.'));
      }
    }
    return findings;
  },
};
