/**
 * Seeded pseudo-random numbers. Every random choice in spikeloop takes one of these,
 * never `Math.random`, so that the same seed gives the same episode, batches and weights.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded through splitmix32.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo?: number, hi?: number): number;
  /** Standard normal (Box–Muller). */
  normal(mean?: number, std?: number): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  /** A new independent generator derived from this one (for sub-streams). */
  fork(): Rng;
  /** Current internal state (four uint32), for snapshots. */
  state(): [number, number, number, number];
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A seed from the OS's entropy, for what Gymnasium leaves unseeded (an env's first reset without a
 * seed): such runs differ, as users expect, while every seeded run stays reproducible.
 */
export function entropySeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/** Creates a generator from an integer seed or from a saved four-word state. */
export function createRng(seed: number | readonly [number, number, number, number] = 0): Rng {
  let a: number, b: number, c: number, d: number;
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new Error(`createRng: seed must be a finite number, got ${seed}`);
    const sm = splitmix32(Math.floor(seed));
    a = sm();
    b = sm();
    c = sm();
    d = sm();
  } else {
    [a, b, c, d] = seed.map((x) => x >>> 0) as [number, number, number, number];
  }
  let spare: number | undefined;
  const nextU32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  const next = (): number => nextU32() / 4294967296;
  const rng: Rng = {
    next,
    uniform: (lo = 0, hi = 1) => lo + (hi - lo) * next(),
    normal: (mean = 0, std = 1) => {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return mean + std * s;
      }
      let u = next();
      while (u <= 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return mean + std * r * Math.cos(2 * Math.PI * v);
    },
    int: (n: number) => Math.floor(next() * n),
    fork: () => createRng(nextU32() ^ Math.imul(nextU32(), 0x27d4eb2d)),
    state: () => [a, b, c, d],
  };
  return rng;
}

/** Fisher–Yates shuffle in place with the given generator. */
export function shuffleInPlace<T>(items: T[] | Int32Array | Uint32Array, rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
}
