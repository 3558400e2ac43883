import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { alifBackwardScan, alifForwardScan, type AlifScanParams } from '../../src/kernels/alifScan.ts';
import {
  alifMultiStep,
  alifMultiStepWithState,
  alifStep,
  DEFAULT_ALIF,
  initAlifState,
  resolveAlif,
  type AlifOptions,
} from '../../src/neurons/alif.ts';
import { alifMultiStepReference } from '../../src/neurons/alifReference.ts';
import { recurrentLifMultiStep, recurrentLifMultiStepWithState, recurrentLifStep } from '../../src/neurons/recurrentLif.ts';
import { lifMultiStep, type LifState } from '../../src/neurons/lif.ts';
import { arctan, rectangular, sigmoid, surrogateSmooth } from '../../src/neurons/surrogate.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function randomArray(n: number, seed: number, mean: number, std: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal(mean, std));
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('recurrent LIF and ALIF golden values (hand-computed, λ = 0.5, θ0 = 1)', () => {
  it('a spike feeds the recurrent weight into the next step only', () => {
    // two neurons; neuron 0 gets 1.5 at t=0 and fires; V[0][1] = 0.7 reaches neuron 1 at t=1
    const I = tf.tensor3d([[[1.5, 0]], [[0, 0.2]], [[0, 0]]], [3, 1, 2]);
    const V = tf.tensor2d([
      [0, 0.7],
      [0, 0],
    ]);
    const { spikes, membrane } = recurrentLifMultiStepWithState(I, V, { tauMem: 2 });
    // u1 = [0·(reset) + 0, 0.2 + 0.7 = 0.9]; u2 = [0, 0.45]
    const u = membrane.dataSync();
    [1.5, 0, 0, 0.9, 0, 0.45].forEach((v, k) => expect(u[k]!).toBeCloseTo(v, 6));
    expect(Array.from(spikes.dataSync())).toEqual([1, 0, 0, 0, 0, 0]);
  });

  it('the adaptive threshold rises after a spike and decays with ρ', () => {
    // one neuron, β = 0.5, ρ = 0.5, I = 1.2 each step, hard reset
    // t0: a=0, θ=1, u=1.2 → spike; t1: a=1, θ=1.5, u=1.2 → no; t2: a=0.5, θ=1.25, u=0.6+1.2=1.8 → spike
    // t3: a=0.25+1=1.25, θ=1.625, u=1.2 → no
    const { spikes, membrane, adaptation } = alifMultiStepWithState(tf.tensor2d([1.2, 1.2, 1.2, 1.2], [4, 1]), {
      tauMem: 2,
      beta: 0.5,
      rho: 0.5,
    });
    expect(Array.from(spikes.dataSync())).toEqual([1, 0, 1, 0]);
    [1.2, 1.2, 1.8, 1.2].forEach((v, t) => expect(membrane.dataSync()[t]!).toBeCloseTo(v, 6));
    [0, 1, 0.5, 1.25].forEach((v, t) => expect(adaptation.dataSync()[t]!).toBeCloseTo(v, 6));
  });

  it('with β = 0 and no recurrence it is the feed-forward LIF, spikes and gradients', () => {
    const I = tf.tensor(randomArray(8 * 3 * 5, 1, 0.5, 0.8), [8, 3, 5]);
    const w = tf.tensor(randomArray(8 * 3 * 5, 2, 0, 1), [8, 3, 5]);
    for (const reset of ['hard', 'soft'] as const) {
      const opts = { reset, surrogate: sigmoid({ alpha: 4 }) };
      expect(Array.from(alifMultiStep(I, { ...opts, beta: 0 }).dataSync())).toEqual(Array.from(lifMultiStep(I, opts).dataSync()));
      const g1 = tf
        .grad((x: tf.Tensor) => tf.sum(tf.mul(alifMultiStep(x, { ...opts, beta: 0 }), w)))(I)
        .dataSync();
      const g2 = tf
        .grad((x: tf.Tensor) => tf.sum(tf.mul(lifMultiStep(x, opts), w)))(I)
        .dataSync();
      expect(maxDiff(g1, g2)).toBeLessThan(1e-5);
    }
  });
});

