/**
 * Each perturbation wrapper draws from its own random stream, derived from the episode seed and
 * the wrapper's salt: the teacher and every controller reset with the same seed meet identical
 * pushes, noise and bodies (paired comparisons), and adding one wrapper never shifts another's draws.
 */
import { createRng, entropySeed, type Rng } from '../../src/util/random.ts';

/** Words discarded after seeding from a structured state, so nearby seeds give unrelated streams. */
const WARMUP = 16;

/** The stream of `salt` for episode seed `seed` (same pair, same numbers). */
export function deriveRng(seed: number, salt: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`deriveRng: seed must be a finite number, got ${seed}`);
  const rng = createRng([Math.floor(seed) >>> 0, salt >>> 0, 0x243f6a88, 0x85a308d3]);
  for (let i = 0; i < WARMUP; i++) rng.next();
  return rng;
}

/** A wrapper's stream across episodes: re-derived at every seeded reset, continued on unseeded ones (Gymnasium's rule). */
export class EpisodeStream {
  private rng: Rng | undefined;
  constructor(private readonly salt: number) {}

  /** The stream for the episode that a reset with this seed (or none) starts. */
  reset(seed: number | undefined): Rng {
    if (seed !== undefined) this.rng = deriveRng(seed, this.salt);
    else this.rng ??= createRng(entropySeed());
    return this.rng;
  }
}
