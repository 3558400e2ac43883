/**
 * `npm run bench:compare [-- --quick] [-- --workloads a,b] [-- --torch-script F] [-- --python P]`:
 * runs our training step and the PyTorch CPU reference (/work/shared/bench/torch_snn.py, both of its
 * modes) in one go, workload by workload (ours, then PyTorch, never both at once), and prints
 * ours / min(PyTorch modes) against issue 12's targets. Only ratios from one run mean anything on a
 * machine whose speed drifts.
 *
 * The script path: `--torch-script`, else env SPIKELOOP_TORCH_BENCH, else ../shared/bench/torch_snn.py
 * relative to the repository root. `--torch-threads 1,2` runs PyTorch once per thread count and
 * divides by its best (on a machine shared with other jobs its 2 OpenMP threads can be far
 * slower than 1); the default is the reference's own setting, 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable } from './run.ts';
import type { BenchTable } from './types.ts';
import { WORKLOAD_NAMES, workload, type WorkloadName } from './workloads/index.ts';
import { runWorkloadChild } from './workloads/spawn.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Issue 12's targets (round 2; round 1's were 1.0 / 2.0 / 3.0): our ms/iter ÷ PyTorch's faster mode, same run. */
export const TARGETS: Readonly<Record<WorkloadName, number>> = Object.freeze({ 'control-mlp': 0.7, 'nmnist-mlp': 0.8, 'cifar-conv': 1.5 });

export const TORCH_INSTALL_HINT =
  'PyTorch is missing: install it with `apt-get update && apt-get install -y python3-torch libopenblas0-openmp` ' +
  "(Debian's torch; run it with /usr/bin/python3). See ../shared/bench/README.md.";

export interface TorchTimes {
  /** ms/iter per mode ('layer', 'step'), as the script measured them. */
  modes: Partial<Record<'layer' | 'step', number>>;
}

/** Per mode, the fastest of several runs (e.g. one per thread count), and which run gave it. */
export function fastestTorch(
  runs: ReadonlyArray<{ label: string; times: TorchTimes }>,
): TorchTimes & { from: Partial<Record<'layer' | 'step', string>> } {
  const out: TorchTimes & { from: Partial<Record<'layer' | 'step', string>> } = { modes: {}, from: {} };
  for (const { label, times } of runs) {
    for (const mode of ['layer', 'step'] as const) {
      const ms = times.modes[mode];
      if (ms !== undefined && !(ms >= (out.modes[mode] ?? Infinity))) {
        out.modes[mode] = ms;
        out.from[mode] = label;
      }
    }
  }
  return out;
}

/** Per-workload ms/iter of each mode from `torch_snn.py --json` output (the last JSON line). */
export function parseTorchJson(stdout: string): Map<string, TorchTimes> {
  const line = stdout.trim().split('\n').pop() ?? '';
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    throw new Error(`torch_snn.py --json printed no JSON document (last line: ${JSON.stringify(line.slice(0, 200))})`);
  }
  const results = (doc as { results?: unknown }).results;
  if (!Array.isArray(results)) throw new Error('torch_snn.py JSON has no "results" array');
  const out = new Map<string, TorchTimes>();
  results.forEach((r: unknown, i) => {
    const o = r as { workload?: unknown; mode?: unknown; ms_per_iter?: unknown };
    if (
      typeof o.workload !== 'string' ||
      (o.mode !== 'layer' && o.mode !== 'step') ||
      typeof o.ms_per_iter !== 'number' ||
      !(o.ms_per_iter > 0)
    ) {
      throw new Error(
        `torch_snn.py JSON results[${i}] needs workload, mode 'layer'|'step' and a positive ms_per_iter, got ${JSON.stringify(r).slice(0, 200)}`,
      );
    }
    const t = out.get(o.workload) ?? { modes: {} };
    t.modes[o.mode] = o.ms_per_iter;
    out.set(o.workload, t);
  });
  return out;
}

export interface CompareRow {
  workload: WorkloadName;
  oursMs: number;
  torchLayerMs?: number;
  torchStepMs?: number;
  /** ours / min(PyTorch modes). */
  ratio: number;
  target: number;
  met: boolean;
}

/** Ratio of our time to PyTorch's faster mode and the verdict against the workload's target. */
export function compareRow(name: WorkloadName, oursMs: number, torch: TorchTimes): CompareRow {
  const { layer, step } = torch.modes;
  const best = Math.min(layer ?? Infinity, step ?? Infinity);
  if (!Number.isFinite(best)) throw new Error(`no PyTorch time for ${name}`);
  if (!(oursMs > 0)) throw new Error(`our time for ${name} must be positive, got ${oursMs}`);
  const ratio = oursMs / best;
  const target = TARGETS[name];
  return {
    workload: name,
    oursMs,
    ...(layer !== undefined ? { torchLayerMs: layer } : {}),
    ...(step !== undefined ? { torchStepMs: step } : {}),
    ratio,
    target,
    met: ratio <= target,
  };
}

