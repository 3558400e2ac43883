import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { lifBackwardScan, lifForwardScan } from '../../src/kernels/lifScan.ts';
import {
  DEFAULT_LIF,
  initLifState,
  lifMultiStep,
  lifMultiStepWithState,
  lifStep,
  resolveLif,
  type LifOptions,
} from '../../src/neurons/lif.ts';
import { lifMultiStepReference } from '../../src/neurons/reference.ts';
import { arctan, fastSigmoid, rectangular, sigmoid, type SurrogateSpec } from '../../src/neurons/surrogate.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function randomTensor(shape: number[], seed: number, mean: number, std: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal(mean, std)),
    shape,
  );
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

/** ∂/∂I of Σ w·spikes for an op, with w a fixed random weighting (so that ∂L/∂o varies). */
function gradOf(op: (x: tf.Tensor) => tf.Tensor, I: tf.Tensor, w: tf.Tensor): Float32Array {
  return tf.tidy(
    () =>
      tf
        .grad((x: tf.Tensor) => tf.sum(tf.mul(op(x), w)))(I)
        .dataSync() as Float32Array,
  );
}

describe('LIF golden values (hand-computed, λ = 0.5, θ = 1)', () => {
  const I = [0.6, 0.6, 0.6, 1.5, 0.2];
  it('hard reset: membrane and spikes', () => {
    const { spikes, membrane } = lifMultiStepWithState(tf.tensor2d(I, [5, 1]), { tauMem: 2 });
    // u: 0.6, 0.3+0.6, 0.45+0.6 (spike), 0.5·0+1.5 (spike), 0.5·0+0.2
    const u = membrane.dataSync();
    [0.6, 0.9, 1.05, 1.5, 0.2].forEach((v, t) => expect(u[t]!).toBeCloseTo(v, 6));
    expect(Array.from(spikes.dataSync())).toEqual([0, 0, 1, 1, 0]);
  });

  it('soft reset: membrane and spikes', () => {
    const { spikes, membrane } = lifMultiStepWithState(tf.tensor2d(I, [5, 1]), { tauMem: 2, reset: 'soft' });
    // after the spike at t=2: u3 = 0.5·(1.05 − 1) + 1.5 = 1.525, u4 = 0.5·(1.525 − 1) + 0.2 = 0.4625
    const u = membrane.dataSync();
    [0.6, 0.9, 1.05, 1.525, 0.4625].forEach((v, t) => expect(u[t]!).toBeCloseTo(v, 6));
    expect(Array.from(spikes.dataSync())).toEqual([0, 0, 1, 1, 0]);
  });

  it('backward through the membrane reverse iteration, reset detached and kept', () => {
    // I = 0.6 ×3 → u = 0.6, 0.9, 1.05, o = 0, 0, 1; rectangular width 1 → σ' = 1 at all three; L = Σ o.
    const I3 = tf.tensor2d([0.6, 0.6, 0.6], [3, 1]);
    const opts = { tauMem: 2, surrogate: rectangular({ width: 1 }) };
    const loss = (detachReset: boolean) => (x: tf.Tensor) => tf.sum(lifMultiStep(x, { ...opts, detachReset }));
    // detached: δ2 = 1, δ1 = 1 + 0.5·δ2 = 1.5, δ0 = 1 + 0.5·δ1 = 1.75
    const gd = tf.grad(loss(true))(I3).dataSync();
    [1.75, 1.5, 1].forEach((v, t) => expect(gd[t]!).toBeCloseTo(v, 6));
    // kept: δ1 = (1 − δ2·0.5·u1) + 0.5·δ2 = 0.55 + 0.5 = 1.05; δ0 = (1 − δ1·0.5·u0) + 0.5·δ1 = 0.685 + 0.525 = 1.21
    const gk = tf.grad(loss(false))(I3).dataSync();
    [1.21, 1.05, 1].forEach((v, t) => expect(gk[t]!).toBeCloseTo(v, 6));
  });

  it('a given decay overrides tauMem (PyTorch bench model λ = exp(−1/5))', () => {
    const { membrane } = lifMultiStepWithState(tf.tensor2d([0.5, 0.5], [2, 1]), { tauMem: 2, decay: Math.exp(-1 / 5) });
    expect(membrane.dataSync()[1]!).toBeCloseTo(0.5 * Math.exp(-1 / 5) + 0.5, 6);
  });
});

