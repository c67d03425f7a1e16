import { ClusterView } from '../engine/model';
import { describe } from '../engine/template/value';
import { EndpointRule, Finding, notVerifiable, violation } from './rule';

/**
 * A public endpoint whose allow-list admits every address (0.0.0.0/0, the default; ::/0; or
 * blocks that add up to all of IPv4, such as 0.0.0.0/1 + 128.0.0.0/1) accepts connections
 * from the whole internet; authentication still applies, but the API is exposed to scans.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const PublicEndpointOpen: EndpointRule = {
  id: 'PublicEndpointOpen',
  level: 'warning',
  summary: 'The public endpoint is open to every address (0.0.0.0/0, ::/0, or blocks that add up to them).',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  check(cluster: ClusterView): Finding[] {
    if (cluster.publicAccess === false) return [];
    if (cluster.publicAccessOpen === 'unknown') {
      const cidrs = cluster.publicAccessCidrs;
      return [notVerifiable(`the public access CIDR list ${cidrs === 'unknown' ? 'is a deploy-time value' : `holds deploy-time values (${describe(cidrs)})`}. ` +
        'Confirm it does not admit every address (0.0.0.0/0).')];
    }
    if (cluster.publicAccessOpen === false) return [];
    const shown = cluster.publicAccessCidrs === 'unknown' ? '' : ` (${cluster.publicAccessCidrs.map(describe).join(', ')})`;
    return [violation(this, `The public endpoint accepts connections from any address${shown}. ` +
      'Limit it with EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom(...) (publicAccessCidrs), or turn public access off.')];
  },
};
