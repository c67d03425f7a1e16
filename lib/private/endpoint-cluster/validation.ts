import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { ClusterCompute } from '../../cluster-compute';
import { ClusterEgress } from '../../cluster-egress';
import type { EndpointClusterProps } from '../../endpoint-cluster';
import { EndpointMode } from '../../endpoint-mode';
import { cidrContains, MAX_PUBLIC_ACCESS_CIDRS, overlaps, REMOTE_NETWORK_RANGES, renderedCidrProblem, SERVICE_RANGES } from '../../shared/cidr';
import { literalVpcCidr } from '../networks';
import { isToken } from '../tokens';
import { ValidationError } from '../validation-error';
import { isPublicAndPrivate, needsResolverForwarding } from './endpoint-access';
import { OWNED_VPC_CIDR, OWNED_VPC_NAT_GATEWAYS, workloadSubnets } from './vpc';

/*
 * What EndpointCluster refuses, checked before anything is built, as aws-eks-v2 checks its props:
 * each refusal throws a ValidationError with a stable code, the construct's path, and a message
 * that names the prop, shows the bad value and says the way out. Deploy-time values (tokens) are
 * not judged; where they hide what would be refused, a warning says what to confirm.
 *
 * The codes, in the order the checks run:
 *
 * | code | refused |
 * |---|---|
 * | EndpointClusterAdminSessionArn | an STS assumed-role ARN in adminPrincipals |
 * | EndpointClusterAdminNotIamArn | an adminPrincipals entry that is not an IAM role or user ARN |
 * | EndpointClusterAdminListedTwice | a principal listed twice in adminPrincipals |
 * | EndpointClusterBastionOptionsWithoutBastion | bastionOptions with bastion: false |
 * | EndpointClusterIsolatedPublic | egress ISOLATED with a public-only endpoint |
 * | EndpointClusterAutoModeNodegroup | nodegroup with compute AUTO_MODE |
 * | EndpointClusterConnectedWithoutPrivate | connectedVpcs or connectedCidrs with a public-only endpoint |
 * | EndpointClusterPodNetworksWithoutNodeNetworks | remotePodNetworks without remoteNodeNetworks |
 * | EndpointClusterHybridRoleWithoutNetworks | hybridNodesRole without remoteNodeNetworks |
 * | EndpointClusterHybridPublicAndPrivate | remoteNodeNetworks in Public & Private mode |
 * | EndpointClusterVpcInOtherRegion | a given VPC whose stack's region is another than the cluster's |
 * | EndpointClusterNoIsolatedSubnets | egress ISOLATED with a given VPC that has no isolated subnets |
 * | EndpointClusterPublicOpenNotAsked | a public mode without an allow-list (open to all unless asked for with onlyFrom('0.0.0.0/0')) |
 * | EndpointClusterPublicAllowListOnGivenVpc | a restricted public-only endpoint with a given VPC |
 * | EndpointClusterPublicAccessCidrQuota | allow-list plus NAT addresses over EKS's 40 |
 * | EndpointClusterConnectedVpcTwice | a VPC listed twice in connectedVpcs |
 * | EndpointClusterConnectedVpcCidrUnknown | a connected VPC without a known CIDR block |
 * | EndpointClusterConnectedOwnVpc | the cluster's own VPC in connectedVpcs |
 * | EndpointClusterConnectedVpcElsewhere | in Public & Private mode, a connected VPC of another account or region |
 * | EndpointClusterInvalidCidr | a connectedCidrs, remoteNodeNetworks, remotePodNetworks or serviceIpv4Cidr entry that is not an IPv4 block |
 * | EndpointClusterConnectedAnywhere | 0.0.0.0/0 as a connected network |
 * | EndpointClusterConnectedOverlapsVpc | a connected network overlapping the cluster VPC |
 * | EndpointClusterConnectedNotPrivate | a connectedCidrs block outside RFC 1918 and RFC 6598 |
 * | EndpointClusterServiceCidrRange | serviceIpv4Cidr outside EKS's rule (/12 to /24, RFC 1918) |
 * | EndpointClusterServiceCidrOverlapsVpc | serviceIpv4Cidr overlapping the cluster VPC |
 * | EndpointClusterRemoteNetworkRange | a remote node or pod network outside the ranges EKS accepts |
 * | EndpointClusterRemoteNetworksOverlap | two remote node or pod networks that overlap |
 * | EndpointClusterRemoteNetworkOverlapsVpc | a remote network overlapping the cluster VPC |
 * | EndpointClusterRemoteNetworkOverlapsServiceCidr | a remote network overlapping serviceIpv4Cidr |
 * | EndpointClusterSecretsKeyRemovalPolicy | secretsKeyRemovalPolicy with secretsEncryptionKey |
 * | EndpointClusterLogRetentionWithoutGroup | controlPlaneLogRetention when this construct creates no control-plane log group |
 * | EndpointClusterHybridRoleIsAdmin | hybridNodesRole also in adminPrincipals |
 * | EndpointClusterResolverSubnetCidrUnknown | Resolver forwarding in a subnet whose CIDR block is unknown |
 * | EndpointClusterResolverSubnetsOneAz | Resolver forwarding with the nodes' subnets in one AZ |
 * | EndpointClusterNodegroupDiskSize | nodegroup.diskSize with nodegroup.launchTemplateSpec |
 * | EndpointClusterNodegroupRemoteAccess | nodegroup.remoteAccess (SSH to the nodes) |
 *
 * Facts read from a given VPC (its CIDR block, subnets) count as props. The VPC EndpointCluster
 * creates is known before it exists (vpc.ts: its CIDR block and NAT gateways), except for the
 * Availability Zones of its subnets: the Resolver subnets of that VPC are checked as soon as it is
 * built (`resolverSubnets`), before anything else.
 */

