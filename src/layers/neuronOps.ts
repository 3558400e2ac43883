/**
 * The two fused time ops the layers need, over time-major tensors `[T, ...]` (all other axes
 * are flattened to N columns):
 *
 *   pspTB:  a[t] = α·a[t−1] + c·x[t]                      backward: ĝ[t] = g[t] + α·ĝ[t+1], ∂x[t] = c·ĝ[t]
 *   lifTB:  u[t] = λ·r(u[t−1], o[t−1]) + I[t], o[t] = H(u[t] − θ)
 *           backward (DESIGN §2, the membrane reverse iteration):
 *             ∂o[t]  = g[t] + δ[t+1]·∂u[t+1]/∂o[t]        (the reset term only when detachReset = false;
 *                                                         hard: −λ·u[t], soft: −λ·θ)
 *             δ[t]   = ∂o[t]·σ'(u[t] − θ) + δ[t+1]·λ·(1 − o[t]) (hard) or + δ[t+1]·λ (soft), ∂I[t] = δ[t]
 *
 * Each is one tf op with a hand-written backward over typed arrays: a training step costs O(1) ops
 * per layer, not O(T). This is the seam to `src/neurons` (the neuron engineer's fused ops): the
 * layers only call these two functions.
 *
 * Reference: Wu et al., STBP, Front. Neurosci. 2018; Zhang & Li, TSSL-BP, NeurIPS 2020 (PSP kernel).
 */
import * as tf from '@tensorflow/tfjs';
import type { ResolvedLif, ResolvedPsp } from './neuronOptions.ts';

function timeMajor(x: tf.Tensor, op: string): { T: number; N: number } {
  if (x.rank < 1) throw new Error(`${op}: input must be time-major [T, ...], got a scalar`);
  const T = x.shape[0]!;
  return { T, N: T === 0 ? 0 : x.size / T };
}

function pspForward(x: Float32Array, T: number, N: number, p: ResolvedPsp): Float32Array {
  const out = new Float32Array(T * N);
  const a = new Float64Array(N);
  for (let t = 0; t < T; t++) {
    const row = t * N;
    for (let i = 0; i < N; i++) {
      const v = p.alpha * a[i]! + p.c * x[row + i]!;
      a[i] = v;
      out[row + i] = v;
    }
  }
  return out;
}

function pspBackward(g: Float32Array, T: number, N: number, p: ResolvedPsp): Float32Array {
  const out = new Float32Array(T * N);
  const acc = new Float64Array(N);
  for (let t = T - 1; t >= 0; t--) {
    const row = t * N;
    for (let i = 0; i < N; i++) {
      const v = g[row + i]! + p.alpha * acc[i]!;
      acc[i] = v;
      out[row + i] = p.c * v;
    }
  }
  return out;
}

/**
 * PSP filter ε∗x along axis 0 of a time-major tensor. Linear, so ε∗(W·x) = W·(ε∗x).
 * Example: `pspTB(spikesTB, resolvePsp({tauSyn: 3}))`.
 */
export function pspTB(xTB: tf.Tensor, psp: ResolvedPsp): tf.Tensor {
  const { T, N } = timeMajor(xTB, 'pspTB');
  const shape = xTB.shape;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    const value = tf.tensor(pspForward(x.dataSync() as Float32Array, T, N, psp), shape, 'float32');
    const gradFunc = (dy: tf.Tensor) => tf.tensor(pspBackward(dy.dataSync() as Float32Array, T, N, psp), shape, 'float32');
    return { value, gradFunc };
  });
  return f(xTB.dtype === 'float32' ? xTB : tf.cast(xTB, 'float32'));
}

export interface LifResult {
  spikes: tf.Tensor;
  /** Membrane u[t] after integration, before reset (not differentiable); only when asked for. */
  membrane?: tf.Tensor;
}

/**
 * Fused multi-step LIF over `[T, ...]` currents: spikes (with surrogate backward) and, when
 * `withMembrane`, the membrane trace (kept out of any enclosing tidy: the caller disposes it).
 */
export function lifTB(currentTB: tf.Tensor, lif: ResolvedLif, withMembrane = false): LifResult {
  const { T, N } = timeMajor(currentTB, 'lifTB');
  const shape = currentTB.shape;
  const { decay, threshold: th, reset, detachReset, surrogateGrad } = lif;
  let membrane: tf.Tensor | undefined;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const I = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const cur = I.dataSync() as Float32Array;
    const U = new Float32Array(T * N);
    const O = new Float32Array(T * N);
    // time-outer, neuron-inner: contiguous rows of [T, N]
    const u = new Float64Array(N);
    const o = new Uint8Array(N);
    for (let t = 0; t < T; t++) {
      const row = t * N;
      for (let i = 0; i < N; i++) {
        const r = reset === 'hard' ? (o[i] ? 0 : u[i]!) : u[i]! - th * o[i]!;
        const v = decay * r + cur[row + i]!;
        const s = v > th ? 1 : 0;
        u[i] = v;
        o[i] = s;
        U[row + i] = v;
        O[row + i] = s;
      }
    }
    const uT = tf.tensor(U, shape, 'float32');
    const oT = tf.tensor(O, shape, 'float32');
    if (withMembrane) membrane = tf.keep(uT.clone());
    // the forward's own spikes, not u > θ again on the float32-rounded membrane
    save([uT, oT]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const g = dy.dataSync() as Float32Array;
      const Us = saved[0]!.dataSync() as Float32Array;
      const Os = saved[1]!.dataSync() as Float32Array;
      const dI = new Float32Array(T * N);
      const next = new Float64Array(N); // δ[t+1]
      for (let t = T - 1; t >= 0; t--) {
        const row = t * N;
        for (let i = 0; i < N; i++) {
          const k = row + i;
          const u = Us[k]!;
          const o = Os[k]!;
          const dn = next[i]!;
          let go = g[k]!;
          if (!detachReset) go += dn * (reset === 'hard' ? -decay * u : -decay * th);
          const carry = reset === 'hard' ? decay * (1 - o) : decay;
          const d = go * surrogateGrad(u - th) + dn * carry;
          dI[k] = d;
          next[i] = d;
        }
      }
      return tf.tensor(dI, shape, 'float32');
    };
    return { value: oT.clone(), gradFunc };
  });
  const spikes = f(currentTB.dtype === 'float32' ? currentTB : tf.cast(currentTB, 'float32'));
  return membrane ? { spikes, membrane } : { spikes };
}
