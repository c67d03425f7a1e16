import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildLabApp, labOptions } from '../bin/lab';
import { EndpointAccessChecks, EndpointCluster, EndpointMode } from '../lib';
import { testApp } from './support/util';

describe('cdk-nag AwsSolutions on the lab app', () => {
  test.each(['public', 'public-and-private', 'private'])('%s: no finding left unacknowledged', (mode) => {
    const app = testApp();
    const stack = buildLabApp(app, labOptions({ mode, ...(mode !== 'private' ? { allowFrom: '0.0.0.0/0' } : {}) }));
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.description}`)).toEqual([]);
  });

  test('every cdk-nag acknowledgement carries a reason of some substance', () => {
    const stack: Stack = buildLabApp(testApp(), labOptions({}));
    const acks = stack.node.findAll().flatMap((c) => c.node.metadata
      .filter((m) => m.type === 'aws:cdk:acknowledged-rules')
      .flatMap((m) => Object.entries(m.data as Record<string, string>)))
      .filter(([id]) => id.includes('AwsSolutions-'));
    expect(acks.length).toBe(7);
    for (const [, reason] of acks) {
      expect(reason.length).toBeGreaterThan(60);
    }
  });

  test('fails on a bastion role given broad S3 reads (the rule can fire here)', () => {
    const app = testApp();
    const stack = buildLabApp(app, labOptions({}));
    const role = stack.node.findAll().find((c) => c.node.path.endsWith('Lab/Bastion/Role'))! as any;
    role.addToPrincipalPolicy(new (require('aws-cdk-lib/aws-iam').PolicyStatement)({ actions: ['s3:Get*'], resources: ['*'] }));
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-IAM5[Action::s3:Get*]');
  });

  test('the bastion reads only its own kubectl object', () => {
    const stack = buildLabApp(testApp(), labOptions({}));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'KubectlAsset', Action: 's3:GetObject' })]) },
    });
    const policies = { ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') };
    expect(JSON.stringify(policies)).not.toMatch(/s3:List|s3:GetBucket|s3:GetObject\*/);
  });
});

describe('EndpointAccessChecks on an EndpointCluster in an imported VPC (what docs/RULES.md says to confirm)', () => {
  const ids = [
    'EndpointAccess-VpcDnsSupport[NotVerifiable]', 'EndpointAccess-VpcDnsHostnames[NotVerifiable]',
    'EndpointAccess-DhcpOptionsDns[NotVerifiable]', 'EndpointAccess-IsolatedNodeEndpoints[NotVerifiable]',
  ];
  function byo(acknowledge: boolean) {
    const app = testApp();
    const stack = new Stack(app, 'Byo');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0abc', vpcCidrBlock: '10.9.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-pub1', 'subnet-pub2'], privateSubnetIds: ['subnet-priv1', 'subnet-priv2'],
    });
    const cluster = new EndpointCluster(stack, 'Cluster', { vpc, mode: EndpointMode.PRIVATE });
    if (acknowledge) {
      Validations.of(cluster).acknowledge(...ids.map((id) => ({ id, reason: 'checked in vpc-0abc: DNS on, default DHCP options, NAT routes' })));
    }
    return new EndpointAccessChecks().validateScope(stack);
  }

  test('fails on the four unknowns, each with the exact acknowledgement in its fix', () => {
    const report = byo(false);
    expect([...new Set(report.violations.map((v) => v.ruleName))].sort()).toEqual([...ids].sort());
    for (const v of report.violations) {
      expect(v.severity).toBe('warning');
      expect(v.fix).toContain(`acknowledge({ id: '${v.ruleName}'`);
    }
  });

  test('passes once the four are acknowledged', () => {
    expect(byo(true).violations).toEqual([]);
  });
});
