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
import { checkTree } from '../lib/check/adapters/tree-check';
import { ASPECT_RULES } from '../lib/check/adapters/rule-sets';
import { median, pairs, quartiles, Section, seconds } from './timing';

function app(clusters: number): App {
  const result = new App({ builtinCloudFormationValidation: false, treeMetadata: false, context: { 'aws:cdk:disable-asset-staging': true } });
  for (let i = 0; i < clusters; i++) {
    new EndpointCluster(new Stack(result, `Cluster${i}`), 'Cluster', { mode: EndpointMode.PRIVATE });
  }
  return result;
}

export function benchCheck(runs: number): Section[] {
  // warm-up: let the JIT compile synthesis and the check before anything is timed
  for (let i = 0; i < 3; i++) {
    const warm = app(10);
    Aspects.of(warm).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    warm.synth();
  }

  // the time spent inside the check during a synthesis: its visit of each construct and its
  // judgement in the validation step, timed by wrapping them here (the bench's own hook, not the library's)
  let inside = 0;
  const proto = PrivateResolutionCheck.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ['visit', 'judge']) {
    const original = proto[name];
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const started = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        inside += Number(process.hrtime.bigint() - started) / 1e9;
      }
    };
  }
  const insides: number[] = [];

  // synthesis of a 20-cluster app, with and without the check, alternating; each pair gives a
  // ratio, and the median ratio is what is reported (drift in machine speed cancels in a pair)
  const r = pairs(runs, () => {
    inside = 0;
    const a = app(20);
    Aspects.of(a).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
    a.synth();
    insides.push(inside);
  }, () => app(20).synth());
  const overhead = 100 * (r.ratio - 1);
  const shares = insides.map((t) => t / r.b);
  const [shareLow, shareHigh] = quartiles(shares);
  // each pair alternates which goes first and starts from a full garbage collection (timing.ts)
  const synthesis: Section = {
    title: 'The check\'s share of synthesis',
    how: `Construct and synthesize an app of 20 \`EndpointCluster\`s (Private mode, one stack each), with and without \`PrivateResolutionCheck\`, ${runs} alternating pairs. Built-in validation and asset staging are off, so that synthesis is as short as it gets and the share as large. The third row times the check's own work inside each synthesis with it (its visit and its judgement, wrapped by the bench), against the median synthesis without it: a tighter measure of the same cost than the pairs' ratio, whose runs differ by more than the check costs.`,
    header: ['', 'median', 'ratio'],
    rows: [
      ['without the check', `${r.b.toFixed(3)} s`, 'x1.00'],
      ['with the check', `${r.a.toFixed(3)} s`, `x${r.ratio.toFixed(3)} (quartiles x${r.quartiles[0].toFixed(3)} to x${r.quartiles[1].toFixed(3)}): ${overhead.toFixed(1)} %`],
      ['of which inside the check (its visit and judgement)', `${median(insides).toFixed(3)} s`,
        `${(100 * median(shares)).toFixed(1)} % of the median synthesis without it (quartiles ${(100 * shareLow).toFixed(1)} to ${(100 * shareHigh).toFixed(1)} %)`],
    ],
    goal: { text: 'under 5 %, the median and the upper quartile of the ratio both under x1.05', met: r.ratio < 1.05 && r.quartiles[1] < 1.05 },
  };

  // the check alone: the app rendered as templates and judged, what the Aspect does in the validation step
  const rules = ASPECT_RULES;
  const perCluster: Array<[number, number]> = [];
  for (const n of [1, 10, 50, 100]) {
    const a = app(n);
    const total = median(Array.from({ length: runs }, () => seconds(() => checkTree(a, rules, true))));
    perCluster.push([n, total]);
  }
  const per = perCluster.map(([n, t]) => (t / n) * 1000);
  const flat = Math.max(...per.slice(1)) / Math.min(...per.slice(1));
  const alone: Section = {
    title: 'The check alone, 1 to 100 clusters',
    how: `The app rendered as templates and judged (what the Aspect does in the validation step), median of ${runs} runs at each size.`,
    header: ['clusters', 'total', 'per cluster'],
    rows: perCluster.map(([n, t]) => [String(n), `${(t * 1000).toFixed(1)} ms`, `${((t / n) * 1000).toFixed(2)} ms`]),
    goal: { text: 'linear: the time per cluster from 10 to 100 clusters within x1.5 of each other', met: flat <= 1.5 },
  };
  return [synthesis, alone];
}
