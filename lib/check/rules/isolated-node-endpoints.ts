import { allows443, ClusterSecurityGroup, ClusterView, ComputeView, endpointService, SubnetView, coversSubnet } from '../engine/model';
import { SESSION_MANAGER_ENDPOINTS } from '../../shared/endpoint-services';
import { Resource } from '../engine/template/template-set';
import { Fact, isOpaque, Text, toFact, toList, unique, Unknown, Value } from '../engine/template/value';
import { about, clientSubject, computeSubject, EndpointRule, Finding, mayBePrivate, notVerifiable, Subject, violationIfPrivate } from './rule';

/**
 * Nodes in subnets with no internet egress reach AWS APIs only through VPC endpoints:
 * ec2, ecr.api, ecr.dkr and sts as interface endpoints with private DNS (eks-auth too for
 * Auto Mode and Pod Identity), and s3 (a gateway endpoint on their route table) for image
 * layers. An interface endpoint's security group must admit them on 443. A bastion there
 * also needs ssm, ssmmessages and ec2messages for Session Manager.
 * https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html
 */
export const IsolatedNodeEndpoints: EndpointRule = {
  id: 'IsolatedNodeEndpoints',
  level: 'error',
  summary: 'Nodes and clients in subnets without internet egress need the VPC endpoints they use, open to them on 443.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html',
  check(cluster: ClusterView): Finding[] {
    if (!mayBePrivate(cluster)) return []; // public only: PublicOnlyNodeEgress speaks
    const findings: Finding[] = [];
    const groups: Array<Pick<ComputeView, 'what' | 'subnets' | 'needs' | 'unknownSubnets' | 'securityGroups'> & { maybe?: boolean; subject: Subject }> = [
      ...cluster.compute.map((c) => ({ ...c, subject: computeSubject(c) })),
      // a bastion is reached through Session Manager; ClusterBastion also fetches kubectl from S3
      ...cluster.clients.filter((c) => c.subnet && c.sessionManager).map((c) => ({
        what: c.display, subnets: [c.subnet!], needs: c.kind === 'ClusterBastion' ? [...SESSION_MANAGER_ENDPOINTS, 's3'] : SESSION_MANAGER_ENDPOINTS,
        securityGroups: c.securityGroups, maybe: c.maybe, subject: clientSubject(c),
      })),
    ];
    for (const { what, subnets, needs, unknownSubnets, maybe, securityGroups, subject } of groups) {
      const push = (f: Finding) => findings.push(about(f, subject));
      const isolated = unique(subnets).filter((s) => s.egress === 'none');
      const unknown = unique(subnets).filter((s) => s.egress === 'unknown');
      if (unknown.length > 0 || unknownSubnets) {
        push(notVerifiable(`the routes of ${unknownSubnets ?? unknown.map((s) => s.display).join(', ')} (${what}) are not in the templates given. ` +
          `If they have no internet egress, confirm VPC endpoints for ${needs.join(', ')} exist with private DNS on and admit them on TCP 443.`));
      }
      if (isolated.length === 0 || !cluster.vpc) continue;
      // subnets that route to another network (Transit Gateway, peering) may be served by shared
      // endpoints in a shared-services VPC, answered through shared private zones: not verifiable
      const routed = isolated.filter((s) => s.routes.some((r) => r.properties.TransitGatewayId !== undefined || r.properties.VpcPeeringConnectionId !== undefined));
      for (const [subnetGroup, shared] of [[isolated.filter((s) => !routed.includes(s)), false], [routed, true]] as const) {
        if (subnetGroup.length === 0) continue;
        const missing: string[] = [];
        const unsure: string[] = [];
        for (const service of needs) {
          const per = subnetGroup.map((subnet) => reachable(cluster, subnet, service, securityGroups));
          if (per.every((r) => r === true)) continue;
          // eks-auth serves EKS Pod Identity only: without it, pods that use Pod Identity get no
          // credentials, while the nodes still join (eks/latest/userguide/pod-id-agent-setup.html)
          (per.includes(false) && service !== 'eks-auth' ? missing : unsure).push(service);
        }
        const where = `${what} in ${subnetGroup.map((s) => s.display).join(', ')}`;
        const podIdentity = unsure.filter((x) => x === 'eks-auth');
        const doubtful = unsure.filter((x) => x !== 'eks-auth');
        if (doubtful.length > 0) {
          push(notVerifiable(`${where} have no internet egress, and the VPC endpoints for ${doubtful.join(', ')} exist only under a deploy-time ` +
            'condition or have security groups not readable here. Confirm they exist and admit these subnets on TCP 443.'));
        }
        if (podIdentity.length > 0) {
          push(notVerifiable(`${where} have no internet egress and may have no usable eks-auth endpoint: pods that use EKS Pod Identity ` +
            '(the agent is built into Auto Mode) get no credentials without it. Confirm no pod uses Pod Identity, or add the eks-auth interface endpoint.'));
        }
        if (missing.length === 0) continue;
        const problem = `${where} have no internet egress and ${cluster.vpc.display} has no usable VPC endpoint for: ${missing.join(', ')}. ` +
          `${what.startsWith('the ') ? 'They cannot pull images or join' : 'Session Manager and kubectl cannot work'} without them. ` +
          'Add interface endpoints with private DNS on whose security group admits these subnets on TCP 443 (and an s3 gateway endpoint on their ' +
          'route tables), or give the subnets a NAT gateway.';
        if (shared) {
          push(notVerifiable(`${where} route to another network (Transit Gateway or peering), where shared VPC endpoints may serve them. ` +
            `If none do: ${problem}`));
        } else {
          push(maybe ? notVerifiable(`it is not known at synth whether ${what} belong to this cluster. If they do: ${problem}`)
            : violationIfPrivate(this, cluster, problem));
        }
      }
    }
    return findings;
  },
};

