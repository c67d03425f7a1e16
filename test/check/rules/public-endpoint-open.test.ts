import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { aspectCheck, byRule, KINDS, PLACEMENTS, scenario } from '../../support/apps';
import { base, check, join, Json, kinds, nodeNetwork, notVerifiable, of, param, PUBLIC_AND_PRIVATE, ref, Template, verdicts, warning } from '../../support/templates';

/**
 * PublicEndpointOpen (rules/public-endpoint-open.ts): a public endpoint whose allow-list admits
 * every address; on CDK apps, then on hand-written templates.
 */

const ID = 'PublicEndpointOpen';

describe.each(KINDS)('PublicEndpointOpen on a %s cluster', (kind) => {
  test.each(PLACEMENTS)('with the VPC in the %s: warns for a public endpoint open to 0.0.0.0/0', (vpcIn) => {
    const s = scenario({ kind, vpcIn, mode: 'public-and-private' });
    expect(byRule(aspectCheck(s.app), ID)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/accepts connections from any address \(0\.0\.0\.0\/0\)/) })]);
  });

  test.each(PLACEMENTS)('with the VPC in the %s: passes with an allow-list', (vpcIn) => {
    const s = scenario({ kind, vpcIn, mode: 'public-and-private', cidrs: ['203.0.113.0/24'] });
    expect(byRule(aspectCheck(s.app), ID)).toEqual([]);
  });

  test('passes in Private mode', () => {
    expect(byRule(aspectCheck(scenario({ kind, mode: 'private' }).app), ID)).toEqual([]);
  });

  test('warns on an imported VPC too: the allow-list is the cluster\'s own', () => {
    const s = scenario({ kind, vpcIn: 'imported', mode: 'public-and-private' });
    expect(byRule(aspectCheck(s.app), ID).map((r) => r.level)).toEqual(['warning']);
  });
});

test('PublicEndpointOpen warns on a raw CfnCluster with no PublicAccessCidrs: EKS defaults to 0.0.0.0/0', () => {
  const s = scenario({ kind: 'cfn', mode: 'public' });
  (s.cluster as eks.CfnCluster).addPropertyDeletionOverride('ResourcesVpcConfig.PublicAccessCidrs');
  expect(byRule(aspectCheck(s.app), ID).map((r) => r.level)).toEqual(['warning']);
});

test('PublicEndpointOpen says "not verifiable" when the allow-list is a deploy-time value', () => {
  const s = scenario({ kind: 'cfn', mode: 'public' });
  (s.cluster as eks.CfnCluster).addPropertyOverride('ResourcesVpcConfig.PublicAccessCidrs', { 'Fn::Split': [',', { 'Fn::ImportValue': 'OfficeCidrs' }] });
  expect(byRule(aspectCheck(s.app), ID)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Not verifiable at synth: the public access CIDR list/) })]);
});

describe('the public allow-list', () => {
  const allowList = (cidrs: Json[]) => nodeNetwork({ ...PUBLIC_AND_PRIVATE, publicAccessCidrs: cidrs });

  test('passes a restricted list [203.0.113.0/24]', () => {
    expect(of(check(allowList(['203.0.113.0/24'])), 'PublicEndpointOpen')).toEqual([]);
  });

  test.each([
    ['[::/0]', ['::/0']],
    ['[0.0.0.0/1, 128.0.0.0/1]', ['0.0.0.0/1', '128.0.0.0/1']],
    ['absent (EKS uses 0.0.0.0/0)', undefined],
  ])('warns (verified) on a list that admits every address: %s', (_, cidrs) => {
    const findings = check(cidrs ? allowList(cidrs) : nodeNetwork(PUBLIC_AND_PRIVATE));
    expect(kinds(findings)).toEqual([warning('PublicEndpointOpen')]);
    expect(findings[0].message).toMatch(/^The public endpoint accepts connections from any address/);
  });

  test('warns not verifiable, never a silent pass, on a list holding a parameter', () => {
    const t = allowList(['203.0.113.0/24', ref('Extra')]);
    t.Parameters = { Extra: { Type: 'String' } };
    const findings = check(t);
    expect(kinds(findings)).toEqual([notVerifiable('PublicEndpointOpen')]);
    expect(findings[0].message).toMatch(/holds deploy-time values/);
  });
});

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
// openToAll (network-model.ts), read by PublicEndpointOpen
describe('PublicEndpointOpen: does the allow-list admit every address', () => {
  const open = (cidrs: Json[], extra?: (t: Template) => void) => {
    const t = base({ mode: PUBLIC_AND_PRIVATE, cidrs });
    extra?.(t);
    return verdicts(check(t), 'PublicEndpointOpen');
  };

  test.each([
    ['::/0 beside a restricted block', ['::/0', '203.0.113.0/24']],
    ['the two halves of IPv4 in reverse order', ['128.0.0.0/1', '0.0.0.0/1']],
    ['the two halves with a block inside the first', ['0.0.0.0/1', '10.0.0.0/8', '128.0.0.0/1']],
  ])('warns (verified) for %s', (_, cidrs) => {
    expect(open(cidrs)).toEqual(['warning PublicEndpointOpen']);
  });

  test.each([
    ['a restricted block and an IPv6 block that is not ::/0', ['203.0.113.0/24', '2001:db8::/32']],
    ['the same half of IPv4 twice', ['0.0.0.0/1', '0.0.0.0/1']],
    ['seven eighths of IPv4', ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3']],
  ])('says nothing for %s', (_, cidrs) => {
    expect(open(cidrs)).toEqual([]);
  });

  test('says nothing when the only deploy-time entry is an <EIP>/32, which cannot open it', () => {
    expect(open(['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', join(ref('NatEip'), '/32')])).toEqual([]);
  });

  test('warns not verifiable when a deploy-time entry\'s prefix (/1) could complete the list', () => {
    expect(open(['0.0.0.0/1', join(ref('Half'), '/1')], (t) => param(t, 'Half'))).toEqual(['unverified PublicEndpointOpen']);
  });
});
