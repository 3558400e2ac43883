import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { avgPoolGradHeap, avgPoolHeap, avgPoolPlan, type PoolAttrs } from '../../src/kernels/avgPoolHeap.ts';
import { kernelPoolCounts, setKernelThreads, setSplitPolicy } from '../../src/kernels/kernelPool.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true, threads: 2 });
});
afterEach(() => setSplitPolicy('adaptive'));
afterAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal(0, 1));
}

/** avgPool's value and its gradient under the weights `w`, on one backend (the cpu backend is the reference). */
async function poolOn(
  backend: 'cpu' | 'wasm',
  x: Float32Array,
  shape: number[],
  k: [number, number],
  pad: 'valid' | 'same',
  w: Float32Array,
) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, shape as [number, number, number, number]);
    const f = (v: tf.Tensor) => tf.avgPool(v as tf.Tensor4D, k, k, pad);
    const y = f(xt);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), tf.tensor(w.subarray(0, y.size), y.shape))))(xt);
    return { yShape: y.shape, y: y.dataSync().slice() as Float32Array, g: g.dataSync().slice() as Float32Array };
  });
}

const maxRelDiff = (a: Float32Array, b: Float32Array): number => {
  let scale = 1e-6;
  let d = 0;
  a.forEach((v, i) => {
    scale = Math.max(scale, Math.abs(v));
    d = Math.max(d, Math.abs(v - b[i]!));
  });
  return d / scale;
};

describe('avgPoolPlan', () => {
  const attrs = (k: number | [number, number], s: number | [number, number], pad: PoolAttrs['pad']): PoolAttrs => ({
    filterSize: k,
    strides: s,
    pad,
  });
  it('covers non-overlapping unpadded windows, leftover rows and columns included', () => {
    expect(avgPoolPlan([160, 32, 32, 32], attrs(2, 2, 'valid'))?.outShape).toEqual([160, 16, 16, 32]);
    expect(avgPoolPlan([2, 7, 9, 3], attrs([2, 3], [2, 3], 'valid'))?.outShape).toEqual([2, 3, 3, 3]);
    // 'same' with windows that tile the input exactly needs no padding
    expect(avgPoolPlan([1, 8, 8, 4], attrs(2, 2, 'same'))?.outShape).toEqual([1, 4, 4, 4]);
  });
  it('leaves overlapping, strided-apart and padded windows to the previous kernel', () => {
    expect(avgPoolPlan([1, 8, 8, 4], attrs(3, 2, 'valid'))).toBeUndefined();
    expect(avgPoolPlan([1, 8, 8, 4], attrs(2, 1, 'valid'))).toBeUndefined();
    expect(avgPoolPlan([1, 8, 8, 4], attrs(2, 3, 'valid'))).toBeUndefined();
    expect(avgPoolPlan([1, 7, 7, 4], attrs(2, 2, 'same'))).toBeUndefined();
    expect(avgPoolPlan([1, 8, 8, 4], attrs(2, 2, 1))).toBeUndefined();
  });
});

describe('the in-heap average pool kernels', () => {
  const cases: Array<{ shape: number[]; k: [number, number]; pad: 'valid' | 'same' }> = [
    { shape: [3, 8, 8, 32], k: [2, 2], pad: 'valid' },
    { shape: [2, 7, 9, 11], k: [2, 3], pad: 'valid' }, // leftover rows and columns, a scalar channel tail
    { shape: [2, 6, 6, 5], k: [3, 3], pad: 'same' },
    { shape: [1, 5, 4, 1], k: [1, 2], pad: 'valid' },
  ];
  for (const { shape, k, pad } of cases) {
    it(`value and gradient equal the cpu backend's: [${shape.join(', ')}], ${k.join('×')} '${pad}'`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = randomArray(n, 1);
      const w = randomArray(n, 2);
      const cpu = await poolOn('cpu', x, shape, k, pad, w);
      const wasm = await poolOn('wasm', x, shape, k, pad, w);
      expect(wasm.yShape).toEqual(cpu.yShape);
      expect(maxRelDiff(cpu.y, wasm.y)).toBeLessThan(1e-6);
      expect(maxRelDiff(cpu.g, wasm.g)).toBeLessThan(1e-6);
    });
  }

  it('run on the heap for a covered call (not the fallback), with the same result as the tfjs-wasm kernel', () => {
    const x = tf.tensor(randomArray(2 * 6 * 4 * 8, 3), [2, 6, 4, 8]);
    const dy = tf.tensor(randomArray(2 * 3 * 2 * 8, 4), [2, 3, 2, 8]);
    const attrs = { filterSize: 2, strides: 2, pad: 'valid' } as unknown as tf.NamedAttrMap;
    const backend = tf.backend();
    const y = avgPoolHeap({ inputs: { x }, backend, attrs });
    const dx = avgPoolGradHeap({ inputs: { dy, input: x }, backend, attrs });
    expect(y && dx).toBeDefined();
    const [yt, dxt] = [y!, dx!].map((i) => tf.engine().makeTensorFromTensorInfo(i));
    const want = tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid');
    expect(Array.from(yt!.dataSync())).toEqual(Array.from(want.dataSync()));
    // gradient: each input pixel of the pooled area gets a quarter of its window's dy
    const g = dy.dataSync();
    const got = dxt!.dataSync();
    for (let b = 0; b < 2; b++)
      for (let h = 0; h < 6; h++)
        for (let c = 0; c < 4; c++)
          for (let ch = 0; ch < 8; ch++) {
            const dyAt = ((b * 3 + (h >> 1)) * 2 + (c >> 1)) * 8 + ch;
            expect(got[((b * 6 + h) * 4 + c) * 8 + ch]).toBe(Math.fround(g[dyAt]! * 0.25));
          }
    tf.dispose([x, dy, yt!, dxt!, want]);
  });

  it('give the same values bit for bit split between two threads and whole', async () => {
    await tf.setBackend('wasm');
    setKernelThreads(2);
    const shape: [number, number, number, number] = [16, 32, 32, 32];
    const n = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor4d(randomArray(n, 5), shape);
    const w = tf.tensor(randomArray(n / 4, 6), [16, 16, 16, 32]);
    const run = (policy: 'always' | 'never') => {
      setSplitPolicy(policy);
      return tf.tidy(() => {
        const f = (v: tf.Tensor) => tf.avgPool(v as tf.Tensor4D, 2, 2, 'valid');
        const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), w)))(x);
        return [f(x).dataSync().slice(), g.dataSync().slice()];
      });
    };
    const split0 = kernelPoolCounts().split;
    const split = run('always');
    expect(kernelPoolCounts().split).toBeGreaterThan(split0);
    const whole = run('never');
    expect(Array.from(split[0]!)).toEqual(Array.from(whole[0]!));
    expect(Array.from(split[1]!)).toEqual(Array.from(whole[1]!));
    tf.dispose([x, w]);
  });
});
