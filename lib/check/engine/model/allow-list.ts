/** The public endpoint's allow-list. */
import { parseCidr } from '../../../shared/cidr';
import { describe, Fact, isOpaque, Value } from '../template/value';

/**
 * Whether a public allow-list admits every address: `::/0`, or IPv4 blocks that add up to
 * all of IPv4 (`0.0.0.0/0`, or `0.0.0.0/1` + `128.0.0.0/1`, ...). Deploy-time entries make
 * it 'unknown' unless the literal ones already cover everything.
 */
export function openToAll(cidrs: Value[] | 'unknown'): Fact {
  if (cidrs === 'unknown') return 'unknown';
  if (cidrs.some((c) => typeof c === 'string' && c.trim() === '::/0')) return true;
  const blocks = cidrs.map((c) => parseCidr(typeof c === 'string' ? c.trim() : c)).filter((b): b is [number, number] => b !== undefined)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reached = 0;
  for (const [start, size] of blocks) {
    const from = Math.max(start, reached);
    if (start + size > from) covered += start + size - from;
    reached = Math.max(reached, start + size);
  }
  if (covered >= 2 ** 32) return true;
  // a deploy-time entry counts for as much as its prefix allows (`<EIP>/32` is one address)
  let potential = 0;
  for (const c of cidrs.filter((x) => isOpaque(x))) {
    const prefix = /\/(\d{1,2})$/.exec(describe(c))?.[1];
    if (prefix === undefined) return 'unknown';
    potential += 2 ** (32 - Math.min(32, Number(prefix)));
  }
  return covered + potential >= 2 ** 32 ? 'unknown' : false;
}
