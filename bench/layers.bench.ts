/**
 * Training-step time of the PyTorch reference workloads (/work/shared/bench/torch_snn.py, same
 * shapes, LIF, loss and Adam; bench/workloads) built from `src/network` configs and trained with `src/train`, in this process:
 * one step = forward + spike-sequence loss + backward (fused LIF/PSP ops) + Adam update.
 * Backends: tfjs 'cpu' (plain JS) and 'wasm' (XNNPACK, one thread, with src/backend's training kernels).
 */
import { initBackend } from '../src/backend/index.ts';
import type { BenchSuite, BenchTable } from './types.ts';
import { measureFused, WORKLOAD_NAMES, WORKLOADS } from './workloads/index.ts';

const suite: BenchSuite = async ({ quick }) => {
  const rows: Array<Array<string | number>> = [];
  for (const backend of ['wasm', 'cpu']) {
    await initBackend({ backend: backend as 'wasm' | 'cpu', quiet: true });
    for (const name of WORKLOAD_NAMES) {
      const w = WORKLOADS[name];
      if (backend === 'cpu' && w.name === 'cifar-conv') {
        rows.push([
          w.name,
          backend,
          w.T,
          w.batch,
          0,
          'skipped',
          '',
          '',
          'tfjs-cpu conv backprop: 204.5 s for one step (bench/notes/2026-11-29-round1-layers.md)',
        ]);
        continue;
      }
      // the plain-JS backend needs tens of seconds per nmnist/cifar step: one timed step there
      const iters = quick || backend === 'cpu' ? 1 : 3;
      let r: ReturnType<typeof measureFused>;
      try {
        r = measureFused(w, { warmup: 1, iters });
      } catch (e) {
        rows.push([w.name, backend, w.T, w.batch, 0, 'n/a', 'n/a', 'n/a', (e as Error).message.slice(0, 70)]);
        continue;
      }
      rows.push([w.name, backend, w.T, w.batch, iters, r.msPerIter, r.msMin, r.gflops, r.spikeRates.map((v) => v.toFixed(3)).join(' ')]);
    }
  }
  const table: BenchTable = {
    title: 'Training step (forward + loss + backward + Adam), src/network + src/train, torch_snn.py workloads',
    columns: ['workload', 'backend', 'T', 'B', 'iters', 'ms/iter', 'min ms', 'nominal GFLOP/s', 'spike rates@init'],
    rows,
    notes: ["One warm-up step first. Nominal GFLOP/s uses torch_snn.py's count (3 × forward synaptic FLOPs)."],
  };
  return [table];
};

export default suite;
