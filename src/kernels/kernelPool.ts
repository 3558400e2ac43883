/**
 * Our WebAssembly kernels on several cores: the main thread plus `threads − 1` worker threads,
 * all running the same compiled kernels (build/kernels/NAME.shared.wasm) on the tfjs wasm
 * backend's heap, which is a shared `WebAssembly.Memory` when the backend was loaded from
 * build/kernels/tfjs-backend-wasm-simd.shared.wasm (src/backend/index.ts).
 *
 * A call is split along an axis whose elements are computed independently (a scan's neurons, an
 * optimizer's values): each thread runs the kernel on its own range, with the operations of the
 * single-thread call in the same order for every element, so the results are the same bit for
 * bit for any thread count. Ranges start at multiples of `align` elements (a cache line), and a
 * call smaller than `minChunk` elements per extra thread stays on the main thread: a wake-up and
 * done round trip costs ~12 µs on an idle machine, far more when the cores are busy.
 *
 * Synchronisation: one 256-byte slot per worker in a SharedArrayBuffer (job number, done number,
 * function, arguments). The main thread writes the job, `Atomics.notify`s the worker, runs its
 * own range, then `Atomics.wait`s for each worker's done number. Workers sleep in `Atomics.wait`
 * between jobs: nobody spins, so a busy 2-core machine does not stall.
 *
 * Without SharedArrayBuffer, worker_threads or a shared heap, everything runs on the main thread.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { resolveThreads } from '../backend/engineOptions.ts';
import { packagePath } from '../util/packageRoot.ts';

/** The kernels whose calls are split between threads (their shared builds are loaded in every worker). */
const POOL_MODULES = ['lifScan', 'pspScan', 'optimizer'] as const;

const SLOT_BYTES = 256;
// Int32 indices within a slot
const SEQ = 0;
const DONE = 1;
const FN = 2;
const STATUS = 3;
const NARGS = 4;
// Float64 index of the first argument within a slot (byte 32), and the most arguments
const ARG0 = 4;
const MAX_ARGS = SLOT_BYTES / 8 - ARG0;

/** Range boundaries are multiples of this many floats (64 bytes): no two threads write one cache line. */
export const CACHE_LINE_FLOATS = 16;

/**
 * The least work (elements) worth a thread. A hand-off costs ~12 µs on an idle machine (tens on
 * a busy one) and our kernels process ~0.5–2 elements per ns, so below ~64 K elements per extra
 * thread the split would not pay (measured in bench/scans.bench.ts, `threads` table).
 */
export const ELEMENTWISE_PER_THREAD = 1 << 16;

/** Columns per thread for a scan over T time steps: at least ELEMENTWISE_PER_THREAD elements. */
export function scanColumnsPerThread(T: number): number {
  return Math.max(CACHE_LINE_FLOATS, Math.ceil(ELEMENTWISE_PER_THREAD / Math.max(1, T)));
}

let configured: number | undefined;

/** Sets the number of threads our kernels use (initBackend passes its `threads`). */
export function setKernelThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`setKernelThreads: expected a positive integer, got ${n}`);
  configured = n;
}

/** The requested kernel thread count: the last setKernelThreads, else $SPIKELOOP_THREADS, else the core count. */
export function requestedKernelThreads(): number {
  return configured ?? resolveThreads();
}

const compiled = new Map<string, WebAssembly.Module | null>();

/** The compiled build/kernels/NAME(.shared).wasm, or null when it is missing or does not compile. */
export function kernelModule(name: string, shared: boolean): WebAssembly.Module | null {
  const file = `${name}${shared ? '.shared' : ''}.wasm`;
  let m = compiled.get(file);
  if (m === undefined) {
    const path = packagePath('build', 'kernels', file);
    try {
      m = existsSync(path) ? new WebAssembly.Module(readFileSync(path)) : null;
    } catch (e) {
      if (!(e instanceof WebAssembly.CompileError)) throw e;
      m = null;
    }
    compiled.set(file, m);
  }
  return m;
}

/** True when `memory` is shared (a SharedArrayBuffer heap that workers can run on). */
export function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

