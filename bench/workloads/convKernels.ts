/**
 * Times the tfjs kernels of one cifar-conv training step at the workload's shapes (T·B = 160 for
 * conv2, the static conv1 once per sample), to show where its step goes:
 *   node bin/run-ts.mjs bench/workloads/convKernels.ts
 * (SPIKELOOP_NATIVE=0 for the pure wasm kernels, SPIKELOOP_THREADS=n for the native ones' threads).
 * Reported in bench/notes/2026-11-29-round1-training.md ("cifar-conv now").
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadavg } from 'node:os';
import { initBackend } from '../../src/backend/index.ts';

await initBackend({ backend: 'wasm' });
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

/** Wall and process CPU time (all threads, so native kernels' pool threads count too). */
function time(name: string, f: () => tf.Tensor, flop: number): void {
  const run = (): void => tf.tidy(() => void f().dataSync());
  for (let i = 0; i < 2; i++) run();
  const n = 5;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) run();
  const ms = (performance.now() - t0) / n;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000 / n;
  console.log(
    `${name.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms ${(flop / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s  cpu ${cpuMs.toFixed(1).padStart(7)} ms`,
  );
}

const filterGrad = (x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number]): tf.Tensor =>
  tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
    strides: 1,
    pad: 'same',
    dataFormat: 'NHWC',
    filterShape,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;

const x2 = tf.cast(tf.greater(tf.randomUniform([160, 16, 16, 32]), 0.7), 'float32') as tf.Tensor4D;
const w2 = tf.randomNormal([3, 3, 32, 64]) as tf.Tensor4D;
const dy2 = tf.randomNormal([160, 16, 16, 64]) as tf.Tensor4D;
const f2 = 160 * 256 * 64 * 288 * 2;
time('conv2 forward', () => tf.conv2d(x2, w2, 1, 'same'), f2);
time('conv2 dW (Conv2DBackpropFilter)', () => filterGrad(x2, dy2, [3, 3, 32, 64]), f2);
time('conv2 dx (Conv2DBackpropInput)', () => tf.conv2dTranspose(dy2, w2, [160, 16, 16, 32], 1, 'same'), f2);
const x1 = tf.randomUniform([32, 32, 32, 3]) as tf.Tensor4D;
const w1 = tf.randomNormal([3, 3, 3, 32]) as tf.Tensor4D;
const dy1 = tf.randomNormal([32, 32, 32, 32]) as tf.Tensor4D;
const f1 = 32 * 1024 * 32 * 27 * 2;
time('conv1 forward (once per sample)', () => tf.conv2d(x1, w1, 1, 'same'), f1);
time('conv1 dW', () => filterGrad(x1, dy1, [3, 3, 3, 32]), f1);
const cols = tf.randomUniform([40960, 288]);
const wc = tf.randomNormal([288, 64]);
time('conv2 as an im2col GEMM (GEMM alone)', () => tf.matMul(cols, wc), f2);
