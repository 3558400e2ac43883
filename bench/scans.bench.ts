/**
 * The WebAssembly scans and optimizer update in place on the tfjs wasm heap against their
 * TypeScript fallbacks (typed-array loops plus the copies into a tensor), op by op, on the wasm
 * backend: PSP filter forward + backward, and one Adam update of nmnist-mlp's weights. Median
 * process CPU ms (one thread; a shared machine distorts it less than the wall clock) and wall ms.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend/index.ts';
import { pspBackwardScan, pspForwardScan } from '../src/kernels/pspScan.ts';
import { pspBackwardHeap, pspForwardHeap, pspHeapAvailable } from '../src/kernels/pspScanHeap.ts';
import { readFloat32 } from '../src/neurons/heap.ts';
import { resolvePsp } from '../src/neurons/psp.ts';
import { Optimizer } from '../src/train/optimizers.ts';
import { createRng } from '../src/util/random.ts';
import { adamProblem, TORCH_ADAM } from './stepTiming.ts';
import type { BenchSuite, BenchTable } from './types.ts';

function randomArray(n: number, seed: number, mean = 0, std = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal(mean, std));
}

/** Median CPU and wall ms of `fn` over `reps` runs after one warm-up. */
function measure(fn: () => void, reps: number): { cpu: number; wall: number } {
  fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  return { cpu: med(cpu), wall: med(wall) };
}

function psp(quick: boolean): BenchTable {
  const p = resolvePsp({ tauSyn: 5, alpha: Math.exp(-1 / 5), scale: 'none' });
  const shapes: Array<[number, number, number]> = quick
    ? [[30, 16, 800]]
    : [
        [30, 64, 800],
        [100, 16, 128],
        [30, 64, 10],
      ];
  const reps = quick ? 5 : 31;
  const rows: Array<Array<string | number>> = [];
  for (const [T, B, N0] of shapes) {
    const N = B * N0;
    const x = tf.tensor(randomArray(T * N, 1, 0.5, 0.5), [T, B, N0]);
    const g = tf.tensor(randomArray(T * N, 2), [T, B, N0]);
    const heap = measure(() => tf.dispose([pspForwardHeap(x, T, N, p)!, pspBackwardHeap(g, T, N, p)!]), reps);
    const ts = measure(
      () =>
        tf.dispose([
          tf.tensor(pspForwardScan(readFloat32(x), T, N, p), x.shape, 'float32'),
          tf.tensor(pspBackwardScan(readFloat32(g), T, N, p), x.shape, 'float32'),
        ]),
      reps,
    );
    rows.push([`[${T}, ${B}, ${N0}]`, ts.cpu, heap.cpu, ts.cpu / heap.cpu, ts.wall, heap.wall]);
    tf.dispose([x, g]);
  }
  return {
    title: 'PSP filter forward + backward: TypeScript scans + copies vs WebAssembly in place (wasm backend, median of runs)',
    columns: ['shape [T, B, N]', 'TypeScript CPU ms', 'WebAssembly CPU ms', 'speed-up (CPU)', 'TypeScript wall ms', 'WebAssembly wall ms'],
    rows,
  };
}

function optimizer(quick: boolean): BenchTable {
  // nmnist-mlp's variables: 2312 → 800 → 10 (weights and biases)
  const shapes = [[2312, 800], [800], [800, 10], [10]];
  const reps = quick ? 3 : 15;
  const rows: Array<Array<string | number>> = [];
  for (const kernel of ['ts', 'auto'] as const) {
    const pb = adamProblem(shapes, (n, seed) => randomArray(n, seed, 0, 0.05), 0.02);
    const opt = new Optimizer(TORCH_ADAM, { kernel });
    const t = measure(() => opt.apply(pb.named, TORCH_ADAM.lr), reps);
    rows.push([kernel === 'ts' ? 'TypeScript loop + copy' : 'WebAssembly on the heap', pb.size, t.cpu, t.wall]);
    opt.dispose();
    pb.dispose();
  }
  return {
    title: "One Adam update of nmnist-mlp's variables (wasm backend, median of runs)",
    columns: ['update', 'values', 'CPU ms', 'wall ms'],
    rows,
  };
}

const suite: BenchSuite = async ({ quick }) => {
  await initBackend({ backend: 'wasm', quiet: true });
  if (!pspHeapAvailable()) throw new Error('scans bench: build/kernels/pspScan.wasm is missing (node scripts/build-wasm.mjs)');
  return [psp(quick), optimizer(quick)];
};

export default suite;
