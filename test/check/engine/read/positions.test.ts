import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../../lib/check/adapters/cli';
import { analyze } from '../../../../lib/check/engine/analyze';
import { readInputs } from '../../../../lib/check/engine/read/load';
import { toSarif } from '../../../../lib/check/outputs/formats';

/**
 * The reader keeps where each resource is written (its logical ID's line and column), and findings
 * carry it: SARIF places a result from the finding, never by reading the file again.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'positions-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

const CLUSTER = { Type: 'AWS::EKS::Cluster', Properties: { RoleArn: 'arn:aws:iam::123456789012:role/eks', ResourcesVpcConfig: { SubnetIds: ['subnet-1'] } } };

describe('the reader keeps resource positions', () => {
  test('JSON: the line and column of each logical ID under Resources, not of the same key elsewhere', () => {
    // GIVEN a template whose Outputs, written first, hold a key named like the cluster
    const text = JSON.stringify({ Outputs: { Cluster: { Value: 'x' } }, Resources: { Cluster: CLUSTER, Other: { Type: 'AWS::SNS::Topic' } } }, undefined, 2);
    const file = write('t.json', text);
    // WHEN it is read
    const [input] = readInputs([file]).inputs;
    // THEN the positions are those of the keys in Resources
    const lines = text.split('\n');
    const resourcesAt = lines.findIndex((l) => l.includes('"Resources"'));
    const clusterLine = lines.findIndex((l, i) => i > resourcesAt && l.includes('"Cluster"')) + 1;
    expect(input.positions?.get('Cluster')).toEqual({ line: clusterLine, column: lines[clusterLine - 1].indexOf('"') + 1 });
    expect(input.positions?.get('Other')?.line).toBeGreaterThan(clusterLine);
    expect([...input.positions!.keys()]).toEqual(['Cluster', 'Other']);
  });

  test('JSON: of duplicate logical IDs, the last, which is the one read', () => {
    const file = write('dup.json', '{\n"Resources": {\n  "A": {"Type": "X"},\n  "A": {"Type": "AWS::SNS::Topic"}\n}\n}\n');
    const [input] = readInputs([file]).inputs;
    expect(input.positions?.get('A')).toEqual({ line: 4, column: 3 });
  });

  test('YAML, strict and lenient: the line and column of each logical ID', () => {
    const strict = write('t.yaml', 'Outputs:\n  Cluster:\n    Value: x\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n  Cluster:\n    Type: AWS::EKS::Cluster\n');
    expect(readInputs([strict]).inputs[0].positions?.get('Cluster')).toEqual({ line: 7, column: 3 });
    // a multi-line quoted string indented no deeper than its key: refused by the strict reader, read leniently
    const lenient = write('lenient.yaml', 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: "a\n    b"\n  Queue:\n    Type: AWS::SQS::Queue\n');
    const [input] = readInputs([lenient]).inputs;
    expect((input.template as any).Resources.Queue.Type).toBe('AWS::SQS::Queue');
    expect(input.positions?.get('Queue')).toEqual({ line: 7, column: 3 });
  });

  test('a finding carries the cluster\'s position, and SARIF places it without reading the file again', () => {
    // GIVEN findings on a cluster written at a known line
    const file = write('cluster.json', JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' }, Cluster: CLUSTER } }, undefined, 2));
    const findings = analyze(readInputs([file]).inputs, []);
    const all = analyze(readInputs([file]).inputs, [{ id: 'Always', level: 'warning', summary: 's', source: 'https://example.com', check: () => [{ level: 'warning', message: 'm', verified: true }] }]);
    expect(findings).toEqual([]);
    expect(all[0].position).toEqual({ line: 6, column: 5 });
    // WHEN the file is gone before SARIF is written
    fs.rmSync(file);
    const sarif = JSON.parse(toSarif(all, [], '0.0.0', dir));
    // THEN the result is still at the cluster's line
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'cluster.json' }, region: { startLine: 6, startColumn: 5 } });
  });

  test('the CLI\'s SARIF for a JSON template places each finding at its cluster', () => {
    const file = write('open.json', JSON.stringify({ Resources: { Cluster: { ...CLUSTER, Properties: { ...CLUSTER.Properties, ResourcesVpcConfig: { SubnetIds: ['subnet-1'], EndpointPublicAccess: true } } } } }, undefined, 2));
    let out = '';
    main(['check', '--format', 'sarif', file], { stdout: (t) => { out += t; }, stderr: () => undefined });
    const results = JSON.parse(out).runs[0].results as Array<{ locations: Array<{ physicalLocation: { region: { startLine: number } } }> }>;
    expect(results.length).toBeGreaterThan(0);
    expect(new Set(results.map((r) => r.locations[0].physicalLocation.region.startLine))).toEqual(new Set([3]));
  });

  test('the CLI\'s JSON gives each finding its line and column, and its subjects', () => {
    // GIVEN a private cluster with a client whose security group lets nothing out
    const template = {
      Resources: {
        Cluster: { ...CLUSTER, Properties: { ...CLUSTER.Properties, ResourcesVpcConfig: { SubnetIds: ['subnet-1'], EndpointPublicAccess: false, EndpointPrivateAccess: true } } },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] } } },
        FnRole: { Type: 'AWS::IAM::Role', Properties: {} },
        Entry: { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: { Ref: 'Cluster' }, PrincipalArn: { 'Fn::GetAtt': ['FnRole', 'Arn'] } } },
      },
    };
    const file = write('json.json', JSON.stringify(template, undefined, 2));
    let out = '';
    main(['check', '--format', 'json', file], { stdout: (t) => { out += t; }, stderr: () => undefined });
    // THEN the function outside any VPC is an error about it, at the cluster's line
    const found = JSON.parse(out).findings.find((f: any) => f.ruleId === 'ConnectedClientPath');
    expect(found).toMatchObject({ line: 3, column: 5, subjects: [{ kind: 'client', name: `${file}/Fn` }] });
  });
});