/**
 * Whether a subnet reaches a service through an endpoint of the cluster VPC: true, false, or
 * 'unknown'. `groups` are the security groups of what runs there (undefined: the cluster's).
 */
function reachable(cluster: ClusterView, subnet: SubnetView, service: string, clientGroups: Value[] | undefined): Fact {
  let result: Fact = false;
  for (const endpoint of cluster.vpc!.endpoints) {
    const p = endpoint.properties;
    const named = endpointService(endpoint);
    // a service name that ends in a deploy-time value may name this service; one that ends in a
    // literal (com.amazonaws.<region>.secretsmanager) names the service it ends with
    const name = p.ServiceName;
    const unsureName = named === undefined && (name instanceof Unknown || name instanceof Text && typeof name.parts[name.parts.length - 1] !== 'string');
    if (named !== service && !unsureName) continue;
    let serves: Fact;
    const type = p.VpcEndpointType ?? 'Gateway'; // the CloudFormation default
    if (isOpaque(type)) {
      serves = 'unknown';
    } else if (type === 'Gateway') {
      const tables = toList(p.RouteTableIds);
      serves = subnet.routeTable === undefined ? false
        : tables instanceof Unknown ? 'unknown'
          : tables.some((rt) => cluster.model.sameRef(rt, subnet.routeTable)) ? true
            : tables.some((rt) => rt instanceof Unknown || rt instanceof Text) ? 'unknown' : false;
    } else {
      // an interface endpoint answers the service's regional name only with private DNS on,
      // and that name is what nodes use (image layers come from S3 by its regional name)
      const privateDns = toFact(p.PrivateDnsEnabled, false);
      serves = privateDns === false ? false : privateDns === 'unknown' ? 'unknown' : admits(cluster, endpoint, subnet, clientGroups);
    }
    // an endpoint that exists only under a condition, in a VPC or for a service known only at deploy time
    if (serves === true && (endpoint.exists !== true || unsureName || !cluster.model.sameRef(p.VpcId, cluster.vpc!.resource))) serves = 'unknown';
    if (serves === true) return true;
    if (serves === 'unknown') result = 'unknown';
  }
  return result;
}

/**
 * Whether an interface endpoint's security groups admit a subnet on TCP 443: a rule for a
 * CIDR that covers the subnet, or for a security group of what runs there (the cluster's, for
 * managed nodes without groups of their own, Fargate and Auto Mode nodes). Without
 * SecurityGroupIds, EC2 uses the VPC's default group, whose rules are not in the template.
 */
function admits(cluster: ClusterView, endpoint: Resource, subnet: SubnetView, clientGroups: Value[] | undefined): Fact {
  const groups = toList(endpoint.properties.SecurityGroupIds);
  if (groups instanceof Unknown || groups.length === 0) return 'unknown';
  const sources = (clientGroups ?? cluster.controlPlaneSecurityGroups.slice(0, 1)).map((sg) => cluster.model.securityGroupKey(sg));
  const sourcesKnown = sources.every((k) => k instanceof Resource || k instanceof ClusterSecurityGroup);
  let result: Fact = false;
  for (const group of groups) {
    const key = cluster.model.securityGroupKey(group);
    if (!(key instanceof Resource)) return 'unknown';
    for (const rule of cluster.model.ingressInto(key)) {
      const port = allows443(rule);
      if (port === false) continue;
      let covers: Fact = 'unknown';
      if (rule.opaque) covers = 'unknown';
      else if (rule.CidrIp !== undefined) covers = coversSubnet(rule.CidrIp, subnet);
      else if (rule.SourceSecurityGroupId !== undefined) {
        const source = cluster.model.securityGroupKey(rule.SourceSecurityGroupId);
        covers = sources.includes(source) ? true : sourcesKnown && (source instanceof Resource || source instanceof ClusterSecurityGroup) ? false : 'unknown';
      }
      else if (rule.CidrIpv6 !== undefined) covers = false;
      if (covers === true && port === true && !rule.maybe) return true;
      if (covers !== false) result = 'unknown';
    }
  }
  return result;
}

