/**
 * Spike-sequence (van Rossum-like) loss between output and desired trains `[T, B, N]` (DESIGN §2):
 *
 *   L = ½ Σ_t Σ_b Σ_i (ε∗o − ε∗d)[t,b,i]²            reduction 'sum'
 *   L = mean_{t,b,i} (ε∗o − ε∗d)²                      reduction 'mean' (= PyTorch `mse_loss`, the bench's loss)
 *
 * ε∗ is the first-order PSP filter a[t] = α·a[t−1] + c·x[t] (kernel 'first-order', ε[k] = c·α^k), or
 * that filter applied twice (kernel 'alpha', ε[k] = c²·(k+1)·α^k: it rises, peaks at k ≈ τs − 1 and
 * decays, the discrete alpha kernel of SLAYER's second-order SpikeTime loss; 'unit-area' keeps unit
 * area). Being linear, ε∗o − ε∗d = ε∗(o − d), so the fused filter op carries the backward: the error
 * filtered backwards in time (twice for 'alpha').
 * `vanRossumDistance` is the same quantity on typed arrays, D = √(Σ (ε∗a − ε∗b)²) = √(2·L_sum),
 * for metrics and tests. Reference: van Rossum, "A novel spike distance", Neural Comput. 2001;
 * Zhang & Li, TSSL-BP, NeurIPS 2020.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pspTB } from '../layers/neuronOps.ts';
import { resolvePsp, type LayerPspOptions } from '../layers/neuronOptions.ts';
import { DEFAULT_PSP } from '../neurons/defaults.ts';

export interface SpikeSequenceLossOptions {
  psp: Partial<LayerPspOptions>;
  /** 'first-order': the PSP filter once; 'alpha': twice (second order, SLAYER-style). */
  kernel: 'first-order' | 'alpha';
  reduction: 'sum' | 'mean';
}

export const DEFAULT_SPIKE_SEQUENCE_LOSS: Readonly<SpikeSequenceLossOptions> = Object.freeze({
  psp: DEFAULT_PSP,
  kernel: 'first-order',
  reduction: 'sum',
});

export function sameShape(a: tf.Tensor, b: tf.Tensor, what: string): void {
  if (a.shape.join(',') !== b.shape.join(',')) {
    throw new Error(`${what}: output shape [${a.shape.join(', ')}] differs from target shape [${b.shape.join(', ')}]`);
  }
}

/** Scalar spike-sequence loss; example: `spikeSequenceLoss(out.spikes, labelTrains, {reduction: 'mean'})`. */
export function spikeSequenceLoss(outSpikes: tf.Tensor, desiredSpikes: tf.Tensor, opts: Partial<SpikeSequenceLossOptions> = {}): tf.Scalar {
  const o = { ...DEFAULT_SPIKE_SEQUENCE_LOSS, ...opts };
  sameShape(outSpikes, desiredSpikes, 'spikeSequenceLoss');
  if (o.kernel !== 'first-order' && o.kernel !== 'alpha')
    throw new Error(`spikeSequenceLoss: kernel must be 'first-order' or 'alpha', got ${JSON.stringify(o.kernel)}`);
  const psp = resolvePsp(o.psp);
  return tf.tidy(() => {
    const once = pspTB(tf.sub(outSpikes, desiredSpikes), psp);
    const diff = o.kernel === 'alpha' ? pspTB(once, psp) : once;
    const sq = tf.square(diff);
    return (o.reduction === 'sum' ? tf.mul(0.5, tf.sum(sq)) : tf.mean(sq)) as tf.Scalar;
  });
}

/**
 * Van Rossum distance between two time-major trains given as `[T, N]` row-major arrays:
 * D = √(Σ_t Σ_i (ε∗a − ε∗b)[t,i]²).
 */
export function vanRossumDistance(a: ArrayLike<number>, b: ArrayLike<number>, T: number, psp: Partial<LayerPspOptions> = {}): number {
  if (a.length !== b.length) throw new Error(`vanRossumDistance: trains have ${a.length} and ${b.length} values`);
  if (!(T >= 1) || a.length % T !== 0) throw new Error(`vanRossumDistance: ${a.length} values do not split into T=${T} steps`);
  const { alpha, c } = resolvePsp(psp);
  const N = a.length / T;
  let sum = 0;
  for (let i = 0; i < N; i++) {
    let acc = 0;
    for (let t = 0; t < T; t++) {
      acc = alpha * acc + c * (a[t * N + i]! - b[t * N + i]!);
      sum += acc * acc;
    }
  }
  return Math.sqrt(sum);
}
