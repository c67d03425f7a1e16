import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EndpointAccessChecks, EndpointCluster, EndpointMode } from '../lib';
import { testApp, vpcConfig } from './util';

/**
 * Every example is a complete app: importing it synthesizes it. CDK's built-in template
 * validation and the copy of the kubectl asset are switched off through the environment,
 * as `cdk synth --no-validation` would; the lab test runs the validation.
 */
process.env.CDK_VALIDATION = 'false';
process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-asset-staging': true });

const EXAMPLES_DIR = path.join(__dirname, '..', 'examples');
const exampleFiles = fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.ts')).sort();

function load(name: string): Record<string, any> {
  return require(path.join(EXAMPLES_DIR, name));
}

function endpointFlags(stack: Stack): Record<string, unknown> {
  return vpcConfig(Template.fromStack(stack));
}

describe('examples', () => {
  test('are all listed in examples/README.md, with the command that synthesizes them', () => {
    const readme = fs.readFileSync(path.join(EXAMPLES_DIR, 'README.md'), 'utf8');
    expect(exampleFiles.length).toBeGreaterThanOrEqual(7);
    for (const file of exampleFiles) {
      expect(readme).toContain(`[${file}](${file})`);
      const source = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8');
      expect(source).toContain(`npx cdk synth --app "node build/examples/${file.replace(/\.ts$/, '.js')}"`);
    }
  });

  test('public.ts: public only, allow-list plus the NAT address', () => {
    const flags = endpointFlags(load('public.ts').stack);
    expect(flags).toMatchObject({ EndpointPublicAccess: true, EndpointPrivateAccess: false });
    expect(flags.PublicAccessCidrs).toHaveLength(2);
  });

  test('public-and-private.ts: both endpoints, two allowed ranges, an admin role', () => {
    const { stack } = load('public-and-private.ts');
    expect(endpointFlags(stack)).toMatchObject({
      EndpointPublicAccess: true, EndpointPrivateAccess: true, PublicAccessCidrs: ['203.0.113.0/24', '198.51.100.0/24'],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: 'arn:aws:iam::123456789012:role/platform-admins' });
  });

  test('private.ts: private only, with the bastion session output', () => {
    const { stack } = load('private.ts');
    expect(endpointFlags(stack)).toMatchObject({ EndpointPublicAccess: false, EndpointPrivateAccess: true });
    expect(Template.fromStack(stack).toJSON().Outputs.BastionSession).toBeDefined();
  });

  test('byo-vpc.ts: uses the imported subnets and creates no VPC', () => {
    const template = Template.fromStack(load('byo-vpc.ts').stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::EKS::Nodegroup', { Subnets: ['subnet-0bbb0000000000001', 'subnet-0bbb0000000000002'] });
  });

  test('multi-stack.ts: the cluster stack imports the network stack\'s subnets', () => {
    const { platform } = load('multi-stack.ts');
    const template = Template.fromStack(platform);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    expect(JSON.stringify(template.toJSON())).toContain('Fn::ImportValue');
  });

  test('nag-pack.ts: the README\'s pack example passes as written: no finding left unacknowledged', () => {
    const { stack } = load('nag-pack.ts');
    expect(new EndpointAccessChecks().validateScope(stack).violations).toEqual([]);
  });

  test('nag-pack.ts: without its acknowledgement the same cluster fails the pack on the public endpoint', () => {
    const app = testApp();
    const stack = new Stack(app, 'NagPackLab');
    new EndpointCluster(stack, 'Cluster', { mode: EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24') });
    expect(new EndpointAccessChecks().validateScope(stack).violations.map((v) => v.ruleName)).toEqual(['EndpointAccess-PublicEndpointAccess']);
  });

  test('policy-check.ts: the check and the pack pass a plain aws-eks-v2 cluster whose bastion has its 443 rule', () => {
    const { stack } = load('policy-check.ts');
    const messages = stack.node.root.synth().getStackByName('CheckedPlainEks').messages;
    expect(messages.filter((m: any) => m.level === 'error')).toEqual([]);
    expect(messages.filter((m: any) => String(m.entry.data).includes('cdk-eks-endpoint:'))).toEqual([]);
  });

  test('policy-check.ts, as its header says: without the 443 rule the Aspect alone fails synthesis, and so does the pack', () => {
    const { policyCheckApp } = load('policy-check.ts');
    const aspectOnly = policyCheckApp({ bastionRule: false, pack: false }).app.synth().getStackByName('CheckedPlainEks').messages;
    const errors = aspectOnly.filter((m: any) => m.level === 'error').map((m: any) => String(m.entry.data));
    expect(errors).toEqual([expect.stringMatching(/^\[cdk-eks-endpoint:ClientSecurityGroupPath\] CheckedPlainEks\/Bastion\/Resource /)]);
    expect(() => policyCheckApp({ bastionRule: false }).app.synth()).toThrow();
    const pack = new EndpointAccessChecks().validateScope(policyCheckApp({ bastionRule: false, pack: false }).stack);
    expect(pack.violations.filter((v) => v.severity === 'error').map((v) => v.ruleName)).toEqual(['EndpointAccess-ClientSecurityGroupPath']);
  });

  test('bastion-on-eks-v2.ts: a bastion on a plain aws-eks-v2 cluster', () => {
    const template = Template.fromStack(load('bastion-on-eks-v2.ts').stack);
    template.resourceCountIs('AWS::EC2::Instance', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 443, ToPort: 443 });
  });
});
