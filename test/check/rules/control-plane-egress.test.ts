import { CfnParameter } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { aspectCheck, byRule, ISOLATED_VPC, KINDS, scenario, Scenario } from '../../support/apps';
import { att, base, BaseOptions, check, CLUSTER_TABLES, endpoints, interfaceEndpoint, Json, messages, param, PUBLIC, ref, route, Template, verdicts } from '../../support/templates';

/**
 * ControlPlaneEgress (rules/control-plane-egress.ts): with ControlPlaneEgressMode CUSTOMER_ROUTED
 * the API server calls webhooks and OIDC providers through the cluster subnets and resolves with
 * the VPC's DNS (https://docs.aws.amazon.com/eks/latest/userguide/control-plane-egress.html); on
 * hand-written templates, then on CDK apps (a raw CfnCluster and aws-eks-v2, by escape hatch).
 */

const RULE = 'ControlPlaneEgress';

/** The base cluster VPC (NAT egress unless isolated) with the cluster's ControlPlaneEgressMode set to `mode`. */
function routed(mode: Json = 'CUSTOMER_ROUTED', o: BaseOptions = {}): Template {
  const t = base(o);
  t.Resources.Cluster.Properties.ResourcesVpcConfig.ControlPlaneEgressMode = mode;
  return t;
}

/** IAM roles for service accounts: the cluster's issuer registered as an IAM OIDC provider. */
function withIrsa(t: Template): Template {
  t.Resources.Oidc = {
    Type: 'AWS::IAM::OIDCProvider',
    Properties: { Url: att('Cluster', 'OpenIdConnectIssuerUrl'), ClientIdList: ['sts.amazonaws.com'] },
  };
  return t;
}

function withDhcp(t: Template, servers: Json[] | Json): Template {
  t.Resources.Dhcp = { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainName: 'corp.example.com', DomainNameServers: servers } };
  t.Resources.DhcpAssociation = { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: ref('Dhcp') } };
  return t;
}

