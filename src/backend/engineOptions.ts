/**
 * The engine settings read from the environment besides the backend:
 *
 *   SPIKELOOP_THREADS  threads for the engine's kernels (positive integer; default: the core count):
 *                      onnxruntime's intra-op threads, and the main thread + workers that run our
 *                      WebAssembly kernels on the shared heap (kernels/kernelPool.ts)
 *   SPIKELOOP_SHARED_HEAP=0  load tfjs-wasm's own binary (unshared heap: our kernels on one thread)
 *   SPIKELOOP_NATIVE   native kernels on the wasm backend: 'auto' (default: when onnxruntime-node
 *                      loads), 'on' (required: an error when it does not load), 'off'; 1 / 0 too
 */
import { availableParallelism } from 'node:os';

export type NativeMode = 'auto' | 'on' | 'off';

const NATIVE_ALIASES: Readonly<Record<string, NativeMode>> = Object.freeze({
  auto: 'auto',
  on: 'on',
  '1': 'on',
  off: 'off',
  '0': 'off',
});

/** Validates a native-kernel mode; the error names the source and lists the valid values. */
export function parseNativeMode(value: string, source = 'native'): NativeMode {
  const mode = NATIVE_ALIASES[value.trim().toLowerCase()];
  if (mode === undefined) {
    throw new Error(`${source}: unknown native mode ${JSON.stringify(value)} (expected one of ${Object.keys(NATIVE_ALIASES).join(', ')})`);
  }
  return mode;
}

/** Validates a thread count; the error names the source. */
export function parseThreads(value: string | number, source = 'threads'): number {
  const n = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isInteger(n) || n < 1 || (typeof value === 'string' && !/^\s*\d+\s*$/.test(value))) {
    throw new Error(`${source}: expected a positive integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** `opt`, else $SPIKELOOP_THREADS, else the number of cores. */
export function resolveThreads(opt?: number, env: NodeJS.ProcessEnv = process.env): number {
  if (opt !== undefined) return parseThreads(opt, 'threads');
  const v = env['SPIKELOOP_THREADS'];
  return v !== undefined && v !== '' ? parseThreads(v, 'SPIKELOOP_THREADS') : availableParallelism();
}

/** `opt`, else $SPIKELOOP_NATIVE, else 'auto'. */
export function resolveNativeMode(opt?: NativeMode, env: NodeJS.ProcessEnv = process.env): NativeMode {
  if (opt !== undefined) return parseNativeMode(opt, 'native');
  const v = env['SPIKELOOP_NATIVE'];
  return v !== undefined && v !== '' ? parseNativeMode(v, 'SPIKELOOP_NATIVE') : 'auto';
}
