/**
 * Population coding of continuous observations with Gaussian receptive fields.
 *
 *   dimension d, neuron i = 0..N−1:   μ_{d,i} = low_d + i·(high_d − low_d)/(N − 1)
 *                                     σ_d     = width · (high_d − low_d)/(N − 1)
 *   current  I_{d·N+i} = peak · exp(−½ ((clip(x_d) − μ_{d,i}) / σ_d)²)
 *
 * Neuron order is dimension-major: neuron index = d·N + i. Finite values outside [low, high] are
 * clipped, so the edge neurons saturate instead of the whole population going silent. NaN and
 * ±Infinity are refused with an error naming the dimension: they mean the world blew up (envs end
 * such an episode, envs/physicsEnv.ts), and saturating would hide that behind a plausible action. The currents drive
 * the first layer directly, or `PopulationSpikeEncoder` turns them into spikes over the sub-steps
 * of a control period with one integrate-and-fire (first-order sigma-delta) unit per neuron.
 * Reference: Bohte, Kok & La Poutré, "Error-backpropagation in temporally encoded networks of
 * spiking neurons", Neurocomputing 2002 (Gaussian receptive-field population coding).
 */

export interface PopulationOptions {
  /** Lower end of each observation dimension's range (finite). */
  low: ArrayLike<number>;
  /** Upper end of each observation dimension's range (finite, > low). */
  high: ArrayLike<number>;
  /** Receptive fields per dimension (≥ 2). */
  neuronsPerDim: number;
  /** σ as a multiple of the spacing between centres. */
  width: number;
  /** Current at the centre of a receptive field. */
  peak: number;
}

export const DEFAULT_POPULATION: Readonly<Omit<PopulationOptions, 'low' | 'high'>> = Object.freeze({
  neuronsPerDim: 10,
  width: 1,
  peak: 1,
});

export interface PopulationCode {
  readonly dims: number;
  readonly neuronsPerDim: number;
  /** dims · neuronsPerDim. */
  readonly size: number;
  readonly low: Float64Array;
  readonly high: Float64Array;
  /** Centres, index d·N + i. */
  readonly centers: Float64Array;
  /** σ per dimension. */
  readonly sigmas: Float64Array;
  readonly peak: number;
}

/** Builds the receptive fields; throws naming the dimension when a range is not finite or empty. */
export function createPopulationCode(opts: Pick<PopulationOptions, 'low' | 'high'> & Partial<PopulationOptions>): PopulationCode {
  const o = { ...DEFAULT_POPULATION, ...opts };
  const dims = o.low.length;
  if (o.high.length !== dims) throw new Error(`population: low has ${dims} dimensions, high has ${o.high.length}`);
  if (dims === 0) throw new Error('population: at least one dimension is needed');
  if (!Number.isInteger(o.neuronsPerDim) || o.neuronsPerDim < 2) {
    throw new Error(`population: neuronsPerDim must be an integer >= 2, got ${o.neuronsPerDim}`);
  }
  if (!(o.width > 0)) throw new Error(`population: width must be > 0, got ${o.width}`);
  if (!Number.isFinite(o.peak)) throw new Error(`population: peak must be finite, got ${o.peak}`);
  const N = o.neuronsPerDim;
  const low = Float64Array.from(o.low);
  const high = Float64Array.from(o.high);
  const centers = new Float64Array(dims * N);
  const sigmas = new Float64Array(dims);
  for (let d = 0; d < dims; d++) {
    if (!Number.isFinite(low[d]!) || !Number.isFinite(high[d]!)) {
      throw new Error(
        `population: dimension ${d} range [${low[d]}, ${high[d]}] must be finite (give explicit bounds for unbounded observations)`,
      );
    }
    if (!(high[d]! > low[d]!)) throw new Error(`population: dimension ${d} needs high > low, got [${low[d]}, ${high[d]}]`);
    const spacing = (high[d]! - low[d]!) / (N - 1);
    sigmas[d] = o.width * spacing;
    for (let i = 0; i < N; i++) centers[d * N + i] = low[d]! + i * spacing;
  }
  return { dims, neuronsPerDim: N, size: dims * N, low, high, centers, sigmas, peak: o.peak };
}

/** Input currents for one observation (pure; writes into `out` when given). */
export function populationEncode(
  code: PopulationCode,
  x: ArrayLike<number>,
  out: Float32Array = new Float32Array(code.size),
): Float32Array {
  if (x.length !== code.dims) throw new Error(`population: observation has ${x.length} values, the code expects ${code.dims}`);
  if (out.length !== code.size) throw new Error(`population: output has ${out.length} slots, the code has ${code.size} neurons`);
  const N = code.neuronsPerDim;
  for (let d = 0; d < code.dims; d++) {
    const xd = x[d]!;
    if (!Number.isFinite(xd)) throw new Error(`population: observation dimension ${d} is ${xd} (not finite)`);
    const v = xd < code.low[d]! ? code.low[d]! : xd > code.high[d]! ? code.high[d]! : xd;
    const inv = 1 / code.sigmas[d]!;
    for (let i = 0; i < N; i++) {
      const z = (v - code.centers[d * N + i]!) * inv;
      out[d * N + i] = code.peak * Math.exp(-0.5 * z * z);
    }
  }
  return out;
}

/**
 * Spikes from population currents: each neuron integrates `current · maxRate` per sub-step and
 * fires when the integral reaches 1 (subtractive reset), so a neuron at the centre of its field
 * fires `peak · maxRate` spikes per sub-step on average. Stateful across sub-steps and control
 * steps (the remainder carries over, which keeps the long-run rate exact); `reset()` clears it.
 */
export class PopulationSpikeEncoder {
  readonly code: PopulationCode;
  readonly maxRate: number;
  private readonly v: Float64Array;
  private readonly currents: Float32Array;

  constructor(code: PopulationCode, maxRate = 0.5) {
    if (!(maxRate > 0 && maxRate <= 1)) throw new Error(`population spikes: maxRate must be in (0, 1] spikes per sub-step, got ${maxRate}`);
    this.code = code;
    this.maxRate = maxRate;
    this.v = new Float64Array(code.size);
    this.currents = new Float32Array(code.size);
  }

  reset(): void {
    this.v.fill(0);
  }

  /** Sets the observation that drives the following sub-steps. */
  setObservation(x: ArrayLike<number>): void {
    populationEncode(this.code, x, this.currents);
  }

  /** One sub-step: writes 0/1 into `out` and returns it. */
  step(out: Float32Array = new Float32Array(this.code.size)): Float32Array {
    const { v, currents, maxRate } = this;
    for (let k = 0; k < v.length; k++) {
      const vk = v[k]! + currents[k]! * maxRate;
      if (vk >= 1) {
        out[k] = 1;
        v[k] = vk - 1;
      } else {
        out[k] = 0;
        v[k] = vk;
      }
    }
    return out;
  }
}
