/**
 * Fused neuron ops vs the unfused per-step autograd reference (DESIGN §3), the raw typed-array
 * scans, and the wasm training kernels registered by src/backend (vs the cpu backend).
 * All on the wasm backend unless a row says otherwise; forward + backward = tf.grad of Σ w·op(x).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // tf.setBackend('cpu') below: the cpu backend registers on import
import type { BenchSuite, BenchTable } from './types.ts';
import { initBackend } from '../src/backend/index.ts';
import { lifBackwardScan, lifForwardScan } from '../src/kernels/lifScan.ts';
import { pspBackwardScan, pspForwardScan } from '../src/kernels/pspScan.ts';
import { lifMultiStep, pspFilter, resolveLif, resolvePsp } from '../src/neurons/index.ts';
import { lifMultiStepReference, pspFilterReference } from '../src/neurons/reference.ts';
import { createRng } from '../src/util/random.ts';

function randomArray(n: number, seed: number, mean = 0, std = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal(mean, std));
}

/** Median wall time in ms of `fn` over `reps` runs after one warm-up. */
function timeMs(fn: () => void, reps: number): number {
  fn();
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

/** Median process CPU time in ms (user + system, one thread) of `fn` over `reps` runs after one warm-up: less distorted than the wall clock on a shared machine. */
function cpuMs(fn: () => void, reps: number): number {
  fn();
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    t.push((c.user + c.system) / 1000);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

function fwdBwd(op: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, w: tf.Tensor): () => void {
  return () =>
    tf.tidy(() => {
      tf.grad((v: tf.Tensor) => tf.sum(tf.mul(op(v), w)))(x).dataSync();
    });
}

async function fusedVsUnfused(quick: boolean): Promise<BenchTable> {
  await initBackend({ backend: 'wasm', quiet: true });
  const shapes: Array<[number, number, number]> = quick
    ? [[5, 32, 1024]]
    : [
        [5, 32, 1024],
        [30, 16, 800],
      ];
  const rows: Array<Array<string | number>> = [];
  for (const [T, B, N] of shapes) {
    const shape = [T, B, N];
    const x = tf.tensor(randomArray(T * B * N, 1, 0.5, 0.8), shape);
    const w = tf.tensor(randomArray(T * B * N, 2), shape);
    const reps = quick ? 3 : 7;
    for (const [name, fused, unfused] of [
      ['LIF', (v: tf.Tensor) => lifMultiStep(v), (v: tf.Tensor) => lifMultiStepReference(v)],
      ['PSP', (v: tf.Tensor) => pspFilter(v), (v: tf.Tensor) => pspFilterReference(v)],
    ] as const) {
      const f = timeMs(fwdBwd(fused, x, w), reps);
      const u = timeMs(fwdBwd(unfused, x, w), reps);
      const fc = cpuMs(fwdBwd(fused, x, w), reps);
      rows.push([name, `[${T}, ${B}, ${N}]`, f, fc, u, `${(u / f).toFixed(1)}×`]);
    }
    tf.dispose([x, w]);
  }
  return {
    title: 'Fused vs unfused neuron ops, forward + backward (wasm backend, median ms)',
    columns: ['op', 'shape [T, B, N]', 'fused ms', 'fused CPU ms', 'unfused ms', 'speed-up'],
    rows,
    notes: ['LIF: τm 5, θ 1, hard reset, detached, fastSigmoid; PSP: τs 3. Input N(0.5, 0.8).'],
  };
}

function scans(quick: boolean): BenchTable {
  const T = 30;
  const N = quick ? 16 * 200 : 16 * 800;
  const I = randomArray(T * N, 3, 0.5, 0.8);
  const g = randomArray(T * N, 4);
  const lif = resolveLif();
  const psp = resolvePsp();
  const reps = quick ? 5 : 21;
  const { spikes, u } = lifForwardScan(I, T, N, lif);
  const rows: Array<Array<string | number>> = [];
  const add = (name: string, ms: number) => rows.push([name, ms, (T * N) / ms / 1e6]);
  add(
    'lifForwardScan',
    timeMs(() => lifForwardScan(I, T, N, lif), reps),
  );
  add(
    'lifBackwardScan',
    timeMs(() => lifBackwardScan(g, u, spikes, T, N, lif), reps),
  );
  add(
    'pspForwardScan',
    timeMs(() => pspForwardScan(I, T, N, psp), reps),
  );
  add(
    'pspBackwardScan',
    timeMs(() => pspBackwardScan(g, T, N, psp), reps),
  );
  return {
    title: `Typed-array scans alone, T·N = ${T}·${N} (median ms)`,
    columns: ['kernel', 'ms', 'G elements/s'],
    rows,
  };
}

async function wasmKernels(quick: boolean): Promise<BenchTable> {
  // `cpu: false` where the cpu backend's naive loop would take minutes per call.
  type Layer = { name: string; x: [number, number, number, number]; f: [number, number, number, number]; stride: number; cpu: boolean };
  const layers: Layer[] = quick
    ? [{ name: 'conv 3→32, 32×32, T·B=10', x: [10, 32, 32, 3], f: [3, 3, 3, 32], stride: 1, cpu: true }]
    : [
        { name: 'CIFAR conv1 3→96, 32×32, T·B=40', x: [40, 32, 32, 3], f: [3, 3, 3, 96], stride: 1, cpu: true },
        { name: 'CIFAR conv2 96→256, 32×32, T·B=10', x: [10, 32, 32, 96], f: [3, 3, 96, 256], stride: 1, cpu: false },
        { name: 'N-MNIST conv1 2→12 5×5, 34×34, T·B=120', x: [120, 34, 34, 2], f: [5, 5, 2, 12], stride: 1, cpu: true },
        { name: 'conv 64→64 stride 2, 16×16, T·B=8', x: [8, 16, 16, 64], f: [3, 3, 64, 64], stride: 2, cpu: true },
      ];
  const rows: Array<Array<string | number>> = [];
  const reps = quick ? 2 : 3;
  for (const L of layers) {
    const xs = randomArray(
      L.x.reduce((a, b) => a * b),
      5,
    );
    const fs = randomArray(
      L.f.reduce((a, b) => a * b),
      6,
      0,
      0.1,
    );
    for (const kernel of ['Conv2DBackpropFilter', 'Conv2DBackpropInput'] as const) {
      const times: Record<string, number> = {};
      for (const backend of L.cpu ? (['wasm', 'cpu'] as const) : (['wasm'] as const)) {
        await tf.setBackend(backend);
        const x = tf.tensor4d(xs, L.x);
        const f = tf.tensor4d(fs, L.f);
        const dy = tf.tidy(() => tf.onesLike(tf.conv2d(x, f, L.stride, 'same')));
        const [inputs, attrs] =
          kernel === 'Conv2DBackpropFilter'
            ? [
                { x, dy },
                { strides: L.stride, pad: 'same', dataFormat: 'NHWC', filterShape: L.f },
              ]
            : [
                { dy, filter: f },
                { strides: L.stride, pad: 'same', dataFormat: 'NHWC', inputShape: L.x },
              ];
        times[backend] = timeMs(
          () => {
            tf.tidy(() => {
              (tf.engine().runKernel(kernel, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor).dataSync();
            });
          },
          backend === 'cpu' ? 1 : reps,
        );
        tf.dispose([x, f, dy]);
      }
      const cpu = times['cpu'];
      rows.push([
        `${kernel}: ${L.name}`,
        times['wasm']!,
        cpu ?? 'not run',
        cpu === undefined ? '—' : `${(cpu / times['wasm']!).toFixed(1)}×`,
      ]);
    }
  }
  const poolShape: [number, number, number, number] = quick ? [10, 32, 32, 32] : [20, 32, 32, 96];
  const ps = randomArray(
    poolShape.reduce((a, b) => a * b),
    7,
  );
  const times: Record<string, number> = {};
  for (const backend of ['wasm', 'cpu'] as const) {
    await tf.setBackend(backend);
    const x = tf.tensor4d(ps, poolShape);
    times[backend] = timeMs(
      () => {
        tf.tidy(() => {
          tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid')))(x).dataSync();
        });
      },
      backend === 'cpu' ? 1 : reps,
    );
    x.dispose();
  }
  rows.push([
    `maxPool 2×2 fwd+bwd (MaxPoolGrad): [${poolShape.join(', ')}]`,
    times['wasm']!,
    times['cpu']!,
    `${(times['cpu']! / times['wasm']!).toFixed(1)}×`,
  ]);
  await tf.setBackend('wasm');
  return {
    title: 'Training kernels registered for wasm vs the cpu backend (median ms)',
    columns: ['kernel and shape (NHWC)', 'wasm ms', 'cpu ms', 'wasm speed-up'],
    rows,
  };
}

const suite: BenchSuite = async ({ quick }) => [await fusedVsUnfused(quick), scans(quick), await wasmKernels(quick)];

export default suite;