// The worker: instantiates the pool's modules on the shared heap, then runs jobs until the process ends.
const WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { memory, modules, fns, control, slot } = workerData;
const exportsOf = {};
for (const name of Object.keys(modules)) {
  exportsOf[name] = new WebAssembly.Instance(modules[name], {
    env: { memory, abort: () => { throw new Error(name + '.wasm aborted'); } },
  }).exports;
}
const table = fns.map(([m, f]) => exportsOf[m][f]);
const i32 = new Int32Array(control, slot * ${SLOT_BYTES}, ${SLOT_BYTES / 4});
const f64 = new Float64Array(control, slot * ${SLOT_BYTES}, ${SLOT_BYTES / 8});
let seen = 0;
for (;;) {
  const seq = Atomics.load(i32, ${SEQ});
  if (seq === seen) { Atomics.wait(i32, ${SEQ}, seen); continue; }
  seen = seq;
  let status = 0;
  try {
    const n = i32[${NARGS}];
    const args = new Array(n);
    for (let k = 0; k < n; k++) args[k] = f64[${ARG0} + k];
    table[i32[${FN}]](...args);
  } catch (e) {
    status = -1;
    try { require('node:fs').writeSync(2, 'spikeloop: kernel worker: ' + (e && e.stack || e) + '\\n'); } catch {}
  }
  i32[${STATUS}] = status;
  Atomics.store(i32, ${DONE}, seq);
  Atomics.notify(i32, ${DONE});
}
`;

interface WorkerSlot {
  worker: Worker;
  i32: Int32Array;
  f64: Float64Array;
  seq: number;
}

class KernelPool {
  private readonly control: SharedArrayBuffer;
  private readonly slots: WorkerSlot[] = [];
  private readonly fnIndex = new Map<string, number>();
  private readonly fns: [string, string][] = [];
  private readonly modules: Record<string, WebAssembly.Module> = {};
  broken = false;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly maxWorkers = 63,
  ) {
    this.control = new SharedArrayBuffer(SLOT_BYTES * maxWorkers);
    for (const name of POOL_MODULES) {
      const m = kernelModule(name, true);
      if (!m) continue;
      this.modules[name] = m;
      for (const e of WebAssembly.Module.exports(m)) {
        if (e.kind !== 'function') continue;
        this.fnIndex.set(`${name}.${e.name}`, this.fns.length);
        this.fns.push([name, e.name]);
      }
    }
  }

  /** Whether module.fn can run on the workers. */
  has(module: string, fn: string): boolean {
    return this.fnIndex.has(`${module}.${fn}`);
  }

  /** Starts workers until there are `n` (fewer when one fails to start; then the pool is marked broken). */
  ensureWorkers(n: number): number {
    while (!this.broken && this.slots.length < Math.min(n, this.maxWorkers)) {
      const slot = this.slots.length;
      try {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { memory: this.memory, modules: this.modules, fns: this.fns, control: this.control, slot },
        });
        worker.unref();
        worker.on('error', (e) => {
          this.broken = true;
          console.error(
            `spikeloop: kernel worker ${slot} failed (${e instanceof Error ? e.message : String(e)}); kernels stay on the main thread`,
          );
        });
        this.slots.push({
          worker,
          i32: new Int32Array(this.control, slot * SLOT_BYTES, SLOT_BYTES / 4),
          f64: new Float64Array(this.control, slot * SLOT_BYTES, SLOT_BYTES / 8),
          seq: 0,
        });
      } catch (e) {
        this.broken = true;
        console.error(
          `spikeloop: cannot start a kernel worker (${e instanceof Error ? e.message : String(e)}); kernels stay on the main thread`,
        );
      }
    }
    return this.slots.length;
  }

  /**
   * Runs module.fn with argument lists `parts`: parts[0] on the main thread (through `main`, the
   * main thread's instance), parts[k] on worker k − 1; returns when all are done.
   */
  run(module: string, fn: string, main: (...args: number[]) => unknown, parts: number[][]): void {
    const index = this.fnIndex.get(`${module}.${fn}`)!;
    const used = this.slots.slice(0, parts.length - 1);
    for (let k = 0; k < used.length; k++) {
      const s = used[k]!;
      const args = parts[k + 1]!;
      if (args.length > MAX_ARGS) throw new Error(`kernel pool: ${module}.${fn} has ${args.length} arguments (at most ${MAX_ARGS})`);
      s.i32[FN] = index;
      s.i32[NARGS] = args.length;
      for (let a = 0; a < args.length; a++) s.f64[ARG0 + a] = args[a]!;
      s.seq = (s.seq + 1) | 0 || 1;
      Atomics.store(s.i32, SEQ, s.seq);
      Atomics.notify(s.i32, SEQ);
    }
    let error: unknown;
    try {
      main(...parts[0]!);
    } catch (e) {
      error = e;
    }
    let failed = false;
    for (const s of used) {
      for (;;) {
        const done = Atomics.load(s.i32, DONE);
        if (done === s.seq) break;
        Atomics.wait(s.i32, DONE, done);
      }
      if (s.i32[STATUS] !== 0) failed = true;
    }
    if (error !== undefined) throw error;
    if (failed) throw new Error(`kernel pool: ${module}.${fn} failed on a worker thread`);
  }
}

const pools = new WeakMap<WebAssembly.Memory, KernelPool>();

const counts = { split: 0, whole: 0 };

/** Kernel calls so far that were split between threads, and that ran whole on the main thread (for tests and benchmarks). */
export function kernelPoolCounts(): { split: number; whole: number } {
  return { ...counts };
}

function poolFor(memory: WebAssembly.Memory): KernelPool | undefined {
  if (!isSharedMemory(memory)) return undefined;
  let pool = pools.get(memory);
  if (!pool) {
    pool = new KernelPool(memory);
    pools.set(memory, pool);
  }
  return pool.broken ? undefined : pool;
}

/** How many threads run our kernels on this heap now, and why not more. */
export function kernelThreadsOn(memory: WebAssembly.Memory | undefined): { threads: number; why?: string } {
  const requested = requestedKernelThreads();
  if (requested === 1) return { threads: 1 };
  if (!memory || !isSharedMemory(memory)) return { threads: 1, why: 'the wasm heap is not shared memory' };
  const pool = poolFor(memory);
  if (!pool) return { threads: 1, why: 'a kernel worker failed' };
  return { threads: requested };
}

/**
 * Boundaries [0, b1, …, total] that split `total` elements into at most `threads` ranges of at
 * least `minChunk` elements each, every boundary but the last a multiple of `align`.
 */
export function splitRange(total: number, threads: number, minChunk: number, align: number): number[] {
  const parts = Math.max(1, Math.min(threads, Math.floor(total / Math.max(1, minChunk))));
  const bounds = [0];
  for (let k = 1; k < parts; k++) {
    const b = Math.floor((total * k) / parts / align) * align;
    if (b > bounds[bounds.length - 1]! && b < total) bounds.push(b);
  }
  bounds.push(total);
  return bounds;
}

/**
 * Runs `main`'s kernel (module.fn, instantiated on `memory`) over [0, total), split between the
 * kernel threads as splitRange(total, threads, minChunk, align) says; `args(from, to)` gives the
 * call's arguments for a range. Small calls, an unshared heap or a single thread run `main` once.
 */
export function parallelFor(
  memory: WebAssembly.Memory,
  module: string,
  fn: string,
  main: (...args: number[]) => unknown,
  total: number,
  minChunk: number,
  align: number,
  args: (from: number, to: number) => number[],
): void {
  const requested = requestedKernelThreads();
  if (requested > 1 && total >= 2 * minChunk && isSharedMemory(memory)) {
    const pool = poolFor(memory);
    if (pool && pool.has(module, fn)) {
      const workers = pool.ensureWorkers(requested - 1);
      const bounds = splitRange(total, workers + 1, minChunk, align);
      if (bounds.length > 2 && !pool.broken) {
        const parts: number[][] = [];
        for (let k = 0; k + 1 < bounds.length; k++) parts.push(args(bounds[k]!, bounds[k + 1]!));
        pool.run(module, fn, main, parts);
        counts.split++;
        return;
      }
    }
  }
  counts.whole++;
  main(...args(0, total));
}
