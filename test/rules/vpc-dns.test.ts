import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { byRule, check, KINDS, PLACEMENTS, scenario } from '../support/apps';

/** Turns a DNS attribute off behind aws-eks-v2's back, with an escape hatch on the CfnVPC. */
function withDns(vpc: ec2.Vpc, attribute: 'enableDnsHostnames' | 'enableDnsSupport', value: boolean): void {
  (vpc.node.defaultChild as ec2.CfnVPC)[attribute] = value;
}

describe.each([
  ['VpcDnsHostnames', 'enableDnsHostnames', /DNS hostnames are off in Network\/Vpc.*Set enableDnsHostnames: true/],
  ['VpcDnsSupport', 'enableDnsSupport', /DNS support is off in Network\/Vpc.*Set enableDnsSupport: true/],
] as const)('%s', (id, attribute, message) => {
  describe.each(KINDS)('on a %s cluster', (kind) => {
    test.each(PLACEMENTS)('with the VPC in the %s: passes with it on', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'private' });
      expect(byRule(check(s.app), id)).toEqual([]);
    });

    test.each(PLACEMENTS)('with the VPC in the %s: fails with it off and private access on', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'public-and-private' });
      withDns(s.vpc!, attribute, false);
      const found = byRule(check(s.app), id);
      expect(found).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(message) })]);
      expect(found[0].path).toMatch(/Cluster/);
    });

    test('passes with it off when only the public endpoint is on', () => {
      const s = scenario({ kind, mode: 'public' });
      withDns(s.vpc!, attribute, false);
      expect(byRule(check(s.app), id)).toEqual([]);
    });

    test('warns, not fails, on an imported VPC: not verifiable, with the command to confirm', () => {
      const s = scenario({ kind, vpcIn: 'imported', mode: 'private' });
      expect(byRule(check(s.app), id)).toEqual([expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(new RegExp(`^Not verifiable at synth: .*describe-vpc-attribute --attribute ${attribute}`)),
      })]);
    });
  });

  test('warns when the attribute is a deploy-time value', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    const vpc = s.vpc!.node.defaultChild as ec2.CfnVPC;
    vpc.addPropertyOverride(attribute === 'enableDnsHostnames' ? 'EnableDnsHostnames' : 'EnableDnsSupport', { 'Fn::ImportValue': 'DnsFlag' });
    expect(byRule(check(s.app), id)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/deploy-time value/) })]);
  });
});

test('VpcDnsHostnames sees a deletion override: without the property, CloudFormation leaves DNS hostnames off', () => {
  const s = scenario({ kind: 'eks-v2', mode: 'private' });
  (s.vpc!.node.defaultChild as ec2.CfnVPC).addPropertyDeletionOverride('EnableDnsHostnames');
  expect(byRule(check(s.app), 'VpcDnsHostnames').map((r) => r.level)).toEqual(['error']);
});

describe('DhcpOptionsDns', () => {
  function withDhcp(s: ReturnType<typeof scenario>, servers: string[]): void {
    const options = new ec2.CfnDHCPOptions(s.networkStack, 'Dhcp', { domainNameServers: servers });
    new ec2.CfnVPCDHCPOptionsAssociation(s.networkStack, 'DhcpAssociation', { vpcId: s.vpc!.vpcId, dhcpOptionsId: options.ref });
  }

  describe.each(KINDS)('on a %s cluster', (kind) => {
    test.each(PLACEMENTS)('with the VPC in the %s: passes with the default DHCP options', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'private' });
      expect(byRule(check(s.app), 'DhcpOptionsDns')).toEqual([]);
    });

    test.each(PLACEMENTS)('with the VPC in the %s: passes with custom options that list AmazonProvidedDNS', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'private' });
      withDhcp(s, ['10.0.0.53', 'AmazonProvidedDNS']);
      expect(byRule(check(s.app), 'DhcpOptionsDns')).toEqual([]);
    });

    test.each(PLACEMENTS)('with the VPC in the %s: fails with custom options without AmazonProvidedDNS', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'private' });
      withDhcp(s, ['10.0.0.53', '10.0.1.53']);
      expect(byRule(check(s.app), 'DhcpOptionsDns')).toEqual([expect.objectContaining({
        level: 'error', message: expect.stringMatching(/domain-name-servers to \[10\.0\.0\.53, 10\.0\.1\.53\] without the Amazon DNS server/),
      })]);
    });

    test('warns on an imported VPC', () => {
      const s = scenario({ kind, vpcIn: 'imported', mode: 'public-and-private' });
      expect(byRule(check(s.app), 'DhcpOptionsDns')).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/AmazonProvidedDNS/) })]);
    });
  });

  test('warns when the options set is imported by ID', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    new ec2.CfnVPCDHCPOptionsAssociation(s.networkStack, 'DhcpAssociation', { vpcId: s.vpc!.vpcId, dhcpOptionsId: 'dopt-0123' });
    expect(byRule(check(s.app), 'DhcpOptionsDns')).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/not readable here/) })]);
  });
});
