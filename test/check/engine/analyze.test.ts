import { Fn, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EndpointAccessChecks } from '../../../lib';
import { ASPECT_RULES } from '../../../lib/check/adapters/rule-sets';
import { aspectCheck } from '../../support/apps';
import { att, base, bastion, check, CLUSTER_SG, condition, error, ingress, kinds, LooseTemplate, nodegroup, nodeNetwork, notVerifiable, of, param, PRIVATE, PUBLIC, ref, verdicts, withEndpoints } from '../../support/templates';
import { testApp } from '../../support/util';

/**
 * What analyze() reports around the rules (engine/analyze.ts): the builders' clean networks give no
 * finding, deploy-time values never crash and never make an error, clusters it cannot read, a rule
 * that throws, a cluster under a condition, deploy-time values everywhere in a CDK app.
 */

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
describe('the base template', () => {
  test('a Private cluster behind a NAT gateway, a client allowed on 443 from its group: no finding', () => {
    const t = base();
    bastion(t);
    ingress(t, 'ToApi', CLUSTER_SG, { SourceSecurityGroupId: att('ClientSg', 'GroupId') });
    expect(check(t)).toEqual([]);
  });
});

describe('the helper network', () => {
  test('passes: a private cluster behind a NAT gateway has no finding at all', () => {
    expect(check(nodeNetwork(PRIVATE))).toEqual([]);
  });

  test('passes: an isolated private cluster with all five node endpoints has no finding at all', () => {
    expect(check(withEndpoints(nodeNetwork({ ...PRIVATE, egress: 'isolated' })))).toEqual([]);
  });
});

