/**
 * First-order synaptic (PSP) filter (ARCHITECTURE "Neuron model", DESIGN §2):
 *
 *   a[t] = α·a[t−1] + c·x[t]       α = 1 − 1/τs (or `alpha`); c = 1 ('none') or 1/τs ('unit-area'); a[−1] = 0
 *   impulse response ε[k] = c·α^k; linear, so ε∗(W·x) = W·(ε∗x)
 *   backward: ∂L/∂x[t] = c·Σ_{t'≥t} α^{t'−t}·∂L/∂a[t']   (the error filtered backwards in time)
 *
 * Pure single step `pspStep` over typed arrays, and the fused multi-step op `pspFilter` over a
 * time-major tensor [T, ...] (see kernels/pspScan.ts). With α given as a tensor (e.g. the sigmoid
 * of a trained logit, which keeps it in (0, 1)) the op is also differentiable in α:
 *   ∂L/∂α = Σ_t ĝ[t]·a[t−1],  ĝ[t] = ∂L/∂a[t] + α·ĝ[t+1]   (c stays the configured gain)
 *
 * Reference: Zhang & Li, "Temporal spike sequence learning via backpropagation for deep spiking
 * neural networks" (TSSL-BP), NeurIPS 2020.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pspBackwardScan, pspForwardScan, type PspScanParams } from '../kernels/pspScan.ts';
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

function forwardScan(x: tf.Tensor, T: number, N: number, p: PspScanParams): tf.Tensor {
  return pspForwardHeap(x, T, N, p) ?? tf.tensor(pspForwardScan(readFloat32(x), T, N, p), x.shape, 'float32');
}

function backwardScan(dy: tf.Tensor, T: number, N: number, p: PspScanParams): tf.Tensor {
  const g = dy.dtype === 'float32' ? dy : tf.cast(dy, 'float32');
  return pspBackwardHeap(g, T, N, p) ?? tf.tensor(pspBackwardScan(readFloat32(g), T, N, p), dy.shape, 'float32');
}

/** The op with α a one-element tensor in (0, 1): gradients for x and α. */
function pspFilterLearned(x: tf.Tensor, alpha: tf.Tensor, T: number, N: number, c: number): tf.Tensor {
  if (alpha.size !== 1) throw new Error(`pspFilter: a trained α must have one value, got shape [${alpha.shape.join(', ')}]`);
  const a0 = alpha.dataSync()[0]!;
  if (!(a0 > 0 && a0 < 1)) throw new Error(`pspFilter: α must be in (0, 1), got ${a0}`);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const y = forwardScan(args[0] as tf.Tensor, T, N, { alpha: a0, c });
    (args[2] as tf.GradSaveFunc)([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        // ĝ (unscaled), then ∂x = c·ĝ and ∂α = Σ_{t ≥ 1} ĝ[t]·a[t−1]
        const gh = backwardScan(dy as tf.Tensor, T, N, { alpha: a0, c: 1 });
        const dx = c === 1 ? gh : tf.mul(gh, c);
        const da =
          T < 2 ? tf.zeros(alpha.shape) : tf.reshape(tf.sum(tf.mul(tf.slice(gh, 1, T - 1), tf.slice(saved[0]!, 0, T - 1))), alpha.shape);
        return [dx, da];
      },
    };
  });
  return op(x, alpha.dtype === 'float32' ? alpha : tf.cast(alpha, 'float32'));
}

/**
 * PSP filter ε∗x along axis 0 of a time-major tensor [T, ...], as one tf op with an exact
 * hand-written backward. Example: `pspFilter(spikesTB, {tauSyn: 3, scale: 'unit-area'})`.
 * `alpha`, when given, replaces the options' α and is trained with x (see the file header).
 */
export function pspFilter(xTB: tf.Tensor, opts: Partial<PspOptions> = {}, alpha?: tf.Tensor): tf.Tensor {
  const { T, N } = timeMajorSize(xTB, 'pspFilter');
  const p = resolvePsp(opts);
  return tf.tidy(() => {
    const x = xTB.dtype === 'float32' ? xTB : tf.cast(xTB, 'float32');
    if (alpha) return pspFilterLearned(x, alpha, T, N, p.c);
    // on wasm the WebAssembly scans run in place on the heap (same results, no copies)
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
      value: forwardScan(args[0] as tf.Tensor, T, N, p),
      gradFunc: (dy: tf.Tensor) => backwardScan(dy, T, N, p),
    }));
    return op(x);
  });
}
