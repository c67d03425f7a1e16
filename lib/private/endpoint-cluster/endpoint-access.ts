import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EndpointMode } from '../../endpoint-mode';

/**
 * Public & Private: the mode whose private hosted zone answers inside the cluster VPC only, so
 * that hybrid nodes are refused and connected networks get Route 53 Resolver forwarding. The one
 * place `EndpointCluster` asks it.
 */
export function isPublicAndPrivate(mode: EndpointMode): boolean {
  return mode.publicAccess && mode.privateAccess;
}

/**
 * Whether `EndpointCluster` builds Route 53 Resolver forwarding for its connected networks: in
 * Public & Private mode, where they would otherwise resolve the public addresses.
 */
export function needsResolverForwarding(mode: EndpointMode, connectedNetworks: number): boolean {
  return isPublicAndPrivate(mode) && connectedNetworks > 0;
}

/** What aws-eks-v2 is given; the flags and the allow-list are rendered again by `renderEndpointAccess`. */
export function toEndpointAccess(mode: EndpointMode): eks.EndpointAccess {
  if (!mode.publicAccess) {
    return eks.EndpointAccess.PRIVATE;
  }
  if (!mode.privateAccess) {
    // aws-eks-v2 refuses PUBLIC.onlyFrom(); the allow-list is rendered by EndpointCluster itself.
    return eks.EndpointAccess.PUBLIC;
  }
  return mode.publicAccessCidrs.length > 0
    ? eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...mode.publicAccessCidrs)
    : eks.EndpointAccess.PUBLIC_AND_PRIVATE;
}

/**
 * The allow-list to render. Open public modes render 0.0.0.0/0 (the EKS default), and so does
 * PRIVATE, where the list is inert; PUBLIC with an allow-list gets the addresses of the NAT
 * gateways of the VPC this construct created (a given VPC, or too many blocks, are refused before
 * anything is built).
 */
export function publicAccessCidrs(mode: EndpointMode, ownedVpc: ec2.Vpc | undefined): string[] {
  const requested = mode.publicAccessCidrs;
  // open, asked for with onlyFrom('0.0.0.0/0'): the one block that holds every address
  if (!mode.publicAccess || requested.length === 0 || requested.includes('0.0.0.0/0')) {
    return ['0.0.0.0/0'];
  }
  if (mode.privateAccess) {
    return requested;
  }
  // Public only: nodes reach the API from their NAT gateways' addresses.
  const natAddresses = (ownedVpc?.publicSubnets ?? [])
    .map((subnet) => subnet.node.tryFindChild('EIP'))
    .filter((eip): eip is ec2.CfnEIP => eip instanceof ec2.CfnEIP)
    .map((eip) => Fn.join('', [eip.attrPublicIp, '/32']));
  return [...requested, ...natAddresses];
}

/**
 * CloudFormation keeps a property it is no longer given: render all three, in every mode, so a
 * mode switch never leaves a stale allow-list behind.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-eks-cluster-resourcesvpcconfig.html
 */
export function renderEndpointAccess(cluster: eks.Cluster, mode: EndpointMode, cidrs: string[]): void {
  const cfnCluster = cluster.node.defaultChild as eks.CfnCluster;
  cfnCluster.addPropertyOverride('ResourcesVpcConfig.EndpointPublicAccess', mode.publicAccess);
  cfnCluster.addPropertyOverride('ResourcesVpcConfig.EndpointPrivateAccess', mode.privateAccess);
  cfnCluster.addPropertyOverride('ResourcesVpcConfig.PublicAccessCidrs', cidrs);
}
