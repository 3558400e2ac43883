/**
 * Our WebAssembly kernels on several cores: the main thread plus `threads − 1` worker threads,
 * all running the same compiled kernels (build/kernels/NAME.shared.wasm) on the tfjs wasm
 * backend's heap, which is a shared `WebAssembly.Memory` when the backend was loaded from
 * build/kernels/tfjs-backend-wasm-simd.shared.wasm (src/backend/index.ts).
 *
 * A call is split along an axis whose elements are computed independently (a scan's neurons, an
 * optimizer's values) into fixed ranges ("chunks"): each chunk runs the kernel with the
 * operations of the single-thread call in the same order for every element, so the results are
 * the same bit for bit whichever thread runs which chunk, for any thread count. Chunks start at
 * multiples of `align` elements (a cache line), and a call smaller than twice `minChunk` elements
 * stays whole on the main thread: a wake-up and done round trip costs ~12 µs on an idle machine,
 * far more when the cores are busy.
 *
 * Scheduling is dynamic: the main thread publishes the job (function, one argument list per
 * chunk) in a SharedArrayBuffer, wakes the workers with `Atomics.notify` and claims chunks itself
 * with `Atomics.add` on one counter, as the workers do when they wake. On a busy machine where a
 * worker is not scheduled in time, the main thread simply runs every chunk: it only ever waits for
 * chunks that a worker has already started. Workers sleep in `Atomics.wait` between jobs; nobody
 * spins, so a loaded 2-core machine does not stall (a spinning main thread plus two workers did).
 *
 * Without SharedArrayBuffer, worker_threads or a shared heap, everything runs on the main thread.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { resolveThreads } from '../backend/engineOptions.ts';
import { packagePath } from '../util/packageRoot.ts';

/** The kernels whose calls are split between threads (their shared builds are loaded in every worker). */
const POOL_MODULES = ['lifScan', 'pspScan', 'optimizer', 'spikeDense', 'alifScan', 'avgPool', 'layout'] as const;

// The control block (Int32 indices): the job's wake-up number, the claim word (bits 0–9: next
// chunk, bits 10–19: chunk count), chunks done, function, arguments per chunk, error flag.
const WAKE = 0;
const CLAIM = 1;
const DONE = 2;
const FN = 3;
const NARGS = 4;
const ERROR = 5;
/** Chunks run by workers, all jobs together (diagnostics). */
const WORKER_CHUNKS = 6;
/** Float64 index of chunk 0's first argument (byte 64). */
const ARGS0 = 8;
const MAX_ARGS = 32;
/** Chunks per job at most (the claim word's count field holds up to 1023; claims past the end stay below that). */
const MAX_CHUNKS = 256;
/** Chunks per thread: small enough that a worker descheduled mid-chunk holds up little. */
const CHUNKS_PER_THREAD = Number(process.env['SPIKELOOP_POOL_CHUNKS'] ?? 8);
/** How long the main thread spins on the workers' last chunks before it sleeps (ms; bounded, so two busy cores do not stall). */
const SPIN_MS = Number(process.env['SPIKELOOP_POOL_SPIN_MS'] ?? 0.05);
const CONTROL_BYTES = ARGS0 * 8 + MAX_CHUNKS * MAX_ARGS * 8;

/** Range boundaries are multiples of this many floats (64 bytes): no two threads write one cache line. */
export const CACHE_LINE_FLOATS = 16;