/** ∂/∂(I, V, λ) of Σ w·spikes; V and λ are dropped when undefined. */
function grads(
  op: typeof alifMultiStep,
  I: tf.Tensor,
  w: tf.Tensor,
  opts: Partial<AlifOptions>,
  V?: tf.Tensor,
  decay?: tf.Tensor,
): Float32Array[] {
  return tf.tidy(() => {
    const xs = [I, ...(V ? [V] : []), ...(decay ? [decay] : [])];
    const f = (...a: tf.Tensor[]) =>
      tf.sum(tf.mul(op(a[0]!, opts, { ...(V ? { recurrent: a[1]! } : {}), ...(decay ? { decay: a[a.length - 1]! } : {}) }), w));
    return tf
      .grads(f)(xs)
      .map((g) => g.dataSync() as Float32Array);
  });
}

describe('fused ALIF / recurrent LIF equal the unfused autograd reference', () => {
  const T = 14;
  const B = 3;
  const N = 6;
  const I = tf.tensor(randomArray(T * B * N, 11, 0.35, 0.7), [T, B, N]);
  const w = tf.tensor(randomArray(T * B * N, 12, 0, 1), [T, B, N]);
  const V = tf.tensor(randomArray(N * N, 13, 0, 0.4), [N, N]);
  const decay = tf.tensor(
    Float32Array.from({ length: N }, (_, j) => 0.5 + 0.07 * j),
    [N],
  );
  const cases: Array<{ name: string; opts: Partial<AlifOptions>; V?: tf.Tensor; decay?: tf.Tensor }> = [];
  for (const reset of ['hard', 'soft'] as const) {
    for (const detachReset of [true, false]) {
      cases.push({
        name: `recurrent LIF, ${reset}, detach=${detachReset}`,
        opts: { reset, detachReset, beta: 0, surrogate: sigmoid({ alpha: 4 }) },
        V,
      });
      cases.push({
        name: `recurrent ALIF β=0.3, ${reset}, detach=${detachReset}, per-neuron λ`,
        opts: { reset, detachReset, beta: 0.3, tauAdapt: 6, surrogate: arctan() },
        V,
        decay,
      });
      cases.push({
        name: `ALIF β=−0.2 (facilitating), ${reset}, detach=${detachReset}`,
        opts: { reset, detachReset, beta: -0.2, tauAdapt: 4, surrogate: rectangular({ width: 1 }) },
        decay,
      });
    }
  }
  for (const c of cases) {
    it(`${c.name}: identical spikes, gradients (∂I, ∂V, ∂λ) within 1e-4`, () => {
      const fused = alifMultiStep(I, c.opts, { ...(c.V ? { recurrent: c.V } : {}), ...(c.decay ? { decay: c.decay } : {}) }).dataSync();
      const ref = alifMultiStepReference(I, c.opts, {
        ...(c.V ? { recurrent: c.V } : {}),
        ...(c.decay ? { decay: c.decay } : {}),
      }).dataSync();
      expect(Array.from(fused)).toEqual(Array.from(ref));
      const rate = Array.from(fused).reduce((a, b) => a + b, 0) / fused.length;
      expect(rate).toBeGreaterThan(0.1);
      expect(rate).toBeLessThan(0.9);
      const gf = grads(alifMultiStep, I, w, c.opts, c.V, c.decay);
      const gr = grads(alifMultiStepReference, I, w, c.opts, c.V, c.decay);
      expect(gf.length).toBe(gr.length);
      gf.forEach((g, k) => {
        expect(maxAbs(gr[k]!)).toBeGreaterThan(0.01);
        expect(maxDiff(g, gr[k]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, maxAbs(gr[k]!)));
      });
    });
  }

  it('the recurrent term and the adaptation each change the gradient of the current', () => {
    const opts = { beta: 0, surrogate: sigmoid({ alpha: 4 }) };
    const plain = grads(alifMultiStep, I, w, opts)[0]!;
    const rec = grads(alifMultiStep, I, w, opts, V)[0]!;
    const adapt = grads(alifMultiStep, I, w, { ...opts, beta: 0.3 })[0]!;
    expect(maxDiff(plain, rec)).toBeGreaterThan(1e-3);
    expect(maxDiff(plain, adapt)).toBeGreaterThan(1e-3);
  });
});

