import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { alifBackwardScan, alifForwardScan, type AlifScanParams } from '../../src/kernels/alifScan.ts';
import { alifBackwardHeap, alifForwardHeap, alifHeapAvailable } from '../../src/kernels/alifScanHeap.ts';
import { alifMultiStep, alifMultiStepWithState, resolveAlif } from '../../src/neurons/alif.ts';
import { alifMultiStepReference } from '../../src/neurons/alifReference.ts';
import { arctan, fastSigmoid, rectangular, sigmoid, type SurrogateSpec } from '../../src/neurons/surrogate.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function randomArray(n: number, seed: number, mean: number, std: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal(mean, std));
}

const worst = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
};

interface Case {
  reset: 'hard' | 'soft';
  detachReset: boolean;
  beta: number;
  recurrent: boolean;
  perNeuron: boolean;
  N: number;
  surrogate: SurrogateSpec;
}

const CASES: Case[] = [];
for (const reset of ['hard', 'soft'] as const) {
  for (const detachReset of [true, false]) {
    for (const beta of [0, 0.3]) {
      for (const recurrent of [false, true]) {
        CASES.push({
          reset,
          detachReset,
          beta,
          recurrent,
          perNeuron: recurrent !== (beta === 0),
          N: recurrent ? 13 : 8,
          surrogate: fastSigmoid(),
        });
      }
    }
  }
}
// a width that is a multiple of 4 with V: the forward's recurrent input by the column-blocked
// gather over all rows (a multiple of 32 plus a block of 4, so both gather widths run)
for (const beta of [0, 0.3]) {
  CASES.push({ reset: 'soft', detachReset: true, beta, recurrent: true, perNeuron: beta !== 0, N: 36, surrogate: fastSigmoid() });
}
// every surrogate once, on a recurrent adaptive layer whose width has a tail lane group
for (const surrogate of [sigmoid({ alpha: 4 }), arctan(), rectangular({ width: 0.8 })]) {
  CASES.push({ reset: 'soft', detachReset: false, beta: 0.25, recurrent: true, perNeuron: true, N: 6, surrogate });
}

const name = (c: Case): string =>
  `${c.reset} reset ${c.detachReset ? 'detached' : 'kept'}, β = ${c.beta}, ${c.recurrent ? 'recurrent' : 'no V'}, ` +
  `${c.perNeuron ? 'per-neuron' : 'scalar'} λ, N = ${c.N}, ${c.surrogate.kind}`;

