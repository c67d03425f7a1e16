import { ClusterView, endpointService, NODE_ENDPOINTS, SESSION_MANAGER_ENDPOINTS, SubnetView } from '../engine/network-model';
import { EndpointRule, Finding, mayBePrivate, notVerifiable, violationIfPrivate } from './rule';

/**
 * Nodes in subnets with no internet egress reach AWS APIs only through VPC endpoints:
 * ec2, ecr.api, ecr.dkr and sts as interface endpoints with private DNS, and s3 (a gateway
 * endpoint on their route table) for image layers. A bastion there also needs ssm,
 * ssmmessages and ec2messages for Session Manager.
 * https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html
 */
export const IsolatedNodeEndpoints: EndpointRule = {
  id: 'IsolatedNodeEndpoints',
  level: 'error',
  summary: 'Nodes and clients in subnets without internet egress need the VPC endpoints they use.',
  runsIn: 'both',
  check(cluster: ClusterView): Finding[] {
    if (!mayBePrivate(cluster)) return []; // public only: PublicOnlyNodeEgress speaks
    const findings: Finding[] = [];
    const groups: Array<{ what: string; subnets: SubnetView[]; needs: string[] }> = [
      { what: 'the nodes', subnets: unique(cluster.nodeSubnets), needs: NODE_ENDPOINTS },
      // a bastion is reached through Session Manager; ClusterBastion also fetches kubectl from S3
      ...cluster.clients.filter((c) => c.subnet && c.kind !== 'access entry').map((c) => ({
        what: c.display, subnets: [c.subnet!], needs: c.kind === 'ClusterBastion' ? [...SESSION_MANAGER_ENDPOINTS, 's3'] : SESSION_MANAGER_ENDPOINTS,
      })),
    ];
    for (const { what, subnets, needs } of groups) {
      const isolated = subnets.filter((s) => s.egress === 'none');
      const unknown = subnets.filter((s) => s.egress === 'unknown');
      if (unknown.length > 0) {
        findings.push(notVerifiable(`the routes of ${unknown.map((s) => s.display).join(', ')} (${what}) are not in this app. ` +
          `If they have no internet egress, confirm VPC endpoints for ${needs.join(', ')} exist with private DNS on.`));
      }
      if (isolated.length === 0 || !cluster.vpc) continue;
      const missing = needs.filter((service) => !isolated.every((subnet) => hasEndpoint(cluster, subnet, service)));
      if (missing.length > 0) {
        findings.push(violationIfPrivate(this, cluster, `${what} in ${isolated.map((s) => s.display).join(', ')} have no internet egress and ${cluster.vpc.display} lacks ` +
          `VPC endpoints for: ${missing.join(', ')}. ${what === 'the nodes' ? 'Nodes cannot pull images or join' : 'Session Manager and kubectl cannot work'} without them. ` +
          'Add interface endpoints with private DNS on (and an s3 gateway endpoint on these subnets\' route tables), or give the subnets a NAT gateway.'));
      }
    }
    return findings;
  },
};

function hasEndpoint(cluster: ClusterView, subnet: SubnetView, service: string): boolean {
  return cluster.vpc!.endpoints.some((endpoint) => {
    if (endpointService(cluster.index, endpoint) !== service) return false;
    const p = endpoint.properties;
    // VpcEndpointType defaults to Gateway in CloudFormation
    if ((p.VpcEndpointType ?? 'Gateway') === 'Gateway') {
      return subnet.routeTable !== undefined && (p.RouteTableIds ?? []).some((rt: unknown) => cluster.model.sameRef(rt, subnet.routeTable!));
    }
    // an interface endpoint answers the service's regional name only with private DNS on,
    // and that name is what nodes use (image layers come from S3 by its regional name)
    return p.PrivateDnsEnabled === true || p.PrivateDnsEnabled === 'true';
  });
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