describe('ControlPlaneEgress on templates', () => {
  test('passes the default mode and AWS_MANAGED without a look at the subnets, isolated ones included', () => {
    expect(verdicts(check(withIrsa(base({ egress: 'isolated' }))), RULE)).toEqual([]);
    expect(verdicts(check(withIrsa(routed('AWS_MANAGED', { egress: 'isolated' }))), RULE)).toEqual([]);
  });

  test('passes CUSTOMER_ROUTED with the cluster subnets behind a NAT gateway and the default DHCP options', () => {
    expect(verdicts(check(withIrsa(routed())), RULE)).toEqual([]);
  });

  test('passes CUSTOMER_ROUTED with the cluster subnets routed to a Transit Gateway (a centralized egress VPC)', () => {
    const t = routed('CUSTOMER_ROUTED', { egress: 'isolated' });
    CLUSTER_TABLES.forEach((table, i) => (t.Resources[`Private${i + 1}Default`] = route(table, '0.0.0.0/0', { TransitGatewayId: 'tgw-0123' })));
    expect(verdicts(check(withIrsa(t)), RULE)).toEqual([]);
  });

  test('fails isolated cluster subnets when the cluster\'s OIDC issuer is registered for IRSA: discovery cannot leave the VPC', () => {
    const findings = check(withIrsa(routed('CUSTOMER_ROUTED', { egress: 'isolated' })));
    expect(verdicts(findings, RULE)).toEqual(['error ControlPlaneEgress']);
    expect(messages(findings, RULE)[0]).toMatch(/registered by Stack\/Oidc for IAM roles for service accounts.*but Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 have no route out of the VPC/);
  });

  test('fails the same with aws-eks (v1)\'s custom resource for the OIDC provider', () => {
    const t = routed('CUSTOMER_ROUTED', { egress: 'isolated' });
    t.Resources.Oidc = { Type: 'Custom::AWSCDKOpenIdConnectProvider', Properties: { ServiceToken: 'arn:aws:lambda:x', Url: att('Cluster', 'OpenIdConnectIssuerUrl') } };
    expect(verdicts(check(t), RULE)).toEqual(['error ControlPlaneEgress']);
  });

  test('warns isolated cluster subnets with no known need: webhooks and aggregated APIs are Kubernetes state, in no template', () => {
    const findings = check(routed('CUSTOMER_ROUTED', { egress: 'isolated' }));
    expect(verdicts(findings, RULE)).toEqual(['unverified ControlPlaneEgress']);
    expect(messages(findings, RULE)[0]).toMatch(/have no route out of the VPC.*Confirm every one the cluster uses is reachable from them/);
  });

  test('warns, not fails, isolated subnets with IRSA when a VPC endpoint may serve the OIDC documents (oidc-eks)', () => {
    const t = withIrsa(routed('CUSTOMER_ROUTED', { egress: 'isolated' }));
    endpoints(t, []);
    t.Resources.EpOidc = interfaceEndpoint('com.amazonaws.us-east-1.oidc-eks');
    expect(verdicts(check(t), RULE)).toEqual(['unverified ControlPlaneEgress']);
  });

  test('fails isolated subnets with IRSA although the VPC has endpoints, when none of them is oidc-eks', () => {
    const t = withIrsa(routed('CUSTOMER_ROUTED', { egress: 'isolated' }));
    endpoints(t);
    expect(verdicts(check(t), RULE)).toEqual(['error ControlPlaneEgress']);
  });

  test('warns cluster subnets routed to an internet gateway: the page names NAT, firewalls and transit gateways', () => {
    const t = routed('CUSTOMER_ROUTED', { subnets: [ref('PublicSubnet')], mode: PUBLIC });
    const findings = check(t);
    expect(verdicts(findings, RULE)).toEqual(['unverified ControlPlaneEgress']);
    expect(messages(findings, RULE)[0]).toMatch(/Stack\/PublicSubnet route 0\.0\.0\.0\/0 to an internet gateway/);
  });

  test('fails DHCP options without AmazonProvidedDNS: the control plane resolves through the VPC\'s DNS', () => {
    const findings = check(withDhcp(routed(), ['10.0.0.53', '10.0.1.53']));
    expect(verdicts(findings, RULE)).toEqual(['error ControlPlaneEgress']);
    expect(messages(findings, RULE)[0]).toMatch(/set domain-name-servers to \[10\.0\.0\.53, 10\.0\.1\.53\] without AmazonProvidedDNS, which the user guide requires/);
  });

  test.each([
    ['AmazonProvidedDNS', ['10.0.0.53', 'AmazonProvidedDNS']],
    ['the VPC base address plus two', ['10.0.0.2']],
    ['169.254.169.253', ['169.254.169.253']],
  ])('passes DHCP options that name the Amazon DNS server as %s', (_, servers) => {
    expect(verdicts(check(withDhcp(routed(), servers)), RULE)).toEqual([]);
  });

  test('fails DHCP options without AmazonProvidedDNS on a public-only cluster too (DhcpOptionsDns judges private access only)', () => {
    const findings = check(withDhcp(routed('CUSTOMER_ROUTED', { mode: PUBLIC }), ['10.0.0.53']));
    expect(verdicts(findings, RULE)).toEqual(['error ControlPlaneEgress']);
    expect(verdicts(findings, 'DhcpOptionsDns')).toEqual([]);
  });

  test('warns when the DHCP options are associated by ID, or list a parameter', () => {
    const byId = routed();
    byId.Resources.DhcpAssociation = { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: 'dopt-0123' } };
    expect(verdicts(check(byId), RULE)).toEqual(['unverified ControlPlaneEgress']);
    const t = routed();
    expect(verdicts(check(withDhcp(t, param(t, 'Servers', 'CommaDelimitedList'))), RULE)).toEqual(['unverified ControlPlaneEgress']);
  });

  test('warns when the mode is a deploy-time value, naming what to confirm', () => {
    const t = base();
    t.Resources.Cluster.Properties.ResourcesVpcConfig.ControlPlaneEgressMode = param(t, 'EgressMode');
    const findings = check(t);
    expect(verdicts(findings, RULE)).toEqual(['unverified ControlPlaneEgress']);
    expect(messages(findings, RULE)[0]).toMatch(/ControlPlaneEgressMode is a deploy-time value \(<parameter EgressMode \(String\)>\)\. If it is CUSTOMER_ROUTED/);
  });

  test('warns on a mode the user guide does not describe (CUSTOMER_ISOLATED)', () => {
    expect(messages(check(routed('CUSTOMER_ISOLATED')), RULE)).toEqual([expect.stringMatching(/ControlPlaneEgressMode is CUSTOMER_ISOLATED, which this check does not know/)]);
  });

  test('warns when the cluster subnets are deploy-time values, and when their route tables are not in the templates', () => {
    const t = routed();
    t.Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds = param(t, 'Subnets', 'List<AWS::EC2::Subnet::Id>');
    expect(messages(check(t), RULE)).toEqual(expect.arrayContaining([expect.stringMatching(/which are parameter Subnets/)]));
    const imported = routed('CUSTOMER_ROUTED', { subnets: ['subnet-0123', 'subnet-4567'] });
    const findings = check(imported);
    expect(verdicts(findings, RULE)).toEqual(['unverified ControlPlaneEgress', 'unverified ControlPlaneEgress']);
    expect(messages(findings, RULE)[0]).toMatch(/the routes of the cluster subnets subnet-0123, subnet-4567 are not in the templates given/);
  });

  test('warns on an IPv6 cluster whose subnets have no ::/0 route, and passes with one', () => {
    const t = routed();
    t.Resources.Cluster.Properties.KubernetesNetworkConfig = { IpFamily: 'ipv6' };
    expect(messages(check(t), RULE)).toEqual([expect.stringMatching(/the cluster is IPv6, and the cluster subnets Stack\/PrivateSubnet1, Stack\/PrivateSubnet2 have no ::\/0 route/)]);
    t.Resources.EgressOnly = { Type: 'AWS::EC2::EgressOnlyInternetGateway', Properties: { VpcId: ref('Vpc') } };
    CLUSTER_TABLES.forEach((table, i) => (t.Resources[`Private${i + 1}Ipv6`] = route(table, { DestinationIpv6CidrBlock: '::/0' }, { EgressOnlyInternetGatewayId: ref('EgressOnly') })));
    expect(verdicts(check(t), RULE)).toEqual([]);
  });
});

