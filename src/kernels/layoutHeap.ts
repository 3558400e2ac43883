/**
 * Fast paths for two tfjs kernels that tfjs-wasm runs as slow generic loops, computed in place on
 * the wasm heap by asm/layout.ts (rows or columns split between the kernel threads):
 *
 *   Sum over leading axes   Y[j] = Σ_r X[r, j] with X viewed as [R, N]. tfjs-wasm transposes X
 *                           so that the reduced axes are innermost, then sums: on cifar-conv's
 *                           repeatOverTime gradient ([5, 1048576]) that took 9–30 ms.
 *   Transpose               any permutation that, once size-1 axes are dropped and axes that
 *                           stay neighbours are merged, swaps the last two axes of [B, R, N]
 *                           (a matrix transpose, batched or not): ~12–20 ms for cifar-conv's
 *                           4096×256 weight in tfjs-wasm.
 *
 * `sumPlan` / `transposePlan` say which calls are covered; the others (and any call off a heap
 * with the module) return undefined, and the caller runs the previous kernel
 * (src/backend/wasmGradKernels.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapMemory, heapModule, heapOffset, isWasmHeap } from './heapModule.ts';
import { ELEMENTWISE_PER_THREAD, parallelFor } from './kernelPool.ts';

interface LayoutAsm {
  sumLeading(c0: number, c1: number, R: number, N: number, X: number, Y: number): void;
  transpose(r0: number, r1: number, R: number, N: number, X: number, Y: number): void;
}

const layoutKernel = heapModule<LayoutAsm>('layout', { sumLeading: 6, transpose: 6 });

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** A covered Sum: X viewed as [R, N], the leading axes reduced; `outShape` as tfjs gives it. */
export interface SumPlan {
  R: number;
  N: number;
  outShape: number[];
}

/** The plan for `sum(x, axis, keepDims)` when the reduced axes are the leading ones (not all of them); else undefined. */
export function sumPlan(shape: readonly number[], axis: number | number[], keepDims: boolean): SumPlan | undefined {
  const rank = shape.length;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  const k = axes.length;
  if (k === 0 || k >= rank || axes.some((a, i) => a !== i)) return undefined;
  if (shape.some((d) => d <= 0)) return undefined;
  const rest = shape.slice(k);
  return { R: size(shape.slice(0, k)), N: size(rest), outShape: keepDims ? [...new Array<number>(k).fill(1), ...rest] : rest };
}

/** A covered Transpose: X viewed as [B, R, N] becomes [B, N, R]; `outShape` as tfjs gives it. */
export interface TransposePlan {
  B: number;
  R: number;
  N: number;
  outShape: number[];
}

/** The plan for `transpose(x, perm)` when it is a (batched) matrix transpose; else undefined. */
export function transposePlan(shape: readonly number[], perm: readonly number[]): TransposePlan | undefined {
  if (perm.length !== shape.length || shape.some((d) => d <= 0)) return undefined;
  // drop size-1 axes, renumbering the rest
  const kept = shape.map((d, i) => (d === 1 ? -1 : i)).filter((i) => i >= 0);
  const rank = new Map(kept.map((a, i) => [a, i]));
  const p = perm.filter((a) => shape[a] !== 1).map((a) => rank.get(a)!);
  const dims = kept.map((a) => shape[a]!);
  // merge runs of axes that stay neighbours: groups in output order, each a run of input axes
  const groups: number[][] = [];
  for (const a of p) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1]! + 1 === a) last.push(a);
    else groups.push([a]);
  }
  const order = groups.map((g) => g[0]!);
  const inOrder = [...order].sort((a, b) => a - b).map((a) => order.indexOf(a));
  const gsize = (g: number[]): number => size(g.map((a) => dims[a]!));
  const outShape = perm.map((a) => shape[a]!);
  // inOrder[k]: the output position of the k-th group in input order
  if (inOrder.length === 2 && inOrder[0] === 1) return { B: 1, R: gsize(groups[1]!), N: gsize(groups[0]!), outShape };
  if (inOrder.length === 3 && inOrder[0] === 0 && inOrder[1] === 2)
    return { B: gsize(groups[0]!), R: gsize(groups[2]!), N: gsize(groups[1]!), outShape };
  return undefined;
}

/** Allocates the output, then runs fn over [0, total) split between the kernel threads. */
function run(
  backend: unknown,
  src: tf.TensorInfo,
  outShape: number[],
  fn: keyof LayoutAsm,
  total: number,
  minChunk: number,
  align: number,
  args: (from: number, to: number, x: number, y: number) => number[],
): tf.TensorInfo | undefined {
  if (!isWasmHeap(backend)) return undefined;
  const asm = layoutKernel(backend);
  const memory = heapMemory(backend);
  if (!asm || !memory || heapOffset(backend, src) === undefined) return undefined;
  const out = backend.makeOutput(outShape, src.dtype);
  // offsets after the allocation (which may have moved the heap)
  const x = heapOffset(backend, src)!;
  const y = heapOffset(backend, out)!;
  parallelFor(memory, 'layout', fn, asm[fn], total, minChunk, align, (a, b) => args(a, b, x, y));
  return out;
}

/** tfjs's Sum for a float32 sum over leading axes on the wasm heap; undefined otherwise. */
export function sumHeap({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | undefined {
  const { x } = inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
  if (x.dtype !== 'float32') return undefined;
  const p = sumPlan(x.shape, axis, keepDims);
  if (!p) return undefined;
  const cols = Math.ceil(ELEMENTWISE_PER_THREAD / p.R);
  return run(backend, x, p.outShape, 'sumLeading', p.N, cols, 32, (c0, c1, X, Y) => [c0, c1, p.R, p.N, X, Y]);
}

/** tfjs's Transpose for a (batched) matrix transpose of 4-byte values on the wasm heap; undefined otherwise. */
export function transposeHeap({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | undefined {
  const { x } = inputs as { x: tf.TensorInfo };
  const { perm } = attrs as unknown as { perm: number[] };
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return undefined;
  const p = transposePlan(x.shape, perm);
  if (!p) return undefined;
  const rows = Math.ceil(ELEMENTWISE_PER_THREAD / p.N);
  return run(backend, x, p.outShape, 'transpose', p.B * p.R, rows, 16, (r0, r1, X, Y) => [r0, r1, p.R, p.N, X, Y]);
}
