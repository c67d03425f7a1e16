import { apiPath, ClusterView } from '../engine/model';
import { about, clientSubject, EndpointRule, Finding, mayBePrivate, notVerifiable, violationIfPrivate } from './rule';

/**
 * An instance in the cluster VPC that looks like an API client (an `ec2.BastionHostLinux`, or an
 * instance whose user data installs or runs kubectl) resolves the endpoint to the EKS-owned ENIs
 * once private access is on, and times out without a TCP 443 rule from it into the cluster's
 * security groups. No access entry in the templates need name it: access may be granted outside
 * them (aws-auth, the console, `aws eks create-access-entry`), so this is a warning, not
 * ClientSecurityGroupPath's error, which judges the clients an access entry makes known (those are
 * not judged here again). With public access only, such an instance goes out to the public
 * endpoint, and nothing here applies.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const ClientLikeInstancePath: EndpointRule = {
  id: 'ClientLikeInstancePath',
  level: 'warning',
  summary: 'With private access, an instance in the cluster VPC that looks like an API client (a bastion host, kubectl in its user data) has a TCP 443 path into the cluster security group.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  check(cluster: ClusterView): Finding[] {
    if (!mayBePrivate(cluster)) return [];
    const findings: Finding[] = [];
    for (const { client, why } of cluster.clientLike) {
      const path = apiPath(cluster.model, cluster, client);
      if (path === true) continue;
      const who = `${client.display} (${why})`;
      const problem = `${who} looks like an API client in the cluster VPC: it resolves the endpoint to private addresses, but no security group ` +
        'rule lets it reach the cluster on TCP 443, so kubectl will time out. No access entry in the templates names it (access may be granted ' +
        'outside them). If it calls the API, add the rule: cluster.clusterSecurityGroup.connections.allowFrom(instance, ec2.Port.tcp(443)), or an ' +
        'ingress rule for TCP 443 from its security group into the cluster security group. If it does not, acknowledge this warning.';
      const finding = path === 'unknown'
        ? notVerifiable(`${who} looks like an API client in the cluster VPC, and the security groups between it and the cluster are not all in the ` +
          'templates given. If it calls the API, confirm the cluster security group allows TCP 443 from it and it may send TCP 443 out.')
        : violationIfPrivate(this, cluster, problem);
      findings.push(about(finding, clientSubject(client)));
    }
    return findings;
  },
};