/** The choices of an EndpointCluster, with their defaults applied. */
export interface EndpointClusterChoices {
  readonly mode: EndpointMode;
  readonly egress: ClusterEgress;
  readonly compute: ClusterCompute;
  readonly bastion: boolean;
}

/** A warning to add to the construct: its ID (acknowledged as `cdk-eks-endpoint:<id>`) and message. */
export interface ValidationWarning {
  readonly id: string;
  readonly message: string;
}

/** The props as checked: the lists trimmed and each entry kept once, and the warnings to add, in order. */
export interface ValidatedProps {
  readonly adminPrincipals: string[];
  /** Every connected network, the connected VPCs' blocks first. */
  readonly connectedCidrs: string[];
  readonly remoteNodeNetworks: string[];
  readonly remotePodNetworks: string[];
  readonly serviceIpv4Cidr?: string;
  /** Whether this construct creates the control-plane log group. */
  readonly controlPlaneLogGroup: boolean;
  /**
   * The two subnets of the Resolver endpoints, when Resolver forwarding is built in a VPC given
   * in props; undefined otherwise (and for the VPC this construct creates, checked once built).
   */
  readonly resolverSubnets?: ec2.ISubnet[];
  readonly warnings: ValidationWarning[];
}

/**
 * Checks the props of the EndpointCluster `scope` before anything is built: throws the first
 * refusal (the table above, in order); returns what is accepted, with the warnings for what
 * cannot be verified at synth.
 */
export function validateEndpointClusterProps(scope: IConstruct, props: EndpointClusterProps, choices: EndpointClusterChoices): ValidatedProps {
  const warnings: ValidationWarning[] = [];
  const adminPrincipals = checkAdminPrincipals(scope, props.adminPrincipals ?? []);
  checkBastionOptions(scope, props, choices);
  checkCombinations(scope, props, choices);
  if (props.vpc !== undefined) {
    warnings.push(...checkVpcRegion(scope, props.vpc));
    warnings.push(...checkWorkloadSubnets(scope, props.vpc, choices.egress));
  }
  warnings.push(...checkPublicAccess(scope, choices.mode, props.vpc !== undefined));
  const clusterVpcCidr = props.vpc !== undefined ? literalVpcCidr(props.vpc) : OWNED_VPC_CIDR;
  const connected = checkConnectedNetworks(scope, props, choices.mode, clusterVpcCidr);
  warnings.push(...connected.warnings);
  const remote = checkRemoteNetworks(scope, props, clusterVpcCidr);
  warnings.push(...remote.warnings);
  checkSecretsKey(scope, props);
  const controlPlaneLogGroup = checkControlPlaneLogGroup(scope, props);
  checkHybridNodesRole(scope, props, adminPrincipals);
  const resolver = props.vpc !== undefined && needsResolverForwarding(choices.mode, connected.cidrs.length)
    ? resolverSubnets(scope, choices.egress, workloadSubnets(props.vpc, choices.egress).subnets ?? [])
    : undefined;
  if (choices.compute !== ClusterCompute.AUTO_MODE) {
    checkNodegroup(scope, props);
  }
  return {
    adminPrincipals,
    connectedCidrs: connected.cidrs,
    remoteNodeNetworks: remote.nodes,
    remotePodNetworks: remote.pods,
    serviceIpv4Cidr: remote.serviceCidr,
    controlPlaneLogGroup,
    resolverSubnets: resolver,
    warnings,
  };
}

function refuse(scope: IConstruct, code: string, message: string): never {
  throw new ValidationError(code, message, scope);
}

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@\/-]+$/;
const ASSUMED_ROLE_ARN = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[^/]+$/;

