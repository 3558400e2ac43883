/**
 * Float32 values of a tensor for the typed-array scans, without the copy `dataSync` makes on the
 * wasm backend: there the result is a view into the backend's heap. The view is only valid until
 * the backend next allocates (the heap may grow and move), so callers consume it at once, before
 * creating any tensor. Other backends get `dataSync()` (the cpu backend returns its own array
 * without copying; the scans never write into their input).
 */
import * as tf from '@tensorflow/tfjs-core';

interface WasmHeapBackend {
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  wasm: { HEAPF32: Float32Array };
}

function wasmHeap(backend: unknown): WasmHeapBackend | undefined {
  const b = backend as Partial<WasmHeapBackend>;
  return b.dataIdMap !== undefined && b.wasm?.HEAPF32 !== undefined ? (b as WasmHeapBackend) : undefined;
}

/** The values of a float32 tensor; a heap view on wasm (read it before allocating anything). */
export function readFloat32(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`readFloat32: tensor dtype is ${t.dtype}, expected float32`);
  const heap = wasmHeap(tf.engine().findBackend(tf.getBackend()));
  if (heap) {
    const data = heap.dataIdMap.get(t.dataId);
    if (data && data.memoryOffset !== null) return new Float32Array(heap.wasm.HEAPF32.buffer, data.memoryOffset, t.size);
  }
  return t.dataSync() as Float32Array;
}

/** True when `tf.tensor(values)` copies `values` at once (wasm), so that `values` may be reused. */
export function tensorCopiesValues(): boolean {
  return tf.getBackend() === 'wasm';
}

let scratch = new Float32Array(0);

/**
 * A reused buffer of at least n floats (contents undefined), for results that go straight into
 * `tf.tensor` on a backend that copies them (`tensorCopiesValues()`): large typed arrays made and
 * dropped every step were a quarter of control-mlp's training time in garbage collection.
 * Valid until the next call.
 */
export function scratchFloat32(n: number): Float32Array {
  if (scratch.length < n) scratch = new Float32Array(Math.max(n, Math.ceil(scratch.length * 1.5)));
  return scratch.subarray(0, n);
}

// Arrays handed back by `releaseFloat32`, by length: a training step allocates the same sizes
// every time (e.g. each LIF layer's membranes, kept from its forward to its backward).
const pool = new Map<number, Float32Array[]>();
const POOL_PER_SIZE = 16;

/** An array of exactly n floats, reused from `releaseFloat32` when one is free (contents undefined). */
export function takeFloat32(n: number): Float32Array {
  return pool.get(n)?.pop() ?? new Float32Array(n);
}

/** Hands an array back for reuse; the caller must not touch it afterwards. */
export function releaseFloat32(a: Float32Array): void {
  if (a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return; // a view: not ours to recycle
  const list = pool.get(a.length) ?? [];
  if (list.length < POOL_PER_SIZE) list.push(a);
  pool.set(a.length, list);
}
