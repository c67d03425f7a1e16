import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EndpointCluster, EndpointMode } from '../lib';
import { checkTemplates } from '../lib/check/cli';
import { testApp } from './util';

/** The check on CloudFormation templates: what `cdk-eks-endpoint-check` runs. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'templates-'));

function templateOf(build: (stack: Stack) => void, name: string): string {
  const stack = new Stack(testApp(), name);
  build(stack);
  const file = path.join(dir, `${name}.template.json`);
  fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
  return file;
}

const good = templateOf((s) => new EndpointCluster(s, 'Lab', { mode: EndpointMode.PRIVATE }), 'Good');
const bad = templateOf((s) => {
  const lab = new EndpointCluster(s, 'Lab', { mode: EndpointMode.PRIVATE });
  (lab.vpc.node.defaultChild as ec2.CfnVPC).enableDnsHostnames = false;
}, 'Bad');

describe('checkTemplates', () => {
  test('passes a template of EndpointCluster in Private mode', () => {
    expect(checkTemplates([good])).toEqual({ errors: [], warnings: [] });
  });

  test('fails a template whose VPC has DNS hostnames off, naming the template and logical IDs', () => {
    const { errors } = checkTemplates([bad]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^${bad.replace(/[.]/g, '\\.')} LabCluster\\w+: \\[cdk-eks-endpoint:VpcDnsHostnames\\] Private access is on, but DNS hostnames are off in LabVpc\\w+`));
  });
});

describe('cdk-eks-endpoint-check', () => {
  const bin = path.join(__dirname, '..', 'bin', 'cdk-eks-endpoint-check.js');

  test('exits 1 on an error and 0 without one, with a count on the last line', () => {
    const failing = spawnSync(process.execPath, [bin, bad], { encoding: 'utf8' });
    expect(failing.status).toBe(1);
    expect(failing.stdout.trim().split('\n').pop()).toBe('1 error(s), 0 warning(s)');
    const passing = spawnSync(process.execPath, [bin, good], { encoding: 'utf8' });
    expect(passing.status).toBe(0);
  });

  test('refuses a file that does not exist, in one line', () => {
    const result = spawnSync(process.execPath, [bin, path.join(dir, 'nope.template.json')], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^cdk-eks-endpoint-check: no such file: .*nope\.template\.json\. Run cdk synth first/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('refuses to run without a template and says how to use it', () => {
    const result = spawnSync(process.execPath, [bin], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/^usage: cdk-eks-endpoint-check TEMPLATE\.json/);
  });
});
