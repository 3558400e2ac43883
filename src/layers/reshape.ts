/** Merging and splitting the time and batch axes, so that per-step transforms run as one op. */
import * as tf from '@tensorflow/tfjs';
import type { Signal } from './types.ts';

/**
 * Applies a per-sample transform `[N, ...] → [N, ...']` to every step of a signal with one op:
 * `[T, B, ...]` is reshaped to `[T·B, ...]`; a static `[B, ...]` signal is transformed once.
 */
export function mapSamples(sig: Signal, f: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (sig.static) return f(sig.x);
  const [T, B, ...rest] = sig.x.shape;
  const y = f(tf.reshape(sig.x, [T! * B!, ...rest]));
  return tf.reshape(y, [T!, B!, ...y.shape.slice(1)]);
}

/** `[B, ...]` → `[T, B, ...]`, the same value at every step. */
export function repeatOverTime(x: tf.Tensor, T: number): tf.Tensor {
  // via a rank-2 view: tfjs has no tile gradient above rank 4 (conv maps are [B, H, W, C])
  return tf.reshape(tf.broadcastTo(tf.reshape(x, [1, x.size]), [T, x.size]), [T, ...x.shape]);
}
