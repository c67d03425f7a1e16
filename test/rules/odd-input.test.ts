import { Fn, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EndpointAccessChecks } from '../../lib';
import { testApp } from '../support/util';
import { check } from '../support/apps';

/**
 * Clusters whose settings are deploy-time values in every shape CloudFormation allows: the
 * check must neither crash nor fail synthesis on them, only say what it cannot verify.
 */
describe('deploy-time values everywhere', () => {
  const imported = (name: string) => Fn.importValue(name);

  test.each([
    ['the whole ResourcesVpcConfig', (c: eks.CfnCluster) => c.addPropertyOverride('ResourcesVpcConfig', { 'Fn::ImportValue': 'VpcConfig' })],
    ['SubnetIds as a split import', (c: eks.CfnCluster) => c.addPropertyOverride('ResourcesVpcConfig.SubnetIds', { 'Fn::Split': [',', { 'Fn::ImportValue': 'Subnets' }] })],
    ['every endpoint flag and the allow-list', (c: eks.CfnCluster) => {
      c.addPropertyOverride('ResourcesVpcConfig.EndpointPublicAccess', { 'Fn::ImportValue': 'Public' });
      c.addPropertyOverride('ResourcesVpcConfig.EndpointPrivateAccess', { 'Fn::ImportValue': 'Private' });
      c.addPropertyOverride('ResourcesVpcConfig.PublicAccessCidrs', { 'Fn::Split': [',', { 'Fn::ImportValue': 'Cidrs' }] });
    }],
    ['logging and encryption', (c: eks.CfnCluster) => {
      c.addPropertyOverride('Logging', { 'Fn::ImportValue': 'Logging' });
      c.addPropertyOverride('EncryptionConfig', { 'Fn::ImportValue': 'Encryption' });
    }],
  ])('%s', (name, configure) => {
    const app = testApp();
    const stack = new Stack(app, 'Odd');
    const cluster = new eks.CfnCluster(stack, 'Cluster', {
      roleArn: 'arn:aws:iam::123456789012:role/eks',
      resourcesVpcConfig: { subnetIds: [imported('SubnetA'), imported('SubnetB')], securityGroupIds: [imported('Sg')] },
    });
    new eks.CfnNodegroup(stack, 'Nodes', { clusterName: cluster.ref, nodeRole: imported('NodeRole'), subnets: [imported('SubnetA')] });
    configure(cluster);
    const nag = new EndpointAccessChecks(app).validateScope(stack);
    // the only errors: no logs and no secrets key, in the cases where none are configured
    const expectedErrors = name === 'logging and encryption' ? [] : ['EndpointAccess-ControlPlaneLogging', 'EndpointAccess-SecretsEncryption'];
    expect(nag.violations.filter((v) => v.severity === 'error').map((v) => v.ruleName).sort()).toEqual(expectedErrors);
    const reported = check(app);
    expect(reported.filter((r) => r.level === 'error')).toEqual([]);
    expect(reported.length).toBeGreaterThan(0); // never a silent pass: what it cannot read, it says
    if (name === 'logging and encryption') {
      const byId = Object.fromEntries(nag.violations.map((v) => [v.ruleName, v.severity]));
      expect(byId['EndpointAccess-ControlPlaneLogging[NotVerifiable]']).toBe('warning');
      expect(byId['EndpointAccess-SecretsEncryption[NotVerifiable]']).toBe('warning');
      expect(byId['EndpointAccess-ControlPlaneLogging']).toBeUndefined();
      expect(byId['EndpointAccess-SecretsEncryption']).toBeUndefined();
    }
  });
});
