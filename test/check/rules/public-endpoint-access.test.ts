import { analyze } from '../../../lib/check/engine/analyze';
import { ALL_RULES } from '../../../lib/check/rules';
import { isolated, levels, LooseTemplate, ref } from '../../support/templates';

/**
 * PublicEndpointAccess (rules/public-endpoint-access.ts, the pack only): a warning on any public
 * endpoint.
 */

// Found running the check on public templates and CDK apps (aws-samples, aws-cloudformation-templates, eksctl, the aws-eks-v2 APIs).
/** Cases a mutation run (stryker.config.json) showed no template-level test could tell apart. */
describe('the pack-only rules, on templates', () => {
  const all = (template: LooseTemplate) => analyze([{ id: 't', template }], ALL_RULES);

  test('PublicEndpointAccess warns on a public endpoint, says nothing on a private one, and warns unverified on a parameter', () => {
    const vpcConfig = (publicAccess: unknown) => ({ ResourcesVpcConfig: { SubnetIds: [ref('SubA')], EndpointPublicAccess: publicAccess, EndpointPrivateAccess: true, PublicAccessCidrs: ['203.0.113.0/24'] } });
    expect(levels(all(isolated({}, vpcConfig(true))), 'PublicEndpointAccess')).toEqual(['warning PublicEndpointAccess']);
    expect(levels(all(isolated({}, vpcConfig(false))), 'PublicEndpointAccess')).toEqual([]);
    const template = isolated({}, vpcConfig(ref('Public')));
    template.Parameters = { Public: { Type: 'String' } };
    expect(levels(all(template), 'PublicEndpointAccess')).toEqual(['warning (not verifiable) PublicEndpointAccess']);
  });
});
