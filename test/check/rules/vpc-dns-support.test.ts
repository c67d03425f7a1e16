import { describeVpcAttributeRule } from '../../support/apps';
import { base, check, param, verdicts } from '../../support/templates';

/**
 * VpcDnsSupport (rules/vpc-dns-support.ts): with private access on, the cluster VPC needs DNS
 * support; on CDK apps, then on hand-written templates.
 */

describeVpcAttributeRule('VpcDnsSupport', 'enableDnsSupport', /DNS support is off in Network\/Vpc.*Set enableDnsSupport: true/);

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
// vpc-attribute-rule.ts, dhcp-options-dns.ts, client-security-group-path.ts: the mode and what is unknown
describe('the rules that need private access', () => {
  test('VpcDnsSupport warns, not fails, when EnableDnsSupport is a parameter', () => {
    const t = base();
    t.Resources.Vpc.Properties.EnableDnsSupport = param(t, 'DnsSupport');
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified VpcDnsSupport']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: enableDnsSupport of Stack\/Vpc or the cluster's private access is a deploy-time value/);
  });
});

describe('a cluster VPC not in the templates given', () => {
  test('says so once: "the cluster\'s VPC is not defined in the templates given"', () => {
    // GIVEN the cluster's VPC, exists only under a condition that is never true
    const t = base();
    t.Conditions.Never = { 'Fn::Equals': ['a', 'b'] };
    t.Resources.Vpc.Condition = 'Never';
    const [finding] = check(t).filter((f) => f.ruleId === 'VpcDnsSupport');
    expect(finding.message).toMatch(/^Not verifiable at synth: the cluster's VPC is not defined in the templates given\. Confirm DNS support is on/);
    expect(finding.message.match(/in the templates given/g)).toHaveLength(1);
  });
});
