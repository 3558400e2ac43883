/**
 * How close an output raster is to a target raster, both time-major `[T, neurons]` 0/1 arrays
 * (the metrics of the Oxford spike-to-spike task, ../shared/data/oxford/README.md):
 *
 *   van Rossum   D(out, target) / D(target, 0), D(a, b) = √(Σ_t Σ_i (ε∗a − ε∗b)[t,i]²),
 *                ε[k] = e^(−k/τ) (the continuous kernel e^(−t/τ) sampled per step; τ = 5 steps)
 *   counts       total:      |N_out − N_target| / N_target
 *                per neuron: Σ_i |n_out,i − n_target,i| / N_target
 *   matching     per neuron, each target spike in time order takes the nearest output spike within
 *                ±window steps not yet taken (ties: the earlier one): greedy one-to-one.
 *                hit share = matched / N_target; unmatched share = (N_out − matched) / N_out
 *
 * With these definitions SLAYER's released Oxford output scores 0.836 / 55.2% / 43.8%, as
 * published with the data. Reference: van Rossum, "A novel spike distance", Neural Comput. 2001.
 */
import { vanRossumDistance } from '../loss/spikeSequence.ts';

/** A time-major raster: `data[t * neurons + i]` is 1 when neuron i spikes at step t, else 0. */
export interface RasterLike {
  T: number;
  neurons: number;
  data: ArrayLike<number>;
}

export interface SpikeMetricsOptions {
  /** Time constant of the van Rossum kernel, in steps. */
  tauSteps: number;
  /** A target spike is hit by an output spike at most this many steps away. */
  windowSteps: number;
}

export const DEFAULT_SPIKE_METRICS: Readonly<SpikeMetricsOptions> = Object.freeze({ tauSteps: 5, windowSteps: 2 });

export interface SpikeMetrics {
  targetSpikes: number;
  outputSpikes: number;
  /** Van Rossum distance divided by the target's own norm (0 = identical, 1 = as far as silence). */
  vanRossum: number;
  totalCountError: number;
  perNeuronCountError: number;
  matched: number;
  /** Share of target spikes matched within ±window steps. */
  hitShare: number;
  /** Share of output spikes left unmatched (1 − precision; 0 when the output is silent). */
  unmatchedShare: number;
}

function check(target: RasterLike, out: RasterLike): void {
  for (const [name, r] of [
    ['target', target],
    ['output', out],
  ] as const) {
    if (!Number.isInteger(r.T) || r.T < 1 || !Number.isInteger(r.neurons) || r.neurons < 1)
      throw new Error(`spikeMetrics: ${name} raster has T = ${r.T}, neurons = ${r.neurons}`);
    if (r.data.length !== r.T * r.neurons)
      throw new Error(`spikeMetrics: ${name} raster has ${r.data.length} values for T = ${r.T} × ${r.neurons} neurons`);
    for (let k = 0; k < r.data.length; k++) {
      const v = r.data[k];
      if (v !== 0 && v !== 1)
        throw new Error(
          `spikeMetrics: ${name} raster has value ${v} at step ${Math.floor(k / r.neurons)}, neuron ${k % r.neurons}; rasters are 0/1`,
        );
    }
  }
  if (target.T !== out.T || target.neurons !== out.neurons) {
    throw new Error(`spikeMetrics: output raster is [${out.T}, ${out.neurons}], target is [${target.T}, ${target.neurons}]`);
  }
}

/** Spike steps of neuron i in time order. */
function spikeTimes(r: RasterLike, i: number): number[] {
  const times: number[] = [];
  for (let t = 0; t < r.T; t++) if (r.data[t * r.neurons + i]) times.push(t);
  return times;
}

/** Greedy one-to-one matches between two sorted spike-time lists (see the file header). */
export function greedyMatches(targetTimes: readonly number[], outTimes: readonly number[], windowSteps: number): number {
  const taken = new Uint8Array(outTimes.length);
  let lo = 0;
  let matched = 0;
  for (const t of targetTimes) {
    while (lo < outTimes.length && outTimes[lo]! < t - windowSteps) lo++;
    let best = -1;
    for (let j = lo; j < outTimes.length && outTimes[j]! <= t + windowSteps; j++) {
      if (!taken[j] && (best < 0 || Math.abs(outTimes[j]! - t) < Math.abs(outTimes[best]! - t))) best = j;
    }
    if (best >= 0) {
      taken[best] = 1;
      matched++;
    }
  }
  return matched;
}

/** All metrics of `out` against `target`; both rasters must be 0/1 and of one shape. */
export function spikeMetrics(target: RasterLike, out: RasterLike, opts: Partial<SpikeMetricsOptions> = {}): SpikeMetrics {
  const o = { ...DEFAULT_SPIKE_METRICS, ...opts };
  if (!(o.tauSteps > 0)) throw new Error(`spikeMetrics: tauSteps must be > 0, got ${o.tauSteps}`);
  if (!(Number.isInteger(o.windowSteps) && o.windowSteps >= 0))
    throw new Error(`spikeMetrics: windowSteps must be an integer >= 0, got ${o.windowSteps}`);
  check(target, out);
  let targetSpikes = 0;
  let outputSpikes = 0;
  let perNeuron = 0;
  let matched = 0;
  for (let i = 0; i < target.neurons; i++) {
    const tt = spikeTimes(target, i);
    const ot = spikeTimes(out, i);
    targetSpikes += tt.length;
    outputSpikes += ot.length;
    perNeuron += Math.abs(ot.length - tt.length);
    matched += greedyMatches(tt, ot, o.windowSteps);
  }
  const kernel = { tauSyn: Math.max(1, o.tauSteps), alpha: Math.exp(-1 / o.tauSteps), scale: 'none' as const };
  const norm = vanRossumDistance(target.data, new Float64Array(target.data.length), target.T, kernel);
  const dist = vanRossumDistance(out.data, target.data, target.T, kernel);
  const perTarget = (x: number): number => (targetSpikes > 0 ? x / targetSpikes : x === 0 ? 0 : Infinity);
  return {
    targetSpikes,
    outputSpikes,
    vanRossum: norm > 0 ? dist / norm : dist === 0 ? 0 : Infinity,
    totalCountError: perTarget(Math.abs(outputSpikes - targetSpikes)),
    perNeuronCountError: perTarget(perNeuron),
    matched,
    hitShare: targetSpikes > 0 ? matched / targetSpikes : 1,
    unmatchedShare: outputSpikes > 0 ? (outputSpikes - matched) / outputSpikes : 0,
  };
}