export function compareTable(rows: readonly CompareRow[], backend: string, notes: string[] = []): BenchTable {
  return {
    title: `spikeloop (${backend}) vs PyTorch CPU, training step ms/iter, same run`,
    columns: ['workload', 'ours ms/iter', 'torch layer ms/iter', 'torch step ms/iter', 'ours / min(torch)', 'target', 'verdict'],
    rows: rows.map((r) => [
      r.workload,
      r.oursMs,
      r.torchLayerMs ?? 'n/a',
      r.torchStepMs ?? 'n/a',
      r.ratio,
      `≤ ${r.target.toFixed(1)}`,
      r.met ? 'met' : 'missed',
    ]),
    notes,
  };
}

/** The reference script's path from the flag, the environment, or the default next to the repo. */
export function torchScriptPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(ROOT, flag ?? env.SPIKELOOP_TORCH_BENCH ?? '../shared/bench/torch_snn.py');
}

function torchAvailable(python: string): boolean {
  const r = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
  return r.status === 0;
}

function runTorch(python: string, script: string, name: WorkloadName, warmup: number, iters: number, threads: number): TorchTimes {
  const r = spawnSync(
    python,
    [script, '--json', '--workloads', name, '--warmup', String(warmup), '--iters', String(iters), '--threads', String(threads)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 900_000,
      maxBuffer: 16 << 20,
    },
  );
  if (r.error) throw new Error(`${python} ${script}: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(
      `${python} ${script} exited with ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`,
    );
  const t = parseTorchJson(r.stdout).get(name);
  if (!t) throw new Error(`torch_snn.py printed no result for ${name}`);
  return t;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      workloads: { type: 'string' },
      'torch-script': { type: 'string' },
      python: { type: 'string', default: '/usr/bin/python3' },
      'torch-threads': { type: 'string', default: '2' },
    },
  });
  const names = (values.workloads?.split(',').map((s) => s.trim()) ?? [...WORKLOAD_NAMES]).map((n) => workload(n).name);
  const script = torchScriptPath(values['torch-script']);
  const python = values.python!;
  const threads = values['torch-threads']!.split(',').map((x) => Number(x.trim()));
  if (threads.some((t) => !Number.isInteger(t) || t < 1))
    throw new Error(`--torch-threads must be positive integers, got ${values['torch-threads']}`);
  if (!existsSync(script)) {
    console.error(`PyTorch reference script not found at ${script}: pass --torch-script or set SPIKELOOP_TORCH_BENCH`);
    return 2;
  }
  if (!torchAvailable(python)) {
    console.error(TORCH_INSTALL_HINT);
    return 2;
  }
  const warmup = values.quick ? 1 : 2;
  const iters = values.quick ? 3 : 10;
  const load0 = loadavg()[0]!;
  console.log(
    `spikeloop bench:compare — ${new Date().toISOString()} — node ${process.version}; ${python} ${script} (threads ${threads.join(', ')}); warm-up ${warmup}, ${iters} timed steps each; load ${load0.toFixed(2)}`,
  );
  const rows: CompareRow[] = [];
  let backend = '?';
  for (const name of names) {
    const ours = runWorkloadChild(name, { warmup, iters });
    backend = ours.backend;
    const runs = threads.map((t) => ({ label: `${t} thread${t > 1 ? 's' : ''}`, times: runTorch(python, script, name, warmup, iters, t) }));
    runs.forEach((r) =>
      console.error(`${name}: torch ${r.label}: layer ${r.times.modes.layer?.toFixed(1)} step ${r.times.modes.step?.toFixed(1)} ms/iter`),
    );
    const torch = fastestTorch(runs);
    const row = compareRow(name, ours.result.msPerIter, torch);
    console.error(`${name}: ours ${row.oursMs.toFixed(1)} ms/iter (CPU ${ours.result.cpuMsPerIter.toFixed(1)}) → ${row.ratio.toFixed(2)}`);
    rows.push(row);
  }
  const notes = [
    `Each workload: ours (own process) then torch_snn.py --json --workloads <name> --threads N (both modes) for N in ${threads.join(', ')}, sequentially; PyTorch columns are the best over those runs.`,
    `1-minute load average: ${load0.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end (2 cores): a loaded machine slows PyTorch's OpenMP threads far more than our code.`,
  ];
  console.log('\n' + formatTable(compareTable(rows, backend, notes)));
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();
