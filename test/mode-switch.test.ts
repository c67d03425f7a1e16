import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterCompute, ClusterEgress, EndpointCluster, EndpointClusterProps, EndpointMode } from '../lib';
import { testApp } from './support/util';

/**
 * Switching mode must be an in-place update: `@aws-cdk/cloudformation-diff` (the library
 * behind `cdk diff`) tells offline what CloudFormation would do with each resource.
 */
const MODES: Record<string, EndpointMode> = {
  'public': EndpointMode.PUBLIC.onlyFrom('0.0.0.0/0'),
  'public-and-private': EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('0.0.0.0/0'),
  'private': EndpointMode.PRIVATE,
};

/** The resources the issue names: none may be replaced, destroyed or orphaned. */
const KEPT_TYPES = [
  'AWS::EKS::Cluster', 'AWS::EKS::Nodegroup', 'AWS::EC2::VPC', 'AWS::EC2::Subnet',
  'AWS::EC2::Instance', 'AWS::KMS::Key', 'AWS::Logs::LogGroup',
];

function labTemplate(mode: EndpointMode, options: EndpointClusterProps | ((stack: Stack) => EndpointClusterProps) = {}): Record<string, any> {
  const stack = new Stack(testApp(), 'EksEndpointLab');
  new EndpointCluster(stack, 'Lab', { ...(typeof options === 'function' ? options(stack) : options), mode });
  return Template.fromStack(stack).toJSON();
}

/** A tools VPC in the same stack, given as a connected VPC: the Resolver rule is associated with it. */
function withToolsVpc(stack: Stack): EndpointClusterProps {
  const tools = new ec2.Vpc(stack, 'Tools', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false });
  return { connectedVpcs: [tools] };
}

const templates = Object.fromEntries(Object.entries(MODES).map(([name, mode]) => [name, labTemplate(mode)]));

function impacts(from: Record<string, any>, to: Record<string, any>): Record<string, { type: string; impact: ResourceImpact }> {
  const result: Record<string, { type: string; impact: ResourceImpact }> = {};
  fullDiff(from, to).resources.forEachDifference((logicalId, change) => {
    result[logicalId] = { type: change.resourceType ?? 'unknown', impact: change.changeImpact };
  });
  return result;
}

const transitions = Object.keys(MODES).flatMap((from) => Object.keys(MODES).filter((to) => to !== from).map((to) => [from, to]));

describe('switching endpoint mode', () => {
  test.each(transitions)('%s -> %s updates the cluster in place and replaces nothing', (from, to) => {
    const changes = impacts(templates[from], templates[to]);
    const clusterChange = Object.values(changes).find((c) => c.type === 'AWS::EKS::Cluster');
    expect(clusterChange?.impact).toBe(ResourceImpact.WILL_UPDATE);

    const lost = Object.entries(changes).filter(([, c]) => [
      ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE, ResourceImpact.WILL_DESTROY, ResourceImpact.WILL_ORPHAN,
    ].includes(c.impact));
    expect(lost).toEqual([]);

    // every resource of the named kinds exists on both sides
    for (const type of KEPT_TYPES) {
      const count = (t: Record<string, any>) => Object.values(t.Resources).filter((r: any) => r.Type === type).length;
      expect(count(templates[to])).toBe(count(templates[from]));
      expect(count(templates[from])).toBeGreaterThan(0);
    }
  });

  test('adding an allow-list to Public only updates the cluster', () => {
    const changes = impacts(templates.public, labTemplate(EndpointMode.PUBLIC.onlyFrom('203.0.113.0/24')));
    expect(Object.values(changes)).toEqual([{ type: 'AWS::EKS::Cluster', impact: ResourceImpact.WILL_UPDATE }]);
  });

  test('the diff does see a replacement when there is one (the check can fail)', () => {
    const renamed = JSON.parse(JSON.stringify(templates.private));
    const [id] = Object.entries(renamed.Resources).find(([, r]: [string, any]) => r.Type === 'AWS::EKS::Cluster')!;
    renamed.Resources[id].Properties.Version = '1.34';
    renamed.Resources[id].Properties.Name = 'renamed';
    expect(impacts(templates.private, renamed)[id].impact).toBe(ResourceImpact.WILL_REPLACE);
  });
});

/**
 * Issue 7: with each option held, a switch between the modes that option allows still updates
 * the cluster in place and replaces nothing precious. What a mode adds (the Resolver pieces of
 * Public & Private with connected networks) is created or deleted, and nothing else changes.
 */