/**
 * The admin principal ARNs to grant, trimmed (strings with deploy-time values too). Refuses a value that is not an IAM role or user
 * ARN, and a principal listed twice: each would get its own access entry, and EKS refuses a second
 * entry for a principal (ResourceInUseException), failing the deploy.
 * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html
 */
export function checkAdminPrincipals(scope: IConstruct, given: string[]): string[] {
  // deploy-time values too: whitespace around a token's marker is literal text, never part of it
  const arns = given.map((arn) => (typeof arn === 'string' ? arn.trim() : arn));
  arns.forEach((arn, i) => {
    // Tokens are not judged, and equal only when they are the same token.
    if (!isToken(arn)) {
      const assumed = ASSUMED_ROLE_ARN.exec(arn);
      if (assumed) {
        refuse(scope, 'EndpointClusterAdminSessionArn',
          `EndpointCluster: adminPrincipals has the STS session ARN ${JSON.stringify(given[i])}; access entries take the role's ARN. ` +
          `Use arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]} (add the role's path if it has one).`,
        );
      }
      if (!PRINCIPAL_ARN.test(arn)) {
        refuse(scope, 'EndpointClusterAdminNotIamArn',
          `EndpointCluster: adminPrincipals has ${JSON.stringify(given[i])}, which is not an IAM role or user ARN. ` +
          'Expected arn:aws:iam::<12-digit account>:role/<name> or arn:aws:iam::<account>:user/<name>.',
        );
      }
    }
    const first = arns.indexOf(arn);
    if (first !== i) {
      const shown = isToken(arn) ? 'the same deploy-time value' : JSON.stringify(arn);
      refuse(scope, 'EndpointClusterAdminListedTwice',
        `EndpointCluster: adminPrincipals lists ${shown} twice (adminPrincipals[${first}] and adminPrincipals[${i}]); ` +
        'EKS allows one access entry per IAM principal per cluster, so the deploy would fail. List each principal once.',
      );
    }
  });
  return arns;
}

/** Refuses bastionOptions without a bastion to apply them to. */
export function checkBastionOptions(scope: IConstruct, props: EndpointClusterProps, choices: EndpointClusterChoices): void {
  if (!choices.bastion && props.bastionOptions !== undefined) {
    refuse(scope, 'EndpointClusterBastionOptionsWithoutBastion',
      `EndpointCluster: bastionOptions (${Object.keys(props.bastionOptions).join(', ') || 'empty'}) is set but bastion is false, ` +
      'so there is no bastion to apply it to. Remove bastionOptions, or remove bastion: false.',
    );
  }
}

/** The combinations of choices that cannot work. */
export function checkCombinations(scope: IConstruct, props: EndpointClusterProps, choices: EndpointClusterChoices): void {
  const { mode, egress, compute } = choices;
  if (egress === ClusterEgress.ISOLATED && !mode.privateAccess) {
    refuse(scope, 'EndpointClusterIsolatedPublic',
      `EndpointCluster: egress ISOLATED with mode ${mode}: nodes without internet egress cannot reach a public-only endpoint, so they would never join. ` +
      'Use EndpointMode.PRIVATE or EndpointMode.PUBLIC_AND_PRIVATE (nodes then use the private endpoint), or egress NAT_GATEWAY.',
    );
  }
  if (compute === ClusterCompute.AUTO_MODE && props.nodegroup !== undefined) {
    refuse(scope, 'EndpointClusterAutoModeNodegroup',
      `EndpointCluster: nodegroup (${Object.keys(props.nodegroup).join(', ') || 'empty'}) shapes the managed node group, which compute AUTO_MODE does not create. ` +
      'Remove nodegroup (Auto Mode sizes nodes from the pods\' requests), or use compute NODEGROUP.',
    );
  }
  const connected = (props.connectedVpcs?.length ?? 0) + (props.connectedCidrs?.length ?? 0);
  if (connected > 0 && !mode.privateAccess) {
    refuse(scope, 'EndpointClusterConnectedWithoutPrivate',
      `EndpointCluster: connectedVpcs/connectedCidrs are given, but mode ${mode} has no private endpoint for connected networks to reach. ` +
      'Use EndpointMode.PRIVATE or EndpointMode.PUBLIC_AND_PRIVATE, or remove them and add the networks\' egress addresses with EndpointMode.PUBLIC.onlyFrom(...).',
    );
  }
  const remote = props.remoteNodeNetworks?.length ?? 0;
  if ((props.remotePodNetworks?.length ?? 0) > 0 && remote === 0) {
    refuse(scope, 'EndpointClusterPodNetworksWithoutNodeNetworks',
      `EndpointCluster: remotePodNetworks (${props.remotePodNetworks!.join(', ')}) is given without remoteNodeNetworks; EKS takes pod networks only ` +
      'with the node networks the hybrid nodes are in. Add remoteNodeNetworks, or remove remotePodNetworks.',
    );
  }
  if (props.hybridNodesRole !== undefined && remote === 0) {
    refuse(scope, 'EndpointClusterHybridRoleWithoutNetworks',
      'EndpointCluster: hybridNodesRole is given without remoteNodeNetworks; hybrid nodes join only a cluster that knows their networks. ' +
      'Add remoteNodeNetworks, or remove hybridNodesRole.',
    );
  }
  if (remote > 0 && isPublicAndPrivate(mode)) {
    refuse(scope, 'EndpointClusterHybridPublicAndPrivate',
      `EndpointCluster: remoteNodeNetworks with mode ${mode}: hybrid nodes are outside the VPC, so they would resolve the endpoint to its public addresses ` +
      'and never use the private one (AWS recommends Public or Private for hybrid nodes). Use EndpointMode.PRIVATE, ' +
      'or EndpointMode.PUBLIC.onlyFrom(...) with your on-premises egress addresses.',
    );
  }
}