/**
 * The least work (elements) worth a thread. A hand-off costs ~12 µs on an idle machine (tens on
 * a busy one) and our kernels process ~0.3 (Adam, LIF backward) to ~2 (LIF forward) elements per
 * ns on one core (`npm run bench -- --only threads`), so 64 K elements are 30–200 µs of work.
 * Smaller calls (e.g. every output layer of the bench workloads) stay whole.
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

// The worker: instantiates the pool's modules on the shared heap, then claims and runs chunks of
// each job it is woken for, until the process ends.
const WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { memory, modules, fns, control } = workerData;
const exportsOf = {};
for (const name of Object.keys(modules)) {
  exportsOf[name] = new WebAssembly.Instance(modules[name], {
    env: { memory, abort: () => { throw new Error(name + '.wasm aborted'); } },
  }).exports;
}
const table = fns.map(([m, f]) => exportsOf[m][f]);
const i32 = new Int32Array(control);
const f64 = new Float64Array(control);
let seen = 0;
for (;;) {
  const wake = Atomics.load(i32, ${WAKE});
  if (wake === seen) { Atomics.wait(i32, ${WAKE}, seen); continue; }
  seen = wake;
  for (;;) {
    const v = Atomics.add(i32, ${CLAIM}, 1);
    const c = v & 1023, n = (v >>> 10) & 1023;
    if (c >= n) break;
    try {
      const k = i32[${NARGS}], at = ${ARGS0} + c * ${MAX_ARGS};
      const args = new Array(k);
      for (let a = 0; a < k; a++) args[a] = f64[at + a];
      table[i32[${FN}]](...args);
    } catch (e) {
      Atomics.store(i32, ${ERROR}, 1);
      try { require('node:fs').writeSync(2, 'spikeloop: kernel worker: ' + ((e && e.stack) || e) + '\\n'); } catch {}
    }
    Atomics.add(i32, ${WORKER_CHUNKS}, 1);
    if (Atomics.add(i32, ${DONE}, 1) + 1 === n) Atomics.notify(i32, ${DONE});
  }
}
`;

class KernelPool {
  private readonly control = new SharedArrayBuffer(CONTROL_BYTES);
  private readonly i32 = new Int32Array(this.control);
  private readonly f64 = new Float64Array(this.control);
  private readonly workers: Worker[] = [];
  private readonly fnIndex = new Map<string, number>();
  private readonly fns: [string, string][] = [];
  private readonly modules: Record<string, WebAssembly.Module> = {};
  broken = false;

  constructor(private readonly memory: WebAssembly.Memory) {
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

  /** Chunks run by the workers so far. */
  workerChunks(): number {
    return Atomics.load(this.i32, WORKER_CHUNKS);
  }

  /** Whether module.fn can run on the workers. */
  has(module: string, fn: string): boolean {
    return this.fnIndex.has(`${module}.${fn}`);
  }

  /** Starts workers until there are `n` (fewer when one fails to start; then the pool is marked broken). */
  ensureWorkers(n: number): number {
    while (!this.broken && this.workers.length < n) {
      const id = this.workers.length;
      try {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { memory: this.memory, modules: this.modules, fns: this.fns, control: this.control },
        });
        worker.unref();
        worker.on('error', (e) => {
          this.broken = true;
          console.error(
            `spikeloop: kernel worker ${id} failed (${e instanceof Error ? e.message : String(e)}); kernels stay on the main thread`,
          );
        });
        this.workers.push(worker);
      } catch (e) {
        this.broken = true;
        console.error(
          `spikeloop: cannot start a kernel worker (${e instanceof Error ? e.message : String(e)}); kernels stay on the main thread`,
        );
      }
    }
    return this.workers.length;
  }

  /**
   * Runs module.fn once per argument list in `chunks`, on the main thread (through `main`, its
   * own instance) and on whichever of the first `workers` workers wake in time; returns when all
   * chunks are done.
   */
  run(module: string, fn: string, main: (...args: number[]) => unknown, chunks: number[][], workers: number): void {
    const n = chunks.length;
    const nargs = chunks[0]!.length;
    if (n > MAX_CHUNKS || nargs > MAX_ARGS)
      throw new Error(`kernel pool: ${n} chunks of ${nargs} arguments (at most ${MAX_CHUNKS} of ${MAX_ARGS})`);
    const { i32, f64 } = this;
    // Every claimed chunk of the previous job is done, so nobody reads the block while it is rewritten.
    i32[FN] = this.fnIndex.get(`${module}.${fn}`)!;
    i32[NARGS] = nargs;
    i32[ERROR] = 0;
    for (let c = 0; c < n; c++) {
      const args = chunks[c]!;
      for (let a = 0; a < nargs; a++) f64[ARGS0 + c * MAX_ARGS + a] = args[a]!;
    }
    Atomics.store(i32, DONE, 0);
    Atomics.store(i32, CLAIM, n << 10); // publishes the job: claims from here on get its chunks
    Atomics.add(i32, WAKE, 1);
    Atomics.notify(i32, WAKE, workers);
    let error: unknown;
    for (;;) {
      const c = Atomics.add(i32, CLAIM, 1) & 1023;
      if (c >= n) break;
      if (error === undefined) {
        try {
          main(...chunks[c]!);
        } catch (e) {
          error = e;
        }
      }
      Atomics.add(i32, DONE, 1);
    }
    // wait only for chunks that workers claimed and are running: a short bounded spin first (a
    // sleeping main thread may wait long for a core on a busy machine), then Atomics.wait
    const spinUntil = performance.now() + SPIN_MS;
    for (let k = 0; Atomics.load(i32, DONE) < n; k++) {
      if ((k & 63) === 63 && performance.now() > spinUntil) break;
    }
    for (;;) {
      const done = Atomics.load(i32, DONE);
      if (done >= n) break;
      Atomics.wait(i32, DONE, done);
    }
    if (error !== undefined) throw error;
    if (i32[ERROR] !== 0) throw new Error(`kernel pool: ${module}.${fn} failed on a worker thread`);
  }
}

const pools = new WeakMap<WebAssembly.Memory, KernelPool>();

const counts = { split: 0, whole: 0, chunks: 0 };
let lastPool: KernelPool | undefined;

