/**
 * Op-by-op times of the fused recurrent / adaptive LIF scans against the plain ones at the
 * recurrent bench's size ([T 100, R 16, N 128]), and the per-step gemm of the backward alone
 * (bench/results/recurrent.md, "Where the extra ~8 ms per step goes"). Minimum and median of 100
 * calls after 20 warm-up calls, wasm backend, with our kernels on 1 thread and then on 2 (split
 * forced: the scans by batch rows, ∂V by its rows; `--threads 1` for one setting only).
 *   node bin/run-ts.mjs bench/experiments/recurrent-ops.ts [--threads 1,2]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { alifBackwardHeap, alifForwardHeap } from '../../src/kernels/alifScanHeap.ts';
import { instantiateSpikeDense } from '../../src/kernels/spikeDenseWasm.ts';
import { setKernelThreads, setSplitPolicy } from '../../src/kernels/kernelPool.ts';

await initBackend({ backend: 'wasm', quiet: true });
const T = 100;
const R = 16;
const N = 128;
const I = tf.randomUniform([T, R, N], 0, 0.6, 'float32', 1);
const V = tf.randomNormal([N, N], 0, 0.1, 'float32', 2);
const dy = tf.randomNormal([T, R, N], 0, 1, 'float32', 3);
const p = { threshold: 1, beta: 0, rho: 0, reset: 'soft', detachReset: true, surrogate: { kind: 'fastSigmoid', slope: 10 } } as const;

function time(name: string, f: () => void): void {
  for (let i = 0; i < 20; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  console.log(`${name.padEnd(28)} min ${ts[0]!.toFixed(3)} ms, median ${ts[50]!.toFixed(3)} ms`);
}

const need = <X>(x: X | undefined): X => {
  if (x === undefined) throw new Error('recurrent-ops: the WebAssembly ALIF scan is not available (npm run build)');
  return x;
};
const arg = process.argv.indexOf('--threads');
const threads = (arg > 0 ? process.argv[arg + 1]! : '1,2').split(',').map(Number);
setSplitPolicy('always');
const f0 = need(alifForwardHeap(I, undefined, undefined, 0.8, T, R, N, p));
const f1 = need(alifForwardHeap(I, V, undefined, 0.8, T, R, N, p));
console.log(`spike rate with V: ${(await f1.spikes.mean().data())[0]!.toFixed(3)}`);
for (const n of threads) {
  setKernelThreads(n);
  console.log(`-- our kernels on ${n} thread${n > 1 ? 's' : ''}`);
  time('forward without V', () => tf.dispose(Object.values(need(alifForwardHeap(I, undefined, undefined, 0.8, T, R, N, p)))));
  time('forward with V', () => tf.dispose(Object.values(need(alifForwardHeap(I, V, undefined, 0.8, T, R, N, p)))));
  time('backward without V', () => tf.dispose(Object.values(need(alifBackwardHeap(dy, f0, undefined, undefined, 0.8, T, R, N, p, false)))));
  time('backward with V (and ∂V)', () => tf.dispose(Object.values(need(alifBackwardHeap(dy, f1, V, undefined, 0.8, T, R, N, p, false)))));
}

// the backward's per-step product Gu[t+1]·Vᵀ alone: T calls of a 16×128×128 gemm
const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536 });
const asm = instantiateSpikeDense(memory);
if (asm) {
  const A = 65536;
  const B = A + R * N * 4;
  const C = B + N * N * 4;
  new Float32Array(memory.buffer, A, R * N + N * N).forEach((_, i, a) => (a[i] = Math.sin(i)));
  time(`gemm ${R}×${N}×${N}, ${T} calls`, () => {
    for (let k = 0; k < T; k++) asm.gemm(R, N, N, A, N, B, N, C, N);
  });
}
