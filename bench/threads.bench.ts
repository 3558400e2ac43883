/**
 * Our WebAssembly kernels on 1 and on 2 threads (main thread + one worker over the shared heap,
 * src/kernels/kernelPool.ts), op by op at the bench workloads' shapes: LIF forward and backward,
 * PSP forward + backward, the event-driven spike-dense products, one Adam update. The two thread counts alternate run by run (A/B
 * interleaved), so that a change of machine load hits both alike; medians of wall ms and of
 * process CPU ms (all threads: the worker's time counts). Shapes under the split threshold
 * (kernelPool.ts: ELEMENTWISE_PER_THREAD) stay on the main thread at both counts. Eligible calls are
 * always split here (split policy 'always'); by default a kernel splits only while that is
 * measured to be faster.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend/index.ts';
import { heapMemory, wasmHeapBackend } from '../src/kernels/heapModule.ts';
import { kernelPoolCounts, requestedKernelThreads, setKernelThreads, setSplitPolicy } from '../src/kernels/kernelPool.ts';
import { lifBackwardHeap, lifForwardHeap } from '../src/kernels/lifScanHeap.ts';
import { pspBackwardHeap, pspForwardHeap } from '../src/kernels/pspScanHeap.ts';
import { fastSigmoid } from '../src/neurons/surrogate.ts';
import { Optimizer } from '../src/train/optimizers.ts';
import { createRng } from '../src/util/random.ts';
import { spikeDense } from '../src/kernels/spikeDenseOp.ts';
import { adamProblem, TORCH_ADAM } from './stepTiming.ts';
import type { BenchSuite, BenchTable } from './types.ts';

function randomArray(n: number, seed: number, lo: number, hi: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}

const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

/** Interleaved runs of `fn` at 1 and 2 threads; medians of wall and CPU ms, and whether 2 threads split it. */
function ab(fn: () => void, reps: number): { wall: [number, number]; cpu: [number, number]; split: boolean; workerShare: number } {
  const wall: [number[], number[]] = [[], []];
  const cpu: [number[], number[]] = [[], []];
  let split = false;
  let [chunks, workerChunks] = [0, 0];
  for (let r = -1; r < reps; r++) {
    for (const k of [0, 1] as const) {
      setKernelThreads(k + 1);
      const before = kernelPoolCounts();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fn();
      const w = performance.now() - t0;
      const c = process.cpuUsage(c0);
      const after = kernelPoolCounts();
      if (k === 1 && after.split > before.split) split = true;
      if (r < 0) continue; // warm-up (starts the worker)
      chunks += after.chunks - before.chunks;
      workerChunks += after.workerChunks - before.workerChunks;
      wall[k].push(w);
      cpu[k].push((c.user + c.system) / 1000);
    }
  }
  return { wall: [med(wall[0]), med(wall[1])], cpu: [med(cpu[0]), med(cpu[1])], split, workerShare: chunks ? workerChunks / chunks : 0 };
}

