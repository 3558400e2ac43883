/**
 * Synaptic products, one per layer kind, over all T steps at once (`[T·B, ...]` rows).
 *
 *   dense:  I = x·W        x [rows, in], W [in, out]  (row i of W: input i's outgoing weights)
 *
 * Kept behind one function so that the event-driven kernel for binary x (src/kernels
 * `spikeDense`: only the rows of W whose input fired are summed) replaces the dense GEMM without
 * touching the layers; its gradient stays the one of x·W (∂x = g·Wᵀ, ∂W = xᵀ·g). Non-binary x
 * goes to src/kernels `denseMatMul` (the same product, faster gradients on wasm).
 */
import * as tf from '@tensorflow/tfjs-core';
import { denseMatMul } from '../kernels/denseMatMul.ts';
import { spikeDense } from '../kernels/spikeDenseOp.ts';

export interface SynapseHints {
  /** Every value of x is 0 or 1 (spikes), so only the rows of W whose input fired contribute. */
  binary: boolean;
}

/**
 * Dense synaptic current `x2d · W`. Example: `denseSynapse(spikes2d, kernel, {binary: true})` →
 * `[rows, out]`. The hint never changes the result, only how it may be computed.
 */
export function denseSynapse(x2d: tf.Tensor2D, W: tf.Tensor2D, hints: SynapseHints = { binary: false }): tf.Tensor2D {
  if (x2d.shape[1] !== W.shape[0]) {
    throw new Error(`denseSynapse: input has ${x2d.shape[1]} features but the kernel expects ${W.shape[0]}`);
  }
  // spikeDense checks that x really is binary and is tf.matMul otherwise, so a wrong hint costs
  // one pass over x, never a wrong result. denseMatMul is tf.matMul with gradients that avoid
  // tfjs-wasm's slow transposed products.
  return hints.binary ? spikeDense(x2d, W) : denseMatMul(x2d, W);
}