describe('deploy-time values never crash and never give an error', () => {
  test('fails an isolated private cluster without endpoints when every value is literal', () => {
    const findings = check(nodeNetwork({ ...PRIVATE, egress: 'isolated' }));
    expect(kinds(findings)).toEqual([error('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/have no internet egress .* has no usable VPC endpoint for: ec2, ecr\.api, ecr\.dkr, sts, s3\./);
  });

  test('warns, never fails, when SubnetIds is a List<AWS::EC2::Subnet::Id> parameter', () => {
    // GIVEN the same isolated network, the cluster and node group taking their subnets from a parameter
    const t = nodeNetwork({ ...PRIVATE, egress: 'isolated', subnets: ref('Subnets') });
    t.Parameters = { Subnets: { Type: 'List<AWS::EC2::Subnet::Id>' } };
    // WHEN
    const findings = check(t);
    // THEN the VPC and the node subnets cannot be known: only not-verifiable warnings
    expect(kinds(findings)).toEqual([
      notVerifiable('VpcDnsSupport'), notVerifiable('VpcDnsHostnames'), notVerifiable('DhcpOptionsDns'), notVerifiable('IsolatedNodeEndpoints'),
    ]);
    expect(of(findings, 'IsolatedNodeEndpoints')[0].message).toMatch(/^Not verifiable at synth: the routes of parameter Subnets/);
  });

  test('warns, never fails, when EndpointPrivateAccess is a String parameter', () => {
    const t = nodeNetwork({ publicAccess: false, privateAccess: ref('PrivateAccess'), egress: 'isolated' });
    t.Parameters = { PrivateAccess: { Type: 'String', AllowedValues: ['true', 'false'] } };
    const findings = check(t);
    expect(kinds(findings)).toEqual([notVerifiable('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: endpointPrivateAccess is a deploy-time value\. If it is true: .*no usable VPC endpoint/);
  });

  test('fails a public-only cluster whose allow-list misses the NAT gateway address, when the list is literal', () => {
    const findings = check(nodeNetwork({ ...PUBLIC, publicAccessCidrs: ['203.0.113.0/24'] }));
    expect(kinds(findings)).toEqual([error('PublicOnlyNodeEgress')]);
    expect(findings[0].message).toMatch(/from the NAT gateway address Stack\/NatEip: nodes will never join/);
  });

  test('warns, never fails, when PublicAccessCidrs is a CommaDelimitedList parameter', () => {
    const t = nodeNetwork({ ...PUBLIC, publicAccessCidrs: ref('AllowList') });
    t.Parameters = { AllowList: { Type: 'CommaDelimitedList' } };
    const findings = check(t);
    expect(kinds(findings)).toEqual([notVerifiable('PublicOnlyNodeEgress'), notVerifiable('PublicEndpointOpen')]);
    expect(of(findings, 'PublicEndpointOpen')[0].message).toMatch(/the public access CIDR list is a deploy-time value/);
  });

  /** An isolated network whose cluster is private or public by a parameter: the whole ResourcesVpcConfig in Fn::If. */
  function privateOrPublicByParameter(): LooseTemplate {
    const t = nodeNetwork({ egress: 'isolated' });
    const privateConfig = t.Resources.Cluster.Properties.ResourcesVpcConfig;
    t.Parameters = { Mode: { Type: 'String', AllowedValues: ['private', 'public'] } };
    t.Conditions = { IsPrivate: { 'Fn::Equals': [ref('Mode'), 'private'] } };
    t.Resources.Cluster.Properties.ResourcesVpcConfig = {
      'Fn::If': ['IsPrivate', privateConfig, { ...privateConfig, EndpointPublicAccess: true, EndpointPrivateAccess: false }],
    };
    return t;
  }

  test('warns, never fails, when the whole ResourcesVpcConfig is inside Fn::If on a parameter condition', () => {
    // GIVEN an isolated network whose cluster is private or public by a parameter
    const t = privateOrPublicByParameter();
    // WHEN
    const findings = check(t);
    // THEN nothing about the cluster's network is certain
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(findings.every((f) => f.level === 'warning' && !f.verified)).toBe(true);
    expect(kinds(findings).map((f) => f.ruleId)).toEqual(expect.arrayContaining(['PublicOnlyNodeEgress', 'PublicEndpointOpen']));
  });

  // Guards a fixed silent pass: when the cluster's own subnets are deploy-time values, its VPC is taken from its compute's
  // subnets (NetworkModel.buildCluster), so known isolated node subnets are still judged.
  test('warns (IsolatedNodeEndpoints), never a silent pass, when ResourcesVpcConfig is inside Fn::If but the nodes sit in known isolated subnets', () => {
    // GIVEN the node group in literal isolated subnets without endpoints, the cluster's config behind a parameter condition
    const t = privateOrPublicByParameter();
    // WHEN
    const findings = of(check(t), 'IsolatedNodeEndpoints');
    // THEN in the private branch these nodes cannot join: that must be said, as a not-verifiable warning
    expect(kinds(findings)).toEqual([notVerifiable('IsolatedNodeEndpoints')]);
    expect(findings[0].message).toMatch(/no usable VPC endpoint for: ec2, ecr\.api, ecr\.dkr, sts, s3/);
  });
});

describe('cluster resources the engine cannot read', () => {
  test('passes an AWS::EKS::Cluster: no ClusterNotChecked', () => {
    expect(of(check(nodeNetwork(PRIVATE)), 'ClusterNotChecked')).toEqual([]);
  });

  test('warns exactly once for each AWSQS::EKS::Cluster and aws-eks v1 cluster without a readable Config', () => {
    const findings = check({
      Resources: {
        V1Cluster: { Type: 'Custom::AWSCDK-EKS-Cluster', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:provider' } },
        QsCluster: { Type: 'AWSQS::EKS::Cluster', Properties: { Name: 'qs' } },
      },
    });
    expect(findings.map(({ ruleId, level, verified, logicalId }) => ({ ruleId, level, verified, logicalId }))).toEqual([
      { ruleId: 'ClusterNotChecked', level: 'warning', verified: false, logicalId: 'V1Cluster' },
      { ruleId: 'ClusterNotChecked', level: 'warning', verified: false, logicalId: 'QsCluster' },
    ]);
    expect(findings[0].message).toMatch(/^Stack\/V1Cluster is an aws-eks \(v1\) cluster, and it has no Config: its endpoint settings and network cannot be read at synth/);
    expect(findings[1].message).toMatch(/is a AWSQS::EKS::Cluster, whose endpoint settings and network this check cannot read/);
  });
});

// Found by the mutation run (stryker.config.json): a verdict no test told apart.
// analyze.ts and mayBeMode (rules/rule.ts)
describe('what analyze() reports around the rules', () => {
  test('turns an error on a cluster that exists only under a parameter condition into a not-verifiable warning', () => {
    const t = base({ egress: 'isolated' });
    nodegroup(t);
    t.Resources.Cluster.Condition = condition(t);
    const findings = check(t);
    expect(verdicts(findings)).toEqual(['unverified IsolatedNodeEndpoints']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the cluster exists only under a deploy-time condition\. If it is created: the nodes of Stack\/Nodes/);
  });

  test('reports a rule that throws as a not-verifiable warning on that cluster, and runs the other rules', () => {
    const t = base();
    t.Resources.Vpc.Properties.EnableDnsHostnames = false;
    const broken = { id: 'Broken', level: 'error' as const, summary: 'throws', source: 'https://example.com', check: () => { throw new Error('boom'); } };
    const findings = check(t, [broken, ...ASPECT_RULES]);
    expect(verdicts(findings)).toEqual(['unverified Broken', 'error VpcDnsHostnames']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: the rule stopped on an input it does not understand \(boom\)/);
  });

  test('PublicOnlyNodeEgress warns, not fails, when EndpointPublicAccess is a parameter and private access is off', () => {
    const t = base({ mode: { EndpointPublicAccess: { Ref: 'PublicAccess' }, EndpointPrivateAccess: false }, cidrs: ['203.0.113.0/24'] });
    param(t, 'PublicAccess');
    nodegroup(t);
    const findings = check(t, ASPECT_RULES.filter((r) => r.id === 'PublicOnlyNodeEgress'));
    expect(verdicts(findings)).toEqual(['unverified PublicOnlyNodeEgress']);
    expect(findings[0].message).toMatch(/^Not verifiable at synth: whether the endpoint is public only is a deploy-time value/);
  });
});

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
    const reported = aspectCheck(app);
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
