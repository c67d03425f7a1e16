import { cidrCovers, ClusterView, ingress443 } from '../engine/model';
import { refOf } from '../engine/template/resource-index';
import { Fact } from '../engine/template/value';
import { remoteBlocks, RemoteBlock } from './hybrid-node-rule';
import { about, EndpointRule, Finding, networkSubject, notVerifiable } from './rule';

/**
 * AWS's cluster security group table for hybrid nodes: inbound TCP 443 from the remote node
 * networks and the remote pod networks, in every endpoint mode. Pods on hybrid nodes reach the
 * API server through the `kubernetes` service, whose endpoints are the EKS-owned ENIs in the
 * cluster subnets (host-network pods such as the CNI agent, and pods behind a masquerading CNI,
 * with their node's address); in Private mode kubelet and kube-proxy come that way too. The
 * table's outbound 10250 and webhook rules are met by the allow-all egress EKS gives the cluster
 * security group, so they are not checked. A rule of its own, apart from HybridNodePath's
 * routes, so that acknowledging the route warning does not hide a missing 443 rule.
 * https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html
 */
export const HybridNodeSecurityGroup: EndpointRule = {
  id: 'HybridNodeSecurityGroup',
  level: 'warning',
  summary: 'With hybrid nodes, the cluster security groups allow TCP 443 from each remote node and pod network.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html',
  check(cluster: ClusterView): Finding[] {
    const blocks = remoteBlocks(cluster, 'the cluster security group allows TCP 443 from them');
    if (!blocks) return [];
    const { remotes, definite, findings } = blocks;
    for (const remote of remotes) {
      const allowed = ingressFrom(cluster, remote.cidr);
      const problem = `no rule of the cluster's security groups allows TCP 443 from the ${remote.what}: ${callers(cluster, remote)} ` +
        `Add an ingress rule for TCP 443 from ${remote.cidr} to the cluster security group ` +
        `(cluster.clusterSecurityGroup.addIngressRule(ec2.Peer.ipv4('${remote.cidr}'), ec2.Port.tcp(443))) or to an additional control-plane security group.`;
      const push = (f: Finding) => findings.push(about(f, networkSubject(remote.cidr)));
      if (allowed === false) push(definite(this, problem));
      else if (allowed === 'unknown') {
        push(notVerifiable(`the rules of the cluster's security groups that could allow TCP 443 from the ${remote.what} are not all readable here ` +
          '(an imported group, a prefix list, a deploy-time value or condition). Confirm TCP 443 is allowed from it.'));
      }
    }
    return findings;
  },
};

/** Who calls the API server from a remote block, and why it goes through the cluster VPC. */
function callers(cluster: ClusterView, remote: RemoteBlock): string {
  if (remote.pods) {
    return 'pods on hybrid nodes whose CNI does not masquerade their traffic reach the API server through the kubernetes service, whose endpoints are ' +
      'the EKS-owned ENIs in the cluster subnets, in every endpoint mode.';
  }
  const privateOnly = cluster.privateAccess === true && cluster.publicAccess === false;
  return `${privateOnly ? 'kubelet and kube-proxy on the hybrid nodes, and ' : ''}pods that leave with their node's address (host-network pods such as the ` +
    'CNI agent, and pods behind a masquerading CNI) reach the API server at the EKS-owned ENIs in the cluster subnets' +
    `${privateOnly ? '' : ' through the kubernetes service, in every endpoint mode'}.`;
}

/** Whether the cluster's security groups allow TCP 443 from a remote block: true, false, or 'unknown'. */
function ingressFrom(cluster: ClusterView, cidr: string): Fact {
  return ingress443(cluster, (rule) => {
    if (rule.CidrIp !== undefined) {
      // the VPC's own block by reference holds no remote network (they must not overlap)
      const ref = refOf(rule.CidrIp);
      return ref?.resource.type === 'AWS::EC2::VPC' && ref.attribute === 'CidrBlock' ? false : cidrCovers(rule.CidrIp, cidr);
    }
    return rule.SourcePrefixListId !== undefined ? 'unknown' : false;
  });
}
