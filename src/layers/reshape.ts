/** Merging and splitting the time and batch axes, so that per-step transforms run as one op. */
import * as tf from '@tensorflow/tfjs-core';
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

/**
 * `[B, ...]` → `[T, B, ...]`, the same value at every step. The gradient is the sum over the time
 * axis, written out: broadcastTo's own gradient slices the time axis once per step, and on the
 * wasm backend every slice copies the whole gradient out of the heap (~15% of a conv step).
 */
export function repeatOverTime(x: tf.Tensor, T: number): tf.Tensor {
  const shape = x.shape;
  const repeat = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const v = args[0] as tf.Tensor;
    return {
      // via a rank-2 view: tfjs has no tile gradient above rank 4 (conv maps are [B, H, W, C])
      value: tf.reshape(tf.broadcastTo(tf.reshape(v, [1, v.size]), [T, v.size]), [T, ...shape]),
      gradFunc: (dy: tf.Tensor) => tf.sum(dy, 0),
    };
  });
  return repeat(x);
}
