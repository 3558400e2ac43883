import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { kernelPoolCounts, setKernelThreads, setSplitPolicy } from '../../src/kernels/kernelPool.ts';
import { sumHeap, sumPlan, transposeHeap, transposePlan } from '../../src/kernels/layoutHeap.ts';
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

/** `f(x)` on the cpu backend (the reference) and on wasm. */
async function onBoth(x: Float32Array | Int32Array, shape: number[], f: (t: tf.Tensor) => tf.Tensor) {
  const out: Array<{ shape: number[]; values: Float32Array | Int32Array | Uint8Array }> = [];
  for (const b of ['cpu', 'wasm'] as const) {
    await tf.setBackend(b);
    out.push(
      tf.tidy(() => {
        const y = f(tf.tensor(x, shape, x instanceof Int32Array ? 'int32' : 'float32'));
        return { shape: y.shape, values: y.dataSync().slice() };
      }),
    );
  }
  return { cpu: out[0]!, wasm: out[1]! };
}

describe('sumPlan and transposePlan', () => {
  it('cover sums over leading axes only', () => {
    expect(sumPlan([5, 32, 7], 0, false)).toEqual({ R: 5, N: 224, outShape: [32, 7] });
    expect(sumPlan([5, 32, 7], [1, 0], true)).toEqual({ R: 160, N: 7, outShape: [1, 1, 7] });
    expect(sumPlan([5, 32, 7], -3, false)?.R).toBe(5);
    expect(sumPlan([5, 32, 7], 1, false)).toBeUndefined();
    expect(sumPlan([5, 32, 7], [0, 1, 2], false)).toBeUndefined();
    expect(sumPlan([5, 32], [], false)).toBeUndefined();
  });
  it('cover permutations that are (batched) matrix transposes', () => {
    expect(transposePlan([4096, 256], [1, 0])).toEqual({ B: 1, R: 4096, N: 256, outShape: [256, 4096] });
    expect(transposePlan([3, 4, 5], [0, 2, 1])).toEqual({ B: 3, R: 4, N: 5, outShape: [3, 5, 4] });
    expect(transposePlan([3, 4, 5], [1, 2, 0])).toEqual({ B: 1, R: 3, N: 20, outShape: [4, 5, 3] });
    expect(transposePlan([2, 1, 4, 5], [0, 3, 1, 2])).toEqual({ B: 2, R: 4, N: 5, outShape: [2, 5, 1, 4] });
    expect(transposePlan([3, 4, 5], [0, 1, 2])).toBeUndefined();
    expect(transposePlan([3, 4, 5, 6], [3, 1, 2, 0])).toBeUndefined();
    expect(transposePlan([3, 4, 5], [2, 1, 0])).toBeUndefined();
  });
});

describe('the in-heap Sum and Transpose fast paths', () => {
  const sums: Array<{ shape: number[]; axis: number | number[]; keepDims: boolean }> = [
    { shape: [5, 1000], axis: 0, keepDims: false },
    { shape: [3, 7, 37], axis: [0, 1], keepDims: true },
    { shape: [200, 65], axis: 0, keepDims: false }, // 32-column blocks, then vectors, then a scalar column
    { shape: [4, 3, 2, 2], axis: 2, keepDims: false }, // not covered: the previous kernel
  ];
  for (const { shape, axis, keepDims } of sums) {
    it(`sum over [${shape.join(', ')}] axis ${String(axis)} equals the cpu backend's`, async () => {
      const x = randomArray(
        shape.reduce((a, b) => a * b, 1),
        1,
      );
      const { cpu, wasm } = await onBoth(x, shape, (t) => tf.sum(t, axis, keepDims));
      expect(wasm.shape).toEqual(cpu.shape);
      wasm.values.forEach((v, i) => expect(Math.abs(v - cpu.values[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(cpu.values[i]!))));
    });
  }

  const perms: Array<{ shape: number[]; perm: number[]; int?: boolean }> = [
    { shape: [37, 53], perm: [1, 0] },
    { shape: [3, 17, 40], perm: [0, 2, 1] },
    { shape: [6, 5, 33], perm: [2, 0, 1], int: true },
    { shape: [2, 3, 4, 5], perm: [3, 1, 0, 2] }, // not covered: the previous kernel
  ];
  for (const { shape, perm, int } of perms) {
    it(`transpose of [${shape.join(', ')}] by [${perm.join(', ')}]${int ? ' (int32)' : ''} equals the cpu backend's exactly`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = int ? Int32Array.from({ length: n }, (_, i) => i * 7 - 3) : randomArray(n, 2);
      const { cpu, wasm } = await onBoth(x, shape, (t) => tf.transpose(t, perm));
      expect(wasm.shape).toEqual(cpu.shape);
      expect(Array.from(wasm.values)).toEqual(Array.from(cpu.values));
    });
  }

  it('run on the heap (not the fallback) for covered calls', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(randomArray(6 * 40, 3), [6, 40]);
    const backend = tf.backend();
    const s = sumHeap({ inputs: { x }, backend, attrs: { axis: [0], keepDims: false } });
    const t = transposeHeap({ inputs: { x }, backend, attrs: { perm: [1, 0] } });
    expect(s && t).toBeDefined();
    tf.dispose([x, ...[s!, t!].map((i) => tf.engine().makeTensorFromTensorInfo(i))]);
  });

  it('give the same values bit for bit split between two threads and whole', async () => {
    await tf.setBackend('wasm');
    setKernelThreads(2);
    const x = tf.tensor(randomArray(5 * 300_000, 4), [5, 300_000]);
    const m = tf.tensor(randomArray(1024 * 300, 5), [1024, 300]);
    const run = (policy: 'always' | 'never') => {
      setSplitPolicy(policy);
      return tf.tidy(() => [tf.sum(x, 0).dataSync().slice(), tf.transpose(m).dataSync().slice()]);
    };
    const split0 = kernelPoolCounts().split;
    const split = run('always');
    expect(kernelPoolCounts().split).toBe(split0 + 2);
    const whole = run('never');
    expect(Array.from(split[0]!)).toEqual(Array.from(whole[0]!));
    expect(Array.from(split[1]!)).toEqual(Array.from(whole[1]!));
    tf.dispose([x, m]);
  });
});
