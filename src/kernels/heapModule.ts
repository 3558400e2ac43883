/**
 * What the kernels that run in place on the tfjs wasm backend's heap share: finding that backend,
 * a tensor's byte offset on its heap, output tensors made there, scratch from its malloc, and a
 * compiled AssemblyScript module (build/kernels/NAME.wasm, built at `npm ci`; NAME.shared.wasm
 * on a shared-memory heap) instantiated once per heap with the backend's own `WebAssembly.Memory`. A missing or unloadable module gives
 * undefined (callers fall back to TypeScript) and one warning on stderr per module and process,
 * so that a missing build does not pass unnoticed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { packagePath } from '../util/packageRoot.ts';
import { resolveSurrogate, type SurrogateSpec } from '../neurons/surrogate.ts';
import type { EmscriptenHeap } from './spikeDenseHeap.ts';
import { isSharedMemory, kernelModule } from './kernelPool.ts';

export interface WasmHeapBackend {
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  wasm: EmscriptenHeap;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

export function isWasmHeap(backend: unknown): backend is WasmHeapBackend {
  const b = backend as Partial<WasmHeapBackend>;
  return typeof b.makeOutput === 'function' && b.dataIdMap !== undefined && b.wasm !== undefined;
}

/** The current backend when it is tfjs-wasm (whose tensors live on one heap), else undefined. */
export function wasmHeapBackend(): WasmHeapBackend | undefined {
  const backend = tf.engine().findBackend(tf.getBackend());
  return isWasmHeap(backend) ? backend : undefined;
}

/** Byte offset of a tensor's values on the heap; undefined when it has none (e.g. not uploaded). */
export function heapOffset(backend: WasmHeapBackend, t: { dataId: object }): number | undefined {
  const o = backend.dataIdMap.get(t.dataId)?.memoryOffset;
  return o === null || o === undefined ? undefined : o;
}

/** A new float32 tensor allocated on the heap (contents undefined until a kernel writes it). */
export function heapOutput(backend: WasmHeapBackend, shape: number[]): tf.Tensor {
  return tf.engine().makeTensorFromTensorInfo(backend.makeOutput(shape, 'float32'));
}

/**
 * Runs `f` with scratch blocks of the given byte sizes from the backend's malloc (16-byte
 * aligned), freed afterwards. Offsets stay valid while `f` runs even if the heap grows.
 */
export function withScratch<T>(backend: WasmHeapBackend, bytes: number[], f: (ptrs: number[]) => T): T {
  const heap = backend.wasm;
  const ptrs = bytes.map((n) => heap._malloc(Math.max(16, n + 16)) >>> 0);
  try {
    if (ptrs.some((p) => p === 0)) throw new Error('wasm heap kernels: out of memory (malloc returned 0)');
    return f(ptrs.map((p) => (p + 15) & ~15));
  } finally {
    for (const p of ptrs) if (p !== 0) heap._free(p);
  }
}

/** Surrogate kinds as the AssemblyScript scans number them (asm/lib/surrogate.ts). */
const ASM_SURROGATE_KIND = { rectangular: 0, sigmoid: 1, arctan: 2, fastSigmoid: 3 } as const;

/** A surrogate as the scans' backward takes it: its kind number, its width/slope/α `a`, and `c` = π/2·α for arctan (else 0). */
export function asmSurrogate(spec: SurrogateSpec): { kind: number; a: number; c: number } {
  const sg = resolveSurrogate(spec);
  return {
    kind: ASM_SURROGATE_KIND[sg.kind],
    a: sg.kind === 'rectangular' ? sg.width : sg.kind === 'fastSigmoid' ? sg.slope : sg.alpha,
    c: sg.kind === 'arctan' ? (Math.PI / 2) * sg.alpha : 0,
  };
}

const warned = new Set<string>();

/** The backend heap's `WebAssembly.Memory` (shared when the backend runs on the shared-memory build). */
export function heapMemory(backend: WasmHeapBackend): WebAssembly.Memory | undefined {
  const memory = backend.wasm.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/**
 * Loads build/kernels/NAME.wasm (or NAME.shared.wasm when the heap is shared memory) and returns
 * a binder: the module's exports instantiated on a given heap (cached per heap), or undefined
 * when the module is missing or does not load.
 */
export function heapModule<E>(
  name: string,
  /** Parameter counts of exports whose signature changed: a module built before (a stale build/) is treated as missing, not called wrongly. */
  params: Record<string, number> = {},
): (backend: WasmHeapBackend) => E | undefined {
  const bound = new WeakMap<object, E | null>();
  return (backend) => {
    const heap = backend.wasm;
    let k = bound.get(heap);
    if (k === undefined) {
      const memory = heapMemory(backend);
      const shared = memory !== undefined && isSharedMemory(memory);
      const module = kernelModule(name, shared);
      k = null;
      if (module && memory) {
        try {
          k = new WebAssembly.Instance(module, {
            env: {
              memory,
              abort: () => {
                throw new Error(`${name}.wasm aborted`);
              },
            },
          }).exports as unknown as E;
        } catch (e) {
          if (!(e instanceof WebAssembly.LinkError)) throw e;
        }
        const exports = k as Record<string, unknown> | null;
        if (exports && Object.entries(params).some(([f, n]) => typeof exports[f] !== 'function' || (exports[f] as () => void).length !== n))
          k = null;
      }
      bound.set(heap, k);
      if (k === null && !warned.has(name)) {
        warned.add(name);
        const path = packagePath('build', 'kernels', `${name}${shared ? '.shared' : ''}.wasm`);
        console.error(
          `spikeloop: warning: the WebAssembly kernel ${path} is missing, out of date or does not load; using the slower TypeScript ` +
            'scan (same results). Rebuild it with `node scripts/build-wasm.mjs` in a checkout, or reinstall spikeloop.',
        );
      }
    }
    return k ?? undefined;
  };
}