describe('fused LIF equals the unfused autograd reference', () => {
  const surrogates: SurrogateSpec[] = [rectangular({ width: 1 }), sigmoid({ alpha: 4 }), arctan({ alpha: 2 }), fastSigmoid({ slope: 10 })];
  const I = randomTensor([12, 3, 7], 11, 0.45, 0.7);
  const w = randomTensor([12, 3, 7], 12, 0, 1);
  for (const surrogate of surrogates) {
    for (const reset of ['hard', 'soft'] as const) {
      for (const detachReset of [true, false]) {
        it(`${surrogate.kind}, ${reset} reset, detachReset=${detachReset}: identical spikes, gradients within 1e-4`, () => {
          const opts: Partial<LifOptions> = { surrogate, reset, detachReset };
          const fused = lifMultiStep(I, opts).dataSync();
          const ref = lifMultiStepReference(I, opts).dataSync();
          expect(Array.from(fused)).toEqual(Array.from(ref));
          const spikeRate = Array.from(fused).reduce((a, b) => a + b, 0) / fused.length;
          expect(spikeRate).toBeGreaterThan(0.1); // the test must exercise resets
          expect(spikeRate).toBeLessThan(0.9);
          const gf = gradOf((x) => lifMultiStep(x, opts), I, w);
          const gr = gradOf((x) => lifMultiStepReference(x, opts), I, w);
          expect(maxAbs(gr)).toBeGreaterThan(0.01);
          expect(maxDiff(gf, gr)).toBeLessThanOrEqual(1e-4 * Math.max(1, maxAbs(gr)));
        });
      }
    }
  }

  it('the reset path changes the gradient (detached and kept are not the same)', () => {
    const a = gradOf((x) => lifMultiStep(x, { detachReset: true }), I, w);
    const b = gradOf((x) => lifMultiStep(x, { detachReset: false }), I, w);
    expect(maxDiff(a, b)).toBeGreaterThan(1e-3);
  });
});

describe('single-step / multi-step parity', () => {
  for (const reset of ['hard', 'soft'] as const) {
    it(`a loop of lifStep equals lifMultiStep bit for bit (${reset} reset)`, () => {
      const T = 20;
      const N = 9;
      const I = randomTensor([T, N], 21, 0.4, 0.8);
      const opts = { reset, decay: Math.exp(-1 / 5) };
      const { spikes, membrane } = lifMultiStepWithState(I, opts);
      const S = spikes.dataSync();
      const U = membrane.dataSync();
      const cur = I.dataSync() as Float32Array;
      let state = initLifState(N);
      for (let t = 0; t < T; t++) {
        const step = lifStep(cur.subarray(t * N, (t + 1) * N), state, opts);
        expect(Array.from(step.spikes)).toEqual(Array.from(S.subarray(t * N, (t + 1) * N)));
        expect(Array.from(step.state.u)).toEqual(Array.from(U.subarray(t * N, (t + 1) * N)));
        state = step.state;
      }
    });
  }

  it('lifStep does not mutate its inputs', () => {
    const state = { u: Float32Array.of(0.9, 0.2), o: Float32Array.of(1, 0) };
    const current = Float32Array.of(0.5, 0.95);
    const out = lifStep(current, state, { tauMem: 2 });
    expect(Array.from(state.u)).toEqual([Math.fround(0.9), Math.fround(0.2)]);
    expect(Array.from(state.o)).toEqual([1, 0]);
    expect(Array.from(current)).toEqual([0.5, Math.fround(0.95)]);
    expect(Array.from(out.spikes)).toEqual([0, 1]); // 0.5·0 + 0.5; 0.5·0.2 + 0.95
    expect(out.state.o).not.toBe(out.spikes);
  });

  it('lifMultiStepWithState gives the same spikes and gradients as lifMultiStep', () => {
    const I = randomTensor([6, 4, 2, 3], 31, 0.5, 0.8);
    const w = randomTensor([6, 4, 2, 3], 32, 0, 1);
    const a = gradOf((x) => lifMultiStep(x), I, w);
    const b = gradOf((x) => lifMultiStepWithState(x).spikes, I, w);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(lifMultiStepWithState(I).membrane.shape).toEqual([6, 4, 2, 3]);
  });
});

