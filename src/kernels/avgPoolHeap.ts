/**
 * tfjs's AvgPool and AvgPoolGrad for the common case of non-overlapping windows (window =
 * stride, no padding, NHWC float32), computed in place on the tfjs wasm heap by asm/avgPool.ts
 * (SIMD, rows split between the kernel threads). tfjs-wasm's own AvgPoolGrad is a generic loop
 * that took ~40 ms per call on cifar-conv's first pool, for what is a strided broadcast
 * (bench/notes/2026-12-02d-cifarspeed.md). `avgPoolPlan` says which calls this covers; the others
 * (and any call off a heap with the module) return undefined, and the caller runs the previous
 * kernel (src/backend/wasmGradKernels.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapMemory, heapModule, heapOffset, isWasmHeap } from './heapModule.ts';
import { ELEMENTWISE_PER_THREAD, parallelFor } from './kernelPool.ts';

interface AvgPoolAsm {
  avgPoolForward(r0: number, r1: number, H: number, W: number, C: number, KH: number, KW: number, X: number, Y: number, s: number): void;
  avgPoolGrad(r0: number, r1: number, H: number, W: number, C: number, KH: number, KW: number, DY: number, DX: number, s: number): void;
}

const avgPoolKernel = heapModule<AvgPoolAsm>('avgPool', { avgPoolForward: 10, avgPoolGrad: 10 });

/** The attributes of tfjs's AvgPool and AvgPoolGrad. */
export interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** A covered call: input [B, H, W, C], window KH×KW, output [B, OH, OW, C]. */
export interface AvgPoolPlan {
  B: number;
  H: number;
  W: number;
  C: number;
  KH: number;
  KW: number;
  outShape: [number, number, number, number];
}

/**
 * The plan for an average pool of an NHWC input of shape `xShape`, or undefined unless the
 * windows tile the input without overlap and without padding (window = stride, every pad 0, at
 * least one output pixel).
 */
export function avgPoolPlan(xShape: readonly number[], a: PoolAttrs): AvgPoolPlan | undefined {
  if (xShape.length !== 4 || xShape.some((d) => d <= 0)) return undefined;
  const c = tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const { top, bottom, left, right } = c.padInfo;
  if (top !== 0 || bottom !== 0 || left !== 0 || right !== 0) return undefined;
  if (c.filterHeight !== c.strideHeight || c.filterWidth !== c.strideWidth) return undefined;
  if (c.outHeight !== Math.floor(c.inHeight / c.filterHeight) || c.outWidth !== Math.floor(c.inWidth / c.filterWidth)) return undefined;
  if (c.outHeight < 1 || c.outWidth < 1) return undefined;
  return {
    B: c.batchSize,
    H: c.inHeight,
    W: c.inWidth,
    C: c.inChannels,
    KH: c.filterHeight,
    KW: c.filterWidth,
    outShape: [c.batchSize, c.outHeight, c.outWidth, c.inChannels],
  };
}

/**
 * Runs one of the two kernels: allocates the output on the heap, then splits `rows` rows of
 * `floatsPerRow` input floats each between the kernel threads.
 */
function run(
  backend: unknown,
  src: tf.TensorInfo,
  outShape: number[],
  p: AvgPoolPlan,
  fn: keyof AvgPoolAsm,
  rows: number,
  floatsPerRow: number,
): tf.TensorInfo | undefined {
  if (!isWasmHeap(backend) || src.dtype !== 'float32') return undefined;
  const asm = avgPoolKernel(backend);
  const memory = heapMemory(backend);
  if (!asm || !memory || heapOffset(backend, src) === undefined) return undefined;
  const out = backend.makeOutput(outShape, 'float32');
  // offsets after the allocation (which may have moved the heap)
  const from = heapOffset(backend, src)!;
  const to = heapOffset(backend, out)!;
  const s = Math.fround(1 / (p.KH * p.KW));
  const minRows = Math.ceil(ELEMENTWISE_PER_THREAD / Math.max(1, floatsPerRow));
  parallelFor(memory, 'avgPool', fn, asm[fn], rows, minRows, 1, (r0, r1) => [r0, r1, p.H, p.W, p.C, p.KH, p.KW, from, to, s]);
  return out;
}

/** tfjs's AvgPool kernel for a covered call on the wasm heap; undefined otherwise. */
export function avgPoolHeap({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | undefined {
  const { x } = inputs as { x: tf.TensorInfo };
  const p = avgPoolPlan(x.shape, attrs as unknown as PoolAttrs);
  if (!p) return undefined;
  return run(backend, x, p.outShape, p, 'avgPoolForward', p.B * p.outShape[1], p.KH * p.W * p.C);
}

/** tfjs's AvgPoolGrad kernel for a covered call on the wasm heap; undefined otherwise. */
export function avgPoolGradHeap({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | undefined {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const p = avgPoolPlan(input.shape, attrs as unknown as PoolAttrs);
  if (!p || dy.shape.join() !== p.outShape.join()) return undefined;
  return run(backend, dy, input.shape.slice(), p, 'avgPoolGrad', p.B * p.H, p.W * p.C);
}