/**
 * Refuses ISOLATED egress in a given VPC with no isolated subnets for nodes and bastion; warns
 * when NAT_GATEWAY egress puts them in isolated subnets, the only ones the VPC has.
 */
export function checkWorkloadSubnets(scope: IConstruct, vpc: ec2.IVpc, egress: ClusterEgress): ValidationWarning[] {
  if (egress === ClusterEgress.ISOLATED) {
    if (vpc.isolatedSubnets.length === 0) {
      refuse(scope, 'EndpointClusterNoIsolatedSubnets',
        'EndpointCluster: egress ISOLATED places nodes and bastion in isolated subnets, but the VPC has none ' +
        `(it has ${vpc.privateSubnets.length} private subnet(s) with egress and ${vpc.publicSubnets.length} public). ` +
        'Give a VPC with PRIVATE_ISOLATED subnets, let EndpointCluster create the VPC, or use egress NAT_GATEWAY.',
      );
    }
    return [];
  }
  if (vpc.privateSubnets.length === 0 && vpc.isolatedSubnets.length > 0) {
    return [{
      id: 'isolatedSubnetsWithoutEndpoints',
      message: 'The VPC has no private subnets with egress, so nodes and bastion go to its isolated subnets, and egress is NAT_GATEWAY: no VPC endpoint is created for them. ' +
        'Unless those subnets route out some other way (a Transit Gateway, say), nodes never join. Set egress: ClusterEgress.ISOLATED to get the VPC endpoints they need.',
    }];
  }
  return [];
}

/**
 * A given VPC must be in the cluster's region: EKS takes subnets of the cluster's own region only,
 * and a VPC (with its subnets) lives in one region. CDK's crossRegionReferences would pass a VPC of
 * a stack in another region through SSM parameters: it synthesizes, and the deploy fails. Refused
 * when both regions are known and differ; a warning when only one is (a VPC imported with its
 * region into an environment-agnostic stack, say). Two deploy-time regions say nothing: the VPC is
 * then the stack's own or imported without a region, and references between environment-agnostic
 * stacks (Fn::ImportValue) work in one region only anyway.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html
 */
export function checkVpcRegion(scope: IConstruct, vpc: ec2.IVpc): ValidationWarning[] {
  const here = Stack.of(scope).region;
  const there = vpc.env.region;
  const known = (region: string) => !Token.isUnresolved(region);
  if (known(here) && known(there)) {
    if (here !== there) {
      refuse(scope, 'EndpointClusterVpcInOtherRegion',
        `EndpointCluster: vpc (${vpc.node.path}) is in ${there}, the cluster's stack in ${here}; EKS takes subnets of the cluster's own region only, ` +
        'and crossRegionReferences passes the IDs across, not the network. Create the EndpointCluster in a stack of ' +
        `${there}, or give it a VPC of ${here} (or none: it creates one).`,
      );
    }
    return [];
  }
  if (known(here) === known(there)) {
    return [];
  }
  return [{
    id: 'vpcRegionNotVerifiable',
    message: `The cluster's stack is in ${known(here) ? here : 'a region known only at deploy time'} and its vpc (${vpc.node.path}) in ` +
      `${known(there) ? there : 'a region known only at deploy time'}: EKS takes subnets of the cluster's own region only. ` +
      'Confirm both deploy to the same region, or give both stacks an env.',
  }];
}

/**
 * The public allow-list: a restricted public-only endpoint needs the nodes' egress addresses on
 * it, which only a VPC this construct creates gives (its NAT gateways' addresses), and those
 * count towards EKS's quota of 40 blocks. Warns when the list holds deploy-time values.
 */
