import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AspectPriority, Aspects, Stack } from 'aws-cdk-lib';
import { buildLabApp, labOptions } from '../bin/lab';
import { EndpointCluster, PrivateResolutionCheck } from '../lib';

/**
 * The flow report the check writes at synth: one Markdown file and a JSON twin per cluster in the
 * cloud assembly directory, from the same model and findings as the Aspect's annotations.
 */
process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-asset-staging': true });
const { policyCheckApp } = require('../examples/policy-check');

function reportsOf(outdir: string): Array<{ md: string; json: any }> {
  const dir = path.join(outdir, PrivateResolutionCheck.REPORT_DIR);
  if (!fs.existsSync(dir)) return [];
  const md = fs.readFileSync(path.join(dir, 'flow-report.md'), 'utf8');
  const clusters = JSON.parse(fs.readFileSync(path.join(dir, 'flow-report.json'), 'utf8')).clusters as any[];
  // a section per cluster, in the order of the JSON
  const sections = md.split(/^(?=# )/m);
  expect(sections).toHaveLength(clusters.length);
  return clusters.map((json, i) => ({ json, md: sections[i] }));
}

/** What the Aspect annotated on a stack, as `<rule> <message>`. */
function annotated(messages: any[]): string[] {
  return messages.filter((m) => String(m.entry.data).includes('cdk-eks-endpoint:') && m.level !== 'info')
    .map((m) => {
      const text = String(m.entry.data);
      const warning = / \[ack: cdk-eks-endpoint:(\w+)\]$/.exec(text);
      return warning ? `${warning[1]} ${text.slice(0, warning.index)}` : text.replace(/^\[cdk-eks-endpoint:(\w+)\] /, '$1 ');
    })
    .sort();
}

describe('flow reports at synth', () => {
  test.each(['public', 'public-and-private', 'private'])('the lab in %s mode: a report with a diagram, the mode, and the Aspect\'s findings', (mode) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = buildLabApp(app, labOptions({ mode }));
    const messages = app.synth().getStackArtifact(stack.artifactId).messages;
    const [report, ...more] = reportsOf(outdir);
    expect(more).toEqual([]);
    expect(report.json.mode).toBe(mode);
    expect(report.json.cluster).toBe('EksEndpointLab/Lab/Cluster');
    expect(report.md).toMatch(/```mermaid\nflowchart LR\n[\s\S]*api -- "private, always" --> kubelet\n```/);
    const bastion = report.json.flows.find((f: any) => f.client.includes('(ClusterBastion)'));
    expect(bastion).toMatchObject({ dns: mode === 'public' ? 'public' : 'private', endpoint: mode === 'public' ? 'public' : 'private', status: 'allowed' });
    // the report and the Aspect agree: the same findings
    const fromReport = report.json.findings.map((f: any) => `${f.ruleId} ${f.message}`).sort();
    expect(fromReport).toEqual(annotated(messages));
    const info = messages.filter((m: any) => m.level === 'info' && String(m.entry.data).startsWith('cdk-eks-endpoint flow reports (1 cluster(s)): '));
    expect(info).toHaveLength(1);
  });

  test('a bastion with no 443 rule: its row is blocked by ClientSecurityGroupPath, its edge crossed out, the error listed', () => {
    const { app } = policyCheckApp({ bastionRule: false, pack: false });
    const messages = app.synth().getStackByName('CheckedPlainEks').messages;
    const [report] = reportsOf(app.outdir);
    const row = report.json.flows.find((f: any) => f.client.startsWith('CheckedPlainEks/Bastion/Resource'));
    expect(row.status).toBe('blocked: ClientSecurityGroupPath');
    expect(report.md).toMatch(/-\. "blocked: ClientSecurityGroupPath" \.-x priv/);
    expect(report.json.findings).toContainEqual(expect.objectContaining({ ruleId: 'ClientSecurityGroupPath', level: 'error' }));
    expect(annotated(messages)).toContainEqual(expect.stringMatching(/^ClientSecurityGroupPath CheckedPlainEks\/Bastion\/Resource/));
  });

  test('can be turned off: by the Aspect\'s props, and by context', () => {
    const count = (props: { report?: boolean }, context: Record<string, unknown> = {}) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
      const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:disable-asset-staging': true, ...context } });
      new EndpointCluster(new Stack(app, 'Own'), 'Cluster');
      Aspects.of(app).add(new PrivateResolutionCheck(props), { priority: AspectPriority.READONLY });
      app.synth();
      return reportsOf(outdir).length;
    };
    expect(count({})).toBe(1);
    expect(count({ report: false })).toBe(0);
    expect(count({}, { 'cdk-eks-endpoint:report': 'false' })).toBe(0);
    expect(count({}, { 'cdk-eks-endpoint:report': false })).toBe(0);
  });
});
