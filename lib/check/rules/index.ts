import { ClientSecurityGroupPath } from './client-security-group-path';
import { ConnectedClientPath } from './connected-client-path';
import { ConnectedClientResolution } from './connected-client-resolution';
import { ControlPlaneLogging } from './control-plane-logging';
import { DhcpOptionsDns } from './dhcp-options-dns';
import { HybridNodeEndpointMode } from './hybrid-node-endpoint-mode';
import { HybridNodeNetworks } from './hybrid-node-networks';
import { HybridNodePath } from './hybrid-node-path';
import { HybridNodeSecurityGroup } from './hybrid-node-security-group';
import { IsolatedNodeEndpoints } from './isolated-node-endpoints';
import { PublicEndpointAccess } from './public-endpoint-access';
import { PublicEndpointOpen } from './public-endpoint-open';
import { PublicOnlyNodeEgress } from './public-only-node-egress';
import { EndpointRule } from './rule';
import { SecretsEncryption } from './secrets-encryption';
import { VpcDnsHostnames } from './vpc-dns-hostnames';
import { VpcDnsSupport } from './vpc-dns-support';

export * from './rule';

/** Every rule, in the order they are reported. */
export const ALL_RULES: EndpointRule[] = [
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
  PublicEndpointAccess,
  ControlPlaneLogging,
  SecretsEncryption,
];