/**
 * Finite differences of a smooth forward (o = σ(u − θ) with the surrogate's own smooth function,
 * float64), against the backward scan fed with that forward's u, o, a: the backward equations of
 * kernels/alifScan.ts hold for any o in [0, 1], so with the reset path kept they are the exact
 * gradient of the smooth model.
 */
describe('backward scan against finite differences of the smooth model', () => {
  const T = 7;
  const R = 2;
  const N = 3;
  const surrogate = sigmoid({ alpha: 3 });
  const smooth = surrogateSmooth(surrogate);
  const wts = randomArray(T * R * N, 21, 0, 1);

  function smoothForward(
    I: Float64Array,
    V: Float64Array,
    decay: Float64Array,
    p: AlifScanParams,
  ): { loss: number; u: Float64Array; o: Float64Array; a: Float64Array } {
    const u = new Float64Array(T * R * N);
    const o = new Float64Array(T * R * N);
    const a = new Float64Array(T * R * N);
    let loss = 0;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < R; b++) {
        for (let j = 0; j < N; j++) {
          const k = (t * R + b) * N + j;
          let v = I[k]!;
          let adapt = 0;
          if (t > 0) {
            const q = k - R * N;
            adapt = p.rho * a[q]! + o[q]!;
            const r = p.reset === 'hard' ? u[q]! * (1 - o[q]!) : u[q]! - (p.threshold + p.beta * a[q]!) * o[q]!;
            v += decay[j]! * r;
            for (let i = 0; i < N; i++) v += o[(t - 1) * R * N + b * N + i]! * V[i * N + j]!;
          }
          u[k] = v;
          a[k] = adapt;
          o[k] = smooth(v - (p.threshold + p.beta * adapt));
          loss += wts[k]! * o[k]!;
        }
      }
    }
    return { loss, u, o, a };
  }

  for (const reset of ['hard', 'soft'] as const) {
    it(`${reset} reset, β = 0.4, recurrent, per-neuron λ: ∂I, ∂V, ∂λ match central differences`, () => {
      const p: AlifScanParams = { threshold: 1, beta: 0.4, rho: 0.7, reset, detachReset: false, surrogate };
      const I = Float64Array.from(randomArray(T * R * N, 22, 0.6, 0.8));
      const V = Float64Array.from(randomArray(N * N, 23, 0, 0.5));
      const decay = Float64Array.of(0.6, 0.75, 0.9);
      const f = smoothForward(I, V, decay, p);
      const g = alifBackwardScan(
        Float32Array.from(wts),
        { spikes: Float32Array.from(f.o), u: Float32Array.from(f.u), a: Float32Array.from(f.a) },
        { decay: Float32Array.from(decay), V: Float32Array.from(V) },
        T,
        R,
        N,
        p,
      );
      const h = 1e-5;
      const fd = (arr: Float64Array, k: number): number => {
        const x = arr[k]!;
        arr[k] = x + h;
        const lp = smoothForward(I, V, decay, p).loss;
        arr[k] = x - h;
        const lm = smoothForward(I, V, decay, p).loss;
        arr[k] = x;
        return (lp - lm) / (2 * h);
      };
      const check = (name: string, arr: Float64Array, got: Float32Array) => {
        const want = Array.from(arr, (_, k) => fd(arr, k));
        expect(maxAbs(want), name).toBeGreaterThan(1e-3);
        expect(maxDiff(got, want), name).toBeLessThan(2e-4 * Math.max(1, maxAbs(want)));
      };
      check('∂I', I, g.I);
      check('∂V', V, g.V!);
      check('∂λ', decay, g.decay);
    });
  }
});

