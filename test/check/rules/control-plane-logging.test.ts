import { analyze } from '../../../lib/check/engine/analyze';
import { ALL_RULES } from '../../../lib/check/rules';
import { isolated, levels, LooseTemplate, ref } from '../../support/templates';

/**
 * ControlPlaneLogging (rules/control-plane-logging.ts, the pack only): the five control-plane log
 * types.
 */

// Found running the check on public templates and CDK apps (aws-samples, aws-cloudformation-templates, eksctl, the aws-eks-v2 APIs).
/** Cases a mutation run (stryker.config.json) showed no template-level test could tell apart. */
describe('the pack-only rules, on templates', () => {
  const all = (template: LooseTemplate) => analyze([{ id: 't', template }], ALL_RULES);

  const logging = (types: unknown) => ({ Logging: { ClusterLogging: { EnabledTypes: types } } });

  const five = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({ Type }));

  test('ControlPlaneLogging passes all five log types', () => {
    expect(levels(all(isolated({}, logging(five))), 'ControlPlaneLogging')).toEqual([]);
  });

  test('ControlPlaneLogging fails two of five and names the other three', () => {
    const findings = all(isolated({}, logging(five.slice(0, 2)))).filter((f) => f.ruleId === 'ControlPlaneLogging');
    expect(levels(findings)).toEqual(['error ControlPlaneLogging']);
    expect(findings[0].message).toMatch(/^Control-plane log types not enabled: authenticator, controllerManager, scheduler\./);
  });

  test('ControlPlaneLogging fails a cluster without Logging, and warns when the types are a parameter', () => {
    expect(levels(all(isolated()), 'ControlPlaneLogging')).toEqual(['error ControlPlaneLogging']);
    const template = isolated({}, logging(ref('Types')));
    template.Parameters = { Types: { Type: 'CommaDelimitedList' } };
    expect(levels(all(template), 'ControlPlaneLogging')).toEqual(['warning (not verifiable) ControlPlaneLogging']);
  });
});
