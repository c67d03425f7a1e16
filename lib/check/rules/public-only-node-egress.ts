import { ClusterView, SubnetView } from '../engine/model';
import { Resource } from '../engine/template/template-set';
import { describe, isOpaque, ResourceRef, Text, Value } from '../engine/template/value';
import { about, clientSubject, computeSubject, EndpointRule, Finding, mayBeMode, notVerifiable, Subject, violation } from './rule';

/**
 * With public access only, nodes (kubelet, kube-proxy) and every client in the VPC reach the
 * API over the internet. They need internet egress, and an allow-list must hold the
 * addresses they leave from (the NAT gateways' EIPs), or nodes never join.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html ; terraform-aws-eks
 * issues 1867 and 2149, eksctl issue 4569.
 */
export const PublicOnlyNodeEgress: EndpointRule = {
  id: 'PublicOnlyNodeEgress',
  level: 'error',
  summary: 'With public access only, nodes and in-VPC clients need internet egress whose addresses the allow-list holds.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  check(cluster: ClusterView): Finding[] {
    const publicOnly = mayBeMode(cluster, true, false);
    if (publicOnly === 'no') return [];
    if (publicOnly === 'unknown') {
      return [notVerifiable('whether the endpoint is public only is a deploy-time value. If it is, nodes and clients in the VPC need internet egress, ' +
        'and a restricted publicAccessCidrs must hold the addresses they leave from (NAT gateway EIPs as /32).')];
    }
    const cidrs = cluster.publicAccessCidrs;
    const open = cluster.publicAccessOpen === true;
    const shown = cidrs === 'unknown' ? [] : cidrs.map((c) => describe(c));
    const opaqueEntries = cidrs === 'unknown' || cidrs.some((c) => isOpaque(c) && eipOf(c) === undefined);

    // One finding per way out: subnets that leave the same way share it.
    const groups = new Map<string, { subnet: SubnetView; subnets: string[]; what: Set<string>; subjects: Subject[] }>();
    const who = [
      ...cluster.compute.flatMap((c) => c.subnets.map((subnet) => ({ subnet, what: c.what, subject: computeSubject(c) }))),
      ...cluster.clients.filter((c) => c.subnet).map((c) => ({ subnet: c.subnet!, what: c.display, subject: clientSubject(c) })),
    ];
    for (const { subnet, what, subject } of who) {
      const key = `${subnet.egress}|${subnet.natEip?.display ?? ''}`;
      const group = groups.get(key) ?? { subnet, subnets: [], what: new Set<string>(), subjects: [] };
      if (!group.subnets.includes(subnet.display)) group.subnets.push(subnet.display);
      group.what.add(what);
      group.subjects.push(subject);
      groups.set(key, group);
    }

    const findings: Finding[] = [];
    for (const c of cluster.compute.filter((x) => x.unknownSubnets)) {
      findings.push(about(notVerifiable(`the subnets of ${c.what} are ${c.unknownSubnets}. Confirm they have internet egress` +
        `${open ? '' : ' and that the address they leave from is in publicAccessCidrs'}.`), computeSubject(c)));
    }
    for (const { subnet, subnets, what: whatSet, subjects } of groups.values()) {
      const push = (f: Finding) => findings.push(about(f, ...subjects));
      const what = [...whatSet].join(' and ');
      const where = subnets.join(', ');
      switch (subnet.egress) {
        case 'none':
          push(violation(this, `${what} in ${where} have no internet egress, so they cannot reach a public-only endpoint ` +
            '(there is no VPC endpoint for the Kubernetes API). Turn private access on (EndpointMode.PUBLIC_AND_PRIVATE), or give the subnets a NAT gateway.'));
          break;
        case 'unknown':
          push(notVerifiable(`the route tables of ${where} (${what}) are not in the templates given. ` +
            `Confirm they have internet egress${open ? '' : ' and that their egress address is in publicAccessCidrs'}.`));
          break;
        case 'igw':
          if (!open) {
            push(violation(this, `${what} in ${where} reach the internet from their own public IPs, which change and cannot be allow-listed: ` +
              'nodes will not join. Place them in private subnets behind a NAT gateway whose address you allow, or turn private access on.'));
          }
          break;
        case 'tgw':
        case 'other':
          if (!open) {
            push(notVerifiable(`${what} in ${where} leave the VPC through a ${subnet.egress === 'tgw' ? 'Transit Gateway' : 'non-NAT route'}. ` +
              'Confirm the address they reach the internet from is in publicAccessCidrs.'));
          }
          break;
        case 'nat': {
          if (open) break;
          const eip = subnet.natEip;
          if (eip && cidrs !== 'unknown' && cidrs.some((c) => eipOf(c) === eip)) {
            // a NAT gateway may send from any of its addresses, secondary ones included
            const secondary = subnet.natSecondaryEips;
            if (secondary !== undefined && (secondary === 'unknown' || !secondary.every((e) => cidrs.some((c) => eipOf(c) === e)))) {
              push(notVerifiable(`${what} in ${where} leave through a NAT gateway with secondary addresses not all in publicAccessCidrs. ` +
                'Confirm connections to the API leave from the allowed address, or allow each of its Elastic IPs as /32.'));
            }
            break;
          }
          if (!eip || opaqueEntries) {
            push(notVerifiable(`${what} in ${where} leave through a NAT gateway whose address is not known at synth. ` +
              'Confirm its Elastic IP is in publicAccessCidrs as /32.'));
          } else {
            push(violation(this, `The public-only endpoint allows only [${shown.join(', ')}], but ${what} in ${where} reach it from ` +
              `the NAT gateway address ${eip.display}: nodes will never join. Add that EIP as /32 ` +
              '(EndpointCluster does this itself for the VPC it creates), or use EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom(...).'));
          }
          break;
        }
      }
    }
    return findings;
  },
};

/**
 * The Elastic IP an allow-list entry names as `<EIP>/32`: `Fn::Join` or `Fn::Sub` of its
 * `Ref` (which is the address) or its `PublicIp` attribute and `/32`.
 */
function eipOf(cidr: Value): Resource | undefined {
  if (!(cidr instanceof Text) || cidr.parts.length !== 2 || cidr.parts[1] !== '/32') return undefined;
  const ref = cidr.parts[0];
  return ref instanceof ResourceRef && ref.resource instanceof Resource && ref.resource.type === 'AWS::EC2::EIP'
    && (ref.attribute === 'Ref' || ref.attribute === 'PublicIp') ? ref.resource : undefined;
}