describe('ControlPlaneEgress on CDK apps, the mode set by escape hatch', () => {
  function customerRouted(s: Scenario): Scenario {
    s.cluster.addPropertyOverride('ResourcesVpcConfig.ControlPlaneEgressMode', 'CUSTOMER_ROUTED');
    return s;
  }

  describe.each(KINDS)('on a %s cluster', (kind) => {
    test('passes in a VPC with a NAT gateway and the default DHCP options', () => {
      const s = customerRouted(scenario({ kind, mode: 'private' }));
      expect(byRule(aspectCheck(s.app), RULE)).toEqual([]);
    });

    test('fails with DHCP options that leave out AmazonProvidedDNS', () => {
      const s = customerRouted(scenario({ kind, mode: 'private' }));
      const options = new ec2.CfnDHCPOptions(s.networkStack, 'Dhcp', { domainNameServers: ['10.0.0.53'] });
      new ec2.CfnVPCDHCPOptionsAssociation(s.networkStack, 'DhcpAssociation', { vpcId: s.vpc!.vpcId, dhcpOptionsId: options.ref });
      expect(byRule(aspectCheck(s.app), RULE)).toEqual([expect.objectContaining({
        level: 'error', message: expect.stringMatching(/set domain-name-servers to \[10\.0\.0\.53\] without AmazonProvidedDNS/),
      })]);
    });
  });

  test('fails an aws-eks-v2 cluster in isolated subnets whose OIDC provider serves IAM roles for service accounts', () => {
    const s = customerRouted(scenario({ kind: 'eks-v2', mode: 'private', vpc: ISOLATED_VPC, nodes: 'none' }));
    // the cluster's issuer as an IAM OIDC provider (the native resource: cluster.openIdConnectProvider is deprecated)
    new eks.OidcProviderNative(s.eksCluster!, 'Irsa', { url: s.eksCluster!.clusterOpenIdConnectIssuerUrl });
    expect(byRule(aspectCheck(s.app), RULE)).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/IAM roles for service accounts/) })]);
  });

  test('warns on an aws-eks-v2 cluster in isolated subnets without an OIDC provider', () => {
    const s = customerRouted(scenario({ kind: 'eks-v2', mode: 'private', vpc: ISOLATED_VPC, nodes: 'none' }));
    expect(byRule(aspectCheck(s.app), RULE)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Not verifiable at synth: the cluster subnets/) })]);
  });

  test('warns when the mode comes from a parameter', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    const mode = new CfnParameter(s.clusterStack, 'EgressMode', { type: 'String' });
    s.cluster.addPropertyOverride('ResourcesVpcConfig.ControlPlaneEgressMode', mode.valueAsString);
    expect(byRule(aspectCheck(s.app), RULE)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/deploy-time value/) })]);
  });
});