/**
 * Kernel calls so far that were split into chunks, and that ran whole on the main thread; the
 * chunks of the split calls, and how many of them the workers ran (for tests and benchmarks).
 */
export function kernelPoolCounts(): { split: number; whole: number; chunks: number; workerChunks: number } {
  return { ...counts, workerChunks: lastPool?.workerChunks() ?? 0 };
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

export type SplitPolicy = 'adaptive' | 'always' | 'never';

const envPolicy = process.env['SPIKELOOP_POOL_SPLIT'];
let policy: SplitPolicy = envPolicy === 'always' || envPolicy === 'never' ? envPolicy : 'adaptive';

/**
 * 'adaptive' (default): a kernel's eligible calls are split only while splitting is measured to
 * be faster (see parallelFor); 'always': every eligible call is split (tests, benchmarks);
 * 'never': none is (A/B runs). $SPIKELOOP_POOL_SPLIT sets the initial policy. The results are the
 * same bit for bit under all three.
 */
export function setSplitPolicy(p: SplitPolicy): void {
  policy = p;
}

/** Every EXPLORE-th eligible call of a kernel runs the way that is currently the slower one, to keep both timings fresh. */
const EXPLORE = 16;
/** Weight of the newest call in the running means. */
const EWMA = 0.25;

/** Per kernel: running means of wall ns per element, run whole and run split, and the eligible calls so far. */
const tuning = new Map<string, { whole: number; split: number; calls: number }>();

/** The running timings of the adaptive policy, per kernel (benchmarks print them). */
export function splitTimings(): Record<string, { wholeNsPerElement: number; splitNsPerElement: number; calls: number }> {
  const out: Record<string, { wholeNsPerElement: number; splitNsPerElement: number; calls: number }> = {};
  for (const [k, t] of tuning) out[k] = { wholeNsPerElement: t.whole, splitNsPerElement: t.split, calls: t.calls };
  return out;
}

/**
 * Runs `main`'s kernel (module.fn, instantiated on `memory`) over [0, total): with more than one
 * kernel thread and at least 2·minChunk elements, in CHUNKS_PER_THREAD chunks per thread
 * (splitRange, boundaries multiples of `align`) that the main thread and the workers claim;
 * else whole on the main thread. `args(from, to)` gives the call's arguments for a range.
 *
 * Whether splitting pays depends on the machine more than on the kernel: on an idle 2-core
 * machine the compute-bound scans run nearly twice as fast, but when other jobs keep the cores
 * busy the worker is often not scheduled in time, and the memory-bound kernels gain nothing even
 * when it is (bench/notes/2026-12-02c-threads.md). So by default each kernel times its calls
 * both ways (wall ns per element, running means; every EXPLORE-th call tries the slower way)
 * and splits only while that is the faster one. `tuningKey` (default module.fn) keeps apart the
 * timings of calls whose cost per element differs (e.g. a scan with and without its recurrent
 * product).
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
  tuningKey = `${module}.${fn}`,
): void {
  const requested = requestedKernelThreads();
  if (requested > 1 && policy !== 'never' && total >= 2 * minChunk && isSharedMemory(memory)) {
    const pool = poolFor(memory);
    if (pool && pool.has(module, fn)) {
      const workers = pool.ensureWorkers(requested - 1);
      const chunks = Math.min(MAX_CHUNKS, (workers + 1) * CHUNKS_PER_THREAD);
      const bounds = splitRange(total, chunks, Math.ceil(minChunk / CHUNKS_PER_THREAD), align);
      if (workers > 0 && bounds.length > 2 && !pool.broken) {
        let t = tuning.get(tuningKey);
        if (!t) tuning.set(tuningKey, (t = { whole: NaN, split: NaN, calls: 0 }));
        t.calls++;
        let split = true;
        if (policy === 'adaptive') {
          if (Number.isNaN(t.split)) split = true;
          else if (Number.isNaN(t.whole)) split = false;
          else split = t.split < t.whole !== (t.calls % EXPLORE === 0);
        }
        const t0 = performance.now();
        if (split) {
          const parts: number[][] = [];
          for (let k = 0; k + 1 < bounds.length; k++) parts.push(args(bounds[k]!, bounds[k + 1]!));
          pool.run(module, fn, main, parts, workers);
          lastPool = pool;
          counts.split++;
          counts.chunks += parts.length;
        } else {
          counts.whole++;
          main(...args(0, total));
        }
        const ns = ((performance.now() - t0) * 1e6) / total;
        if (split) t.split = Number.isNaN(t.split) ? ns : t.split + EWMA * (ns - t.split);
        else t.whole = Number.isNaN(t.whole) ? ns : t.whole + EWMA * (ns - t.whole);
        return;
      }
    }
  }
  counts.whole++;
  main(...args(0, total));
}
