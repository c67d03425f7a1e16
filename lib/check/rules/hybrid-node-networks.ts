import { cidrContains, cidrProblem, overlaps, REMOTE_NETWORK_RANGES } from '../../shared/cidr';
import { ClusterView } from '../engine/model';
import { at, describe, literal, Value } from '../engine/template/value';
import { about, EndpointRule, Finding, networkSubject, notVerifiable, violation } from './rule';

/**
 * The service ranges EKS picks when `ServiceIpv4Cidr` is left out. For a cluster created with
 * remote networks, EKS picks one that overlaps none of them; remote networks added to an existing
 * cluster meet the range it got at creation, one of these two.
 * https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-cluster-create.html
 */
const DEFAULT_SERVICE_RANGES = ['10.100.0.0/16', '172.20.0.0/16'];

/** A remote CIDR block and what it is, for messages. */
interface Remote {
  readonly value: Value;
  readonly what: string;
}

/**
 * EKS Hybrid Nodes: the remote node and pod networks must be IPv4 blocks in RFC 1918 (or CGNAT)
 * space that overlap neither each other, the cluster VPC's CIDR blocks nor the Kubernetes service
 * range; the cluster must be IPv4 and use access entries (authentication mode API or
 * API_AND_CONFIG_MAP); remote pod networks come only with remote node networks.
 * https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html ;
 * https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-cluster-create.html (Considerations)
 */
export const HybridNodeNetworks: EndpointRule = {
  id: 'HybridNodeNetworks',
  level: 'error',
  summary: 'With hybrid nodes, the remote networks are private IPv4 blocks overlapping nothing, on an IPv4 cluster with access entries.',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html',
  check(cluster: ClusterView): Finding[] {
    const nodes = cluster.remoteNodeNetworks;
    const pods = cluster.remotePodNetworks;
    const findings: Finding[] = [];
    if (pods.present === true && nodes.present === false) {
      findings.push(violation(this, `RemotePodNetworks (${pods.cidrs.map(describe).join(', ')}) is given without RemoteNodeNetworks: ` +
        'EKS takes remote pod networks only beside the remote node networks the hybrid nodes are in. Add the node networks, or remove the pod networks.'));
      return findings;
    }
    if (nodes.present === false) return findings;
    // with remote networks that may be empty (deploy-time lists), a problem holds only if there are some
    const definite = (message: string): Finding => (nodes.present === true ? violation(this, message)
      : notVerifiable(`the remote node networks are a deploy-time value (${nodes.unlisted}). If they are not empty: ${message}`));

    const config = cluster.properties.KubernetesNetworkConfig;
    const family = at(config, 'IpFamily');
    if (typeof family === 'string' && family.toLowerCase() === 'ipv6') {
      findings.push(definite('the cluster is IPv6 (KubernetesNetworkConfig.IpFamily ipv6), and hybrid nodes need an IPv4 cluster. ' +
        'Use IpFamily ipv4 (the default); the address family cannot change on an existing cluster.'));
    } else if (family !== undefined && literal(family) === undefined) {
      findings.push(notVerifiable(`the cluster's IpFamily is a deploy-time value (${describe(family)}). Hybrid nodes need an IPv4 cluster: confirm it is ipv4.`));
    }

    const mode = at(cluster.properties.AccessConfig, 'AuthenticationMode');
    if (mode === undefined || mode === 'CONFIG_MAP') {
      findings.push(definite(`the cluster's authentication mode is ${mode === undefined ? 'left out, which CloudFormation creates as CONFIG_MAP' : 'CONFIG_MAP'}, ` +
        'and hybrid nodes need access entries: AccessConfig.AuthenticationMode API or API_AND_CONFIG_MAP ' +
        '(aws-eks-v2 `authenticationMode: eks.AuthenticationMode.API`). The mode can go from CONFIG_MAP to the others in place, not back.'));
    } else if (literal(mode) === undefined) {
      findings.push(notVerifiable(`the cluster's authentication mode is a deploy-time value (${describe(mode)}). Hybrid nodes need API or API_AND_CONFIG_MAP: confirm it is one of them.`));
    }

    const remotes: Remote[] = [
      ...nodes.cidrs.map((value) => ({ value, what: `remote node network ${describe(value)}` })),
      ...pods.cidrs.map((value) => ({ value, what: `remote pod network ${describe(value)}` })),
    ];
    const unlisted = [nodes.unlisted, pods.unlisted].filter((u) => u !== undefined);
    const opaque = remotes.filter((r) => literal(r.value) === undefined);
    if (opaque.length > 0 || unlisted.length > 0) {
      findings.push(notVerifiable(`some remote networks are deploy-time values (${[...new Set([...opaque.map((r) => describe(r.value)), ...unlisted])].join(', ')}). ` +
        `Confirm each is an IPv4 block within ${REMOTE_NETWORK_RANGES.join(', ')} that overlaps no other remote network, the cluster VPC's CIDR blocks ` +
        'or the Kubernetes service range.'));
    }
    const blocks: Array<Remote & { cidr: string }> = [];
    for (const remote of remotes) {
      const text = literal(remote.value);
      if (text === undefined) continue;
      const cidr = text.trim();
      const problem = cidrProblem(cidr);
      if (problem?.startsWith('has host bits set')) {
        findings.push(about(notVerifiable(`the ${remote.what} ${problem}. Confirm EKS takes it as meant, or write the block's first address.`), networkSubject(cidr)));
      } else if (problem) {
        findings.push(about(definite(`the ${remote.what} ${problem}; EKS takes IPv4 CIDR blocks (a.b.c.d/n) for remote networks.`), networkSubject(cidr)));
      } else if (!REMOTE_NETWORK_RANGES.some((range) => cidrContains(range, cidr) === true)) {
        findings.push(about(definite(`the ${remote.what} is not private address space: remote node and pod networks must be within ${REMOTE_NETWORK_RANGES.join(', ')} ` +
          '(RFC 1918, or the RFC 6598 CGNAT range). Use the private block the hybrid nodes or their pods are numbered from.'), networkSubject(cidr)));
      } else {
        blocks.push({ ...remote, cidr });
      }
    }
    for (let i = 0; i < blocks.length; i++) {
      for (let j = i + 1; j < blocks.length; j++) {
        if (overlaps(blocks[i].cidr, blocks[j].cidr)) {
          findings.push(about(definite(`the ${blocks[i].what} and the ${blocks[j].what} overlap: remote node and pod networks must not overlap each other. ` +
            'Give the nodes and the pods separate blocks.'), networkSubject(blocks[i].cidr), networkSubject(blocks[j].cidr)));
        }
      }
    }
    if (blocks.length > 0) {
      findings.push(...vpcOverlaps(cluster, blocks, definite));
      findings.push(...serviceOverlaps(cluster, blocks, definite));
    }
    return findings;
  },
};

