import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { byRule, check, KINDS, PLACEMENTS, scenario } from '../support/apps';

const ID = 'PublicEndpointOpen';

describe.each(KINDS)('PublicEndpointOpen on a %s cluster', (kind) => {
  test.each(PLACEMENTS)('with the VPC in the %s: warns for a public endpoint open to 0.0.0.0/0', (vpcIn) => {
    const s = scenario({ kind, vpcIn, mode: 'public-and-private' });
    expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/accepts connections from any address \(0\.0\.0\.0\/0\)/) })]);
  });

  test.each(PLACEMENTS)('with the VPC in the %s: passes with an allow-list', (vpcIn) => {
    const s = scenario({ kind, vpcIn, mode: 'public-and-private', cidrs: ['203.0.113.0/24'] });
    expect(byRule(check(s.app), ID)).toEqual([]);
  });

  test('passes in Private mode', () => {
    expect(byRule(check(scenario({ kind, mode: 'private' }).app), ID)).toEqual([]);
  });

  test('warns on an imported VPC too: the allow-list is the cluster\'s own', () => {
    const s = scenario({ kind, vpcIn: 'imported', mode: 'public-and-private' });
    expect(byRule(check(s.app), ID).map((r) => r.level)).toEqual(['warning']);
  });
});

test('PublicEndpointOpen warns on a raw CfnCluster with no PublicAccessCidrs: EKS defaults to 0.0.0.0/0', () => {
  const s = scenario({ kind: 'cfn', mode: 'public' });
  (s.cluster as eks.CfnCluster).addPropertyDeletionOverride('ResourcesVpcConfig.PublicAccessCidrs');
  expect(byRule(check(s.app), ID).map((r) => r.level)).toEqual(['warning']);
});

test('PublicEndpointOpen says "not verifiable" when the allow-list is a deploy-time value', () => {
  const s = scenario({ kind: 'cfn', mode: 'public' });
  (s.cluster as eks.CfnCluster).addPropertyOverride('ResourcesVpcConfig.PublicAccessCidrs', { 'Fn::Split': [',', { 'Fn::ImportValue': 'OfficeCidrs' }] });
  expect(byRule(check(s.app), ID)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^Not verifiable at synth: the public access CIDR list/) })]);
});
