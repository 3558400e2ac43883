/**
 * The WebAssembly PSP scans (asm/pspScan.ts, built into build/kernels/pspScan.wasm at `npm ci`)
 * run in place on the tfjs wasm backend's heap: the input is read where its tensor lives and the
 * trace (forward) or ∂L/∂x (backward) written straight into a new tensor, without the copy in and
 * out of a typed array. Same results as pspScan.ts bit for bit (test/kernels/pspScanHeap.test.ts).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { heapMemory, heapModule, heapOffset, heapOutput, wasmHeapBackend } from './heapModule.ts';
import { CACHE_LINE_FLOATS, parallelFor, scanColumnsPerThread } from './kernelPool.ts';
import type { PspScanParams } from './pspScan.ts';

interface PspAsm {
  pspForward(T: number, N: number, stride: number, X: number, Y: number, alpha: number, c: number): void;
  pspBackward(T: number, N: number, stride: number, G: number, DX: number, alpha: number, c: number): void;
}

const pspKernel = heapModule<PspAsm>('pspScan', { pspForward: 7, pspBackward: 7 });

/** True when the in-heap PSP scans run on the current backend. */
export function pspHeapAvailable(): boolean {
  const backend = wasmHeapBackend();
  return backend !== undefined && pspKernel(backend) !== undefined;
}

/** Runs fn over the columns of a [T, N] float32 tensor into a new one, split between the kernel threads. */
function run(x: tf.Tensor, T: number, N: number, fn: 'pspForward' | 'pspBackward', alpha: number, c: number): tf.Tensor | undefined {
  const backend = wasmHeapBackend();
  if (!backend || x.dtype !== 'float32') return undefined;
  const asm = pspKernel(backend);
  if (!asm || heapOffset(backend, x) === undefined) return undefined;
  const out = heapOutput(backend, x.shape.slice());
  // offsets after the allocation (which may have moved the heap)
  const [from, to] = [heapOffset(backend, x)!, heapOffset(backend, out)!];
  parallelFor(heapMemory(backend)!, 'pspScan', fn, asm[fn], N, scanColumnsPerThread(T), CACHE_LINE_FLOATS, (c0, c1) => [
    T,
    c1 - c0,
    N,
    from + 4 * c0,
    to + 4 * c0,
    alpha,
    c,
  ]);
  return out;
}

/** The PSP trace of a float32 [T, ...] tensor on the wasm heap; undefined off wasm / without the kernel. */
export function pspForwardHeap(x: tf.Tensor, T: number, N: number, p: PspScanParams): tf.Tensor | undefined {
  return run(x, T, N, 'pspForward', Math.fround(p.alpha), Math.fround(p.c));
}

/** ∂L/∂x from ∂L/∂a (float32 [T, ...]) on the wasm heap; undefined off wasm / without the kernel. */
export function pspBackwardHeap(dy: tf.Tensor, T: number, N: number, p: PspScanParams): tf.Tensor | undefined {
  return run(dy, T, N, 'pspBackward', p.alpha, p.c);
}
