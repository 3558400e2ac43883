/**
 * Backend selection for tfjs in Node:
 *
 *   requested = opts.backend ?? $SPIKELOOP_BACKEND ?? 'auto'
 *   'auto'       → 'tensorflow' when `@tensorflow/tfjs-node` loads, else 'wasm'
 *   'tensorflow' → tfjs-node (native TensorFlow); an error when it does not load
 *   'wasm'       → @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD), with the training kernels it
 *                  lacks registered by wasmGradKernels.ts; an error when it does not load
 *   'cpu'        → @tensorflow/tfjs-backend-cpu, the plain JS backend (slow; deterministic
 *                  reference), loaded only when asked for
 *
 * An explicitly requested backend never falls back silently to another one.
 *
 * On 'wasm', the convolutions (forward and both gradients) run natively in onnxruntime-node when
 * that optional package loads (native/nativeKernels.ts), on `threads` threads; our own
 * WebAssembly kernels (scans, optimizer) run on the main thread plus `threads − 1` workers over
 * the shared heap (kernels/kernelPool.ts). SPIKELOOP_NATIVE and SPIKELOOP_THREADS set them
 * (engineOptions.ts). The printed line says what runs.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import './tfjsExtras.ts';
import { registerWasmGradKernels } from './wasmGradKernels.ts';
import { resolveNativeMode, resolveThreads, type NativeMode } from './engineOptions.ts';
import { installNativeKernels, uninstallNativeKernels } from './native/nativeKernels.ts';
import { loadOrtRuntime, type OrtRuntime } from './native/ortRuntime.ts';
import { kernelThreadsOn, setKernelThreads } from '../kernels/kernelPool.ts';
import { heapMemory, wasmHeapBackend } from '../kernels/heapModule.ts';
import { packagePath } from '../util/packageRoot.ts';

export { registerWasmGradKernels } from './wasmGradKernels.ts';
export { parseNativeMode, parseThreads, resolveThreads, type NativeMode } from './engineOptions.ts';
export { nativeKernelStatus } from './native/nativeKernels.ts';

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type ActiveBackend = Exclude<BackendName, 'auto'>;

export interface BackendOptions {
  /** Which backend; default `$SPIKELOOP_BACKEND`, else 'auto'. */
  backend?: BackendName;
  /** Do not print the line naming the backend. */
  quiet?: boolean;
  /** Native kernels on 'wasm'; default `$SPIKELOOP_NATIVE`, else 'auto' (when onnxruntime-node loads). */
  native?: NativeMode;
  /** Threads for the native kernels and ours; default `$SPIKELOOP_THREADS`, else the core count. */
  threads?: number;
}

export const DEFAULT_BACKEND: Readonly<Pick<Required<BackendOptions>, 'backend' | 'quiet' | 'native'>> = Object.freeze({
  backend: 'auto',
  quiet: false,
  native: 'auto',
});

const NAMES: readonly BackendName[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/** Validates a backend name from an option or the environment; the error lists the valid names. */
export function parseBackendName(name: string, source = 'backend'): BackendName {
  if (!(NAMES as readonly string[]).includes(name)) {
    throw new Error(`${source}: unknown backend ${JSON.stringify(name)} (expected one of ${NAMES.join(', ')})`);
  }
  return name as BackendName;
}

// The tfjs-node package name is held in a variable so that TypeScript and bundlers do not require it.
const TFJS_NODE = '@tensorflow/tfjs-node';

async function loadTensorflow(): Promise<void> {
  await import(TFJS_NODE);
  if (!(await tf.setBackend('tensorflow'))) throw new Error("tf.setBackend('tensorflow') returned false");
}

let wasmPathsSet = false;

async function loadWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!wasmPathsSet) {
    // Point the loader at the package's dist folder explicitly: in Node it otherwise resolves the
    // .wasm files relative to the bundle it was loaded from, which breaks under bundlers.
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/');
    // The SIMD binary with its memory declared shared (built by scripts/build-wasm.mjs), so that
    // our kernels run on several threads over one heap (kernels/kernelPool.ts); the package's own
    // binary when it is missing, when this runtime has no SharedArrayBuffer, or with SPIKELOOP_SHARED_HEAP=0.
    const shared = packagePath('build', 'kernels', 'tfjs-backend-wasm-simd.shared.wasm');
    if (typeof SharedArrayBuffer !== 'undefined' && process.env['SPIKELOOP_SHARED_HEAP'] !== '0' && existsSync(shared)) {
      wasm.setWasmPaths({
        'tfjs-backend-wasm.wasm': dir + 'tfjs-backend-wasm.wasm',
        'tfjs-backend-wasm-simd.wasm': shared,
        'tfjs-backend-wasm-threaded-simd.wasm': dir + 'tfjs-backend-wasm-threaded-simd.wasm',
      });
    } else {
      wasm.setWasmPaths(dir);
    }
    wasmPathsSet = true;
  }
  registerWasmGradKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
}

