import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { lifBackwardScan, lifForwardScan } from '../../src/kernels/lifScan.ts';
import { lifBackwardHeap, lifForwardHeap, lifHeapAvailable } from '../../src/kernels/lifScanHeap.ts';
import { lifMultiStep } from '../../src/neurons/lif.ts';
import { arctan, fastSigmoid, rectangular, sigmoid, type SurrogateSpec } from '../../src/neurons/surrogate.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

// Currents that put many membranes right at the threshold, where any rounding difference flips a spike.
function currents(T: number, N: number): Float32Array {
  return Float32Array.from({ length: T * N }, (_, k) => (k % 7 === 0 ? 0.2 : Math.sin(k * 0.731) * 0.9 + 0.35));
}

describe('the in-heap WebAssembly LIF forward scan', () => {
  it('is built and runs on the wasm backend', () => {
    expect(lifHeapAvailable()).toBe(true);
  });

  for (const reset of ['hard', 'soft'] as const) {
    for (const N of [1, 4, 37, 128]) {
      it(`equals the TypeScript scan bit for bit (${reset} reset, N = ${N}, tail lanes included)`, () => {
        const T = 23;
        const I = currents(T, N);
        const params = { decay: 0.8187307530779818, threshold: 1, reset, detachReset: true, surrogate: fastSigmoid() };
        const ts = lifForwardScan(I, T, N, params);
        const filler = tf.ones([333]); // other tensors on the heap: offsets must be honoured
        const x = tf.tensor(I, [T, N]);
        const heap = lifForwardHeap(x, T, N, params.decay, params.threshold, reset)!;
        expect(heap).toBeDefined();
        expect(Array.from(heap.u.dataSync())).toEqual(Array.from(ts.u));
        expect(Array.from(heap.spikes.dataSync())).toEqual(Array.from(ts.spikes));
        tf.dispose([filler, x, heap.u, heap.spikes]);
      });
    }
  }

  const surrogates: SurrogateSpec[] = [fastSigmoid(), sigmoid({ alpha: 5 }), arctan(), rectangular({ width: 0.8 })];
  for (const surrogate of surrogates) {
    for (const [reset, detachReset] of [
      ['soft', true],
      ['hard', true],
      ['hard', false],
      ['soft', false],
    ] as const) {
      it(`backward equals the TypeScript scan (${surrogate.kind}, ${reset} reset, reset ${detachReset ? 'detached' : 'kept'})`, () => {
        const T = 19,
          N = 41;
        const I = currents(T, N);
        const G = Float32Array.from({ length: T * N }, (_, k) => Math.cos(k * 0.57) * 0.3);
        const params = { decay: 0.8, threshold: 1, reset, detachReset, surrogate };
        const fwd = lifForwardScan(I, T, N, params);
        const ts = lifBackwardScan(G, fwd.u, fwd.spikes, T, N, params);
        const [g, u, s] = [tf.tensor(G, [T, N]), tf.tensor(fwd.u, [T, N]), tf.tensor(fwd.spikes, [T, N])];
        const heap = lifBackwardHeap(g, u, s, T, N, params)!;
        expect(heap).toBeDefined();
        const got = heap.dataSync();
        // every surrogate, the sigmoid's exp included (fdlibm's, as V8's Math.exp), bit for bit
        const tol = 0;
        let worst = 0;
        for (let k = 0; k < T * N; k++) worst = Math.max(worst, Math.abs(got[k]! - ts[k]!));
        expect(worst).toBeLessThanOrEqual(tol);
        expect(ts.some((v) => v !== 0)).toBe(true);
        tf.dispose([g, u, s, heap]);
      });
    }
  }

  it('lifMultiStep on wasm (heap path) gives the cpu backend spikes and gradients, and leaks no tensor', async () => {
    const T = 17,
      N = 45;
    const I = currents(T, N);
    const w = Float32Array.from({ length: T * N }, (_, k) => Math.cos(k * 0.13));
    const run = () => {
      const x = tf.tensor(I, [T, N]);
      const wt = tf.tensor(w, [T, N]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(lifMultiStep(v, { tauMem: 5, reset: 'hard' }), wt)))(x);
      const s = lifMultiStep(x, { tauMem: 5, reset: 'hard' });
      const out = { s: Array.from(s.dataSync()), g: Array.from(g.dataSync()) };
      tf.dispose([x, wt, g, s]);
      return out;
    };
    const start = tf.memory().numTensors;
    const wasm = run();
    expect(tf.memory().numTensors).toBe(start);
    await initBackend({ backend: 'cpu', quiet: true });
    const cpu = run();
    await initBackend({ backend: 'wasm', quiet: true });
    expect(wasm.s).toEqual(cpu.s);
    const maxDiff = Math.max(...wasm.g.map((v, i) => Math.abs(v - cpu.g[i]!)));
    expect(maxDiff).toBeLessThan(1e-6);
    expect(wasm.g.some((v) => v !== 0)).toBe(true);
  });
});
