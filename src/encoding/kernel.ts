/**
 * The first-order synaptic (PSP) kernel ε shared by labels, decoders and inference
 * (DESIGN §2, ARCHITECTURE "Neuron model"):
 *
 *   a[t] = α·a[t−1] + c·x[t]        α = 1 − 1/τs (or given), c = 1 ('none') or 1/τs ('unit-area')
 *
 * ε[k] = c·α^k, so Σ_k ε[k] = c·τs: with 'unit-area' a steady rate of r spikes per step gives
 * a PSP of r. Reference: Zhang & Li, "Temporal Spike Sequence Learning via Backpropagation" (TSSL-BP), NeurIPS 2020.
 */
export interface PspKernelOptions {
  /** Synaptic time constant in SNN steps. */
  tauSyn: number;
  /** Decay per step; defaults to 1 − 1/tauSyn. */
  alpha?: number;
  scale: 'none' | 'unit-area';
}

export const DEFAULT_PSP_KERNEL: Readonly<PspKernelOptions> = Object.freeze({ tauSyn: 5, scale: 'unit-area' });

export interface PspKernel {
  readonly alpha: number;
  /** Input scale c. */
  readonly c: number;
  /** Σ_k ε[k] = c / (1 − α): the PSP of one spike per step, held forever. */
  readonly area: number;
}

/** Resolves options to the two numbers of the filter, with clear errors for impossible values. */
export function resolvePspKernel(opts: Partial<PspKernelOptions> = {}): PspKernel {
  const o = { ...DEFAULT_PSP_KERNEL, ...opts };
  if (!(o.tauSyn >= 1)) throw new Error(`psp: tauSyn must be >= 1 step, got ${o.tauSyn}`);
  const alpha = o.alpha ?? 1 - 1 / o.tauSyn;
  if (!(alpha >= 0 && alpha < 1)) throw new Error(`psp: alpha must be in [0, 1), got ${alpha}`);
  if (o.scale !== 'none' && o.scale !== 'unit-area') throw new Error(`psp: scale must be 'none' or 'unit-area', got ${String(o.scale)}`);
  const c = o.scale === 'unit-area' ? 1 / o.tauSyn : 1;
  return { alpha, c, area: c / (1 - alpha) };
}

/** ε∗x along the rows (time) of a `[T, N]` row-major array; returns a new float64 array. */
export function pspFilterRows(x: ArrayLike<number>, rows: number, cols: number, kernel: PspKernel): Float64Array {
  const out = new Float64Array(rows * cols);
  const { alpha, c } = kernel;
  for (let i = 0; i < cols; i++) {
    let a = 0;
    for (let t = 0; t < rows; t++) {
      a = alpha * a + c * x[t * cols + i]!;
      out[t * cols + i] = a;
    }
  }
  return out;
}