const OPTIONS: Array<[string, EndpointClusterProps | ((stack: Stack) => EndpointClusterProps), string[]]> = [
  ['egress ISOLATED', { egress: ClusterEgress.ISOLATED }, ['public-and-private', 'private']],
  ['compute AUTO_MODE', { compute: ClusterCompute.AUTO_MODE }, ['public', 'public-and-private', 'private']],
  ['ISOLATED with AUTO_MODE', { egress: ClusterEgress.ISOLATED, compute: ClusterCompute.AUTO_MODE }, ['public-and-private', 'private']],
  ['connectedCidrs', { connectedCidrs: ['10.1.0.0/16', '192.168.0.0/16'] }, ['public-and-private', 'private']],
  ['connectedVpcs', withToolsVpc, ['public-and-private', 'private']],
  ['hybrid nodes', { remoteNodeNetworks: ['192.168.0.0/16'], remotePodNetworks: ['172.16.0.0/16'] }, ['public', 'private']],
];

const PRECIOUS = [...KEPT_TYPES, 'AWS::EC2::VPCEndpoint', 'AWS::IAM::Role'];
const RESOLVER_PIECES = ['AWS::Route53Resolver::ResolverEndpoint', 'AWS::Route53Resolver::ResolverRule', 'AWS::Route53Resolver::ResolverRuleAssociation',
  'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress'];

describe.each(OPTIONS)('switching endpoint mode with %s', (_name, options, modes) => {
  const held = Object.fromEntries(modes.map((m) => [m, labTemplate(MODES[m], options)]));
  const pairs = modes.flatMap((from) => modes.filter((to) => to !== from).map((to) => [from, to]));

  test.each(pairs)('%s -> %s updates the cluster in place and replaces nothing precious', (from, to) => {
    const changes = impacts(held[from], held[to]);
    expect(Object.values(changes).find((c) => c.type === 'AWS::EKS::Cluster')?.impact).toBe(ResourceImpact.WILL_UPDATE);
    const replaced = Object.entries(changes).filter(([, c]) => [ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE, ResourceImpact.WILL_ORPHAN].includes(c.impact));
    expect(replaced).toEqual([]);
    const destroyed = Object.entries(changes).filter(([, c]) => c.impact === ResourceImpact.WILL_DESTROY);
    for (const [id, change] of destroyed) {
      expect([id, RESOLVER_PIECES.includes(change.type)]).toEqual([id, true]);
      expect(id).toMatch(/EndpointResolver/);
    }
    for (const type of PRECIOUS) {
      const count = (t: Record<string, any>) => Object.values(t.Resources).filter((r: any) => r.Type === type).length;
      expect([type, count(held[to])]).toEqual([type, count(held[from])]);
    }
  });
});

test('with connected networks, Private -> Public & Private creates the Resolver pieces, and the way back deletes them (the test above sees them)', () => {
  const changes = impacts(labTemplate(EndpointMode.PRIVATE, withToolsVpc), labTemplate(EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('0.0.0.0/0'), withToolsVpc));
  const added = Object.values(changes).filter((c) => c.impact === ResourceImpact.WILL_CREATE).map((c) => c.type).sort();
  expect(added).toEqual([
    'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupIngress',
    'AWS::Route53Resolver::ResolverEndpoint', 'AWS::Route53Resolver::ResolverEndpoint', 'AWS::Route53Resolver::ResolverRule',
    'AWS::Route53Resolver::ResolverRuleAssociation',
  ]);
});

test('as the README says, changing egress or compute is no mode switch: it changes the cluster\'s subnets', () => {
  // CloudFormation replaces a cluster whose ResourcesVpcConfig.SubnetIds change ("Update requires:
  // Replacement" in the AWS::EKS::Cluster schema); cloudformation-diff judges ResourcesVpcConfig as
  // a whole and calls that an update, so the subnets themselves are compared here.
  const subnetIds = (t: Record<string, any>) => JSON.stringify(Object.values(t.Resources).find((r: any) => r.Type === 'AWS::EKS::Cluster')
    && (Object.values(t.Resources).find((r: any) => r.Type === 'AWS::EKS::Cluster') as any).Properties.ResourcesVpcConfig.SubnetIds);
  const base = labTemplate(EndpointMode.PRIVATE);
  expect(subnetIds(labTemplate(EndpointMode.PRIVATE, { compute: ClusterCompute.AUTO_MODE }))).not.toEqual(subnetIds(base));
  const isolated = labTemplate(EndpointMode.PRIVATE, { egress: ClusterEgress.ISOLATED });
  expect(subnetIds(isolated)).not.toEqual(subnetIds(base));
  const replaced = Object.values(impacts(base, isolated)).filter((c) => c.impact === ResourceImpact.WILL_DESTROY).map((c) => c.type);
  expect(replaced).toContain('AWS::EC2::Subnet');
  // and a mode switch leaves them as they are
  expect(subnetIds(labTemplate(EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('0.0.0.0/0')))).toEqual(subnetIds(base));
});
