import { ClientView, ClusterView } from '../engine/model';
import { EndpointRule, Finding, notVerifiable, violation } from '../engine/rule';

export {
  about, clientSubject, computeSubject, connectionSubject, EndpointRule, Finding, Level, networkSubject, notVerifiable, Subject, violation,
} from '../engine/rule';

/** Whether private access is (or may be) on: rules about the private endpoint apply. */
export function mayBePrivate(cluster: ClusterView): boolean {
  return cluster.privateAccess !== false;
}

/**
 * A violation that holds only when private access is on: when `EndpointPrivateAccess` is a
 * deploy-time value, it is a not-verifiable warning instead.
 */
export function violationIfPrivate(rule: Pick<EndpointRule, 'level'>, cluster: ClusterView, message: string): Finding {
  return cluster.privateAccess === 'unknown'
    ? notVerifiable(`endpointPrivateAccess is a deploy-time value. If it is true: ${message}`)
    : violation(rule, message);
}

/** Whether the endpoint flags may be those of a mode, and are not both known. */
export function mayBeMode(cluster: ClusterView, publicAccess: boolean, privateAccess: boolean): 'yes' | 'no' | 'unknown' {
  if (cluster.publicAccess === !publicAccess || cluster.privateAccess === !privateAccess) return 'no';
  return cluster.publicAccess === 'unknown' || cluster.privateAccess === 'unknown' ? 'unknown' : 'yes';
}

/** The condition under which a client that may be one is one, to open a not-verifiable message. */
export function maybeClient(client: ClientView): string {
  return `the access entry of ${client.display} names its cluster by a deploy-time value, or exists under a condition. If it is an API client of this cluster:`;
}

/** A definite violation about a client, or a not-verifiable warning when it may not be this cluster's client. */
export function violationFor(rule: Pick<EndpointRule, 'level'>, client: ClientView, message: string): Finding {
  return client.maybe ? notVerifiable(`${maybeClient(client)} ${message}`) : violation(rule, message);
}
