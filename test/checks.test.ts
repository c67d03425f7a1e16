import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Aspects, AspectPriority, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EndpointAccessChecks, EndpointCluster, EndpointMode, PrivateResolutionCheck } from '../lib';
import { accessEntryClient, check, scenario } from './support/apps';
import { testApp } from './support/util';

describe('EndpointCluster passes its own check', () => {
  test.each([
    ['private', EndpointMode.PRIVATE, []],
    ['public-and-private with an allow-list', EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'), []],
    ['public with an allow-list', EndpointMode.PUBLIC.onlyFrom('203.0.113.0/24'), []],
    ['public-and-private, open', EndpointMode.PUBLIC_AND_PRIVATE, ['PublicEndpointOpen']],
    ['public, open', EndpointMode.PUBLIC, ['PublicEndpointOpen']],
  ])('%s: no error, and only the warnings an open endpoint deserves', (_, mode, warnings) => {
    const app = testApp();
    new EndpointCluster(new Stack(app, 'Lab'), 'Cluster', { mode });
    const reported = check(app);
    expect(reported.filter((r) => r.level === 'error')).toEqual([]);
    expect(reported.map((r) => r.id)).toEqual(warnings);
  });

  test('and the check is not vacuous: removing the bastion\'s 443 rule is an error', () => {
    const app = testApp();
    const lab = new EndpointCluster(new Stack(app, 'Lab'), 'Cluster', { mode: EndpointMode.PRIVATE });
    lab.bastion!.node.tryRemoveChild('ClusterApiIngress');
    expect(check(app).map((r) => [r.level, r.id])).toEqual([['error', 'ClientSecurityGroupPath']]);
  });
});

describe('PrivateResolutionCheck', () => {
  test('an error fails synthesis through the CLI: it is an error annotation on the cluster resource', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    (s.vpc!.node.defaultChild as ec2.CfnVPC).enableDnsHostnames = false;
    const [error] = check(s.app).filter((r) => r.level === 'error');
    expect(error).toEqual(expect.objectContaining({ id: 'VpcDnsHostnames', path: '/Network/Cluster' }));
  });

  test('an error makes `cdk synth` fail (the real CLI, on test/apps/dns-hostnames-off.ts)', () => {
    const root = path.join(__dirname, '..');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    const result = spawnSync(process.execPath, [
      path.join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--no-notices', '--no-validation', '-o', outdir,
      '--app', `node ${path.join(root, 'build', 'test', 'apps', 'dns-hostnames-off.js')}`,
    ], { cwd: outdir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('[cdk-eks-endpoint:VpcDnsHostnames] Private access is on, but DNS hostnames are off in DnsHostnamesOff/Vpc');
  });

  test('its warnings can be acknowledged by ID', () => {
    const s = scenario({ kind: 'eks-v2', mode: 'public-and-private' });
    Validations.of(s.clusterStack).acknowledge({ id: 'cdk-eks-endpoint:PublicEndpointOpen', reason: 'lab cluster, open on purpose' });
    expect(check(s.app)).toEqual([]);
  });

  test('skip leaves a rule out, and only that rule', () => {
    const s = scenario({ kind: 'eks-v2', mode: 'public-and-private' });
    accessEntryClient(s, 'Runner'); // a ClientSecurityGroupPath error, which must stay
    Aspects.of(s.app).add(new PrivateResolutionCheck({ skip: ['PublicEndpointOpen'] }), { priority: AspectPriority.READONLY });
    const assembly = s.app.synth();
    const ids = assembly.getStackByName('Network').messages.map((m) => /cdk-eks-endpoint:(\w+)/.exec(String(m.entry.data))?.[1]).filter((id) => id);
    expect(ids).toEqual(['ClientSecurityGroupPath']);
  });

  test('a deploy-time EndpointPrivateAccess turns what would be errors into warnings', () => {
    const s = scenario({ kind: 'cfn', mode: 'private' });
    accessEntryClient(s, 'Runner');
    (s.cluster as eks.CfnCluster).addPropertyOverride('ResourcesVpcConfig.EndpointPrivateAccess', { 'Fn::ImportValue': 'PrivateAccess' });
    const reported = check(s.app);
    expect(reported.filter((r) => r.level === 'error')).toEqual([]);
    expect(reported.find((r) => r.id === 'ClientSecurityGroupPath')?.message).toMatch(/^Not verifiable at synth: endpointPrivateAccess is a deploy-time value\. If it is true: /);
  });

  test('refuses an unknown rule ID in skip and lists the known ones', () => {
    expect(() => new PrivateResolutionCheck({ skip: ['PublicEndpoint'] })).toThrow(
      /PrivateResolutionCheck: skip has unknown rule ID\(s\) PublicEndpoint\. Known: VpcDnsSupport, VpcDnsHostnames/,
    );
  });

  test.each([['Network', 0], ['Platform', 1]] as const)('checks only the clusters in the scope it is added to: the %s stack', (stackName, expected) => {
    const s = scenario({ kind: 'eks-v2', vpcIn: 'cross-stack', mode: 'public-and-private' }); // the cluster is in Platform
    Aspects.of(stackName === 'Network' ? s.networkStack : s.clusterStack).add(new PrivateResolutionCheck());
    const assembly = s.app.synth();
    const messages = assembly.stacks.flatMap((st) => st.messages).filter((m) => String(m.entry.data).includes('cdk-eks-endpoint:PublicEndpointOpen'));
    expect(messages).toHaveLength(expected);
  });
});

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