export function checkPublicAccess(scope: IConstruct, mode: EndpointMode, givenVpc: boolean): ValidationWarning[] {
  const requested = mode.publicAccessCidrs;
  if (!mode.publicAccess) {
    return [];
  }
  if (requested.length === 0) {
    const constant = mode.name.toUpperCase().replace(/-/g, '_');
    refuse(scope, 'EndpointClusterPublicOpenNotAsked',
      `EndpointCluster: mode ${mode.name} would open the public endpoint to every address on the internet (0.0.0.0/0) without that being asked for. ` +
      `Limit it to the addresses that need it: EndpointMode.${constant}.onlyFrom('203.0.113.7/32') with your own (curl https://checkip.amazonaws.com prints it); ` +
      `or, to open it deliberately, EndpointMode.${constant}.onlyFrom('0.0.0.0/0').`,
    );
  }
  // open on purpose: nothing to restrict, no NAT address to add
  if (requested.includes('0.0.0.0/0')) {
    return [];
  }
  const warnings: ValidationWarning[] = [];
  if (requested.some(isToken)) {
    warnings.push({
      id: 'publicAccessCidrsNotVerifiable',
      message: `The public access CIDR blocks of ${mode.name} include deploy-time values, which cannot be checked at synth time. ` +
        'Confirm each is a valid IPv4 block and that the list holds at most 40 blocks.',
    });
  }
  if (mode.privateAccess) {
    return warnings;
  }
  // Public only: nodes reach the API from their NAT gateways' addresses.
  if (givenVpc) {
    refuse(scope, 'EndpointClusterPublicAllowListOnGivenVpc',
      `EndpointCluster: mode ${mode} restricts a public-only endpoint, but the VPC is not created by this construct, ` +
      'so its nodes\' egress addresses cannot be added to the allow-list and the nodes would never join. ' +
      'Use EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom(...) (nodes then use the private endpoint), or let EndpointCluster create the VPC.',
    );
  }
  // egress ISOLATED (no NAT gateway) is refused with a public-only endpoint, so the VPC has them
  const natAddresses = OWNED_VPC_NAT_GATEWAYS;
  const all = requested.length + natAddresses;
  if (all > MAX_PUBLIC_ACCESS_CIDRS) {
    refuse(scope, 'EndpointClusterPublicAccessCidrQuota',
      `EndpointCluster: ${requested.length} CIDR blocks plus ${natAddresses} NAT gateway address(es) make ${all}; ` +
      `EKS allows at most ${MAX_PUBLIC_ACCESS_CIDRS}. Merge adjacent blocks.`,
    );
  }
  return warnings;
}

/**
 * A list of CIDR blocks given to a prop: trimmed, each kept once, literal ones checked. Refuses
 * with the prop, the bad value and the way out.
 */
function cidrList(scope: IConstruct, prop: string, given: string[]): string[] {
  const cidrs: string[] = [];
  given.forEach((cidr, i) => {
    if (isToken(cidr)) {
      const token = cidr.trim();
      if (!cidrs.includes(token)) cidrs.push(token);
      return;
    }
    const trimmed = typeof cidr === 'string' ? cidr.trim() : cidr;
    const problem = renderedCidrProblem(trimmed);
    if (problem) {
      refuse(scope, 'EndpointClusterInvalidCidr', `EndpointCluster: ${prop}[${i}] ${JSON.stringify(cidr)} ${problem}.`);
    }
    if (!cidrs.includes(trimmed)) cidrs.push(trimmed);
  });
  return cidrs;
}

/**
 * The connected networks' CIDR blocks (the VPCs' first), checked against each other, the cluster
 * VPC (`clusterVpcCidr`: literal, a deploy-time value, or unknown) and the cluster's account and
 * region (for a Resolver rule, in Public & Private mode).
 */
