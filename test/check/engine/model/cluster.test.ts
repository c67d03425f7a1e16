import { base, check, checkNamed, isolated, levels, ref, verdicts } from '../../../support/templates';

/**
 * The cluster as the model reads it: its endpoint flags and booleans, read as CloudFormation reads
 * them.
 */

// Found running the check on public templates and CDK apps (aws-samples, aws-cloudformation-templates, eksctl, the aws-eks-v2 APIs).
describe('booleans as YAML 1.1 writes them', () => {
  test('takes EndpointPublicAccess: "no" for false and "yes" for true', () => {
    expect(levels(checkNamed('t', isolated({}, { ResourcesVpcConfig: { SubnetIds: [ref('SubA')], EndpointPublicAccess: 'no', EndpointPrivateAccess: 'yes' } })))).toEqual([]);
    expect(levels(checkNamed('t', isolated({}, { ResourcesVpcConfig: { SubnetIds: [ref('SubA')], EndpointPublicAccess: 'yes', EndpointPrivateAccess: 'yes' } })))).toEqual(['warning PublicEndpointOpen']);
  });
});

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
// vpc-attribute-rule.ts, dhcp-options-dns.ts, client-security-group-path.ts: the mode and what is unknown
describe('the rules that need private access', () => {
  test('reads the flags as CloudFormation does: EndpointPrivateAccess "TRUE", EndpointPublicAccess "false", EnableDnsHostnames "False"', () => {
    const t = base({ mode: { EndpointPublicAccess: 'false', EndpointPrivateAccess: 'TRUE' } });
    t.Resources.Vpc.Properties.EnableDnsHostnames = 'False';
    expect(verdicts(check(t))).toEqual(['error VpcDnsHostnames']);
  });
});
