import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { denseMatMul } from '../../src/kernels/denseMatMul.ts';
import { createRng } from '../../src/util/random.ts';

afterAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function uniform(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

function relErr(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let err = 0;
  let scale = 1e-30;
  for (let i = 0; i < ref.length; i++) {
    err = Math.max(err, Math.abs(x[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return err / scale;
}

function products(f: (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D, R: number, nIn: number, out: number) {
  return tf.tidy(() => {
    const x = tf.tensor2d(uniform(R * nIn, 1), [R, nIn]);
    const w = tf.tensor2d(uniform(nIn * out, 2), [nIn, out]);
    const g = tf.tensor2d(uniform(R * out, 3), [R, out]);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D), g)))([x, w]);
    return [f(x, w).dataSync(), dx!.dataSync(), dw!.dataSync()];
  });
}

describe.each(['wasm', 'cpu'] as const)('denseMatMul on %s', (backend) => {
  it('value and both gradients equal tf.matMul’s', async () => {
    await initBackend({ backend, quiet: true });
    for (const [R, nIn, out] of [
      [30, 70, 9],
      [5, 3, 1],
      [64, 128, 32],
    ] as const) {
      const ours = products(denseMatMul, R, nIn, out);
      const ref = products((x, w) => tf.matMul(x, w), R, nIn, out);
      ours.forEach((v, i) => expect(relErr(v, ref[i]!)).toBeLessThan(1e-5));
    }
  });

  it('the weight gradient alone transposes x only (the input gradient is never computed)', async () => {
    await initBackend({ backend, quiet: true });
    const x = tf.tensor2d(uniform(20 * 8, 4), [20, 8]);
    const w = tf.variable(tf.tensor2d(uniform(8 * 3, 5), [8, 3]));
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(denseMatMul(x, w)) as tf.Scalar, [w]);
      tf.dispose([value, ...Object.values(grads)]);
    });
    expect(profile.kernelNames.filter((k) => k === 'Transpose')).toHaveLength(1);
    expect(profile.kernels.filter((k) => k.name === 'Transpose')[0]!.inputShapes[0]).toEqual([20, 8]);
    tf.dispose([x, w]);
  });

  it('names a shape mismatch', () => {
    expect(() => denseMatMul(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([4, 1]) as tf.Tensor2D)).toThrow(
      /denseMatMul: x has 3 features but W has 4 rows/,
    );
  });
});
