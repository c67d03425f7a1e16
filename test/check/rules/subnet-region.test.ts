import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { TemplateInput } from '../../../lib/check/engine/read/input';
import { aspectCheck, byRule } from '../../support/apps';
import { runCli } from '../../support/cli';
import { att, check, clusterResources, importValue, Json, LooseTemplate, messages, networkResources, NODE_SUBNETS, PRIVATE, ref, verdicts } from '../../support/templates';
import { testApp } from '../../support/util';

/**
 * SubnetRegion (rules/subnet-region.ts): EKS takes subnets of the cluster's own region only. CDK's
 * crossRegionReferences passes a subnet ID of a stack in another region through SSM parameters
 * (a Custom::CrossRegionExportWriter in the producer, a Custom::CrossRegionExportReader in the
 * consumer): the engine reads the value through the writer, and the rule compares the regions.
 */

const RULE = 'SubnetRegion';

/** The network (NAT egress) in `networkRegion` writing its subnet IDs for a cluster stack in `clusterRegion`, CDK's cross-region way. */
function crossRegion(networkRegion: string | undefined, clusterRegion: string | undefined, o: { writer?: boolean } = {}): TemplateInput[] {
  const name = (s: string) => `/cdk/exports/Cluster/Network${s}`;
  const network: LooseTemplate = { Resources: networkResources('nat') };
  if (o.writer ?? true) {
    network.Resources.ExportsWriter = {
      Type: 'Custom::CrossRegionExportWriter',
      Properties: { ServiceToken: 'arn:aws:lambda:x', WriterProps: { region: clusterRegion, exports: Object.fromEntries(NODE_SUBNETS.map((s) => [name(s), ref(s)])) } },
    };
  }
  const cluster: LooseTemplate = {
    Resources: {
      ExportsReader: {
        Type: 'Custom::CrossRegionExportReader',
        Properties: { ServiceToken: 'arn:aws:lambda:y', ReaderProps: { region: clusterRegion, prefix: 'Cluster', imports: {} } },
      },
      ...clusterResources({ ...PRIVATE, subnets: NODE_SUBNETS.map((s) => att('ExportsReader', name(s))) }),
    },
  };
  return [
    { id: 'Network', template: network, ...(networkRegion ? { region: networkRegion } : {}) },
    { id: 'Cluster', template: cluster, ...(clusterRegion ? { region: clusterRegion } : {}) },
  ];
}

describe('SubnetRegion on templates', () => {
  test('fails subnets written by a cross-region export writer in a stack of another region, naming both regions', () => {
    const findings = check(crossRegion('us-east-1', 'eu-west-1'));
    expect(verdicts(findings, RULE)).toEqual(['error SubnetRegion']);
    expect(messages(findings, RULE)[0]).toMatch(
      /^Cluster\/Cluster deploys to eu-west-1, but its subnets Network\/PrivateSubnet1 \(us-east-1\), Network\/PrivateSubnet2 \(us-east-1\) are in a stack of another region/,
    );
  });

  test('reads the subnets through the writer, so the other rules judge the real network (NAT egress: nothing else to say)', () => {
    expect(verdicts(check(crossRegion('us-east-1', 'eu-west-1')))).toEqual(['error SubnetRegion']);
  });

  test('passes subnets of the cluster\'s own region, and stacks whose regions are not known (environment-agnostic)', () => {
    expect(verdicts(check(crossRegion('eu-west-1', 'eu-west-1')), RULE)).toEqual([]);
    expect(verdicts(check(crossRegion(undefined, 'eu-west-1')), RULE)).toEqual([]);
    expect(verdicts(check(crossRegion('us-east-1', undefined)), RULE)).toEqual([]);
  });

  test('says nothing when the writer\'s stack is not given: the subnets are then imported values, as before', () => {
    const [, cluster] = crossRegion('us-east-1', 'eu-west-1');
    expect(verdicts(check([cluster]), RULE)).toEqual([]);
  });

  test('fails an import across stacks of two known regions too (Fn::ImportValue does not cross regions either)', () => {
    const network: LooseTemplate = {
      Resources: networkResources('nat'),
      Outputs: Object.fromEntries(NODE_SUBNETS.map((s) => [s, { Value: ref(s), Export: { Name: `net-${s}` } }])),
    };
    const cluster: LooseTemplate = { Resources: clusterResources({ ...PRIVATE, subnets: NODE_SUBNETS.map((s) => importValue(`net-${s}`)) }) };
    const findings = check([{ id: 'Network', template: network, region: 'us-west-2' }, { id: 'Cluster', template: cluster, region: 'us-east-2' }]);
    expect(verdicts(findings, RULE)).toEqual(['error SubnetRegion']);
  });

  test('fails a node group in subnets of another region while the cluster\'s own subnets are at home', () => {
    const inputs = crossRegion('us-east-1', 'eu-west-1');
    const cluster = inputs[1].template as LooseTemplate;
    const home = networkResources('nat');
    Object.assign(cluster.Resources, Object.fromEntries(Object.entries(home).map(([id, r]) => [`Home${id}`, retarget(r)])));
    cluster.Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds = NODE_SUBNETS.map((s) => ref(`Home${s}`));
    const findings = check(inputs);
    expect(verdicts(findings, RULE)).toEqual(['error SubnetRegion']);
    expect(messages(findings, RULE)[0]).toMatch(/^the nodes of Cluster\/Nodegroup run in Network\/PrivateSubnet1 \(us-east-1\), Network\/PrivateSubnet2 \(us-east-1\), a stack of another region/);
    expect(findings.find((f) => f.ruleId === RULE)?.subjects).toEqual([{ kind: 'compute', name: 'the nodes of Cluster/Nodegroup' }]);
  });
});

