import { ClusterView, SubnetView } from '../engine/model';
import { lastLiteral } from '../engine/model/endpoints';
import { Resource } from '../engine/template/template-set';
import { at, describe, Text } from '../engine/template/value';
import { namesAmazonDns } from './amazon-dns';
import { EndpointRule, Finding, notVerifiable, violation } from './rule';

const PAGE = 'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-egress.html';

/** The resources that register a cluster's OIDC issuer with IAM (IRSA): CloudFormation's own, and aws-eks (v1)'s custom resource. */
const OIDC_PROVIDER_TYPES = ['AWS::IAM::OIDCProvider', 'Custom::AWSCDKOpenIdConnectProvider'];

/**
 * With `ResourcesVpcConfig.ControlPlaneEgressMode: CUSTOMER_ROUTED` the API server sends its
 * admission webhook calls, OIDC discovery and aggregated API requests out through the EKS-owned
 * network interfaces in the cluster's subnets, and resolves names with the VPC's DNS. The user
 * guide asks, of those subnets: a route to the endpoints the control plane reaches (for endpoints
 * outside the VPC "usually ... a default route to an egress device": a NAT gateway, NAT instance,
 * firewall or transit gateway), security groups that allow outbound traffic (443 for webhooks and
 * OIDC providers), and a DHCP options set whose domain name servers include `AmazonProvidedDNS`;
 * for an IPv6 cluster a `::/0` route as well. Which webhooks and aggregated APIs a cluster has is
 * Kubernetes state, not in a template: without a route out, only a known need (the cluster's own
 * OIDC issuer registered for IAM roles for service accounts) makes a definite error. The security
 * groups need no check from templates: the cluster security group EKS creates and puts on those
 * interfaces allows all outbound traffic, and a template can only add rules to it
 * (https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html). Network ACLs are not read.
 * https://docs.aws.amazon.com/eks/latest/userguide/control-plane-egress.html
 */
export const ControlPlaneEgress: EndpointRule = {
  id: 'ControlPlaneEgress',
  level: 'error',
  summary: 'With customer-routed control-plane egress, the cluster subnets have a way out and the VPC\'s DHCP options name AmazonProvidedDNS.',
  source: PAGE,
  check(cluster: ClusterView): Finding[] {
    const mode = at(cluster.properties.ResourcesVpcConfig, 'ControlPlaneEgressMode');
    if (mode === undefined || mode === 'AWS_MANAGED') return [];
    if (typeof mode !== 'string') {
      return [notVerifiable(`ControlPlaneEgressMode is a deploy-time value (${describe(mode)}). If it is CUSTOMER_ROUTED, the cluster subnets need a route ` +
        'out to the webhooks and OIDC providers the API server calls, and the VPC\'s DHCP options must include AmazonProvidedDNS.')];
    }
    if (mode !== 'CUSTOMER_ROUTED') {
      return [notVerifiable(`ControlPlaneEgressMode is ${mode}, which this check does not know (the user guide describes AWS_MANAGED and CUSTOMER_ROUTED). ` +
        'Confirm how the API server reaches webhooks and OIDC providers.')];
    }
    return [...routes(this, cluster), ...dns(this, cluster)];
  },
};