/** The remote blocks against the cluster VPC's primary and secondary IPv4 CIDR blocks. */
function vpcOverlaps(cluster: ClusterView, blocks: Array<Remote & { cidr: string }>, definite: (message: string) => Finding): Finding[] {
  const vpc = cluster.vpc;
  const confirm = 'Confirm no remote node or pod network overlaps any of the VPC\'s CIDR blocks (aws ec2 describe-vpcs).';
  if (!vpc) return [notVerifiable(`the CIDR blocks of ${cluster.vpcDisplay} are not in the templates given. ${confirm}`)];
  const findings: Finding[] = [];
  const vpcBlocks: Array<{ cidr: Value; maybe: boolean; what: string }> = [
    { cidr: vpc.cidr ?? vpc.resource?.properties.CidrBlock, maybe: false, what: `${vpc.display}'s CIDR block` },
    ...vpc.secondaryCidrBlocks
      // IPv6 blocks (AmazonProvidedIpv6CidrBlock, Ipv6CidrBlock, an IPv6 pool) are not compared
      .filter((b) => b.properties.CidrBlock !== undefined || b.properties.Ipv4IpamPoolId !== undefined)
      .map((b) => ({ cidr: b.properties.CidrBlock, maybe: b.exists !== true || !cluster.model.sameRef(b.properties.VpcId, vpc.resource), what: `the secondary CIDR block ${b.display}` })),
  ];
  const unknown = vpcBlocks.filter((b) => literal(b.cidr) === undefined);
  if (unknown.length > 0) {
    findings.push(notVerifiable(`${unknown.map((b) => b.what).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not known at synth (an IPAM pool, a parameter). ${confirm}`));
  }
  for (const block of vpcBlocks) {
    const cidr = literal(block.cidr);
    if (cidr === undefined) continue;
    for (const remote of blocks.filter((b) => overlaps(b.cidr, cidr) === true)) {
      const message = `the ${remote.what} overlaps ${block.what} (${cidr}): the cluster VPC's CIDR blocks and the remote networks must not overlap, ` +
        'since the control plane routes to the remote networks through the VPC. Renumber one of them.';
      findings.push(about(block.maybe ? notVerifiable(`${block.what} may be of another VPC, or may not exist (a deploy-time value or condition). If it is this VPC's: ${message}`)
        : definite(message), networkSubject(remote.cidr)));
    }
  }
  return findings;
}

/** The remote blocks against the Kubernetes service range, given or picked by EKS. */
function serviceOverlaps(cluster: ClusterView, blocks: Array<Remote & { cidr: string }>, definite: (message: string) => Finding): Finding[] {
  const given = at(cluster.properties.KubernetesNetworkConfig, 'ServiceIpv4Cidr');
  if (given === undefined) {
    const near = blocks.filter((b) => DEFAULT_SERVICE_RANGES.some((range) => overlaps(b.cidr, range) === true));
    return near.length === 0 ? [] : [notVerifiable(`${near.map((b) => `the ${b.what}`).join(', ')} overlap${near.length === 1 ? 's' : ''} a service range EKS ` +
      `may pick when ServiceIpv4Cidr is left out (${DEFAULT_SERVICE_RANGES.join(' or ')}). A cluster created with remote networks gets a range that overlaps none; ` +
      'remote networks added to an existing cluster must avoid the one it has (aws eks describe-cluster --query cluster.kubernetesNetworkConfig.serviceIpv4Cidr). ' +
      'Give ServiceIpv4Cidr explicitly, as AWS recommends.')];
  }
  const range = literal(given);
  if (range === undefined) {
    return [notVerifiable(`the Kubernetes service range is a deploy-time value (${describe(given)}). Confirm no remote node or pod network overlaps it.`)];
  }
  return blocks.filter((b) => overlaps(b.cidr, range.trim()) === true).map((b) => about(definite(`the ${b.what} overlaps the Kubernetes service range ` +
    `(KubernetesNetworkConfig.ServiceIpv4Cidr ${range}): remote node and pod networks must not overlap it. Renumber one of them.`), networkSubject(b.cidr)));
}
