/**
 * One workload in its own process, so that its peak RSS is its own (the wasm heap never shrinks):
 *
 *   node bin/run-ts.mjs bench/workloads/child.ts --workload control-mlp [--path unfused|per-step] [--warmup 2] [--iters 10]
 *
 * Prints one JSON line on stdout: `{backend, result: TrainingMeasurement, peakRssMb}`.
 */
import { parseArgs } from 'node:util';
import { initBackend, parseBackendName } from '../../src/backend/index.ts';
import { measureFused, measureUnfused, workload } from './index.ts';

export interface ChildReport {
  backend: string;
  result: ReturnType<typeof measureFused>;
  peakRssMb: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      workload: { type: 'string' },
      path: { type: 'string', default: 'fused' },
      warmup: { type: 'string', default: '2' },
      iters: { type: 'string', default: '10' },
      backend: { type: 'string', default: 'auto' },
    },
  });
  if (!values.workload) throw new Error('child: --workload is required');
  const w = workload(values.workload);
  const timing = { warmup: Number(values.warmup), iters: Number(values.iters) };
  if (!Number.isInteger(timing.warmup) || timing.warmup < 0 || !Number.isInteger(timing.iters) || timing.iters < 1) {
    throw new Error(`child: --warmup must be an integer >= 0 and --iters >= 1, got ${values.warmup}, ${values.iters}`);
  }
  const path = values.path;
  if (path !== 'fused' && path !== 'unfused' && path !== 'per-step')
    throw new Error(`child: --path must be fused, unfused or per-step, got ${path}`);
  const backend = await initBackend({ backend: parseBackendName(values.backend!, '--backend') });
  const result = path === 'fused' ? measureFused(w, timing) : measureUnfused(w, timing, path);
  // maxRSS is in kilobytes
  const report: ChildReport = { backend, result, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(report) + '\n');
}

await main();
