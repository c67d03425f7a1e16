import { CfnResource, Stack } from 'aws-cdk-lib';
import { EndpointAccessChecks } from '../lib';
import { renderTree } from '../lib/check/adapters/tree-templates';
import { testApp } from './util';

/** The templates of an app as rendered from its tree and as `cdk synth` writes them, by stack. */
function renderedAndSynthesized(app: ReturnType<typeof testApp>): Array<{ id: string; rendered: Record<string, any>; synthesized: Record<string, any> }> {
  const rendered = renderTree(app, true).inputs;
  const assembly = app.synth();
  return rendered.map((input) => ({
    id: input.id,
    rendered: input.template as Record<string, any>,
    synthesized: assembly.getStackByName(input.stackName!).template,
  }));
}

describe('a plain CfnResource (properties by their CloudFormation names)', () => {
  test('its properties are rendered as cdk synth writes them, not dropped', () => {
    // GIVEN a VPC made as a plain CfnResource, DNS hostnames off
    const app = testApp();
    const stack = new Stack(app, 'Plain');
    new CfnResource(stack, 'Vpc', { type: 'AWS::EC2::VPC', properties: { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: false } });
    // WHEN the tree is rendered
    const [{ rendered, synthesized }] = renderedAndSynthesized(app);
    // THEN the engine reads what cdk synth writes
    expect(JSON.parse(JSON.stringify(rendered.Resources.Vpc.Properties))).toEqual(synthesized.Resources.Vpc.Properties);
  });

  test('so the pack judges it: a cluster in that VPC has its DNS hostnames error', () => {
    const app = testApp();
    const stack = new Stack(app, 'Plain');
    const vpc = new CfnResource(stack, 'Vpc', { type: 'AWS::EC2::VPC', properties: { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: false, EnableDnsSupport: true } });
    const subnet = new CfnResource(stack, 'Subnet', { type: 'AWS::EC2::Subnet', properties: { VpcId: vpc.ref, CidrBlock: '10.0.0.0/24' } });
    new CfnResource(stack, 'Cluster', {
      type: 'AWS::EKS::Cluster',
      properties: {
        RoleArn: 'arn:aws:iam::123456789012:role/eks',
        ResourcesVpcConfig: { SubnetIds: [subnet.ref], EndpointPublicAccess: false, EndpointPrivateAccess: true },
      },
    });
    const rules = new EndpointAccessChecks().validateScope(app).violations.map((v) => v.ruleName);
    expect(rules).toContain('EndpointAccess-VpcDnsHostnames');
  });
});
