/**
 * First-order synaptic (PSP) filter (ARCHITECTURE "Neuron model", DESIGN §2):
 *
 *   a[t] = α·a[t−1] + c·x[t]       α = 1 − 1/τs (or `alpha`); c = 1 ('none') or 1/τs ('unit-area'); a[−1] = 0
 *   impulse response ε[k] = c·α^k; linear, so ε∗(W·x) = W·(ε∗x)
 *   backward: ∂L/∂x[t] = c·Σ_{t'≥t} α^{t'−t}·∂L/∂a[t']   (the error filtered backwards in time)
 *
 * Pure single step `pspStep` over typed arrays, and the fused multi-step op `pspFilter` over a
 * time-major tensor [T, ...] (see kernels/pspScan.ts).
 *
 * Reference: Zhang & Li, "Temporal spike sequence learning via backpropagation for deep spiking
 * neural networks" (TSSL-BP), NeurIPS 2020.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pspBackwardScan, pspForwardScan } from '../kernels/pspScan.ts';
import { pspBackwardHeap, pspForwardHeap } from '../kernels/pspScanHeap.ts';
import { resolvePsp, type PspOptions } from './defaults.ts';
import { readFloat32 } from './heap.ts';
import { timeMajorSize } from './lif.ts';

export { DEFAULT_PSP, resolvePsp, type PspOptions, type ResolvedPsp } from './defaults.ts';

export interface PspState {
  a: Float32Array;
}

export function initPspState(n: number): PspState {
  if (!Number.isInteger(n) || n < 0) throw new Error(`initPspState: n must be a non-negative integer, got ${n}`);
  return { a: new Float32Array(n) };
}

/** One PSP step: returns the trace and a new state (inputs not mutated); float32 like `pspFilter`. */
export function pspStep(x: Float32Array, state: PspState, opts: Partial<PspOptions> = {}): { psp: Float32Array; state: PspState } {
  const { alpha, c } = resolvePsp(opts);
  const n = x.length;
  if (state.a.length !== n) throw new Error(`pspStep: state has ${state.a.length} traces, input has ${n} values`);
  const af = Math.fround(alpha);
  const cf = Math.fround(c);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.fround(Math.fround(af * state.a[i]!) + Math.fround(cf * x[i]!));
  return { psp: a, state: { a: a.slice() } };
}

/**
 * PSP filter ε∗x along axis 0 of a time-major tensor [T, ...], as one tf op with an exact
 * hand-written backward. Example: `pspFilter(spikesTB, {tauSyn: 3, scale: 'unit-area'})`.
 */
export function pspFilter(xTB: tf.Tensor, opts: Partial<PspOptions> = {}): tf.Tensor {
  const { T, N } = timeMajorSize(xTB, 'pspFilter');
  const p = resolvePsp(opts);
  const shape = xTB.shape;
  return tf.tidy(() => {
    const x = xTB.dtype === 'float32' ? xTB : tf.cast(xTB, 'float32');
    // on wasm the WebAssembly scans run in place on the heap (same results, no copies)
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
      value:
        pspForwardHeap(args[0] as tf.Tensor, T, N, p) ??
        tf.tensor(pspForwardScan(readFloat32(args[0] as tf.Tensor), T, N, p), shape, 'float32'),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dtype === 'float32' ? dy : tf.cast(dy, 'float32');
        return pspBackwardHeap(g, T, N, p) ?? tf.tensor(pspBackwardScan(readFloat32(g), T, N, p), shape, 'float32');
      },
    }));
    return op(x);
  });
}
