/** Small deterministic fakes for loop tests: a 1-D point mass and a bang-bang "spiking" policy. */
import type { LoopEnv } from '../../src/stream/loop.ts';
import type { SpikeLayerEvents, SpikingPolicy } from '../../src/stream/events.ts';

/** x'' = u (clipped to ±1), dt = 0.02 s; terminated when |x| > 1; starts at x = 0.1·(seed % 5 + 1). */
export class PointMassEnv implements LoopEnv {
  readonly metadata = { dtS: 0.02 };
  x = 0;
  v = 0;
  steps = 0;
  resets: number[] = [];
  reset(opts: { seed?: number } = {}): { observation: Float64Array } {
    const seed = opts.seed ?? 0;
    this.resets.push(seed);
    this.x = 0.1 * ((seed % 5) + 1);
    this.v = 0;
    return { observation: Float64Array.of(this.x, this.v) };
  }
  step(action: ArrayLike<number> | number): { observation: Float64Array; reward: number; terminated: boolean; truncated: boolean } {
    const a = typeof action === 'number' ? action : action[0]!;
    const u = Math.max(-1, Math.min(1, a));
    this.v += u * this.metadata.dtS;
    this.x += this.v * this.metadata.dtS;
    this.steps++;
    return { observation: Float64Array.of(this.x, this.v), reward: 1, terminated: Math.abs(this.x) > 1, truncated: false };
  }
}

/** Pushes away from the origin: output neuron 0 (push) fires at every sub-step while x > 0, neuron 1 (pull) while x <= 0. */
export function bangBangPolicy(substeps = 4): SpikingPolicy & { resets: number } {
  const p = {
    layerSizes: [2, 2] as const,
    substeps,
    resets: 0,
    reset() {
      p.resets++;
    },
    step(obs: Float64Array): { action: Float64Array; spikes: SpikeLayerEvents[] } {
      const n = obs[0]! > 0 ? 0 : 1;
      const ev: SpikeLayerEvents = {
        layer: 1,
        neurons: new Uint32Array(substeps).fill(n),
        times: Uint16Array.from({ length: substeps }, (_, k) => k),
      };
      return { action: Float64Array.of(n === 0 ? 1 : -1), spikes: [ev] };
    },
  };
  return p;
}
