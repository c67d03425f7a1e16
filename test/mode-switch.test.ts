import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EndpointCluster, EndpointMode } from '../lib';
import { testApp } from './util';

/**
 * Switching mode must be an in-place update: `@aws-cdk/cloudformation-diff` (the library
 * behind `cdk diff`) tells offline what CloudFormation would do with each resource.
 */
const MODES: Record<string, EndpointMode> = {
  'public': EndpointMode.PUBLIC,
  'public-and-private': EndpointMode.PUBLIC_AND_PRIVATE,
  'private': EndpointMode.PRIVATE,
};

/** The resources the issue names: none may be replaced, destroyed or orphaned. */
const KEPT_TYPES = [
  'AWS::EKS::Cluster', 'AWS::EKS::Nodegroup', 'AWS::EC2::VPC', 'AWS::EC2::Subnet',
  'AWS::EC2::Instance', 'AWS::KMS::Key', 'AWS::Logs::LogGroup',
];

function labTemplate(mode: EndpointMode): Record<string, any> {
  const stack = new Stack(testApp(), 'EksEndpointLab');
  new EndpointCluster(stack, 'Lab', { mode });
  return Template.fromStack(stack).toJSON();
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
