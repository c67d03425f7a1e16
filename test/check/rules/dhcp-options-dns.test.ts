import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { aspectCheck, byRule, KINDS, PLACEMENTS, scenario } from '../../support/apps';
import { base, check, checkNamed, condition, error, isolated, join, Json, kinds, levels, LooseTemplate, nodeNetwork, param, PRIVATE, PUBLIC, ref, Template, verdicts } from '../../support/templates';

/**
 * DhcpOptionsDns (rules/dhcp-options-dns.ts): the cluster VPC's DHCP options must name the Amazon
 * DNS server; on CDK apps, then on hand-written templates.
 */

describe('DhcpOptionsDns', () => {
  function withDhcp(s: ReturnType<typeof scenario>, servers: string[]): void {
    const options = new ec2.CfnDHCPOptions(s.networkStack, 'Dhcp', { domainNameServers: servers });
    new ec2.CfnVPCDHCPOptionsAssociation(s.networkStack, 'DhcpAssociation', { vpcId: s.vpc!.vpcId, dhcpOptionsId: options.ref });
  }

  describe.each(KINDS)('on a %s cluster', (kind) => {
    test.each(PLACEMENTS)('with the VPC in the %s: passes with the default DHCP options', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'private' });
      expect(byRule(aspectCheck(s.app), 'DhcpOptionsDns')).toEqual([]);
    });

    test.each(PLACEMENTS)('with the VPC in the %s: passes with custom options that list AmazonProvidedDNS', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'private' });
      withDhcp(s, ['10.0.0.53', 'AmazonProvidedDNS']);
      expect(byRule(aspectCheck(s.app), 'DhcpOptionsDns')).toEqual([]);
    });

    test.each(PLACEMENTS)('with the VPC in the %s: fails with custom options without AmazonProvidedDNS', (vpcIn) => {
      const s = scenario({ kind, vpcIn, mode: 'private' });
      withDhcp(s, ['10.0.0.53', '10.0.1.53']);
      expect(byRule(aspectCheck(s.app), 'DhcpOptionsDns')).toEqual([expect.objectContaining({
        level: 'error', message: expect.stringMatching(/domain-name-servers to \[10\.0\.0\.53, 10\.0\.1\.53\] without the Amazon DNS server/),
      })]);
    });

    test('warns on an imported VPC', () => {
      const s = scenario({ kind, vpcIn: 'imported', mode: 'public-and-private' });
      expect(byRule(aspectCheck(s.app), 'DhcpOptionsDns')).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/AmazonProvidedDNS/) })]);
    });
  });

  test('warns when the options set is imported by ID', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    new ec2.CfnVPCDHCPOptionsAssociation(s.networkStack, 'DhcpAssociation', { vpcId: s.vpc!.vpcId, dhcpOptionsId: 'dopt-0123' });
    expect(byRule(aspectCheck(s.app), 'DhcpOptionsDns')).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/not readable here/) })]);
  });
});

describe('DHCP options naming the Amazon DNS server', () => {
  function withDhcp(servers: string[]): LooseTemplate {
    const t = nodeNetwork(PRIVATE);
    t.Resources.Dhcp = { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainName: 'corp.example.com', DomainNameServers: servers } };
    t.Resources.DhcpAssociation = { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: ref('Dhcp') } };
    return t;
  }

  test.each([
    ['AmazonProvidedDNS', ['AmazonProvidedDNS']],
    ['the VPC base address plus two (10.0.0.2 for 10.0.0.0/16)', ['10.0.0.2']],
    ['the link-local address 169.254.169.253', ['169.254.169.253']],
    ['AmazonProvidedDNS beside an on-premises server', ['10.0.0.53', 'AmazonProvidedDNS']],
  ])('passes %s', (_, servers) => {
    expect(check(withDhcp(servers))).toEqual([]);
  });

  test('fails a Private cluster whose DHCP options name only 10.0.0.53', () => {
    const findings = check(withDhcp(['10.0.0.53']));
    expect(kinds(findings)).toEqual([error('DhcpOptionsDns')]);
    expect(findings[0].message).toMatch(/set domain-name-servers to \[10\.0\.0\.53\] without the Amazon DNS server/);
  });
});

