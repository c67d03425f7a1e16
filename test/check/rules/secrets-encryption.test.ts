import { analyze } from '../../../lib/check/engine/analyze';
import { ALL_RULES } from '../../../lib/check/rules';
import { att, check, error, isolated, kinds, levels, LooseTemplate, nodeNetwork, of, PRIVATE, ref } from '../../support/templates';

/**
 * SecretsEncryption (rules/secrets-encryption.ts, the pack only): envelope encryption of Kubernetes
 * secrets with a KMS key.
 */

// Found running the check on public templates and CDK apps (aws-samples, aws-cloudformation-templates, eksctl, the aws-eks-v2 APIs).
/** Cases a mutation run (stryker.config.json) showed no template-level test could tell apart. */
describe('the pack-only rules, on templates', () => {
  const all = (template: LooseTemplate) => analyze([{ id: 't', template }], ALL_RULES);

  test('SecretsEncryption passes a key for secrets, fails without one, warns when the config is a parameter', () => {
    const encryption = (config: unknown) => ({ EncryptionConfig: config });
    expect(levels(all(isolated({}, encryption([{ Provider: { KeyArn: 'arn:aws:kms:eu-west-1:1:key/k' }, Resources: ['secrets'] }]))), 'SecretsEncryption')).toEqual([]);
    expect(levels(all(isolated()), 'SecretsEncryption')).toEqual(['error SecretsEncryption']);
    const template = isolated({}, encryption([{ Provider: { KeyArn: ref('Key') }, Resources: ref('What') }]));
    template.Parameters = { Key: { Type: 'String' }, What: { Type: 'CommaDelimitedList' } };
    expect(levels(all(template), 'SecretsEncryption')).toEqual(['warning (not verifiable) SecretsEncryption']);
  });
});

describe('every subnet, every route table, every association, every resource', () => {
  function encrypting(resources: string[]): LooseTemplate {
    const t = nodeNetwork(PRIVATE);
    t.Resources.SecretsKey = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } };
    t.Resources.Cluster.Properties.EncryptionConfig = [{ Provider: { KeyArn: att('SecretsKey', 'Arn') }, Resources: resources }];
    return t;
  }

  test('passes (pack rules) an EncryptionConfig with a key and Resources [secrets]', () => {
    expect(of(check(encrypting(['secrets']), ALL_RULES), 'SecretsEncryption')).toEqual([]);
  });

  test('fails (pack rules) an EncryptionConfig with a key but Resources [configmaps]', () => {
    const findings = of(check(encrypting(['configmaps']), ALL_RULES), 'SecretsEncryption');
    expect(kinds(findings)).toEqual([error('SecretsEncryption')]);
    expect(findings[0].message).toMatch(/Kubernetes secrets are not envelope-encrypted with a KMS key/);
  });
});
