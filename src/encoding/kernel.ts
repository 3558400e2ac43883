/**
 * The first-order synaptic (PSP) kernel ε shared by labels, decoders and inference
 * (DESIGN §2, ARCHITECTURE "Neuron model"):
 *
 *   a[t] = α·a[t−1] + c·x[t]        α = 1 − 1/τs (or given), c = 1 ('none') or 1/τs ('unit-area')
 *
 * ε[k] = c·α^k, so Σ_k ε[k] = c·τs: with 'unit-area' a steady rate of r spikes per step gives
 * a PSP of r. Options, defaults and `resolvePsp` are the neuron models' (`src/neurons/defaults.ts`). Reference: Zhang & Li, "Temporal Spike Sequence Learning via Backpropagation" (TSSL-BP), NeurIPS 2020.
 */
import type { ResolvedPsp } from '../neurons/defaults.ts';

/** ε∗x along the rows (time) of a `[T, N]` row-major array; returns a new float64 array. */
export function pspFilterRows(x: ArrayLike<number>, rows: number, cols: number, kernel: Pick<ResolvedPsp, 'alpha' | 'c'>): Float64Array {
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
