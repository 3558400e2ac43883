/**
 * The WebAssembly LIF forward scan (asm/lifScan.ts, built into build/kernels/lifScan.wasm at
 * `npm ci`) run in place on the tfjs wasm backend's heap: the module is instantiated with that
 * backend's `WebAssembly.Memory`, reads the currents where their tensor lives and writes spikes
 * and membranes straight into two new tensors. Compared with the TypeScript scan this saves the
 * copy of both results into the heap, and the f32x4 loop runs four neurons at once; the results
 * are the same bit for bit (test/kernels/lifScanHeap.test.ts). The backward scan runs there too,
 * in double precision like the TypeScript one, writing ∂L/∂I straight into its tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync } from 'node:fs';
import { packagePath } from '../util/packageRoot.ts';
import { resolveSurrogate } from '../neurons/surrogate.ts';
import type { LifScanParams } from './lifScan.ts';
import type { EmscriptenHeap } from './spikeDenseHeap.ts';

/** Where `npm ci` puts the compiled kernel. */
export const LIF_SCAN_WASM_PATH = packagePath('build', 'kernels', 'lifScan.wasm');

interface LifAsm {
  lifForward(T: number, N: number, I: number, U: number, O: number, decay: number, th: number, soft: number): void;
  lifBackward(
    T: number,
    N: number,
    G: number,
    U: number,
    S: number,
    DI: number,
    decay: number,
    th: number,
    hard: number,
    keepReset: number,
    kind: number,
    a: number,
    c: number,
  ): void;
}

const SURROGATE_KIND = { rectangular: 0, sigmoid: 1, arctan: 2, fastSigmoid: 3 } as const;

interface WasmHeapBackend {
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  wasm: EmscriptenHeap;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

function isWasmHeap(backend: unknown): backend is WasmHeapBackend {
  const b = backend as Partial<WasmHeapBackend>;
  return typeof b.makeOutput === 'function' && b.dataIdMap !== undefined && b.wasm !== undefined;
}

let compiled: WebAssembly.Module | null | undefined;

function compile(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = existsSync(LIF_SCAN_WASM_PATH) ? new WebAssembly.Module(readFileSync(LIF_SCAN_WASM_PATH)) : null;
    } catch (e) {
      if (!(e instanceof WebAssembly.CompileError)) throw e;
      compiled = null;
    }
  }
  return compiled;
}

const bound = new WeakMap<object, LifAsm | null>();

function kernelFor(heap: EmscriptenHeap): LifAsm | undefined {
  let k = bound.get(heap);
  if (k === undefined) {
    const memory = heap.asm?.memory;
    const module = compile();
    k = null;
    if (module && memory instanceof WebAssembly.Memory) {
      try {
        k = new WebAssembly.Instance(module, {
          env: {
            memory,
            abort: () => {
              throw new Error('lifScan.wasm aborted');
            },
          },
        }).exports as unknown as LifAsm;
      } catch (e) {
        if (!(e instanceof WebAssembly.LinkError)) throw e;
      }
    }
    bound.set(heap, k);
  }
  return k ?? undefined;
}

/** True when the in-heap LIF scan runs on the current backend. */
export function lifHeapAvailable(): boolean {
  const backend = tf.engine().findBackend(tf.getBackend());
  return isWasmHeap(backend) && kernelFor(backend.wasm) !== undefined;
}

/**
 * Spikes and membranes of the LIF forward scan of a float32 `[T, ...]` tensor, computed on the
 * wasm heap; undefined when the backend is not wasm or the kernel is not built (callers then use
 * the TypeScript scan).
 */
export function lifForwardHeap(
  x: tf.Tensor,
  T: number,
  N: number,
  decay: number,
  threshold: number,
  reset: 'hard' | 'soft',
): { spikes: tf.Tensor; u: tf.Tensor } | undefined {
  if (x.dtype !== 'float32') return undefined;
  const backend = tf.engine().findBackend(tf.getBackend());
  if (!isWasmHeap(backend)) return undefined;
  const asm = kernelFor(backend.wasm);
  const input = backend.dataIdMap.get(x.dataId);
  if (!asm || !input || input.memoryOffset === null) return undefined;
  const shape = x.shape.slice();
  const engine = tf.engine();
  const spikes = engine.makeTensorFromTensorInfo(backend.makeOutput(shape, 'float32'));
  const u = engine.makeTensorFromTensorInfo(backend.makeOutput(shape, 'float32'));
  // offsets, not views: the two allocations above may have grown (and so moved) the heap buffer
  const at = (t: tf.Tensor): number => backend.dataIdMap.get(t.dataId)!.memoryOffset!;
  asm.lifForward(T, N, at(x), at(u), at(spikes), Math.fround(decay), Math.fround(threshold), reset === 'soft' ? 1 : 0);
  return { spikes, u };
}

/**
 * ∂L/∂I of the LIF scan from ∂L/∂o and the forward's membranes and spikes (all float32 `[T, ...]`
 * tensors on the wasm heap), or undefined off wasm / without the kernel.
 */
export function lifBackwardHeap(
  dy: tf.Tensor,
  u: tf.Tensor,
  spikes: tf.Tensor,
  T: number,
  N: number,
  params: LifScanParams,
): tf.Tensor | undefined {
  if (dy.dtype !== 'float32') return undefined;
  const backend = tf.engine().findBackend(tf.getBackend());
  if (!isWasmHeap(backend)) return undefined;
  const asm = kernelFor(backend.wasm);
  const offsets = [dy, u, spikes].map((t) => backend.dataIdMap.get(t.dataId)?.memoryOffset);
  if (!asm || offsets.some((o) => o === undefined || o === null)) return undefined;
  const grad = tf.engine().makeTensorFromTensorInfo(backend.makeOutput(dy.shape.slice(), 'float32'));
  const out = backend.dataIdMap.get(grad.dataId)!.memoryOffset!;
  const sg = resolveSurrogate(params.surrogate);
  const a = sg.kind === 'rectangular' ? sg.width : sg.kind === 'fastSigmoid' ? sg.slope : sg.alpha;
  const c = sg.kind === 'arctan' ? (Math.PI / 2) * sg.alpha : 0;
  const [g, uo, so] = offsets as number[];
  asm.lifBackward(
    T,
    N,
    g!,
    uo!,
    so!,
    out,
    params.decay,
    params.threshold,
    params.reset === 'hard' ? 1 : 0,
    params.detachReset ? 0 : 1,
    SURROGATE_KIND[sg.kind],
    a,
    c,
  );
  return grad;
}