describe('the backward recurrent product', () => {
  it('the SIMD kernel and the typed-array loop give the same gradients (N not a multiple of 4)', () => {
    const T = 9,
      R = 3,
      N = 7;
    const I = randomArray(T * R * N, 71, 0.5, 0.8);
    const V = randomArray(N * N, 72, 0, 0.4);
    const decay = new Float32Array(N).fill(0.8);
    const p: AlifScanParams = { threshold: 1, beta: 0.2, rho: 0.8, reset: 'hard', detachReset: true, surrogate: sigmoid() };
    const fwd = alifForwardScan({ I, decay, V }, T, R, N, p);
    const g = randomArray(T * R * N, 73, 0, 1);
    const simd = alifBackwardScan(g, fwd, { decay, V }, T, R, N, p);
    const ts = alifBackwardScan(g, fwd, { decay, V }, T, R, N, { ...p, product: 'ts' });
    expect(maxAbs(ts.I)).toBeGreaterThan(0.01);
    expect(maxDiff(simd.I, ts.I)).toBeLessThan(1e-5);
    expect(maxDiff(simd.V!, ts.V!)).toBeLessThan(1e-5);
  });
});

describe('single-step / multi-step parity', () => {
  for (const reset of ['hard', 'soft'] as const) {
    it(`a loop of alifStep (recurrent, adaptive, per-neuron λ) equals alifMultiStep (${reset} reset)`, () => {
      const T = 20;
      const N = 7;
      const I = randomArray(T * N, 31, 0.4, 0.8);
      const V = randomArray(N * N, 32, 0, 0.4);
      const decay = Float32Array.from({ length: N }, (_, j) => 0.6 + 0.05 * j);
      const opts = { reset, beta: 0.25, tauAdapt: 5 };
      const { spikes, membrane, adaptation } = alifMultiStepWithState(tf.tensor(I, [T, N]), opts, {
        recurrent: tf.tensor(V, [N, N]),
        decay: tf.tensor(decay),
      });
      const S = spikes.dataSync();
      const U = membrane.dataSync();
      const A = adaptation.dataSync();
      let state = initAlifState(N);
      let fired = 0;
      for (let t = 0; t < T; t++) {
        const step = alifStep(I.subarray(t * N, (t + 1) * N), state, opts, { recurrent: V, decay });
        expect(Array.from(step.spikes)).toEqual(Array.from(S.subarray(t * N, (t + 1) * N)));
        expect(maxDiff(step.state.u, U.subarray(t * N, (t + 1) * N))).toBeLessThan(1e-6);
        expect(Array.from(step.state.a)).toEqual(Array.from(A.subarray(t * N, (t + 1) * N)));
        fired += step.spikes.reduce((a, b) => a + b, 0);
        state = step.state;
      }
      expect(fired).toBeGreaterThan(T * N * 0.1);
    });
  }

  it('a loop of recurrentLifStep equals recurrentLifMultiStep', () => {
    const T = 15;
    const N = 5;
    const I = randomArray(T * N, 41, 0.4, 0.8);
    const V = randomArray(N * N, 42, 0, 0.5);
    const S = recurrentLifMultiStep(tf.tensor(I, [T, N]), tf.tensor(V, [N, N]), { tauMem: 4 }).dataSync();
    let state: LifState = { u: new Float32Array(N), o: new Float32Array(N) };
    for (let t = 0; t < T; t++) {
      const step = recurrentLifStep(I.subarray(t * N, (t + 1) * N), state, V, { tauMem: 4 });
      expect(Array.from(step.spikes)).toEqual(Array.from(S.subarray(t * N, (t + 1) * N)));
      state = step.state;
    }
  });
});

