import { EndpointRule } from '../engine/rule';
import {
  ClientSecurityGroupPath, ConnectedClientPath, ConnectedClientResolution, ControlPlaneLogging, DhcpOptionsDns, HybridNodeEndpointMode,
  HybridNodeNetworks, HybridNodePath, HybridNodeSecurityGroup, IsolatedNodeEndpoints, PublicEndpointAccess, PublicEndpointOpen,
  PublicOnlyNodeEgress, SecretsEncryption, VpcDnsHostnames, VpcDnsSupport,
} from '../rules';

/**
 * The rules the Aspect runs at synth, and the CLI on files, so that a template and a synth say
 * the same: whether clients reach the API and resolve it, and what a public endpoint admits.
 * In the order they are reported.
 */
export const ASPECT_RULES: EndpointRule[] = [
  VpcDnsSupport,
  VpcDnsHostnames,
  DhcpOptionsDns,
  ClientSecurityGroupPath,
  PublicOnlyNodeEgress,
  IsolatedNodeEndpoints,
  ConnectedClientResolution,
  ConnectedClientPath,
  HybridNodeNetworks,
  HybridNodeEndpointMode,
  HybridNodePath,
  HybridNodeSecurityGroup,
  PublicEndpointOpen,
];

/**
 * The cdk-nag pack's rules: the Aspect's, and the hygiene a pack is for (a public endpoint on
 * record, control-plane logs, secrets encryption), which the Aspect leaves to it.
 */
export const PACK_RULES: EndpointRule[] = [
  ...ASPECT_RULES,
  PublicEndpointAccess,
  ControlPlaneLogging,
  SecretsEncryption,
];
