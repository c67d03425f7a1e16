/**
 * The private-resolution check's cost, measured in this process:
 * - synthesis of a 20-cluster app with and without the check (the ratio is the overhead);
 * - the check alone (render the app as templates, then judge it), per cluster, at 1, 10, 50
 *   and 100 clusters (flat means linear).
 *
 * Each cluster is an EndpointCluster (VPC, node group, bastion) in Private mode, in its own
 * stack. CDK's built-in CloudFormation validation is off and assets are not staged, so that
 * what is timed is synthesis and the check, not cfn-lint-style validation or file copies.
 */
import { App, AspectPriority, Aspects, Stack } from 'aws-cdk-lib';
import { EndpointCluster, EndpointMode, PrivateResolutionCheck } from '../lib';
import { checkTree } from '../lib/check/report';
import { ALL_RULES } from '../lib/check/rules';

function app(clusters: number): App {
  const result = new App({ builtinCloudFormationValidation: false, treeMetadata: false, context: { 'aws:cdk:disable-asset-staging': true } });
  for (let i = 0; i < clusters; i++) {
    new EndpointCluster(new Stack(result, `Cluster${i}`), 'Cluster', { mode: EndpointMode.PRIVATE });
  }
  return result;
}

function seconds(fn: () => void): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function benchCheck(runs: number): void {
  // warm-up: let the JIT compile synthesis and the check before anything is timed
  for (let i = 0; i < 3; i++) {
    const warm = app(10);
    Aspects.of(warm).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    warm.synth();
  }

  // synthesis of a 20-cluster app, with and without the check, alternating; each pair gives a
  // ratio, and the median ratio is what is reported (drift in machine speed cancels in a pair)
  const without: number[] = [];
  const withCheck: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    without.push(seconds(() => app(20).synth()));
    withCheck.push(seconds(() => {
      const a = app(20);
      Aspects.of(a).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
      a.synth();
    }));
    ratios.push(withCheck[i] / without[i]);
  }
  const base = median(without);
  const checked = median(withCheck);
  const sorted = [...ratios].sort((a, b) => a - b);
  const quartile = (q: number) => sorted[Math.floor(q * (sorted.length - 1))];
  console.log(`\n20-cluster app, construct + synth, ${runs} alternating pairs`);
  console.log(`  without the check   ${base.toFixed(3)} s (median)  x1.00`);
  console.log(`  with the check      ${checked.toFixed(3)} s (median)  x${median(ratios).toFixed(3)} (median of the pairs' ratios; quartiles x${quartile(0.25).toFixed(3)}-x${quartile(0.75).toFixed(3)})`);
  console.log(`  overhead            ${(100 * (median(ratios) - 1)).toFixed(1)} %`);

  // the check alone: the app rendered as templates and judged, what the Aspect does in the validation step
  console.log(`\nThe check alone, per cluster (median of ${runs} runs)`);
  const rules = ALL_RULES.filter((r) => r.runsIn === 'both');
  for (const n of [1, 10, 50, 100]) {
    const a = app(n);
    const times = Array.from({ length: runs }, () => seconds(() => checkTree(a, rules, true)));
    const total = median(times);
    console.log(`  ${String(n).padStart(3)} clusters  ${(total * 1000).toFixed(1).padStart(8)} ms total  ${((total / n) * 1000).toFixed(2).padStart(7)} ms per cluster`);
  }
}
