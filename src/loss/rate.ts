/**
 * Rate and count losses on output spikes `[T, B, N]` (DESIGN §2, §5):
 *
 *   rateLoss:        L = ½ Σ_b Σ_i (Σ_t o/T − r)²            r: target rates [B, N] in spikes per step
 *   spikeCountLoss:  L = ½ Σ_b Σ_i e², e = Σ_t o − n          n: target counts [B, N]
 *                    oneSided (TSSL-BP): e = 0 when the target neuron fires more than asked
 *                    (n is its row's maximum) or another neuron fires less than asked
 *
 * reduction 'sum' as written, 'mean' divides by B. Gradients flow through the fused LIF op.
 * Reference: Wu et al., STBP, Front. Neurosci. 2018 (rate labels); Zhang & Li, TSSL-BP, NeurIPS 2020 (count loss).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface RateLossOptions {
  reduction: 'sum' | 'mean';
}

export const DEFAULT_RATE_LOSS: Readonly<RateLossOptions> = Object.freeze({ reduction: 'sum' });

export interface SpikeCountLossOptions {
  reduction: 'sum' | 'mean';
  oneSided: boolean;
}

export const DEFAULT_SPIKE_COUNT_LOSS: Readonly<SpikeCountLossOptions> = Object.freeze({ reduction: 'sum', oneSided: false });

function checkTargets(outSpikes: tf.Tensor, targets: tf.Tensor, what: string): void {
  if (outSpikes.rank !== 3) throw new Error(`${what}: output spikes must be [T, B, N], got [${outSpikes.shape.join(', ')}]`);
  if (targets.shape.join(',') !== outSpikes.shape.slice(1).join(',')) {
    throw new Error(`${what}: targets must be [B, N] = [${outSpikes.shape.slice(1).join(', ')}], got [${targets.shape.join(', ')}]`);
  }
}

function reduce(sq: tf.Tensor, reduction: 'sum' | 'mean', B: number): tf.Scalar {
  const s = tf.mul(0.5, tf.sum(sq));
  return (reduction === 'sum' ? s : tf.div(s, B)) as tf.Scalar;
}

/** Rate-label loss; example: `rateLoss(out.spikes, rateTargets)`. */
export function rateLoss(outSpikes: tf.Tensor, targetRates: tf.Tensor, opts: Partial<RateLossOptions> = {}): tf.Scalar {
  const o = { ...DEFAULT_RATE_LOSS, ...opts };
  checkTargets(outSpikes, targetRates, 'rateLoss');
  const T = outSpikes.shape[0]!;
  return tf.tidy(() => reduce(tf.square(tf.sub(tf.div(tf.sum(outSpikes, 0), T), targetRates)), o.reduction, outSpikes.shape[1]!));
}

/** Spike-count loss; example: `spikeCountLoss(out.spikes, counts, {oneSided: true})`. */
export function spikeCountLoss(outSpikes: tf.Tensor, targetCounts: tf.Tensor, opts: Partial<SpikeCountLossOptions> = {}): tf.Scalar {
  const o = { ...DEFAULT_SPIKE_COUNT_LOSS, ...opts };
  checkTargets(outSpikes, targetCounts, 'spikeCountLoss');
  return tf.tidy(() => {
    let err = tf.sub(tf.sum(outSpikes, 0), targetCounts);
    if (o.oneSided) {
      const isTarget = tf.equal(targetCounts, tf.max(targetCounts, 1, true));
      const ignore = tf.logicalOr(tf.logicalAnd(isTarget, tf.greater(err, 0)), tf.logicalAnd(tf.logicalNot(isTarget), tf.less(err, 0)));
      err = tf.where(ignore, tf.zerosLike(err), err);
    }
    return reduce(tf.square(err), o.reduction, outSpikes.shape[1]!);
  });
}
