import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { pspBackwardScan, pspForwardScan } from '../../src/kernels/pspScan.ts';
import { DEFAULT_PSP, initPspState, pspFilter, pspStep, resolvePsp } from '../../src/neurons/psp.ts';
import { pspFilterReference } from '../../src/neurons/reference.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal(0, 1));
}

describe('PSP golden values (α = 0.5)', () => {
  it('filters an impulse pair forward in time', () => {
    const a = pspFilter(tf.tensor2d([1, 0, 0, 1], [4, 1]), { tauSyn: 2, scale: 'none' }).dataSync();
    expect(Array.from(a)).toEqual([1, 0.5, 0.25, 1.125]);
    const unit = pspFilter(tf.tensor2d([1, 0, 0, 1], [4, 1]), { tauSyn: 2, scale: 'unit-area' }).dataSync();
    expect(Array.from(unit)).toEqual([0.5, 0.25, 0.125, 0.5625]);
  });

  it('filters the error backward in time (∂x[t] = c·Σ α^(t′−t)·g[t′])', () => {
    const g = tf.tensor2d([1, 0, 0, 1], [4, 1]);
    const grad = (scale: 'none' | 'unit-area') =>
      tf
        .grad((x: tf.Tensor) => tf.sum(tf.mul(pspFilter(x, { tauSyn: 2, scale }), g)))(tf.zeros([4, 1]))
        .dataSync();
    expect(Array.from(grad('none'))).toEqual([1.125, 0.25, 0.5, 1]);
    expect(Array.from(grad('unit-area'))).toEqual([0.5625, 0.125, 0.25, 0.5]);
  });

  it('a given alpha overrides tauSyn (PyTorch bench model α = exp(−1/5))', () => {
    const a = pspFilter(tf.tensor2d([1, 0], [2, 1]), { tauSyn: 2, alpha: Math.exp(-1 / 5), scale: 'none' }).dataSync();
    expect(a[1]!).toBeCloseTo(Math.exp(-1 / 5), 6);
  });
});

describe('PSP gradient', () => {
  const T = 9;
  const shape = [T, 2, 3];
  const N = 6;
  const x = randomArray(T * N, 1);
  const w = randomArray(T * N, 2);

  it('equals central finite differences of the (linear) filter', () => {
    const opts = { tauSyn: 4, scale: 'unit-area' as const };
    const wt = tf.tensor(w, shape);
    const loss = (v: Float32Array) => tf.tidy(() => tf.sum(tf.mul(pspFilter(tf.tensor(v, shape), opts), wt)).dataSync()[0]!);
    const g = tf
      .grad((v: tf.Tensor) => tf.sum(tf.mul(pspFilter(v, opts), wt)))(tf.tensor(x, shape))
      .dataSync();
    const h = 0.5; // the loss is linear: any step is exact up to float32 rounding
    for (let k = 0; k < T * N; k++) {
      const p = x.slice();
      const m = x.slice();
      p[k]! += h;
      m[k]! -= h;
      expect((loss(p) - loss(m)) / (2 * h)).toBeCloseTo(g[k]!, 3);
    }
  });

  it('equals the unfused reference (forward bit for bit, gradient within 1e-5)', () => {
    for (const opts of [
      { tauSyn: 3, scale: 'none' as const },
      { tauSyn: 5, scale: 'unit-area' as const },
      { tauSyn: 2, alpha: 0.9, scale: 'none' as const },
    ]) {
      const xt = tf.tensor(x, shape);
      const wt = tf.tensor(w, shape);
      expect(Array.from(pspFilter(xt, opts).dataSync())).toEqual(Array.from(pspFilterReference(xt, opts).dataSync()));
      const gf = tf
        .grad((v: tf.Tensor) => tf.sum(tf.square(tf.mul(pspFilter(v, opts), wt))))(xt)
        .dataSync();
      const gr = tf
        .grad((v: tf.Tensor) => tf.sum(tf.square(tf.mul(pspFilterReference(v, opts), wt))))(xt)
        .dataSync();
      gf.forEach((v, k) => expect(Math.abs(v - gr[k]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(gr[k]!))));
    }
  });
});

describe('PSP single-step / multi-step parity', () => {
  it('a loop of pspStep equals pspFilter bit for bit, without mutating inputs', () => {
    const T = 15;
    const N = 4;
    const x = randomArray(T * N, 3);
    const opts = { tauSyn: 3, scale: 'unit-area' as const };
    const a = pspFilter(tf.tensor(x, [T, N]), opts).dataSync();
    let state = initPspState(N);
    for (let t = 0; t < T; t++) {
      const before = state.a.slice();
      const step = pspStep(x.subarray(t * N, (t + 1) * N), state, opts);
      expect(Array.from(state.a)).toEqual(Array.from(before));
      expect(Array.from(step.psp)).toEqual(Array.from(a.subarray(t * N, (t + 1) * N)));
      state = step.state;
    }
  });
});

describe('PSP op interface', () => {
  it("DEFAULT_PSP is τs = 3 with 'unit-area' scaling (the layers' and losses' trace)", () => {
    expect(DEFAULT_PSP).toEqual({ tauSyn: 3, scale: 'unit-area' });
    const r = resolvePsp();
    expect(r).toMatchObject({ alpha: 1 - 1 / 3, c: 1 / 3, tauSyn: 3, scale: 'unit-area' });
    expect(r.area).toBeCloseTo(1, 12);
  });

  it('rejects wrong ranks and bad options with errors naming the problem', () => {
    expect(() => pspFilter(tf.tensor1d([1, 2]))).toThrow(/pspFilter: .*rank 1/);
    const x = tf.zeros([2, 2]);
    expect(() => pspFilter(x, { tauSyn: 0.5 })).toThrow(/psp\.tauSyn/);
    expect(() => pspFilter(x, { tauSyn: Number.NaN })).toThrow(/psp\.tauSyn/);
    expect(() => pspFilter(x, { alpha: 1 })).toThrow(/psp\.alpha/);
    expect(() => pspFilter(x, { scale: 'unit' as 'none' })).toThrow(/psp\.scale/);
    expect(() => pspStep(new Float32Array(2), initPspState(3))).toThrow(/state has 3 traces, input has 2/);
    expect(() => pspForwardScan(new Float32Array(3), 2, 2, resolvePsp())).toThrow(/x has length 3/);
    expect(() => pspBackwardScan(new Float32Array(3), 2, 2, resolvePsp())).toThrow(/gradA has length 3/);
  });

  it('works on the wasm backend with the same values as on cpu', async () => {
    const x = randomArray(24, 4);
    const run = () =>
      tf
        .grad((v: tf.Tensor) => tf.sum(tf.square(pspFilter(v, { scale: 'unit-area' }))))(tf.tensor(x, [6, 4]))
        .dataSync()
        .slice();
    const cpu = run();
    await initBackend({ backend: 'wasm', quiet: true });
    try {
      const wasm = run();
      wasm.forEach((v, k) => expect(v).toBeCloseTo(cpu[k]!, 6));
    } finally {
      await initBackend({ backend: 'cpu', quiet: true });
    }
  });
});
