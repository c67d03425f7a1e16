import { cidrContains, parseCidr } from '../../shared/cidr';
import { ClusterView } from '../engine/model';
import { describe, literal, Value } from '../engine/template/value';
import { EndpointRule, Finding, notVerifiable, violation } from './rule';

/** A remote block, and what crosses the cluster subnets for it. */
export interface RemoteBlock {
  readonly cidr: string;
  readonly what: string;
  readonly pods: boolean;
}

/**
 * The remote node and pod blocks of a cluster with hybrid nodes, for HybridNodePath and
 * HybridNodeSecurityGroup: the literal IPv4 blocks outside the cluster VPC (others are
 * HybridNodeNetworks' to report), a not-verifiable finding for those that are deploy-time values
 * (`confirm` says what to confirm of them), and how a definite finding is made (not verifiable
 * when the node networks themselves are a deploy-time list). Undefined without hybrid nodes.
 */
export function remoteBlocks(cluster: ClusterView, confirm: string):
{ remotes: RemoteBlock[]; findings: Finding[]; definite: (rule: Pick<EndpointRule, 'level'>, message: string) => Finding } | undefined {
  const nodes = cluster.remoteNodeNetworks;
  const pods = cluster.remotePodNetworks;
  if (nodes.present === false) return undefined;
  const definite = (rule: Pick<EndpointRule, 'level'>, message: string): Finding => (nodes.present === true ? violation(rule, message)
    : notVerifiable(`the remote node networks are a deploy-time value (${nodes.unlisted}). If they are not empty: ${message}`));
  const findings: Finding[] = [];
  const values: Array<{ value: Value; pods: boolean }> = [...nodes.cidrs.map((value) => ({ value, pods: false })), ...pods.cidrs.map((value) => ({ value, pods: true }))];
  const opaque = [...values.filter((v) => literal(v.value) === undefined).map((v) => describe(v.value)), ...[nodes.unlisted, pods.unlisted].filter((u) => u !== undefined)];
  if (opaque.length > 0) findings.push(notVerifiable(`some remote networks are deploy-time values (${[...new Set(opaque)].join(', ')}). Confirm ${confirm}.`));
  // blocks that are not valid IPv4 CIDR blocks, or lie in the cluster VPC, are HybridNodeNetworks' to report
  const vpcCidr = cluster.vpc?.cidr;
  const inVpc = (cidr: string) => vpcCidr !== undefined && (cidrContains(vpcCidr, cidr) === true || cidrContains(cidr, vpcCidr) === true);
  const remotes: RemoteBlock[] = values.flatMap(({ value, pods: isPods }) => {
    const cidr = literal(value)?.trim();
    return cidr !== undefined && parseCidr(cidr) && !inVpc(cidr) ? [{ cidr, pods: isPods, what: `remote ${isPods ? 'pod' : 'node'} network ${cidr}` }] : [];
  });
  return { remotes, findings, definite };
}
