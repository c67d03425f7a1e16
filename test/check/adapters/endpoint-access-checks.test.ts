import { Stack, Stage, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EndpointAccessChecks, EndpointCluster, EndpointMode } from '../../../lib';
import { scenario, v1App } from '../../support/apps';
import { testApp } from '../../support/util';

/**
 * The cdk-nag pack (adapters/endpoint-access-checks.ts): EndpointAccess-<Rule>, the pack-only rules
 * on aws-eks-v2 and raw CfnClusters, cdk-nag's acknowledgements.
 */

describe('the pack-only rules, on aws-eks-v2 and raw CfnClusters', () => {
  const ALL_LOGS = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

  function nag(kind: 'eks-v2' | 'cfn', configure: (cluster: eks.CfnCluster) => void, mode: 'public' | 'private' = 'private'): Record<string, string> {
    const s = scenario({ kind, mode });
    configure(s.cluster as eks.CfnCluster);
    const report = new EndpointAccessChecks(s.app).validateScope(s.app);
    return Object.fromEntries(report.violations.map((v) => [v.ruleName, `${v.severity}: ${v.description}`]));
  }
  const complete = (c: eks.CfnCluster) => {
    c.logging = { clusterLogging: { enabledTypes: ALL_LOGS.map((type) => ({ type })) } };
    c.encryptionConfig = [{ provider: { keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc' }, resources: ['secrets'] }];
  };

  test.each(['eks-v2', 'cfn'] as const)('%s: all pass with five log types, a secrets key and no public endpoint', (kind) => {
    expect(nag(kind, complete)).toEqual({});
  });

  test.each(['eks-v2', 'cfn'] as const)('%s: ControlPlaneLogging fails and names the missing types', (kind) => {
    const found = nag(kind, (c) => {
      complete(c);
      c.logging = { clusterLogging: { enabledTypes: [{ type: 'api' }, { type: 'audit' }] } };
    });
    expect(found['EndpointAccess-ControlPlaneLogging']).toMatch(/^error: Control-plane log types not enabled: authenticator, controllerManager, scheduler\./);
  });

  test.each(['eks-v2', 'cfn'] as const)('%s: SecretsEncryption fails without a KMS key for secrets', (kind) => {
    const found = nag(kind, (c) => {
      complete(c);
      c.encryptionConfig = undefined;
    });
    expect(found['EndpointAccess-SecretsEncryption']).toMatch(/^error: Kubernetes secrets are not envelope-encrypted/);
  });

  test.each(['eks-v2', 'cfn'] as const)('%s: PublicEndpointAccess warns on any public endpoint', (kind) => {
    const found = nag(kind, complete, 'public');
    expect(found['EndpointAccess-PublicEndpointAccess']).toMatch(/^warning: The Kubernetes API server has a public endpoint/);
  });
});

describe('EndpointAccessChecks (cdk-nag pack)', () => {
  function plainPublicCluster(): { app: ReturnType<typeof testApp>; stack: Stack } {
    const app = testApp();
    const stack = new Stack(app, 'Plain');
    new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_34, endpointAccess: eks.EndpointAccess.PUBLIC, defaultCapacity: 0, defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    });
    return { app, stack };
  }

  test('finds the public aws-eks-v2 cluster that AwsSolutions does not', () => {
    const { app, stack } = plainPublicCluster();
    const ours = new EndpointAccessChecks(app).validateScope(stack).violations.map((v) => v.ruleName);
    const theirs = new AwsSolutionsChecks(app).validateScope(stack).violations.map((v) => v.ruleName);
    expect(ours).toEqual(expect.arrayContaining([
      'EndpointAccess-PublicEndpointAccess', 'EndpointAccess-PublicEndpointOpen', 'EndpointAccess-ControlPlaneLogging', 'EndpointAccess-SecretsEncryption',
    ]));
    expect(theirs.filter((id) => /^AwsSolutions-EKS/.test(id))).toEqual([]);
  });

  test('reports levels: errors for definite violations, warnings for the rest', () => {
    const { app, stack } = plainPublicCluster();
    const report = new EndpointAccessChecks(app).validateScope(stack);
    const severity = Object.fromEntries(report.violations.map((v) => [v.ruleName, v.severity]));
    expect(severity['EndpointAccess-ControlPlaneLogging']).toBe('error');
    expect(severity['EndpointAccess-PublicEndpointOpen']).toBe('warning');
  });

  test('passes EndpointCluster in Private mode', () => {
    const app = testApp();
    const stack = new Stack(app, 'Lab');
    new EndpointCluster(stack, 'Cluster', { mode: EndpointMode.PRIVATE });
    expect(new EndpointAccessChecks(app).validateScope(stack).violations).toEqual([]);
  });

  test('reports what it cannot know as [NotVerifiable] warnings, which can be acknowledged', () => {
    const s = scenario({ kind: 'cfn', vpcIn: 'imported', mode: 'private' });
    const cluster = s.cluster as eks.CfnCluster;
    cluster.logging = { clusterLogging: { enabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((type) => ({ type })) } };
    cluster.encryptionConfig = [{ provider: { keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc' }, resources: ['secrets'] }];
    const first = new EndpointAccessChecks(s.app).validateScope(s.clusterStack).violations;
    expect(first.map((v) => `${v.ruleName} ${v.severity}`)).toEqual(expect.arrayContaining([
      'EndpointAccess-VpcDnsHostnames[NotVerifiable] warning', 'EndpointAccess-VpcDnsSupport[NotVerifiable] warning',
    ]));
    expect(first.filter((v) => v.severity === 'error')).toEqual([]);
    Validations.of(cluster).acknowledge(
      ...first.map((v) => ({ id: v.ruleName, reason: 'the company VPC has DNS support, DNS hostnames and default DHCP options (checked 2026-11)' })),
    );
    expect(new EndpointAccessChecks(s.app).validateScope(s.clusterStack).violations).toEqual([]);
  });

  test('fails a raw CfnCluster whose VPC has DNS hostnames off', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    (s.vpc!.node.defaultChild as ec2.CfnVPC).enableDnsHostnames = false;
    const report = new EndpointAccessChecks(s.app).validateScope(s.networkStack);
    expect(report.violations.find((v) => v.ruleName === 'EndpointAccess-VpcDnsHostnames')?.severity).toBe('error');
  });
});

describe('EndpointAccessChecks on a cluster in a nested Stage', () => {
  /** A Stage `Prod` whose raw cluster is public and open, beside a top-level one: the same findings, reported two ways. */
  function stagedApp() {
    const app = testApp();
    const build = (stack: Stack) => {
      const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16', enableDnsSupport: true, enableDnsHostnames: true });
      const subnet = new ec2.CfnSubnet(stack, 'Subnet', { vpcId: vpc.ref, cidrBlock: '10.0.0.0/24' });
      return new eks.CfnCluster(stack, 'Cluster', {
        roleArn: 'arn:aws:iam::123456789012:role/eks',
        resourcesVpcConfig: { subnetIds: [subnet.ref], endpointPublicAccess: true, endpointPrivateAccess: true },
      });
    };
    const top = build(new Stack(app, 'Top'));
    const staged = build(new Stack(new Stage(app, 'Prod'), 'Eks'));
    return { app, top, staged };
  }

  test('names no construct for a Stage\'s finding, its message starting with the cluster\'s path (the CDK CLI shows it whatever is selected)', () => {
    const { app, staged } = stagedApp();
    const open = new EndpointAccessChecks(app).validateScope(app).violations.filter((v) => v.ruleName === 'EndpointAccess-PublicEndpointOpen');
    expect(open.map((v) => [v.description.slice(0, 40), v.violatingResources])).toEqual([
      ['The public endpoint accepts connections ', [{ constructPath: 'Top/Cluster', locations: ['Properties'] }]],
      ['[Prod/Eks/Cluster] The public endpoint a', [{ templatePath: Stack.of(staged).templateFile, locations: ['Properties'] }]],
    ]);
  });

  test('takes a Stage\'s acknowledgement as README says it, and as the CDK CLI prints it (EndpointAccess::<id>)', () => {
    const ids = (ack: string) => {
      const { app, staged } = stagedApp();
      Validations.of(staged).acknowledge({ id: ack, reason: 'public by design' });
      return new EndpointAccessChecks(app).validateScope(app).violations
        .filter((v) => v.ruleName === 'EndpointAccess-PublicEndpointOpen').map((v) => v.description.startsWith('[Prod/'));
    };
    expect(ids('EndpointAccess-PublicEndpointOpen')).toEqual([false]);
    expect(ids('EndpointAccess::EndpointAccess-PublicEndpointOpen')).toEqual([false]);
  });
});

describe('the pack on aws-eks (v1) clusters', () => {
  const nag = (app: ReturnType<typeof v1App>['app']) => new EndpointAccessChecks(app).validateScope(app).violations.map((v) => `${v.severity} ${v.ruleName}`).sort();

  test('a private v1 cluster whose aws-auth bastion has its 443 rule: only the hygiene rules it misses (no logs, no secrets key)', () => {
    expect(nag(v1App({ mode: 'private', bastion: 'with-443' }).app)).toEqual(['error EndpointAccess-ControlPlaneLogging', 'error EndpointAccess-SecretsEncryption']);
  });

  test('fails ClientSecurityGroupPath for the aws-auth bastion without the 443 rule, and reads the v1 logging and secrets key', () => {
    const { app, cluster } = v1App({ mode: 'private', bastion: 'without-443' });
    const config = (cluster.node.findChild('Resource').node.findChild('Resource').node.defaultChild as any);
    expect(config.cfnResourceType).toBe('Custom::AWSCDK-EKS-Cluster');
    expect(nag(app)).toEqual(['error EndpointAccess-ClientSecurityGroupPath', 'error EndpointAccess-ControlPlaneLogging', 'error EndpointAccess-SecretsEncryption']);
  });

  test('PublicEndpointAccess and PublicEndpointOpen warn on a public v1 cluster', () => {
    expect(nag(v1App({ mode: 'public' }).app)).toEqual([
      'error EndpointAccess-ControlPlaneLogging', 'error EndpointAccess-SecretsEncryption', 'warning EndpointAccess-PublicEndpointAccess', 'warning EndpointAccess-PublicEndpointOpen',
    ]);
  });
});
