import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AspectPriority, Aspects, Stack } from 'aws-cdk-lib';
import { writeReportFiles } from '../../../lib/check/adapters/report-files';
import { EndpointCluster, PrivateResolutionCheck } from '../../../lib';

/** The flow-report writer (adapters/report-files.ts): it writes where it is told, never through a link planted there. */
describe('writing report files', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-files-'));

  test('writes through no link planted at a file name: the link is replaced, its target untouched', () => {
    const dir = path.join(tmp, 'planted-file');
    fs.mkdirSync(dir);
    const victim = path.join(tmp, 'victim.txt');
    fs.writeFileSync(victim, 'keep me');
    fs.symlinkSync(victim, path.join(dir, 'flow-report.md'));
    writeReportFiles(dir, { 'flow-report.md': '# report' });
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me');
    expect(fs.lstatSync(path.join(dir, 'flow-report.md')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'flow-report.md'), 'utf8')).toBe('# report');
  });

  test('writes into no directory reached through a link planted at the directory name', () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'elsewhere-'));
    const dir = path.join(tmp, 'planted-dir');
    fs.symlinkSync(elsewhere, dir);
    writeReportFiles(dir, { 'flow-report.json': '{}' });
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    expect(fs.lstatSync(dir).isDirectory()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'flow-report.json'), 'utf8')).toBe('{}');
  });

  test('replaces a report written before', () => {
    const dir = path.join(tmp, 'again');
    writeReportFiles(dir, { 'flow-report.md': 'first' });
    writeReportFiles(dir, { 'flow-report.md': 'second' });
    expect(fs.readFileSync(path.join(dir, 'flow-report.md'), 'utf8')).toBe('second');
  });

  test('the Aspect writes its flow report through no link planted in the cloud assembly', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-link-'));
    const victim = path.join(tmp, 'victim-of-synth.md');
    fs.writeFileSync(victim, 'keep me');
    fs.mkdirSync(path.join(outdir, PrivateResolutionCheck.REPORT_DIR));
    fs.symlinkSync(victim, path.join(outdir, PrivateResolutionCheck.REPORT_DIR, 'flow-report.md'));
    const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:disable-asset-staging': true } });
    new EndpointCluster(new Stack(app, 'Own'), 'Cluster');
    Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    app.synth();
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me');
    expect(fs.readFileSync(path.join(outdir, PrivateResolutionCheck.REPORT_DIR, 'flow-report.md'), 'utf8')).toMatch(/^## /m);
  });
});