describe('ALIF op interface', () => {
  it('does not leak tensors in forward and backward', () => {
    const I = tf.tensor(randomArray(5 * 2 * 3, 51, 0.5, 0.8), [5, 2, 3]);
    const V = tf.tensor(randomArray(9, 52, 0, 0.5), [3, 3]);
    const d = tf.tensor1d([0.8, 0.8, 0.8]);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grads((x: tf.Tensor, v: tf.Tensor, l: tf.Tensor) => tf.sum(alifMultiStep(x, {}, { recurrent: v, decay: l })))([I, V, d]);
    });
    tf.dispose(alifMultiStepWithState(I, {}, { recurrent: V }));
    tf.dispose(alifMultiStep(I));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('handles T = 0', () => {
    expect(alifMultiStep(tf.zeros([0, 2, 3])).shape).toEqual([0, 2, 3]);
  });

  it('rejects bad shapes and options with errors naming the problem', () => {
    const I = tf.zeros([4, 2, 3]);
    expect(() => alifMultiStep(I, {}, { recurrent: tf.zeros([3, 2]) })).toThrow(/recurrent weights must be \[3, 3\], got \[3, 2\]/);
    expect(() => alifMultiStep(I, {}, { decay: tf.zeros([2]) })).toThrow(/decay must be \[3\]/);
    expect(() => alifMultiStep(I, { beta: Number.NaN })).toThrow(/alif\.beta/);
    expect(() => alifMultiStep(I, { tauAdapt: 0 })).toThrow(/alif\.tauAdapt/);
    expect(() => alifMultiStep(I, { rho: 1.5 })).toThrow(/alif\.rho/);
    expect(() => alifMultiStep(I, { tauMem: 0.5 })).toThrow(/lif\.tauMem/);
    expect(() => alifStep(new Float32Array(3), initAlifState(2))).toThrow(/state has 2\/2\/2 values, input has 3/);
    expect(() => alifForwardScan({ I: new Float32Array(5), decay: new Float32Array(3) }, 2, 1, 3, resolveAlif())).toThrow(
      /I has length 5, expected T·R·N = 6/,
    );
  });

  it('DEFAULT_ALIF is frozen and resolves ρ = exp(−1/τa)', () => {
    expect(Object.isFrozen(DEFAULT_ALIF)).toBe(true);
    expect(resolveAlif({ tauAdapt: 10 }).rho).toBeCloseTo(Math.exp(-0.1), 12);
  });
});

describe('ALIF on the wasm backend', () => {
  it('gives the same spikes and gradients as on cpu', async () => {
    const I = randomArray(9 * 4 * 5, 61, 0.5, 0.8);
    const w = randomArray(9 * 4 * 5, 62, 0, 1);
    const V = randomArray(25, 63, 0, 0.4);
    const run = () => {
      const opts = { reset: 'soft' as const, beta: 0.3, surrogate: arctan() };
      const It = tf.tensor(I, [9, 4, 5]);
      const s = alifMultiStep(It, opts, { recurrent: tf.tensor(V, [5, 5]) })
        .dataSync()
        .slice();
      return { s, g: grads(alifMultiStep, It, tf.tensor(w, [9, 4, 5]), opts, tf.tensor(V, [5, 5]), tf.fill([5], 0.8)) };
    };
    const cpu = run();
    await initBackend({ backend: 'wasm', quiet: true });
    try {
      expect(tf.getBackend()).toBe('wasm');
      const wasm = run();
      expect(Array.from(wasm.s)).toEqual(Array.from(cpu.s));
      wasm.g.forEach((g, k) => expect(maxDiff(g, cpu.g[k]!)).toBeLessThan(1e-5));
    } finally {
      await initBackend({ backend: 'cpu', quiet: true });
    }
  });
});