function kernels(quick: boolean): BenchTable {
  const reps = quick ? 5 : 25;
  const rows: Array<Array<string | number>> = [];
  const row = (kernel: string, shape: string, n: number, r: ReturnType<typeof ab>): void => {
    rows.push([
      kernel,
      shape,
      n,
      r.split ? `${Math.round(100 * r.workerShare)}%` : 'no',
      r.wall[0],
      r.wall[1],
      r.wall[0] / r.wall[1],
      r.cpu[0],
      r.cpu[1],
    ]);
  };
  // [T, B, N]: nmnist-mlp hidden, control-mlp hidden, cifar-conv conv1 and conv2 (NHWC flattened), nmnist's output
  const shapes: Array<[string, number, number]> = quick
    ? [['nmnist hidden [30, 64, 800]', 30, 64 * 800]]
    : [
        ['nmnist hidden [30, 64, 800]', 30, 64 * 800],
        ['control hidden [200, 16, 128]', 200, 16 * 128],
        ['cifar conv1 [5, 32, 32·32·32]', 5, 32 * 32 * 32 * 32],
        ['cifar conv2 [5, 32, 16·16·64]', 5, 32 * 16 * 16 * 64],
        ['nmnist output [30, 64, 10]', 30, 64 * 10],
      ];
  const sg = { decay: Math.exp(-1 / 5), threshold: 1, reset: 'soft' as const, detachReset: true, surrogate: fastSigmoid({ slope: 10 }) };
  for (const [label, T, N] of shapes) {
    const x = tf.tensor(randomArray(T * N, 1, -0.2, 1.4), [T, N]);
    const g = tf.tensor(randomArray(T * N, 2, -0.5, 0.5), [T, N]);
    const fwd = lifForwardHeap(x, T, N, sg.decay, sg.threshold, sg.reset)!;
    row(
      'LIF forward',
      label,
      T * N,
      ab(() => {
        const r = lifForwardHeap(x, T, N, sg.decay, sg.threshold, sg.reset)!;
        tf.dispose([r.u, r.spikes]);
      }, reps),
    );
    row(
      'LIF backward',
      label,
      T * N,
      ab(() => lifBackwardHeap(g, fwd.u, fwd.spikes, T, N, sg)!.dispose(), reps),
    );
    const p = { alpha: Math.exp(-1 / 5), c: 1 };
    row(
      'PSP forward + backward',
      label,
      T * N,
      ab(() => tf.dispose([pspForwardHeap(fwd.spikes, T, N, p)!, pspBackwardHeap(g, T, N, p)!]), reps),
    );
    tf.dispose([x, g, fwd.u, fwd.spikes]);
  }
  // nmnist-mlp's first layer: I = S·W and dW = Sᵀ·δ over [T·B = 1920, 2312] input spikes at p = 0.05
  {
    const [rows, cols, out] = [1920, 2312, 800];
    const rng = createRng(30);
    const S = tf.tensor2d(
      Float32Array.from({ length: rows * cols }, () => +(rng.next() < 0.05)),
      [rows, cols],
    );
    const W = tf.tensor2d(randomArray(cols * out, 31, -0.05, 0.05), [cols, out]);
    const dy = tf.tensor2d(randomArray(rows * out, 32, -1e-3, 1e-3), [rows, out]);
    const f = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(spikeDense(S, w as tf.Tensor2D), dy)));
    row(
      'spike-dense I = S·W',
      "nmnist-mlp's layer 1",
      rows * out,
      ab(() => spikeDense(S, W).dispose(), reps),
    );
    row(
      'spike-dense I = S·W and dW = Sᵀ·δ',
      "nmnist-mlp's layer 1",
      rows * out + cols * out,
      ab(() => f(W).dispose(), reps),
    );
    tf.dispose([S, W, dy]);
  }
  // Adam over a workload's variables
  const models: Array<[string, number[][]]> = [
    [
      'nmnist-mlp',
      [
        [2312, 800],
        [800, 10],
      ],
    ],
    [
      'cifar-conv',
      [
        [3, 3, 3, 32],
        [3, 3, 32, 64],
        [4096, 256],
        [256, 10],
      ],
    ],
    [
      'control-mlp',
      [
        [64, 128],
        [128, 128],
        [128, 8],
      ],
    ],
  ];
  for (const [name, shapes] of quick ? models.slice(0, 1) : models) {
    const pb = adamProblem(shapes, (n, seed) => randomArray(n, seed, -0.05, 0.05), 0.02);
    const opt = new Optimizer(TORCH_ADAM);
    row(
      'Adam update',
      `${name}'s weights`,
      pb.size,
      ab(() => opt.apply(pb.named, TORCH_ADAM.lr), reps),
    );
    opt.dispose();
    pb.dispose();
  }
  return {
    title: 'Our kernels on 1 vs 2 threads (main + 1 worker, shared heap), interleaved runs, medians',
    columns: [
      'kernel',
      'shape',
      'elements',
      'split at 2?',
      '1 thread wall ms',
      '2 threads wall ms',
      'speed-up (wall)',
      '1 thread CPU ms',
      '2 threads CPU ms',
    ],
    rows,
  };
}

const suite: BenchSuite = async ({ quick }) => {
  await initBackend({ backend: 'wasm', quiet: true });
  const backend = wasmHeapBackend();
  if (!backend || !(heapMemory(backend)?.buffer instanceof SharedArrayBuffer))
    throw new Error('threads bench: the wasm heap is not shared (build/kernels/tfjs-backend-wasm-simd.shared.wasm missing?)');
  const keep = requestedKernelThreads();
  setSplitPolicy('always'); // at 2 threads every eligible call is split (the default policy would choose)
  try {
    return [kernels(quick)];
  } finally {
    setSplitPolicy('adaptive');
    setKernelThreads(keep);
  }
};

export default suite;