describe('LIF op interface', () => {
  it('accepts int and bool inputs and keeps any trailing shape', () => {
    const s = lifMultiStep(tf.tensor3d([[[2, 0]], [[0, 1]]], [2, 1, 2], 'int32'));
    expect(s.shape).toEqual([2, 1, 2]);
    expect(s.dtype).toBe('float32');
    expect(Array.from(s.dataSync())).toEqual([1, 0, 0, 0]);
    expect(lifMultiStep(tf.tensor2d([[true], [false]], [2, 1], 'bool')).shape).toEqual([2, 1]);
  });

  it('handles T = 0 and N = 0', () => {
    expect(lifMultiStep(tf.zeros([0, 3])).shape).toEqual([0, 3]);
    expect(lifMultiStep(tf.zeros([4, 0])).shape).toEqual([4, 0]);
  });

  it('does not leak tensors in forward and backward', () => {
    const I = randomTensor([5, 2, 3], 41, 0.5, 0.8);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grad((x: tf.Tensor) => tf.sum(lifMultiStep(x)))(I);
    });
    tf.dispose(lifMultiStepWithState(I));
    tf.dispose(lifMultiStep(I));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects wrong ranks and bad options with errors naming the problem', () => {
    expect(() => lifMultiStep(tf.scalar(1))).toThrow(/rank >= 2, got rank 0/);
    expect(() => lifMultiStep(tf.tensor1d([1, 2]))).toThrow(/time-major \[T, \.\.\.\].*rank 1/);
    const I = tf.zeros([2, 2]);
    expect(() => lifMultiStep(I, { tauMem: Number.NaN })).toThrow(/lif\.tauMem/);
    expect(() => lifMultiStep(I, { tauMem: 0.5 })).toThrow(/lif\.tauMem/);
    expect(() => lifMultiStep(I, { decay: 1.5 })).toThrow(/lif\.decay/);
    expect(() => lifMultiStep(I, { threshold: Infinity })).toThrow(/lif\.threshold/);
    expect(() => lifMultiStep(I, { reset: 'medium' as 'hard' })).toThrow(/lif\.reset/);
    expect(() => lifMultiStep(I, { surrogate: { kind: 'sigmoid', alpha: 0 } })).toThrow(/sigmoid: alpha/);
    expect(() => lifStep(new Float32Array(3), initLifState(2))).toThrow(/state has 2 membranes.*3 currents/);
    expect(() => lifForwardScan(new Float32Array(5), 2, 3, resolveLif())).toThrow(/length 5, expected T·N = 6/);
    expect(() => lifBackwardScan(new Float32Array(6), new Float32Array(6), new Float32Array(5), 2, 3, resolveLif())).toThrow(
      /spikes has length 5/,
    );
  });

  it('DEFAULT_LIF is the documented model (τm 5, θ 1, hard, detached, sigmoid α 5)', () => {
    expect(resolveLif()).toEqual({ decay: 0.8, threshold: 1, reset: 'hard', detachReset: true, surrogate: { kind: 'sigmoid', alpha: 5 } });
    expect(Object.isFrozen(DEFAULT_LIF)).toBe(true);
  });
});

describe('LIF on the wasm backend', () => {
  it('gives the same spikes and gradients as on cpu', async () => {
    const I = randomTensor([8, 4, 5], 51, 0.5, 0.8).dataSync();
    const w = randomTensor([8, 4, 5], 52, 0, 1).dataSync();
    const run = () => {
      const It = tf.tensor(I, [8, 4, 5]);
      const wt = tf.tensor(w, [8, 4, 5]);
      const opts = { reset: 'soft' as const, detachReset: false, surrogate: arctan() };
      return { s: lifMultiStep(It, opts).dataSync().slice(), g: gradOf((x) => lifMultiStep(x, opts), It, wt) };
    };
    const cpu = run();
    await initBackend({ backend: 'wasm', quiet: true });
    try {
      expect(tf.getBackend()).toBe('wasm');
      const wasm = run();
      expect(Array.from(wasm.s)).toEqual(Array.from(cpu.s));
      expect(maxDiff(wasm.g, cpu.g)).toBeLessThan(1e-6);
    } finally {
      await initBackend({ backend: 'cpu', quiet: true });
    }
  });
});