async function loadCpu(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') returned false");
  // The cpu backend prints a "Hi, looks like you are running TensorFlow.js in Node.js" banner on
  // its first write when IS_NODE; spend that first write with tfjs's own logging muted (PROD),
  // so that the one line naming the backend is the only one.
  const prod = tf.env().getBool('PROD');
  tf.env().set('PROD', true);
  try {
    tf.tensor1d([0]).dispose();
  } finally {
    tf.env().set('PROD', prod);
  }
}

async function activate(name: ActiveBackend): Promise<void> {
  try {
    if (name === 'tensorflow') await loadTensorflow();
    else if (name === 'wasm') await loadWasm();
    else await loadCpu();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`initBackend: backend '${name}' was requested but failed to load: ${why}`, { cause: e });
  }
  await tf.ready();
}

const runtimes = new Map<number, OrtRuntime | string>();

/**
 * Installs (or removes) the native kernels on the wasm backend; returns what the printed line
 * says of them. The runtime is loaded once per thread count and kept for the process.
 */
function setupNative(mode: NativeMode, threads: number): string {
  if (mode === 'off') {
    uninstallNativeKernels();
    return 'native kernels off';
  }
  let runtime = runtimes.get(threads);
  if (runtime === undefined) {
    runtime = loadOrtRuntime({ threads });
    runtimes.set(threads, runtime);
  }
  if (typeof runtime === 'string') {
    uninstallNativeKernels();
    if (mode === 'on') throw new Error(`initBackend: native kernels were requested (SPIKELOOP_NATIVE=on) but ${runtime}`);
    return `no native kernels: ${runtime}`;
  }
  installNativeKernels(runtime);
  return `native conv2d: onnxruntime-node ${runtime.version}`;
}

/** What the printed line says of our own WebAssembly kernels' threads. */
function kernelLine(): string {
  const backend = wasmHeapBackend();
  const { threads, why } = kernelThreadsOn(backend ? heapMemory(backend) : undefined);
  const line =
    threads === 1
      ? 'our kernels on 1 thread'
      : `our kernels on ${threads} threads (main + ${threads - 1} worker${threads === 2 ? '' : 's'}, shared heap)`;
  return why ? `${line} (${why})` : line;
}

let current: { requested: BackendName; active: ActiveBackend; native: NativeMode; threads: number } | undefined;
let pending: Promise<ActiveBackend> | undefined;

/**
 * Selects and initialises the tfjs backend, prints one line naming it (unless `quiet`), and
 * returns its name. Calling again with the same request is a no-op; a different request switches.
 * Example: `await initBackend({backend: 'wasm'})`.
 */
export async function initBackend(opts: BackendOptions = {}): Promise<ActiveBackend> {
  const env = process.env['SPIKELOOP_BACKEND'];
  const requested =
    opts.backend !== undefined
      ? parseBackendName(opts.backend, 'initBackend')
      : env !== undefined && env !== ''
        ? parseBackendName(env, 'SPIKELOOP_BACKEND')
        : DEFAULT_BACKEND.backend;
  const quiet = opts.quiet ?? DEFAULT_BACKEND.quiet;
  const native = resolveNativeMode(opts.native);
  const threads = resolveThreads(opts.threads);
  if (pending) await pending.catch(() => undefined);
  if (
    current &&
    current.requested === requested &&
    current.native === native &&
    current.threads === threads &&
    tf.getBackend() === current.active
  ) {
    return current.active;
  }
  pending = (async () => {
    let active: ActiveBackend;
    if (requested === 'auto') {
      active = 'wasm';
      try {
        await loadTensorflow();
        active = 'tensorflow';
      } catch {
        // tfjs-node is optional: its absence is the normal case for 'auto'.
      }
      if (active === 'wasm') await activate('wasm');
    } else {
      active = requested;
      await activate(active);
    }
    setKernelThreads(threads);
    const engine =
      active === 'wasm' ? `, ${threads} thread${threads === 1 ? '' : 's'}, ${kernelLine()}, ${setupNative(native, threads)}` : '';
    current = { requested, active, native, threads };
    if (!quiet) console.error(`spikeloop: tfjs backend '${active}'${requested === 'auto' ? ' (auto)' : ''}${engine}`);
    return active;
  })();
  return pending;
}
