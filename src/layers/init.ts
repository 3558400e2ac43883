/**
 * Seeded weight initialisation. Kaiming-uniform as PyTorch's default for Linear/Conv2d
 * (`kaiming_uniform_(a=√5)`): U(−b, b) with b = gain·√(6 / ((1 + a²)·fanIn)) = gain / √fanIn,
 * times the layer's `weightScale` (TSSL-BP scales conv weights by 5; the PyTorch bench by its gain).
 * Reference: He et al., "Delving deep into rectifiers", ICCV 2015.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/random.ts';

export function kaimingUniform(shape: readonly number[], fanIn: number, weightScale: number, rng: Rng): tf.Tensor {
  const bound = weightScale / Math.sqrt(fanIn);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.uniform(-bound, bound);
  return tf.tensor(v, [...shape], 'float32');
}

/** PyTorch's bias init for the same layers: U(−1/√fanIn, 1/√fanIn). */
export function biasUniform(size: number, fanIn: number, rng: Rng): tf.Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.uniform(-bound, bound);
  return tf.tensor1d(v, 'float32');
}
