import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { repeatOverTime } from '../../src/layers/reshape.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('repeatOverTime', () => {
  it('repeats a conv-shaped map over T and its gradient is the sum of the per-step gradients', () => {
    const x = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 1);
    const w = tf.randomNormal([4, 2, 3, 3, 2], 0, 1, 'float32', 2);
    const y = repeatOverTime(x, 4);
    expect(y.shape).toEqual([4, 2, 3, 3, 2]);
    for (let t = 0; t < 4; t++) expect(Array.from(y.slice(t, 1).dataSync())).toEqual(Array.from(x.dataSync()));
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(repeatOverTime(v, 4), w)))(x);
    const expected = tf.sum(w, 0);
    const diff = tf.max(tf.abs(tf.sub(g, expected))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-5);
  });
});
