import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { pspBackwardScan, pspForwardScan } from '../../src/kernels/pspScan.ts';
import { pspBackwardHeap, pspForwardHeap, pspHeapAvailable } from '../../src/kernels/pspScanHeap.ts';
import { pspFilter } from '../../src/neurons/psp.ts';
import { pspFilterReference } from '../../src/neurons/reference.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const wave = (n: number, f: number, spikes: boolean): Float32Array =>
  Float32Array.from({ length: n }, (_, k) => (spikes ? +(Math.sin(k * f) > 0.6) : Math.sin(k * f) * 0.9 + 0.1));

describe('the in-heap WebAssembly PSP scans', () => {
  it('are built and run on the wasm backend', () => {
    expect(pspHeapAvailable()).toBe(true);
  });

  for (const [alpha, c] of [
    [Math.exp(-1 / 5), 1],
    [1 - 1 / 3, 1 / 3],
  ] as const) {
    for (const N of [1, 2, 3, 4, 7, 37, 128]) {
      it(`forward and backward equal the TypeScript scans bit for bit (α = ${alpha.toFixed(3)}, c = ${c.toFixed(3)}, N = ${N})`, () => {
        const T = 29;
        const p = { alpha, c };
        const X = wave(T * N, 0.377, true);
        const G = wave(T * N, 0.613, false);
        const filler = tf.ones([77]); // other tensors on the heap: offsets must be honoured
        const [x, g] = [tf.tensor(X, [T, N]), tf.tensor(G, [T, N])];
        const y = pspForwardHeap(x, T, N, p)!;
        const dx = pspBackwardHeap(g, T, N, p)!;
        expect(Array.from(y.dataSync())).toEqual(Array.from(pspForwardScan(X, T, N, p)));
        const want = pspBackwardScan(G, T, N, p);
        expect(Array.from(dx.dataSync())).toEqual(Array.from(want));
        expect(want.some((v) => Math.abs(v) > 0.1)).toBe(true);
        tf.dispose([filler, x, g, y, dx]);
      });
    }
  }

  it('pspFilter on wasm (heap path) equals the unfused reference, value and gradient, and leaks no tensor', () => {
    const T = 40,
      N = 6;
    const X = wave(T * N, 0.29, true);
    const W = wave(T * N, 0.71, false);
    const opts = { tauSyn: 4, scale: 'unit-area' as const };
    const run = (f: typeof pspFilter) => {
      const x = tf.tensor(X, [T, N]);
      const w = tf.tensor(W, [T, N]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v, opts), w)))(x);
      const y = f(x, opts);
      const out = { y: Array.from(y.dataSync()), g: Array.from(g.dataSync()) };
      tf.dispose([x, w, g, y]);
      return out;
    };
    const start = tf.memory().numTensors;
    const fused = run(pspFilter);
    expect(tf.memory().numTensors).toBe(start);
    const ref = run(pspFilterReference);
    expect(fused.y).toEqual(ref.y);
    expect(Math.max(...fused.g.map((v, k) => Math.abs(v - ref.g[k]!)))).toBeLessThan(1e-5);
    expect(ref.g.some((v) => Math.abs(v) > 0.1)).toBe(true);
  });
});