// Found running the check on public templates and CDK apps (aws-samples, aws-cloudformation-templates, eksctl, the aws-eks-v2 APIs).
describe('DHCP servers by address in a VPC whose CIDR block is a parameter', () => {
  function dhcp(servers: string[]): LooseTemplate {
    const template = isolated({
      Dhcp: { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainNameServers: servers } },
      DhcpAssoc: { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: ref('Dhcp') } },
    });
    template.Resources.Vpc.Properties.CidrBlock = ref('Cidr');
    template.Parameters = { Cidr: { Type: 'String' } };
    return template;
  }

  test('warns for a server given by address: whether it is the VPC base plus two cannot be told', () => {
    expect(levels(checkNamed('t', dhcp(['10.0.0.2'])), 'DhcpOptionsDns')).toEqual(['warning (not verifiable) DhcpOptionsDns']);
  });

  test('passes AmazonProvidedDNS and 169.254.169.253 whatever the CIDR block', () => {
    expect(levels(checkNamed('t', dhcp(['AmazonProvidedDNS'])), 'DhcpOptionsDns')).toEqual([]);
    expect(levels(checkNamed('t', dhcp(['169.254.169.253'])), 'DhcpOptionsDns')).toEqual([]);
  });

  test('fails names that are no address and no AmazonProvidedDNS', () => {
    expect(levels(checkNamed('t', dhcp(['dns.corp.example'])), 'DhcpOptionsDns')).toEqual(['error DhcpOptionsDns']);
  });
});

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
// buildVpc's DHCP options (network-model.ts), read by DhcpOptionsDns
describe('DhcpOptionsDns: the DHCP options set of the cluster VPC', () => {
  function dhcp(servers: Json, associationId: Json = ref('Dhcp')): Template {
    const t = base();
    t.Resources.Dhcp = { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainNameServers: servers } };
    t.Resources.DhcpAssoc = { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: associationId } };
    return t;
  }
  const notReadable = /^Not verifiable at synth: the DHCP options associated with Stack\/Vpc are not readable here/;

  test('fails a set naming only a corporate DNS server, naming the set and the fix', () => {
    const findings = check(dhcp(['192.168.1.10']));
    expect(verdicts(findings)).toEqual(['error DhcpOptionsDns']);
    expect(findings[0].message).toMatch(/the DHCP options Stack\/Dhcp of Stack\/Vpc set domain-name-servers to \[192\.168\.1\.10\] without the Amazon DNS server/);
  });

  test('passes the VPC associated back with the default options set (DhcpOptionsId "default", AmazonProvidedDNS)', () => {
    expect(verdicts(check(dhcp(['192.168.1.10'], 'default')))).toEqual([]);
  });

  test('warns when the association names an options set by literal ID, not in the templates', () => {
    const findings = check(dhcp(['192.168.1.10'], 'dopt-0123456789abcdef0'));
    expect(verdicts(findings)).toEqual(['unverified DhcpOptionsDns']);
    expect(findings[0].message).toMatch(notReadable);
  });

  test('warns when the association names an options set by a parameter', () => {
    const t = dhcp(['192.168.1.10']);
    t.Resources.DhcpAssoc.Properties.DhcpOptionsId = param(t, 'Options');
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified DhcpOptionsDns']);
    expect(findings[0].message).toMatch(notReadable);
  });

  test('warns when the association exists only under a parameter condition', () => {
    const t = dhcp(['192.168.1.10']);
    t.Resources.DhcpAssoc.Condition = condition(t);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified DhcpOptionsDns']);
    expect(findings[0].message).toMatch(notReadable);
  });

  test('warns when a server of the list is a parameter: it may be AmazonProvidedDNS', () => {
    const t = dhcp(['192.168.1.10', { Ref: 'Server' }]);
    param(t, 'Server');
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified DhcpOptionsDns']);
    expect(findings[0].message).toMatch(notReadable);
  });
});

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
// vpc-attribute-rule.ts, dhcp-options-dns.ts, client-security-group-path.ts: the mode and what is unknown
describe('the rules that need private access', () => {
  test('DhcpOptionsDns says nothing in Public mode: nothing resolves the private zone there', () => {
    const t = base({ mode: PUBLIC, cidrs: [join(ref('NatEip'), '/32')] });
    t.Resources.Dhcp = { Type: 'AWS::EC2::DHCPOptions', Properties: { DomainNameServers: ['192.168.1.10'] } };
    t.Resources.DhcpAssoc = { Type: 'AWS::EC2::VPCDHCPOptionsAssociation', Properties: { VpcId: ref('Vpc'), DhcpOptionsId: ref('Dhcp') } };
    expect(verdicts(check(t))).toEqual([]);
  });
});