export function checkConnectedNetworks(scope: IConstruct, props: EndpointClusterProps, mode: EndpointMode, clusterVpcCidr: string | undefined):
{ cidrs: string[]; warnings: ValidationWarning[] } {
  const connectedVpcs = props.connectedVpcs ?? [];
  const clusterVpc = props.vpc; // undefined: the VPC this construct creates, which no connected VPC can be
  const vpcCidrs = connectedVpcs.map((vpc, i) => {
    // the Resolver rule would be associated twice with one VPC, which Route 53 refuses
    const first = connectedVpcs.findIndex((other) => other === vpc || (!isToken(vpc.vpcId) && other.vpcId === vpc.vpcId));
    if (first !== i) {
      refuse(scope, 'EndpointClusterConnectedVpcTwice',
        `EndpointCluster: connectedVpcs lists ${isToken(vpc.vpcId) ? vpc.node.path : vpc.vpcId} twice (connectedVpcs[${first}] and connectedVpcs[${i}]). List each VPC once.`,
      );
    }
    const cidr = literalVpcCidr(vpc);
    if (cidr === undefined) {
      refuse(scope, 'EndpointClusterConnectedVpcCidrUnknown',
        `EndpointCluster: connectedVpcs[${i}] (${vpc.node.path}) has no known CIDR block, which its 443 rule needs. ` +
        'Import it with vpcCidrBlock (ec2.Vpc.fromVpcAttributes), or give its CIDR block in connectedCidrs instead.',
      );
    }
    if (clusterVpc !== undefined && (vpc === clusterVpc || (!isToken(vpc.vpcId) && vpc.vpcId === clusterVpc.vpcId))) {
      refuse(scope, 'EndpointClusterConnectedOwnVpc',
        `EndpointCluster: connectedVpcs[${i}] is the cluster's own VPC, whose clients resolve the private endpoint already. Remove it.`);
    }
    // a Resolver rule is associated with VPCs of its own account and region only (Public &
    // Private); in Private mode a VPC anywhere needs only its 443 rule
    const here = Stack.of(scope);
    const differs = (a: string, b: string) => !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
    if (isPublicAndPrivate(mode) && (differs(vpc.env.account, here.account) || differs(vpc.env.region, here.region))) {
      refuse(scope, 'EndpointClusterConnectedVpcElsewhere',
        `EndpointCluster: connectedVpcs[${i}] (${vpc.node.path}) is in ${vpc.env.account}/${vpc.env.region}, the cluster in ${here.account}/${here.region}; ` +
        'a Route 53 Resolver rule can be associated only with VPCs of its own account and region. Give that VPC\'s CIDR block in connectedCidrs, ' +
        'share resolverRuleId with its account through AWS RAM and associate it there (same region), or peer it in this account.',
      );
    }
    return cidr;
  });
  const given = cidrList(scope, 'connectedCidrs', props.connectedCidrs ?? []);
  const all = [...vpcCidrs, ...given].filter((c, i, list) => list.indexOf(c) === i);
  for (const cidr of all) {
    if (cidr === '0.0.0.0/0') {
      refuse(scope, 'EndpointClusterConnectedAnywhere',
        'EndpointCluster: connectedCidrs has 0.0.0.0/0, which would open the API\'s security group to every address routed to the VPC. ' +
        'List the connected networks\' own blocks.',
      );
    }
    if (clusterVpcCidr !== undefined && overlaps(cidr, clusterVpcCidr)) {
      refuse(scope, 'EndpointClusterConnectedOverlapsVpc',
        `EndpointCluster: connected network ${cidr} overlaps the cluster VPC's ${clusterVpcCidr}; traffic to it would never leave the VPC. ` +
        'Connected networks need address space of their own: renumber one side, or remove it from connectedVpcs/connectedCidrs.',
      );
    }
  }
  // a network reached through peering, Transit Gateway or VPN uses private addresses: a public
  // block would open TCP 443 on the control plane to part of the internet's address space
  given.forEach((cidr, i) => {
    if (!isToken(cidr) && cidr !== '0.0.0.0/0' && !REMOTE_NETWORK_RANGES.some((block) => cidrContains(block, cidr))) {
      refuse(scope, 'EndpointClusterConnectedNotPrivate',
        `EndpointCluster: connectedCidrs[${i}] ${cidr} is not a private block: a connected network reaches the private endpoint over peering, ` +
        'Transit Gateway or VPN, numbered from RFC 1918\'s 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or RFC 6598\'s 100.64.0.0/10, and ' +
        'each block opens TCP 443 on the control plane. Give the connected network\'s own private block.',
      );
    }
  });
  const warnings: ValidationWarning[] = [];
  if (all.length > 0 && (all.some(isToken) || clusterVpcCidr === undefined || isToken(clusterVpcCidr))) {
    warnings.push({
      id: 'connectedNetworksNotVerifiable',
      message: 'Some connected networks\' CIDR blocks, or the cluster VPC\'s, are deploy-time values, so whether they overlap cannot be checked at synth. ' +
        'Confirm each connected network has address space of its own.',
    });
  }
  return { cidrs: all, warnings };
}