describe('the in-heap WebAssembly ALIF scans', () => {
  it('are built and run on the wasm backend', () => {
    expect(alifHeapAvailable()).toBe(true);
  });

  for (const c of CASES) {
    it(`equal the TypeScript scans bit for bit (${name(c)})`, () => {
      const T = 21,
        R = 3,
        N = c.N;
      const p: AlifScanParams = {
        threshold: 1,
        beta: c.beta,
        rho: 0.8,
        reset: c.reset,
        detachReset: c.detachReset,
        surrogate: c.surrogate,
      };
      const lam = 0.8187307530779818;
      const I = randomArray(T * R * N, 1 + N, 0.45, 0.7);
      const V = c.recurrent ? randomArray(N * N, 2 + N, 0, 0.4) : undefined;
      const decay = c.perNeuron ? Float32Array.from({ length: N }, (_, j) => 0.55 + 0.03 * j) : new Float32Array(N).fill(lam);
      const G = randomArray(T * R * N, 3 + N, 0, 1);
      const ts = alifForwardScan({ I, decay, V }, T, R, N, p);
      const tsGrad = alifBackwardScan(G, ts, { decay, V }, T, R, N, { ...p, skipDecayGrad: !c.perNeuron });

      const filler = tf.ones([333]); // other tensors on the heap: offsets must be honoured
      const It = tf.tensor(I, [T, R, N]);
      const Vt = V ? tf.tensor(V, [N, N]) : undefined;
      const Dt = c.perNeuron ? tf.tensor(decay) : undefined;
      const fwd = alifForwardHeap(It, Vt, Dt, lam, T, R, N, p)!;
      expect(fwd).toBeDefined();
      expect(Array.from(fwd.spikes.dataSync())).toEqual(Array.from(ts.spikes));
      expect(Array.from(fwd.u.dataSync())).toEqual(Array.from(ts.u));
      if (c.beta !== 0) expect(Array.from(fwd.a!.dataSync())).toEqual(Array.from(ts.a));
      else expect(fwd.a).toBeUndefined();
      const fired = ts.spikes.reduce((s, v) => s + v, 0);
      expect(fired).toBeGreaterThan(T * R * N * 0.1);
      expect(fired).toBeLessThan(T * R * N * 0.9);

      const Gt = tf.tensor(G, [T, R, N]);
      const grad = alifBackwardHeap(Gt, fwd, Vt, Dt, lam, T, R, N, p, c.perNeuron)!;
      expect(grad).toBeDefined();
      // every surrogate, the sigmoid's exp included (fdlibm's, as V8's Math.exp), bit for bit
      const tol = 0;
      expect(worst(grad.I.dataSync(), tsGrad.I)).toBeLessThanOrEqual(tol);
      expect(tsGrad.I.some((v) => Math.abs(v) > 1e-3)).toBe(true);
      if (V) expect(worst(grad.V!.dataSync(), tsGrad.V!)).toBeLessThanOrEqual(tol);
      else expect(grad.V).toBeUndefined();
      if (c.perNeuron) expect(worst(grad.decay!.dataSync(), tsGrad.decay)).toBeLessThanOrEqual(tol * 10);
      else expect(grad.decay).toBeUndefined();
      tf.dispose([filler, It, Gt, fwd.spikes, fwd.u, grad.I]);
      tf.dispose([Vt, Dt, fwd.a, grad.V, grad.decay].filter((t): t is tf.Tensor => t !== undefined));
    });
  }

  it('alifMultiStep on wasm (heap path) gives the unfused reference spikes and gradients, and leaks no tensor', () => {
    const T = 15,
      R = 2,
      N = 10;
    const opts = { reset: 'soft' as const, detachReset: false, beta: 0.3, tauAdapt: 6 };
    const I = randomArray(T * R * N, 41, 0.5, 0.8);
    const V = randomArray(N * N, 42, 0, 0.4);
    const w = randomArray(N, 43, 1.5, 0.3);
    const wts = randomArray(T * R * N, 44, 0, 1);
    const run = (f: typeof alifMultiStep) => {
      const x = tf.tensor(I, [T, R, N]);
      const Vt = tf.tensor(V, [N, N]);
      const wt = tf.tensor(w);
      const k = tf.tensor(wts, [T, R, N]);
      const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, opts, { recurrent: b, decay: tf.sigmoid(c) }), k));
      const gs = tf.grads(loss)([x, Vt, wt]);
      const s = tf.tidy(() => f(x, opts, { recurrent: Vt, decay: tf.sigmoid(wt) }));
      const out = { s: Array.from(s.dataSync()), g: gs.map((g) => Array.from(g.dataSync())) };
      tf.dispose([x, Vt, wt, k, s, ...gs]);
      return out;
    };
    const start = tf.memory().numTensors;
    const fused = run(alifMultiStep);
    expect(tf.memory().numTensors).toBe(start);
    const ref = run(alifMultiStepReference);
    expect(fused.s).toEqual(ref.s);
    for (let i = 0; i < 3; i++) {
      const scale = Math.max(1, ...ref.g[i]!.map(Math.abs));
      expect(worst(fused.g[i]!, ref.g[i]!), `input ${i}`).toBeLessThan(1e-4 * scale);
      expect(ref.g[i]!.some((v) => v !== 0)).toBe(true);
    }
  });

  it('alifMultiStepWithState on wasm returns the traces of the TypeScript scan', () => {
    const T = 12,
      N = 9;
    const I = randomArray(T * N, 51, 0.5, 0.8);
    const opts = { beta: 0.2, tauAdapt: 5, tauMem: 20 };
    const r = alifMultiStepWithState(tf.tensor(I, [T, N]), opts);
    const p = resolveAlif(opts);
    const ts = alifForwardScan({ I, decay: new Float32Array(N).fill(p.decay) }, T, 1, N, p);
    expect(Array.from(r.spikes.dataSync())).toEqual(Array.from(ts.spikes));
    expect(Array.from(r.membrane.dataSync())).toEqual(Array.from(ts.u));
    expect(Array.from(r.adaptation.dataSync())).toEqual(Array.from(ts.a));
    tf.dispose([r.spikes, r.membrane, r.adaptation]);
  });
});
