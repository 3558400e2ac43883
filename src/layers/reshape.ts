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
 * `[B, ...]` → `[T, B, ...]`, the same value at every step. Both directions go through a rank-2
 * `[T, size]` view: the forward as a concat of T copies (tfjs-wasm's Tile is a slow generic loop),
 * the gradient as a sum over axis 0 of that view (a sum over axis 0 of the rank-5 conv gradient
 * transposes it first, ~30× slower; bench/notes/2026-12-02-speed.md).
 */
export function repeatOverTime(x: tf.Tensor, T: number): tf.Tensor {
  const shape = x.shape;
  const repeat = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const v = args[0] as tf.Tensor;
    const flat = tf.reshape(v, [1, v.size]);
    return {
      value: tf.reshape(T === 1 ? flat : tf.concat(new Array<tf.Tensor>(T).fill(flat), 0), [T, ...shape]),
      gradFunc: (dy: tf.Tensor) => tf.reshape(tf.sum(tf.reshape(dy, [T, v.size]), 0), shape),
    };
  });
  return repeat(x);
}
