import * as fs from 'fs';
import * as path from 'path';
import { ASPECT_RULES } from '../../../lib/check/adapters/rule-sets';
import { lines, runCli as run } from '../../support/cli';

// the SARIF 2.1.0 schema (OASIS, rtm.5) and its matcher, from Microsoft's package: validation offline
// eslint-disable-next-line @typescript-eslint/no-require-imports
expect.extend(require('@microsoft/jest-sarif'));
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeValidSarifLog(): R;
    }
  }
}

/**
 * The CLI's JSON and SARIF 2.1.0 output (outputs/formats.ts).
 */

/** The command line, `cdk-eks-endpoint check <paths...>`: what it prints and the exit code. */
const root = path.join(__dirname, '..', '..', '..');

const fixtures = path.join(root, 'test', 'cli-fixtures');

describe('check --format json and sarif', () => {
  const file = path.join(fixtures, 'private-dns-hostnames-off.yaml');

  test('json: the same findings and counts as the text, and the same exit code', () => {
    const text = run('check', file);
    const json = run('check', '--format', 'json', file);
    expect(json.code).toBe(text.code);
    const parsed = JSON.parse(json.stdout);
    expect(lines(text.stdout).pop()).toBe(`1 cluster(s) judged (0 not checked): ${parsed.errors} error(s), ${parsed.warnings} warning(s)`);
    // the summary: what was judged, from the engine, and the line the text prints
    expect(parsed.summary).toEqual({
      clusters: 1, notChecked: 0, templates: 1, importedVpc: 0, inputs: [file], errors: parsed.errors, warnings: parsed.warnings, text: lines(text.stdout).pop(),
    });
    expect(parsed.findings).toContainEqual(expect.objectContaining({ level: 'error', ruleId: 'VpcDnsHostnames', logicalId: 'Cluster', file, verified: true }));
    expect(run('check', `--format=json`, file).stdout).toBe(json.stdout);
  });

  test('sarif: a valid SARIF 2.1.0 log (the OASIS schema), one rule per check rule, each result at its file, line and logical ID', () => {
    const result = run('check', '--format', 'sarif', file);
    expect(result.code).toBe(1);
    const log = JSON.parse(result.stdout);
    expect(log).toBeValidSarifLog();
    // the schema can fail: a result level SARIF does not have
    expect({ ...log, runs: [{ ...log.runs[0], results: [{ ...log.runs[0].results[0], level: 'fatal' }] }] }).not.toBeValidSarifLog();
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('cdk-eks-endpoint');
    expect(driver.version).toBe(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
    const ids = driver.rules.map((r: any) => r.id);
    expect(ids).toEqual(expect.arrayContaining(ASPECT_RULES.map((r) => r.id)));
    const rule = driver.rules.find((r: any) => r.id === 'VpcDnsHostnames');
    expect(rule.helpUri).toMatch(/docs\/RULES\.md#vpcdnshostnames$/);
    expect(rule.help.text).toContain('https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html');
    const error = log.runs[0].results.find((r: any) => r.ruleId === 'VpcDnsHostnames');
    expect(error.level).toBe('error');
    expect(driver.rules[error.ruleIndex].id).toBe('VpcDnsHostnames');
    const location = error.locations[0];
    expect(location.physicalLocation.artifactLocation.uri).toBe(path.relative(process.cwd(), file).split(path.sep).join('/'));
    const line = fs.readFileSync(file, 'utf8').split('\n')[location.physicalLocation.region.startLine - 1];
    expect(line).toMatch(/^\s*Cluster:/);
    expect(location.logicalLocations[0]).toMatchObject({ name: 'Cluster', kind: 'resource' });
  });

  test('sarif: a cluster the engine cannot read (ClusterNotChecked) has its rule descriptor, and its result points at it', () => {
    // GIVEN the Quick Start's AWSQS::EKS::Cluster, a registry type the engine does not read
    const log = JSON.parse(run('check', '--format', 'sarif', path.join(root, 'test', 'corpus', 'quickstart-awsqs-cluster.yaml')).stdout);
    expect(log).toBeValidSarifLog();
    const driver = log.runs[0].tool.driver;
    const result = log.runs[0].results.find((r: any) => r.ruleId === 'ClusterNotChecked');
    // THEN the result names a descriptor in the rules list, and it is ClusterNotChecked's
    expect(result).toBeDefined();
    expect(driver.rules[result.ruleIndex]).toMatchObject({ id: 'ClusterNotChecked', helpUri: expect.stringMatching(/#clusternotchecked$/) });
  });

  test('sarif on an input with no cluster, allowed: a valid log with no result, exit 0, and a notification that says so', () => {
    const input = path.join(fixtures, 'vpc.template.json');
    const result = run('check', '--format', 'sarif', '--allow-empty', input);
    expect(result.code).toBe(0);
    const log = JSON.parse(result.stdout);
    expect(log).toBeValidSarifLog();
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].properties).toEqual({ clusters: 0, notChecked: 0, templates: 1, inputs: [input] });
    expect(log.runs[0].invocations).toEqual([{
      executionSuccessful: true, exitCode: 0,
      toolExecutionNotifications: [{ descriptor: { id: 'NoCluster' }, level: 'warning', message: { text: `no EKS cluster found in ${input} (1 template(s) read): nothing was judged` } }],
    }]);
  });

  test('fails sarif on an input with no cluster, not allowed: exit 2, the invocation not successful, its notification an error', () => {
    const result = run('check', '--format', 'sarif', path.join(fixtures, 'vpc.template.json'));
    expect(result.code).toBe(2);
    const log = JSON.parse(result.stdout);
    expect(log).toBeValidSarifLog();
    expect(log.runs[0].invocations[0]).toMatchObject({ executionSuccessful: false, exitCode: 2, toolExecutionNotifications: [{ level: 'error' }] });
    // each notification's descriptor is in the driver's list
    expect(log.runs[0].tool.driver.notifications.map((n: any) => n.id)).toEqual(['Judged', 'NoCluster']);
  });

  test('sarif and json say what was judged: clusters, and those not checked', () => {
    const inputs = [path.join(root, 'test', 'corpus', 'quickstart-awsqs-cluster.yaml'), path.join(fixtures, 'private-dns-hostnames-off.yaml')];
    const text = lines(run('check', ...inputs).stdout).pop();
    const log = JSON.parse(run('check', '--format', 'sarif', ...inputs).stdout);
    expect(log).toBeValidSarifLog();
    const notChecked = log.runs[0].results.filter((r: any) => r.ruleId === 'ClusterNotChecked').length;
    expect(log.runs[0].properties).toMatchObject({ clusters: notChecked + 1, notChecked });
    expect(log.runs[0].invocations[0]).toEqual({
      executionSuccessful: true, exitCode: 1, toolExecutionNotifications: [{ descriptor: { id: 'Judged' }, level: 'note', message: { text } }],
    });
    expect(JSON.parse(run('check', '--format', 'json', ...inputs).stdout).summary).toMatchObject({ clusters: notChecked + 1, notChecked, text });
  });
});
