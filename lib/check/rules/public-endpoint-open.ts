import { ClusterView } from '../engine/network-model';
import { EndpointRule, Finding, notVerifiable, violation } from './rule';

/**
 * A public endpoint with no allow-list (0.0.0.0/0, the default) accepts connections from
 * the whole internet; authentication still applies, but the API is exposed to scans.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const PublicEndpointOpen: EndpointRule = {
  id: 'PublicEndpointOpen',
  level: 'warning',
  summary: 'The public endpoint is open to every address (0.0.0.0/0).',
  runsIn: 'both',
  check(cluster: ClusterView): Finding[] {
    if (cluster.publicAccess === false) return [];
    if (cluster.publicAccessCidrs === 'unknown') {
      return [notVerifiable('the public access CIDR list is a deploy-time value. Confirm it does not hold 0.0.0.0/0.')];
    }
    if (!cluster.publicAccessCidrs.includes('0.0.0.0/0')) return [];
    return [violation(this, 'The public endpoint accepts connections from any address (0.0.0.0/0). ' +
      'Limit it with EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom(...) (publicAccessCidrs), or turn public access off.')];
  },
};
