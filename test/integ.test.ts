import { Template } from 'aws-cdk-lib/assertions';
import { integApp } from './integ/integ.endpoint-modes';
import { integIsolatedApp } from './integ/integ.isolated';
import { testApp } from './support/util';

/**
 * The integration test deploys in an AWS account (test/integ/integ.endpoint-modes.ts). Offline,
 * this checks what can be checked: it synthesizes, and its shape matches the snapshot. The
 * snapshot holds each test stack's resources (logical ID and type: a change there replaces
 * something in an account) and its endpoint settings, and the assertion stack in full; asset
 * hashes are stripped. After an intended change: npx jest test/integ.test.ts -u.
 */
const { app, stacks } = integApp(testApp());
const assembly = app.synth();

/** Asset hashes, and the salt integ-tests-alpha sets from the clock so that assertions rerun on every deploy. */
function stripHashes(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)
    .replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '<hash>$1')
    .replace(/"salt":"\d+"/g, '"salt":"<time>"'));
}

describe('integ.endpoint-modes', () => {
  test.each(stacks.map((s) => [s.stackName, s] as const))('%s keeps its resources and endpoint settings', (_, stack) => {
    const template = Template.fromStack(stack).toJSON();
    const resources = Object.entries(template.Resources as Record<string, { Type: string; Properties?: any }>)
      .map(([id, r]) => `${id} ${r.Type}`).sort();
    const cluster = Object.values(template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::EKS::Cluster');
    const { SubnetIds, SecurityGroupIds, ...endpoint } = cluster.Properties.ResourcesVpcConfig;
    expect(stripHashes({ resources, endpoint })).toMatchSnapshot();
  });

  test('the assertion stack runs the checks in every mode', () => {
    const assertions = assembly.stacks.find((s) => s.stackName.startsWith('EndpointModes'))!;
    const template = JSON.stringify(assertions.template);
    expect(template.match(/"api":"sendCommand"|sendCommand/g)?.length).toBeGreaterThanOrEqual(3);
    expect(template).toContain('resolution=PRIVATE');
    expect(template).toContain('resolution=PUBLIC');
    expect(stripHashes(assertions.template)).toMatchSnapshot();
  });
});

describe('integ.isolated', () => {
  const isolated = integIsolatedApp(testApp());
  const isolatedAssembly = isolated.app.synth();

  test.each(isolated.stacks.map((s) => [s.stackName, s] as const))('%s keeps its resources and endpoint settings, with no way to the internet', (_, stack) => {
    const template = Template.fromStack(stack).toJSON();
    const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect(types).not.toContain('AWS::EC2::NatGateway');
    expect(types).not.toContain('AWS::EC2::InternetGateway');
    const resources = Object.entries(template.Resources as Record<string, { Type: string }>).map(([id, r]) => `${id} ${r.Type}`).sort();
    const cluster = Object.values(template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::EKS::Cluster');
    const { SubnetIds, SecurityGroupIds, ...endpoint } = cluster.Properties.ResourcesVpcConfig;
    expect(stripHashes({ resources, endpoint, compute: cluster.Properties.ComputeConfig })).toMatchSnapshot();
  });

  test('the assertion stack waits for Ready nodes in the node-group cluster and for /readyz in the Auto Mode one', () => {
    const assertions = isolatedAssembly.stacks.find((s) => s.stackName.startsWith('Isolated'))!;
    const template = JSON.stringify(assertions.template);
    expect(template).toContain('kubectl get nodes');
    expect(template).toContain('readyz ok');
    expect(stripHashes(assertions.template)).toMatchSnapshot();
  });
});
