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
import { asmSurrogate, heapMemory, heapModule, heapOffset, heapOutput, wasmHeapBackend } from './heapModule.ts';
import { parallelFor, scanColumnsPerThread, CACHE_LINE_FLOATS } from './kernelPool.ts';
import type { LifScanParams } from './lifScan.ts';

interface LifAsm {
  lifForward(T: number, N: number, stride: number, I: number, U: number, O: number, decay: number, th: number, soft: number): void;
  lifBackward(
    T: number,
    N: number,
    stride: number,
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

const lifKernel = heapModule<LifAsm>('lifScan', { lifForward: 9, lifBackward: 14 });

/** True when the in-heap LIF scan runs on the current backend. */
export function lifHeapAvailable(): boolean {
  const backend = wasmHeapBackend();
  return backend !== undefined && lifKernel(backend) !== undefined;
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
  const backend = wasmHeapBackend();
  if (!backend) return undefined;
  const asm = lifKernel(backend);
  if (!asm || heapOffset(backend, x) === undefined) return undefined;
  const spikes = heapOutput(backend, x.shape.slice());
  const u = heapOutput(backend, x.shape.slice());
  // offsets, not views: the two allocations above may have grown (and so moved) the heap buffer
  const at = (t: tf.Tensor): number => heapOffset(backend, t)!;
  const [pI, pU, pO] = [at(x), at(u), at(spikes)];
  const [d, th, soft] = [Math.fround(decay), Math.fround(threshold), reset === 'soft' ? 1 : 0];
  // neurons (columns) are independent: split them between the kernel threads
  parallelFor(heapMemory(backend)!, 'lifScan', 'lifForward', asm.lifForward, N, scanColumnsPerThread(T), CACHE_LINE_FLOATS, (c0, c1) => [
    T,
    c1 - c0,
    N,
    pI + 4 * c0,
    pU + 4 * c0,
    pO + 4 * c0,
    d,
    th,
    soft,
  ]);
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
  const backend = wasmHeapBackend();
  if (!backend) return undefined;
  const asm = lifKernel(backend);
  if (!asm || [dy, u, spikes].some((t) => heapOffset(backend, t) === undefined)) return undefined;
  const grad = heapOutput(backend, dy.shape.slice());
  // offsets after the allocation, which may have moved the heap
  const at = (t: tf.Tensor): number => heapOffset(backend, t)!;
  const sg = asmSurrogate(params.surrogate);
  const [pG, pU, pS, pD] = [at(dy), at(u), at(spikes), at(grad)];
  const hard = params.reset === 'hard' ? 1 : 0;
  const keepReset = params.detachReset ? 0 : 1;
  parallelFor(heapMemory(backend)!, 'lifScan', 'lifBackward', asm.lifBackward, N, scanColumnsPerThread(T), CACHE_LINE_FLOATS, (c0, c1) => [
    T,
    c1 - c0,
    N,
    pG + 4 * c0,
    pU + 4 * c0,
    pS + 4 * c0,
    pD + 4 * c0,
    params.decay,
    params.threshold,
    hard,
    keepReset,
    sg.kind,
    sg.a,
    sg.c,
  ]);
  return grad;
}
