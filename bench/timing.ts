/** Timing helpers for the benchmarks: wall time of a call, medians, quartiles, pairs. */
import * as v8 from 'v8';
import * as vm from 'vm';

/** A full garbage collection, so that a run does not pay for the garbage of the one before. */
const collectGarbage: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (() => void) | undefined;
  return typeof gc === 'function' ? gc : () => undefined;
})();

export function seconds(fn: () => void): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function quartiles(values: number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[Math.floor(0.25 * (sorted.length - 1))], sorted[Math.ceil(0.75 * (sorted.length - 1))]];
}

/**
 * A against B, alternating, `runs` pairs: the medians and the median of the pairs' ratios (drift
 * cancels in a pair). Each run starts after a full garbage collection, and the order within a
 * pair alternates (AB, BA, ...), so that neither side pays for the other's garbage or goes first.
 */
export function pairs(runs: number, a: () => void, b: () => void): { a: number; b: number; ratio: number; quartiles: [number, number] } {
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  const timed = (fn: () => void) => {
    collectGarbage();
    return seconds(fn);
  };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      as.push(timed(a));
      bs.push(timed(b));
    } else {
      bs.push(timed(b));
      as.push(timed(a));
    }
    ratios.push(as[i] / bs[i]);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios), quartiles: quartiles(ratios) };
}

/** One section of docs/BENCHMARKS.md: a heading, what was measured and how, and a table. */
export interface Section {
  readonly title: string;
  readonly how: string;
  readonly rows: string[][];
  readonly header: string[];
  /** The goal and whether this run met it. */
  readonly goal?: { readonly text: string; readonly met: boolean };
}

export function renderSection(s: Section): string {
  const table = [`| ${s.header.join(' | ')} |`, `|${s.header.map(() => '---').join('|')}|`, ...s.rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const goal = s.goal ? `\n\nGoal: ${s.goal.text}. This run: **${s.goal.met ? 'met' : 'not met'}**.` : '';
  return `### ${s.title}\n\n${s.how}\n\n${table}${goal}\n`;
}
