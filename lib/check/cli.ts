import * as fs from 'fs';
import * as path from 'path';
import { App, AspectPriority, Aspects, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { PrivateResolutionCheck } from './private-resolution-check';

/** What the check said about a set of templates. */
export interface TemplateReport {
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * Runs the private-resolution check on CloudFormation templates (CDK's or hand-written),
 * loaded as L1 constructs with CfnInclude, all in one app so that each sees the others. A
 * value imported from another template (Fn::ImportValue) stays a deploy-time value: pass the
 * exporting template too, or expect "not verifiable" warnings.
 */
export function checkTemplates(files: string[]): TemplateReport {
  const app = new App({ builtinCloudFormationValidation: false, treeMetadata: false });
  files.forEach((file, i) => {
    // no bootstrap version rule: a CDK template brings its own BootstrapVersion parameter
    const stack = new Stack(app, `T${i}-${path.basename(file).replace(/[^A-Za-z0-9-]/g, '-')}`.slice(0, 120), {
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    });
    new CfnInclude(stack, 'Template', { templateFile: file });
  });
  Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const stack of app.synth().stacks) {
    const file = files[Number(/^T(\d+)-/.exec(stack.stackName)?.[1])];
    for (const message of stack.messages) {
      const text = String(message.entry.data);
      if (!text.includes('cdk-eks-endpoint:')) continue;
      // name resources by their logical IDs in the template, not by the wrapping constructs
      const local = (p: string) => p.replace(/\/?T\d+-[^/]*\/Template\//g, '');
      (message.level === 'error' ? errors : warnings).push(`${file} ${local(message.id)}: ${local(text)}`);
    }
  }
  return { errors, warnings };
}

/** The command line: prints what the check found; the exit code is 1 when there is an error. */
export function main(args: string[]): number {
  if (args.length === 0 || args.includes('--help')) {
    process.stdout.write('usage: cdk-eks-endpoint-check TEMPLATE.json [TEMPLATE.json ...]\n' +
      'Runs the private-resolution check (docs/RULES.md) on CloudFormation templates, for example cdk.out/*.template.json.\n');
    return args.length === 0 ? 2 : 0;
  }
  const missing = args.filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    process.stderr.write(`cdk-eks-endpoint-check: no such file: ${missing.join(', ')}. Run cdk synth first for cdk.out/*.template.json.\n`);
    return 2;
  }
  const report = checkTemplates(args);
  for (const line of report.errors) process.stdout.write(`error   ${line}\n`);
  for (const line of report.warnings) process.stdout.write(`warning ${line}\n`);
  process.stdout.write(`${report.errors.length} error(s), ${report.warnings.length} warning(s)\n`);
  return report.errors.length > 0 ? 1 : 0;
}
