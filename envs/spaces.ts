/**
 * Observation and action spaces (Gymnasium `spaces.Box`, `spaces.Discrete`): each can sample
 * from its own seeded stream, check membership, and validate an action with an error that
 * names the problem.
 */
import { createRng, type Rng } from '../src/util/random.ts';
import type { Action, BoxSpace, DiscreteSpace, Space } from './core.ts';

/** A Box with per-dimension bounds; `low`/`high` may be ±Infinity. */
export function box(low: ArrayLike<number>, high: ArrayLike<number>, seed = 0): BoxSpace {
  if (low.length !== high.length) throw new Error(`box: low has ${low.length} dims but high has ${high.length}`);
  const lo = Float64Array.from(low);
  const hi = Float64Array.from(high);
  for (let i = 0; i < lo.length; i++) {
    if (Number.isNaN(lo[i]!) || Number.isNaN(hi[i]!) || lo[i]! > hi[i]!) {
      throw new Error(`box: bad bounds at dim ${i}: [${lo[i]}, ${hi[i]}]`);
    }
  }
  let own = createRng(seed);
  return {
    kind: 'box',
    shape: [lo.length],
    low: lo,
    high: hi,
    sample(rng?: Rng): Float64Array {
      const r = rng ?? own;
      const out = new Float64Array(lo.length);
      for (let i = 0; i < lo.length; i++) {
        const a = lo[i]!;
        const b = hi[i]!;
        if (Number.isFinite(a) && Number.isFinite(b)) out[i] = r.uniform(a, b);
        else if (Number.isFinite(a))
          out[i] = a - Math.log(1 - r.next()); // exponential tail, as Gymnasium
        else if (Number.isFinite(b)) out[i] = b + Math.log(1 - r.next());
        else out[i] = r.normal();
      }
      return out;
    },
    contains(x: ArrayLike<number>): boolean {
      if (x.length !== lo.length) return false;
      for (let i = 0; i < lo.length; i++) {
        const v = x[i]!;
        if (Number.isNaN(v) || v < lo[i]! || v > hi[i]!) return false;
      }
      return true;
    },
    seed(s: number): void {
      own = createRng(s);
    },
  };
}

/** `n` discrete choices 0..n-1. */
export function discrete(n: number, seed = 0): DiscreteSpace {
  if (!Number.isInteger(n) || n < 1) throw new Error(`discrete: n must be a positive integer, got ${n}`);
  let own = createRng(seed);
  return {
    kind: 'discrete',
    n,
    sample: (rng?: Rng) => (rng ?? own).int(n),
    contains: (x: number) => Number.isInteger(x) && x >= 0 && x < n,
    seed(s: number): void {
      own = createRng(s);
    },
  };
}

/** What `step` does with a finite action outside a Box: throw (default) or clip to the bounds. */
export type OutOfBounds = 'error' | 'clip';

/**
 * Checks an action against a Box space and copies it into `out` (clipped if asked). Wrong length,
 * non-numbers, NaN or ±Infinity always throw; out-of-range values throw unless `mode` is 'clip'.
 */
export function readBoxAction(envId: string, space: BoxSpace, action: Action, out: Float64Array, mode: OutOfBounds): Float64Array {
  if (typeof action === 'number') {
    if (space.low.length !== 1)
      throw new Error(`${envId}: action must be a vector of length ${space.low.length}, got the number ${action}`);
    out[0] = checkValue(envId, space, action, 0, mode);
    return out;
  }
  if (action === null || action === undefined || typeof action.length !== 'number') {
    throw new Error(`${envId}: action must be an array of ${space.low.length} numbers, got ${String(action)}`);
  }
  if (action.length !== space.low.length) {
    throw new Error(`${envId}: action must have length ${space.low.length}, got ${action.length}`);
  }
  for (let i = 0; i < out.length; i++) out[i] = checkValue(envId, space, action[i]!, i, mode);
  return out;
}

function checkValue(envId: string, space: BoxSpace, v: number, i: number, mode: OutOfBounds): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${envId}: action[${i}] must be a finite number, got ${String(v)}`);
  const lo = space.low[i]!;
  const hi = space.high[i]!;
  if (v >= lo && v <= hi) return v;
  if (mode === 'clip') return v < lo ? lo : hi;
  throw new Error(`${envId}: action[${i}] = ${v} is outside [${lo}, ${hi}] (pass outOfBounds: 'clip' to clip instead)`);
}

/** Checks an action against a Discrete space. */
export function readDiscreteAction(envId: string, space: DiscreteSpace, action: Action): number {
  const v = typeof action === 'number' ? action : action !== null && action !== undefined && action.length === 1 ? action[0]! : NaN;
  if (!space.contains(v))
    throw new Error(
      `${envId}: action must be an integer in 0..${space.n - 1}, got ${typeof action === 'number' ? action : `[${Array.from(action ?? []).join(', ')}]`}`,
    );
  return v;
}

/** Number of scalars in a flat vector for this space (1 for Discrete). */
export function flatSize(space: Space): number {
  return space.kind === 'box' ? space.low.length : 1;
}
