/**
 * Runs one workload measurement in a child process (`child.ts`) and parses its report, so that
 * every row has its own peak RSS and starts from a fresh wasm heap.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildReport } from './child.ts';
import type { MeasurePath, TimingOptions, WorkloadName } from './index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SpawnOptions extends TimingOptions {
  path: MeasurePath;
  backend: string;
  /** Kill the child after this many seconds. */
  timeoutS: number;
}

export const DEFAULT_SPAWN: Readonly<SpawnOptions> = Object.freeze({ path: 'fused', backend: 'auto', warmup: 2, iters: 10, timeoutS: 600 });

/** Parses the last JSON line a child printed; the error quotes what it got instead. */
export function parseChildReport(stdout: string): ChildReport {
  const line = stdout.trim().split('\n').pop() ?? '';
  let r: unknown;
  try {
    r = JSON.parse(line);
  } catch {
    throw new Error(`workload child printed no JSON report (last line: ${JSON.stringify(line.slice(0, 200))})`);
  }
  const o = r as Partial<ChildReport>;
  if (typeof o.backend !== 'string' || typeof o.peakRssMb !== 'number' || typeof o.result?.msPerIter !== 'number') {
    throw new Error(`workload child report lacks backend, peakRssMb or result.msPerIter: ${line.slice(0, 200)}`);
  }
  return o as ChildReport;
}

export function runWorkloadChild(name: WorkloadName, opts: Partial<SpawnOptions> = {}): ChildReport {
  const o = { ...DEFAULT_SPAWN, ...opts };
  const args = [
    join(ROOT, 'bin', 'run-ts.mjs'),
    join(ROOT, 'bench', 'workloads', 'child.ts'),
    '--workload',
    name,
    '--path',
    o.path,
    '--backend',
    o.backend,
    '--warmup',
    String(o.warmup),
    '--iters',
    String(o.iters),
  ];
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: o.timeoutS * 1000,
    maxBuffer: 16 << 20,
  });
  if (r.error) throw new Error(`workload ${name} (${o.path}): ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(
      `workload ${name} (${o.path}) exited with ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`,
    );
  return parseChildReport(r.stdout);
}
