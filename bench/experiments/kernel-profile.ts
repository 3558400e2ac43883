/**
 * Wall time per tfjs kernel call inside one workload's training step: every kernel registered
 * for the active backend is wrapped with a timer keyed by its name and input shapes, then
 * `--iters` steps run after `--warmup` untimed ones. Prints the step's mean wall ms and, per key,
 * ms per step and calls per step, largest first (a kernel that calls other kernels counts their
 * time too: e.g. a wasm gradient kernel built from tf ops).
 *   node bin/run-ts.mjs bench/experiments/kernel-profile.ts --workload cifar-conv [--warmup 3] [--iters 5] [--top 30]
 * Threads and native kernels as initBackend resolves them (SPIKELOOP_THREADS, SPIKELOOP_NATIVE).
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { buildProblem, stepTrainer } from '../stepTiming.ts';
import { workload } from '../workloads/index.ts';

const { values } = parseArgs({
  options: {
    workload: { type: 'string', default: 'cifar-conv' },
    warmup: { type: 'string', default: '3' },
    iters: { type: 'string', default: '5' },
    top: { type: 'string', default: '30' },
  },
});
const iters = Number(values.iters);

await initBackend();
const pb = buildProblem(workload(values.workload!));
const { step } = stepTrainer(pb);

const totals = new Map<string, { ms: number; calls: number }>();
let timing = false;
// Kernels called by another kernel (one built from tf ops) are marked '(nested)': their time is
// also inside their caller's.
let depth = 0;
for (const k of tf.getKernelsForBackend(tf.getBackend())) {
  const inner = k.kernelFunc;
  k.kernelFunc = (args) => {
    if (!timing) return inner(args);
    const key = `${depth > 0 ? '(nested) ' : ''}${k.kernelName} ${Object.values(args.inputs)
      .map((t) => (t ? `[${t.shape.join('x')}]` : '-'))
      .join(' ')}`;
    depth++;
    const t0 = performance.now();
    try {
      return inner(args);
    } finally {
      const ms = performance.now() - t0;
      depth--;
      const e = totals.get(key) ?? { ms: 0, calls: 0 };
      e.ms += ms;
      e.calls++;
      totals.set(key, e);
    }
  };
}

for (let i = 0; i < Number(values.warmup); i++) step();
timing = true;
const t0 = performance.now();
for (let i = 0; i < iters; i++) step();
const stepMs = (performance.now() - t0) / iters;
timing = false;

const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms);
const sum = rows.reduce((s, [, e]) => s + e.ms, 0) / iters;
console.log(`${values.workload}: step ${stepMs.toFixed(1)} ms wall; kernels (outermost and nested) ${sum.toFixed(1)} ms`);
for (const [key, e] of rows.slice(0, Number(values.top))) {
  console.log(`${(e.ms / iters).toFixed(2).padStart(8)} ms  ${String(e.calls / iters).padStart(4)}×  ${key}`);
}
pb.dispose();
