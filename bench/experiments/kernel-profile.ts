/**
 * Wall time per tfjs kernel call inside one workload's training step: every kernel registered
 * for the active backend is wrapped with a timer keyed by its name and input shapes, then
 * `--iters` steps run after `--warmup` untimed ones. Prints the step's mean wall ms and, per key,
 * wall and CPU ms per step (CPU: the whole process's, so a native kernel's pool threads count;
 * a busy machine distorts it less than wall time) and calls per step, largest first (a kernel that calls other kernels counts their
 * time too: e.g. a wasm gradient kernel built from tf ops).
 *   node bin/run-ts.mjs bench/experiments/kernel-profile.ts --workload cifar-conv [--warmup 3] [--iters 5] [--top 30]
 * Threads and native kernels as initBackend resolves them (SPIKELOOP_THREADS, SPIKELOOP_NATIVE).
 */
import { loadavg } from 'node:os';
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

const totals = new Map<string, { ms: number; cpuMs: number; calls: number }>();
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
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    try {
      return inner(args);
    } finally {
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      depth--;
      const e = totals.get(key) ?? { ms: 0, cpuMs: 0, calls: 0 };
      e.ms += ms;
      e.cpuMs += (c.user + c.system) / 1e3;
      e.calls++;
      totals.set(key, e);
    }
  };
}

for (let i = 0; i < Number(values.warmup); i++) step();
timing = true;
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < iters; i++) step();
const stepMs = (performance.now() - t0) / iters;
const cpu = process.cpuUsage(c0);
timing = false;

const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms);
const sum = rows.reduce((s, [, e]) => s + e.ms, 0) / iters;
const stepCpu = (cpu.user + cpu.system) / 1e3 / iters;
console.log(
  `${values.workload}: step ${stepMs.toFixed(1)} ms wall, ${stepCpu.toFixed(1)} ms CPU (all threads); kernels (outermost and nested) ${sum.toFixed(1)} ms wall; load ${loadavg()[0]!.toFixed(2)}`,
);
console.log('    wall ms    CPU ms  calls  kernel [input shapes]');
for (const [key, e] of rows.slice(0, Number(values.top))) {
  console.log(
    `${(e.ms / iters).toFixed(2).padStart(11)} ${(e.cpuMs / iters).toFixed(2).padStart(9)} ${String(e.calls / iters).padStart(5)}×  ${key}`,
  );
}
pb.dispose();
