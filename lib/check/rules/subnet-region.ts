import { ClusterView, SubnetView } from '../engine/model';
import { about, computeSubject, EndpointRule, Finding, violation } from './rule';

/**
 * A cluster lives in one region, and so do the VPC and subnets it is given: a VPC spans the
 * Availability Zones of its own region, and EKS places its network interfaces in the subnets it
 * is given, in at least two Availability Zones of the cluster's region; a node group's instances
 * too. A CDK app with `crossRegionReferences: true` can pass a subnet of a stack in another
 * region to the cluster's stack (through SSM parameters): it synthesizes, and the deploy fails.
 * Only regions the templates state are compared (a CDK stack with an env, a cloud assembly's
 * manifest); an environment-agnostic stack is not judged.
 * https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html ;
 * https://docs.aws.amazon.com/vpc/latest/userguide/how-it-works.html
 */
export const SubnetRegion: EndpointRule = {
  id: 'SubnetRegion',
  level: 'error',
  summary: 'The cluster\'s subnets, and its node groups\', are in the cluster\'s own region.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html',
  check(cluster: ClusterView): Finding[] {
    const region = cluster.region;
    if (region === undefined) return [];
    const elsewhere = (subnets: SubnetView[]) => subnets.filter((s) => s.region !== undefined && s.region !== region);
    const shown = (subnets: SubnetView[]) => subnets.map((s) => `${s.display} (${s.region})`).join(', ');
    const findings: Finding[] = [];
    const own = elsewhere(cluster.subnets);
    if (own.length > 0) {
      findings.push(violation(this, `${cluster.display} deploys to ${region}, but its subnets ${shown(own)} are in a stack of another region: ` +
        'EKS takes subnets of the cluster\'s own region only, so the deploy fails. Build the VPC in a stack of the cluster\'s region ' +
        '(or the cluster in the VPC\'s); crossRegionReferences passes the IDs across, not the network.'));
    }
    for (const compute of cluster.compute) {
      const away = elsewhere(compute.subnets).filter((s) => !own.includes(s));
      if (away.length > 0) {
        findings.push(about(violation(this, `${compute.what} run in ${shown(away)}, a stack of another region than the cluster's (${region}): ` +
          'their instances are launched in the cluster\'s region, where those subnets do not exist. Use subnets of the cluster\'s VPC.'), computeSubject(compute)));
      }
    }
    return findings;
  },
};