/** The cluster subnets' way out, for the API server's calls to webhooks, OIDC providers and aggregated APIs. */
function routes(rule: EndpointRule, cluster: ClusterView): Finding[] {
  if (cluster.subnetsUnknown) {
    return [notVerifiable(`with customer-routed control-plane egress the API server leaves through the cluster subnets, which are ${cluster.subnetsUnknown}. ` +
      'Confirm they have a default route to a NAT gateway, firewall or transit gateway.')];
  }
  const findings: Finding[] = [];
  const names = (subnets: SubnetView[]) => subnets.map((s) => s.display).join(', ');
  const unknown = cluster.subnets.filter((s) => s.egress === 'unknown');
  const none = cluster.subnets.filter((s) => s.egress === 'none');
  const igw = cluster.subnets.filter((s) => s.egress === 'igw');
  if (unknown.length > 0) {
    findings.push(notVerifiable(`the routes of the cluster subnets ${names(unknown)} are not in the templates given. With customer-routed control-plane egress ` +
      'the API server calls webhooks and OIDC providers through them: confirm they have a default route to a NAT gateway, firewall or transit gateway.'));
  }
  if (none.length > 0) {
    const issuer = oidcProvider(cluster);
    const oidcEndpoint = mayServeOidc(cluster);
    if (issuer && oidcEndpoint === false) {
      findings.push(violation(rule, `With customer-routed control-plane egress the API server fetches the OIDC discovery document of the cluster's issuer ` +
        `(registered by ${issuer.display} for IAM roles for service accounts) from oidc.eks.<region>.amazonaws.com through the cluster subnets, ` +
        `but ${names(none)} have no route out of the VPC: service accounts' tokens will fail. Give the subnets a default route to a NAT gateway ` +
        '(or a firewall or transit gateway), or keep ControlPlaneEgressMode AWS_MANAGED.'));
    } else {
      findings.push(notVerifiable(`the cluster subnets ${names(none)} have no route out of the VPC, and with customer-routed control-plane egress the API server ` +
        'calls admission webhooks, OIDC providers and aggregated API servers through them. Confirm every one the cluster uses is reachable from them ' +
        `(inside the VPC, or through its routes${issuer ? ', the OIDC issuer through the VPC endpoint' : ''}), or give them a default route to a NAT gateway.`));
    }
  }
  if (igw.length > 0) {
    findings.push(notVerifiable(`the cluster subnets ${names(igw)} route 0.0.0.0/0 to an internet gateway, which forwards only traffic from addresses ` +
      'that have a public IPv4 address; the user guide names a NAT gateway, NAT instance, firewall or transit gateway as the egress device for ' +
      'customer-routed control-plane egress. Confirm the API server\'s calls to webhooks and OIDC providers get out.'));
  }
  if (at(cluster.properties.KubernetesNetworkConfig, 'IpFamily') === 'ipv6') {
    const known = cluster.subnets.filter((s) => s.egress !== 'unknown' && s.routeTable);
    const withoutIpv6 = known.filter((s) => !s.routes.some((r) => r.exists === true && r.properties.DestinationIpv6CidrBlock === '::/0'));
    if (withoutIpv6.length > 0) {
      findings.push(notVerifiable(`the cluster is IPv6, and the cluster subnets ${names(withoutIpv6)} have no ::/0 route. With customer-routed control-plane ` +
        'egress the user guide asks for both an IPv4 and an IPv6 way out (an egress-only internet gateway for IPv6). Confirm the endpoints the API server ' +
        'calls are reachable over IPv4, or add the ::/0 route.'));
    }
  }
  return findings;
}

/** The control plane resolves through the VPC's DNS: the DHCP options must include AmazonProvidedDNS. */
function dns(rule: EndpointRule, cluster: ClusterView): Finding[] {
  const vpc = cluster.vpc;
  if (!vpc) {
    return [notVerifiable(`${cluster.vpcDisplay} is not defined in the templates given. With customer-routed control-plane egress the API server resolves ` +
      'names through the VPC\'s DNS: confirm its DHCP options include AmazonProvidedDNS (aws ec2 describe-dhcp-options).')];
  }
  if (vpc.dhcpServers === undefined) return [];
  if (vpc.dhcpServers === 'unknown') {
    return [notVerifiable(`the DHCP options associated with ${vpc.display} are not readable here. With customer-routed control-plane egress the API server ` +
      'resolves names through them: confirm their domain-name-servers include AmazonProvidedDNS.')];
  }
  const servers = vpc.dhcpServers.map((s) => s.trim());
  const named = namesAmazonDns(vpc, servers);
  if (named === true) return [];
  if (named === 'unknown') {
    return [notVerifiable(`the DHCP options of ${vpc.display} name DNS servers by address [${servers.join(', ')}] and the VPC's CIDR block is not known at synth. ` +
      'With customer-routed control-plane egress the API server resolves names through them: confirm one is the Amazon DNS server, or add AmazonProvidedDNS.')];
  }
  return [violation(rule, `ControlPlaneEgressMode is CUSTOMER_ROUTED, so the API server resolves webhook and OIDC names through the DNS of ${vpc.display}, ` +
    `but its DHCP options ${vpc.dhcpOptions?.display ?? ''} set domain-name-servers to [${servers.join(', ')}] without AmazonProvidedDNS, ` +
    'which the user guide requires. Add AmazonProvidedDNS to domainNameServers.')];
}

/** The resource that registers this cluster's OIDC issuer with IAM (IRSA), when the templates hold one. */
function oidcProvider(cluster: ClusterView): Resource | undefined {
  return OIDC_PROVIDER_TYPES.flatMap((type) => cluster.index.ofType(type))
    .find((p) => p.exists === true && cluster.model.sameRef(p.properties.Url, cluster.resource));
}

/**
 * Whether a VPC endpoint of the cluster VPC may serve the OIDC discovery documents (`oidc-eks`):
 * 'unknown' when one may (its name ends so, or is a deploy-time value), false when none can.
 */
function mayServeOidc(cluster: ClusterView): boolean | 'unknown' {
  const endpoints = cluster.vpc?.endpoints;
  if (!endpoints) return 'unknown';
  return endpoints.some((e) => {
    const name = e.properties.ServiceName;
    const tail = typeof name === 'string' ? name : name instanceof Text ? lastLiteral(name.parts) : undefined;
    return tail === undefined || tail.endsWith('.oidc-eks');
  }) ? 'unknown' : false;
}
