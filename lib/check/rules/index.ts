import { ClientLikeInstancePath } from './client-like-instance-path';
import { ClientSecurityGroupPath } from './client-security-group-path';
import { ConnectedClientPath } from './connected-client-path';
import { ConnectedClientResolution } from './connected-client-resolution';
import { ControlPlaneEgress } from './control-plane-egress';
import { ConnectedNetworkRoute } from './connected-network-route';
import { ControlPlaneLogging } from './control-plane-logging';
import { DhcpOptionsDns } from './dhcp-options-dns';
import { HybridNodeEndpointMode } from './hybrid-node-endpoint-mode';
import { HybridNodeNetworks } from './hybrid-node-networks';
import { HybridNodePath } from './hybrid-node-path';
import { HybridNodeSecurityGroup } from './hybrid-node-security-group';
import { IsolatedNodeEndpoints } from './isolated-node-endpoints';
import { OutsideVpcClientAllowList } from './outside-vpc-client-allow-list';
import { PublicEndpointAccess } from './public-endpoint-access';
import { PublicEndpointOpen } from './public-endpoint-open';
import { PublicOnlyNodeEgress } from './public-only-node-egress';
import { EndpointRule } from './rule';
import { SecretsEncryption } from './secrets-encryption';
import { SubnetRegion } from './subnet-region';
import { VpcDnsHostnames } from './vpc-dns-hostnames';
import { VpcDnsSupport } from './vpc-dns-support';

export * from './rule';
export { ClientLikeInstancePath } from './client-like-instance-path';
export { ClientSecurityGroupPath } from './client-security-group-path';
export { ConnectedClientPath } from './connected-client-path';
export { ConnectedClientResolution } from './connected-client-resolution';
export { ControlPlaneEgress } from './control-plane-egress';
export { ConnectedNetworkRoute } from './connected-network-route';
export { ControlPlaneLogging } from './control-plane-logging';
export { DhcpOptionsDns } from './dhcp-options-dns';
export { HybridNodeEndpointMode } from './hybrid-node-endpoint-mode';
export { HybridNodeNetworks } from './hybrid-node-networks';
export { HybridNodePath } from './hybrid-node-path';
export { HybridNodeSecurityGroup } from './hybrid-node-security-group';
export { IsolatedNodeEndpoints } from './isolated-node-endpoints';
export { OutsideVpcClientAllowList } from './outside-vpc-client-allow-list';
export { PublicEndpointAccess } from './public-endpoint-access';
export { PublicEndpointOpen } from './public-endpoint-open';
export { PublicOnlyNodeEgress } from './public-only-node-egress';
export { SecretsEncryption } from './secrets-encryption';
export { SubnetRegion } from './subnet-region';
export { VpcDnsHostnames } from './vpc-dns-hostnames';
export { VpcDnsSupport } from './vpc-dns-support';

/** Every rule, in the order they are reported. Which of them an adapter runs is its own list (adapters/rule-sets.ts). */
export const ALL_RULES: EndpointRule[] = [
  VpcDnsSupport,
  VpcDnsHostnames,
  DhcpOptionsDns,
  ClientSecurityGroupPath,
  ClientLikeInstancePath,
  PublicOnlyNodeEgress,
  IsolatedNodeEndpoints,
  ControlPlaneEgress,
  SubnetRegion,
  ConnectedClientResolution,
  ConnectedClientPath,
  OutsideVpcClientAllowList,
  ConnectedNetworkRoute,
  HybridNodeNetworks,
  HybridNodeEndpointMode,
  HybridNodePath,
  HybridNodeSecurityGroup,
  PublicEndpointOpen,
  PublicEndpointAccess,
  ControlPlaneLogging,
  SecretsEncryption,
];