/** The hybrid nodes' networks and the service range, with every requirement EKS has checked. */
export function checkRemoteNetworks(scope: IConstruct, props: EndpointClusterProps, clusterVpcCidr: string | undefined):
{ nodes: string[]; pods: string[]; serviceCidr?: string; warnings: ValidationWarning[] } {
  const nodes = cidrList(scope, 'remoteNodeNetworks', props.remoteNodeNetworks ?? []);
  const pods = cidrList(scope, 'remotePodNetworks', props.remotePodNetworks ?? []);
  const serviceCidr = props.serviceIpv4Cidr === undefined ? undefined
    : cidrList(scope, 'serviceIpv4Cidr', [props.serviceIpv4Cidr])[0];
  // each block with the name a user would look for: remoteNodeNetworks[1]
  const all: Array<[string, string]> = [
    ...nodes.map((c, i): [string, string] => [`remoteNodeNetworks[${i}]`, c]),
    ...pods.map((c, i): [string, string] => [`remotePodNetworks[${i}]`, c]),
  ];
  const vpcCidr = clusterVpcCidr;
  const unknownVpc = vpcCidr === undefined || isToken(vpcCidr);
  if (serviceCidr !== undefined && !isToken(serviceCidr)) {
    // https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigRequest.html
    const prefix = Number(serviceCidr.split('/')[1]);
    if (!SERVICE_RANGES.some((block) => cidrContains(block, serviceCidr)) || prefix < 12 || prefix > 24) {
      refuse(scope, 'EndpointClusterServiceCidrRange',
        `EndpointCluster: serviceIpv4Cidr ${serviceCidr} must be a block from /12 to /24 inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (EKS's rule). ` +
        'Pick one no network of yours uses, such as 172.20.0.0/16.',
      );
    }
    if (!unknownVpc && overlaps(serviceCidr, vpcCidr!)) {
      refuse(scope, 'EndpointClusterServiceCidrOverlapsVpc',
        `EndpointCluster: serviceIpv4Cidr ${serviceCidr} overlaps the cluster VPC's ${vpcCidr}; EKS refuses it. Pick a block outside the VPC.`);
    }
  }
  if (all.length === 0) return { nodes, pods, serviceCidr, warnings: [] };
  for (const [prop, cidr] of all) {
    if (!isToken(cidr) && !REMOTE_NETWORK_RANGES.some((block) => cidrContains(block, cidr))) {
      refuse(scope, 'EndpointClusterRemoteNetworkRange',
        `EndpointCluster: ${prop} ${cidr} is in none of the ranges EKS accepts for hybrid nodes: RFC 1918's 10.0.0.0/8, 172.16.0.0/12, ` +
        '192.168.0.0/16, and RFC 6598\'s 100.64.0.0/10. Use the private block the nodes or pods are numbered from.',
      );
    }
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (overlaps(all[i][1], all[j][1])) {
        refuse(scope, 'EndpointClusterRemoteNetworksOverlap',
          `EndpointCluster: ${all[i][0]} ${all[i][1]} and ${all[j][0]} ${all[j][1]} overlap; EKS refuses overlapping remote node and pod networks. ` +
          'Give each network once, as disjoint blocks.',
        );
      }
    }
  }
  for (const [prop, cidr] of all) {
    if (!unknownVpc && overlaps(cidr, vpcCidr!)) {
      refuse(scope, 'EndpointClusterRemoteNetworkOverlapsVpc',
        `EndpointCluster: ${prop} ${cidr} overlaps the cluster VPC's ${vpcCidr}; EKS refuses remote networks inside the VPC. ` +
        'Give the on-premises blocks the hybrid nodes and their pods are numbered from, or a VPC in another range (vpc).',
      );
    }
    if (serviceCidr !== undefined && overlaps(cidr, serviceCidr)) {
      refuse(scope, 'EndpointClusterRemoteNetworkOverlapsServiceCidr',
        `EndpointCluster: ${prop} ${cidr} overlaps serviceIpv4Cidr ${serviceCidr}; EKS refuses it. Pick a service range no network of yours uses.`,
      );
    }
  }
  // Without serviceIpv4Cidr, EKS picks a service range clear of the remote networks when it
  // creates the cluster: "If you don't explicitly specify a Kubernetes service IPv4 CIDR ...
  // EKS automatically selects a service CIDR that doesn't overlap with your configured remote
  // node and pod networks" (hybrid-nodes-cluster-create.html, which recommends setting one).
  const warnings: ValidationWarning[] = [];
  if (all.some(([, c]) => isToken(c)) || unknownVpc || (serviceCidr !== undefined && isToken(serviceCidr))) {
    warnings.push({
      id: 'remoteNetworksNotVerifiable',
      message: 'Some remote node or pod networks, the service range or the VPC\'s CIDR block are deploy-time values, so the hybrid-nodes requirements cannot be checked at synth. ' +
        'Confirm each remote network is an RFC 1918 (or 100.64.0.0/10) block that overlaps neither another remote network, the VPC nor the service range.',
    });
  }
  return { nodes, pods, serviceCidr, warnings };
}

/** Refuses a removal policy for a secrets key this construct does not create. */
export function checkSecretsKey(scope: IConstruct, props: EndpointClusterProps): void {
  if (props.secretsEncryptionKey !== undefined && props.secretsKeyRemovalPolicy !== undefined) {
    refuse(scope, 'EndpointClusterSecretsKeyRemovalPolicy',
      `EndpointCluster: secretsKeyRemovalPolicy (${props.secretsKeyRemovalPolicy}) applies to the key this construct creates, ` +
      'but secretsEncryptionKey gives one of yours, whose removal policy is yours to set. Remove one of the two.',
    );
  }
}

