/**
 * Training-step speed of the PyTorch reference workloads (issue 2 item 8; model and workloads as
 * /work/shared/bench/torch_snn.py's docstring, see bench/workloads/index.ts), each in its own
 * process on the backend `initBackend('auto')` picks, plus the fused/unfused ratio on control-mlp
 * in the same run (unfused: LIF and the loss's PSP filter as per-step tf ops under autograd;
 * per-step: the textbook loop, synapses too).
 * `npm run bench:compare` puts these next to PyTorch's times.
 */
import type { BenchSuite, BenchTable } from './types.ts';
import { WORKLOAD_NAMES, WORKLOADS } from './workloads/index.ts';
import { runWorkloadChild } from './workloads/spawn.ts';

const suite: BenchSuite = async ({ quick }) => {
  const timing = quick ? { warmup: 1, iters: 2 } : { warmup: 2, iters: 10 };
  const rows: Array<Array<string | number>> = [];
  let backend = '?';
  let fusedControl: number | undefined;
  let fusedControlCpu: number | undefined;
  for (const name of WORKLOAD_NAMES) {
    const w = WORKLOADS[name];
    const r = runWorkloadChild(name, timing);
    backend = r.backend;
    const m = r.result;
    if (name === 'control-mlp') {
      fusedControl = m.msPerIter;
      fusedControlCpu = m.cpuMsPerIter;
    }
    rows.push([
      name,
      'fused',
      w.T,
      w.batch,
      m.iters,
      m.msPerIter,
      m.msMin,
      m.cpuMsPerIter,
      m.samplesPerS,
      m.gflops,
      r.peakRssMb,
      m.spikeRates.map((v) => v.toFixed(3)).join(' '),
    ]);
  }
  // the unfused paths record thousands of tape nodes per step: fewer iterations
  const slow: Record<string, number> = {};
  const slowCpu: Record<string, number> = {};
  for (const path of ['unfused', 'per-step'] as const) {
    const u = runWorkloadChild('control-mlp', { path, warmup: 1, iters: quick ? 1 : 3 });
    const um = u.result;
    slow[path] = um.msPerIter;
    slowCpu[path] = um.cpuMsPerIter;
    rows.push([
      'control-mlp',
      path,
      um.T,
      um.batch,
      um.iters,
      um.msPerIter,
      um.msMin,
      um.cpuMsPerIter,
      um.samplesPerS,
      um.gflops,
      u.peakRssMb,
      um.spikeRates.map((v) => v.toFixed(3)).join(' '),
    ]);
  }
  const ratio = slow['unfused']! / fusedControl!;
  const ratioStep = slow['per-step']! / fusedControl!;
  const table: BenchTable = {
    title: `Training step (forward + loss + backward + Adam), torch_snn.py workloads, backend ${backend}`,
    columns: [
      'workload',
      'path',
      'T',
      'B',
      'iters',
      'ms/iter',
      'min ms',
      'CPU ms/iter',
      'samples/s',
      'synaptic GFLOP/s',
      'peak RSS MB',
      'spike rates@init',
    ],
    rows,
    notes: [
      `Fused/unfused speed-up on control-mlp: ${ratio.toFixed(1)}× (target ≥ 10×: ${ratio >= 10 ? 'met' : 'missed'}); fused vs the textbook per-step loop: ${ratioStep.toFixed(1)}×. By CPU time: ${(slowCpu['unfused']! / fusedControlCpu!).toFixed(1)}× and ${(slowCpu['per-step']! / fusedControlCpu!).toFixed(1)}×.`,
      "unfused: same time-batched synapses, LIF and loss PSP as per-step tf ops under autograd (src/neurons/reference.ts); per-step: every synaptic product and LIF update step by step (PyTorch's step mode).",
      `Warm-up ${timing.warmup}, then ${timing.iters} timed steps per fused row (unfused and per-step: 1 warm-up, ${quick ? 1 : 3} timed); ms/iter = timed wall time / iters.`,
      "Synaptic GFLOP/s uses torch_snn.py's nominal count (3 × forward FLOPs of every dense/conv layer, every step and sample).",
      "Each row runs in its own process; peak RSS is that process's maximum resident set.",
    ],
  };
  return [table];
};

export default suite;
