import { App, AspectPriority, Aspects, Stack, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as fs from 'fs';
import { EndpointAccessChecks, EndpointCluster, EndpointMode, PrivateResolutionCheck } from '../../../lib';
import { ASPECT_RULES } from '../../../lib/check/adapters/rule-sets';
import { analyze } from '../../../lib/check/engine/analyze';
import { loadInputs } from '../../../lib/check/engine/read/load';
import { accessEntryClient, aspectCheck, scenario } from '../../support/apps';
import { testApp } from '../../support/util';

/**
 * The construct tree read back as templates (adapters/tree-templates.ts): the Aspect and the pack,
 * reading the tree, find what the CLI finds in the synthesized assembly, in Stages too.
 */

function viaAspect(build: () => App): Finding[] {
  return aspectCheck(build()).map((r) => `${r.level} ${r.id} ${r.message}`).sort();
}

function viaPack(build: () => App): Finding[] {
  const report = new EndpointAccessChecks().validateScope(build());
  const shared = new Set(BOTH.map((r) => r.id));
  return report.violations.flatMap((v) => {
    const [, rule, unverified] = /^EndpointAccess-(\w+)(\[NotVerifiable\])?$/.exec(v.ruleName)!;
    if (!shared.has(rule)) return [];
    return [`${unverified ? 'warning' : v.severity} ${rule} ${v.description}`];
  }).sort();
}

function viaCli(build: () => App): Finding[] {
  const assembly = build().synth();
  const found = analyze(loadInputs([assembly.directory]), BOTH).map((f) => `${f.level} ${f.ruleId} ${f.message}`).sort();
  fs.rmSync(assembly.directory, { recursive: true, force: true });
  return found;
}

const APPS: Array<[string, () => App]> = [
  ['EndpointCluster, Public & Private and open', () => {
    const app = testApp({ context: CONTEXT });
    new EndpointCluster(new Stack(app, 'Lab'), 'Cluster', { mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('0.0.0.0/0'), adminPrincipals: ['arn:aws:iam::123456789012:role/Admin'] });
    return app;
  }],
  ['a raw CfnCluster with DNS hostnames off and a client with no 443 path, VPC in another stack', () => {
    const s = scenario({ kind: 'cfn', mode: 'private', vpcIn: 'cross-stack', context: CONTEXT });
    (s.vpc!.node.defaultChild as ec2.CfnVPC).enableDnsHostnames = false;
    accessEntryClient(s, 'Runner');
    return s.app;
  }],
  ['aws-eks-v2 Public only, an allow-list without the NAT address, imported VPC', () => {
    const s = scenario({ kind: 'eks-v2', mode: 'public', vpcIn: 'imported', cidrs: ['203.0.113.0/24'], context: CONTEXT });
    return s.app;
  }],
];

/**
 * The same app through the three ways in: the Aspect's annotations, the pack's report and the
 * CLI on the synthesized cloud assembly. Each way gets a fresh copy of the app (synthesis
 * changes it); path metadata is on, as `cdk synth` sets it, so that all three name resources
 * by their construct paths.
 */
const BOTH = ASPECT_RULES;

const CONTEXT = { 'aws:cdk:enable-path-metadata': true };

type Finding = string; // `${level} ${rule} ${message}`

describe('the Aspect, the pack and the CLI give the same findings on the same app', () => {
  test.each(APPS)('%s', (_, build) => {
    const aspect = viaAspect(build);
    expect(aspect.length).toBeGreaterThan(0); // not vacuous: each app has findings
    expect(viaPack(build)).toEqual(aspect);
    expect(viaCli(build)).toEqual(aspect);
  });
});

describe('clusters inside a CDK Stage (every CDK Pipelines app)', () => {
  function stageApp(dnsHostnames: boolean): { app: App; stage: Stage; stack: Stack } {
    const app = testApp();
    const stage = new Stage(app, 'Prod');
    const stack = new Stack(stage, 'Platform');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
    new eks.Cluster(stack, 'Cluster', {
      vpc, version: eks.KubernetesVersion.V1_34, endpointAccess: eks.EndpointAccess.PRIVATE,
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP, defaultCapacity: 0,
    });
    // an escape hatch: aws-eks-v2 refuses DNS hostnames off on an ec2.Vpc, not on its L1
    (vpc.node.defaultChild as ec2.CfnVPC).enableDnsHostnames = dnsHostnames;
    return { app, stage, stack };
  }

  test('fails synthesis when the check is added to the app: findings in the Stage go to the validation report', () => {
    const { app } = stageApp(false);
    Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    expect(() => app.synth()).toThrow(/cdk-eks-endpoint:VpcDnsHostnames/);
  });

  test('passes a correct cluster in a Stage when the check is added to the app', () => {
    const { app } = stageApp(true);
    Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    expect(() => app.synth()).not.toThrow();
  });

  test('reports as annotations in the Stage when the check is added to the Stage', () => {
    const { app, stage } = stageApp(false);
    Aspects.of(stage).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    app.synth();
    const messages = stage.synth().getStackByName('Prod-Platform').messages.map((m) => String(m.entry.data));
    expect(messages.filter((m) => m.startsWith('[cdk-eks-endpoint:VpcDnsHostnames]'))).toHaveLength(1);
  });

  test('the pack finds the cluster in the Stage', () => {
    const { app } = stageApp(false);
    const report = new EndpointAccessChecks().validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toContain('EndpointAccess-VpcDnsHostnames');
  });
});
