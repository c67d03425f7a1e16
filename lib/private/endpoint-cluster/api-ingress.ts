import { Annotations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { EndpointMode } from '../../endpoint-mode';
import { CONNECTED_NETWORK_RULE } from '../../shared/client-metadata';
import { needsResolverForwarding } from './endpoint-access';

/** The networks outside the VPC whose clients call the API on the EKS-owned ENIs, checked. */
export interface OutsideNetworks {
  /** Connected networks (the connected VPCs' blocks first). */
  readonly connected: string[];
  /** Hybrid nodes' networks. */
  readonly remoteNodes: string[];
  /** Networks of pods on hybrid nodes. */
  readonly remotePods: string[];
}

/** The default quota of inbound rules per security group (adjustable). */
export const SECURITY_GROUP_INBOUND_RULES = 60;

/**
 * Clients outside the VPC on the private endpoint: connected networks reach the EKS-owned ENIs on
 * 443 (connected networks are refused without private access). Hybrid nodes and their pods do in
 * every mode: pods reach the API through the kubernetes service, whose endpoints are those ENIs,
 * and AWS lists both rules with no mode condition.
 * https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html
 */
export function addApiIngressRules(cluster: eks.Cluster, networks: OutsideNetworks): void {
  const group = controlPlaneSecurityGroup(cluster);
  for (const cidr of networks.connected) group.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), CONNECTED_NETWORK_RULE);
  for (const cidr of networks.remoteNodes) group.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'Kubernetes API from hybrid nodes');
  for (const cidr of networks.remotePods) group.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'Kubernetes API from pods on hybrid nodes');
}

/**
 * The inbound rules these networks make: in the control-plane security group, one per network
 * and one for the bastion; in the Resolver inbound endpoint's (when there is one), TCP and UDP 53
 * from each connected network and from the outbound endpoint (`ResolverForwarding`'s rules).
 */
export function inboundRuleCounts(mode: EndpointMode, networks: OutsideNetworks, bastion: boolean): { controlPlane: number; resolver: number } {
  const connected = networks.connected.length;
  return {
    controlPlane: connected + networks.remoteNodes.length + networks.remotePods.length + (bastion ? 1 : 0),
    resolver: needsResolverForwarding(mode, connected) ? 2 * connected + 2 : 0,
  };
}

/**
 * Warns when the rules pass the default quota of inbound rules per security group, which the
 * deploy would hit.
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 */
export function warnOnRuleQuota(scope: Construct, mode: EndpointMode, networks: OutsideNetworks, bastion: boolean): void {
  const rules = inboundRuleCounts(mode, networks, bastion);
  if (Math.max(rules.controlPlane, rules.resolver) > SECURITY_GROUP_INBOUND_RULES) {
    Annotations.of(scope).addWarningV2('cdk-eks-endpoint:securityGroupRuleQuota',
      `The connected and remote networks make ${rules.controlPlane} inbound rules in the control-plane security group` +
      `${rules.resolver > 0 ? ` and ${rules.resolver} in the Resolver inbound endpoint's` : ''}; the default quota is ${SECURITY_GROUP_INBOUND_RULES} per security group, ` +
      'so the deploy would fail unless it is raised for your account. Merge adjacent blocks, or raise "Inbound or outbound rules per security group" in Service Quotas.');
  }
}

/**
 * The additional security group aws-eks-v2 puts on the EKS-owned ENIs (and on no node). Not a
 * refusal of input: an assumption about aws-eks-v2, which only building the cluster can test.
 */
function controlPlaneSecurityGroup(cluster: eks.Cluster): ec2.SecurityGroup {
  const group = cluster.node.tryFindChild('ControlPlaneSecurityGroup');
  if (!(group instanceof ec2.SecurityGroup)) {
    throw new Error('EndpointCluster: aws-eks-v2 no longer creates the ControlPlaneSecurityGroup this construct adds its 443 rules to; please report this.');
  }
  return group;
}