/**
 * Whether the construct creates the control-plane log group (with `clusterName` unless told not
 * to; without, only when asked); refuses a retention for a group it does not create.
 */
export function checkControlPlaneLogGroup(scope: IConstruct, props: EndpointClusterProps): boolean {
  const create = props.controlPlaneLogGroup ?? props.clusterName !== undefined;
  if (!create && props.controlPlaneLogRetention !== undefined) {
    refuse(scope, 'EndpointClusterLogRetentionWithoutGroup',
      `EndpointCluster: controlPlaneLogRetention (${props.controlPlaneLogRetention} days) applies to the control-plane log group this construct creates, ` +
      (props.controlPlaneLogGroup === false
        ? 'and controlPlaneLogGroup is false. Remove one of the two.'
        : 'and without clusterName it creates none. Give clusterName, or set controlPlaneLogGroup: true (for a new cluster: it names the cluster, which replaces one deployed without a name).'),
    );
  }
  return create;
}

/** Refuses the hybrid nodes' role when it is an admin principal too: EKS takes one access entry per principal. */
export function checkHybridNodesRole(scope: IConstruct, props: EndpointClusterProps, adminPrincipals: string[]): void {
  if (!props.hybridNodesRole) return;
  const roleArn = props.hybridNodesRole.roleArn;
  const clash = adminPrincipals.findIndex((arn) => arn === roleArn);
  if (clash >= 0) {
    refuse(scope, 'EndpointClusterHybridRoleIsAdmin',
      `EndpointCluster: hybridNodesRole (${isToken(roleArn) ? 'a deploy-time role ARN' : roleArn}) is also adminPrincipals[${clash}]; ` +
      'EKS allows one access entry per IAM principal, so the deploy would fail. Give the hybrid nodes a role of their own.',
    );
  }
}

/**
 * Two subnets in two AZs for the Resolver endpoints, from the nodes' subnets, with literal CIDR
 * blocks (the inbound endpoint's addresses are fixed in them). Refuses when there are none such.
 */
export function resolverSubnets(scope: IConstruct, egress: ClusterEgress, workload: ec2.ISubnet[]): ec2.ISubnet[] {
  const chosen: ec2.ISubnet[] = [];
  for (const subnet of workload) {
    if (chosen.some((s) => s.availabilityZone === subnet.availabilityZone)) continue;
    let cidr: string | undefined;
    try {
      cidr = subnet.ipv4CidrBlock;
    } catch {
      cidr = undefined;
    }
    if (cidr === undefined || isToken(cidr)) {
      refuse(scope, 'EndpointClusterResolverSubnetCidrUnknown',
        `EndpointCluster: Public & Private mode with connected networks builds a Route 53 Resolver inbound endpoint at a fixed address in subnet ${subnet.subnetId}, ` +
        `whose CIDR block is not known at synth. Import the VPC with its subnets' CIDR blocks (${egress === ClusterEgress.ISOLATED ? 'isolatedSubnetIpv4CidrBlocks' : 'privateSubnetIpv4CidrBlocks'}), or use EndpointMode.PRIVATE, ` +
        'whose connected clients need no Resolver.',
      );
    }
    chosen.push(subnet);
    if (chosen.length === 2) return chosen;
  }
  return refuse(scope, 'EndpointClusterResolverSubnetsOneAz',
    'EndpointCluster: Public & Private mode with connected networks builds Route 53 Resolver endpoints, which need subnets in two Availability Zones; ' +
    `the nodes' subnets span ${chosen.length}. Give a VPC with private subnets in two AZs, or use EndpointMode.PRIVATE, whose connected clients need no Resolver.`,
  );
}

/** The node group options EKS refuses, or this library does. */
export function checkNodegroup(scope: IConstruct, props: EndpointClusterProps): void {
  const options = props.nodegroup ?? {};
  if (options.launchTemplateSpec && options.diskSize !== undefined) {
    refuse(scope, 'EndpointClusterNodegroupDiskSize',
      `EndpointCluster: nodegroup.diskSize (${options.diskSize}) cannot be combined with nodegroup.launchTemplateSpec; EKS refuses both. ` +
      'Set the volume size in your launch template.',
    );
  }
  if (options.remoteAccess) {
    refuse(scope, 'EndpointClusterNodegroupRemoteAccess',
      'EndpointCluster: nodegroup.remoteAccess opens SSH to the nodes. Reach the cluster through the bastion ' +
      '(Session Manager) instead, or build the node group yourself with cluster.addNodegroupCapacity().',
    );
  }
}