/** A resource whose Ref and GetAtt point at the `Home`-prefixed copies. */
function retarget(resource: Json): Json {
  return JSON.parse(JSON.stringify(resource), (key, value) => {
    if (key === 'Ref' && typeof value === 'string') return `Home${value}`;
    if (key === 'Fn::GetAtt' && Array.isArray(value)) return [`Home${value[0]}`, value[1]];
    return value;
  });
}

describe('SubnetRegion on a CDK app with crossRegionReferences', () => {
  function app(networkRegion: string, clusterRegion: string, outdir?: string) {
    const a = testApp(outdir ? { outdir } : {});
    const env = (region: string) => ({ account: '111111111111', region });
    const network = new Stack(a, 'Network', { env: env(networkRegion), crossRegionReferences: true });
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const platform = new Stack(a, 'Platform', { env: env(clusterRegion), crossRegionReferences: true });
    new eks.CfnCluster(platform, 'Cluster', {
      roleArn: 'arn:aws:iam::111111111111:role/eks',
      resourcesVpcConfig: { subnetIds: vpc.privateSubnets.map((s) => s.subnetId), endpointPublicAccess: false, endpointPrivateAccess: true },
    });
    return a;
  }

  test('fails a cluster in eu-west-1 given the subnets of a VPC in us-east-1, through the Aspect', () => {
    expect(byRule(aspectCheck(app('us-east-1', 'eu-west-1')), RULE)).toEqual([expect.objectContaining({
      level: 'error', message: expect.stringMatching(/deploys to eu-west-1, but its subnets .*\(us-east-1\).* are in a stack of another region/),
    })]);
  });

  test('fails it from the command line too: the regions from the cloud assembly\'s manifest, the subnets through the export writer', () => {
    // GIVEN the app synthesized to a cloud assembly
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'subnet-region-'));
    app('us-east-1', 'eu-west-1', outdir).synth();
    // WHEN the CLI checks it
    const { code, stdout } = runCli('check', '--format', 'json', outdir);
    // THEN
    expect(code).toBe(1);
    const findings = JSON.parse(stdout).findings.filter((f: { ruleId: string }) => f.ruleId === RULE);
    expect(findings).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/deploys to eu-west-1, but its subnets .*\(us-east-1\)/) })]);
  });

  test('passes the same two stacks in one region (plain cross-stack references)', () => {
    expect(byRule(aspectCheck(app('eu-west-1', 'eu-west-1')), RULE)).toEqual([]);
  });
});
