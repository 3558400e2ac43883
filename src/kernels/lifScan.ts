/**
 * Typed-array loops of the fused multi-step LIF op (TS fallback; AssemblyScript versions may
 * replace them). Data are time-major [T, N] row-major: element (t, i) at t·N + i.
 *
 *   forward:  u[t] = λ·r(u[t−1], o[t−1]) + I[t],  o[t] = H(u[t] − θ) (strict >), u[−1] = o[−1] = 0
 *             hard r = u·(1 − o), soft r = u − θ·o
 *   backward (DESIGN §2, reverse iteration of the membrane), g = ∂L/∂o, δ[T] = 0:
 *             δ[t] = (g[t] + δ[t+1]·λ·∂r/∂o[t])·σ'(u[t] − θ) + δ[t+1]·λ·∂r/∂u[t],   ∂L/∂I[t] = δ[t]
 *             ∂r/∂u = 1 − o (hard) or 1 (soft);  ∂r/∂o = −u (hard) or −θ (soft), and 0 when the
 *             reset is detached.
 *
 * The forward rounds every intermediate to float32 (Math.fround) in the order the unfused tf
 * reference computes them, so that both give bit-identical membranes and spikes; near-threshold
 * membranes would otherwise flip spikes between the two.
 *
 * Reference: Wu et al., STBP, Front. Neurosci. 2018.
 */
import { surrogateGrad, type SurrogateSpec } from '../neurons/surrogate.ts';

export interface LifScanParams {
  /** λ, leak per step. */
  decay: number;
  /** θ. */
  threshold: number;
  reset: 'hard' | 'soft';
  detachReset: boolean;
  surrogate: SurrogateSpec;
}

function checkSizes(op: string, T: number, N: number, arrays: Record<string, ArrayLike<number>>): void {
  if (!Number.isInteger(T) || T < 0 || !Number.isInteger(N) || N < 0) {
    throw new Error(`${op}: T and N must be non-negative integers, got T=${T}, N=${N}`);
  }
  for (const [name, a] of Object.entries(arrays)) {
    if (a.length !== T * N) throw new Error(`${op}: ${name} has length ${a.length}, expected T·N = ${T * N}`);
  }
}

/** Forward scan: spikes o[t] and membranes u[t] (after integration, before reset). */
export function lifForwardScan(
  I: Float32Array,
  T: number,
  N: number,
  params: LifScanParams,
  /** Where to write the spikes (at least T·N long; every element is overwritten); fresh by default. */
  spikesOut?: Float32Array,
  /** Where to write the membranes (at least T·N long; every element is overwritten); fresh by default. */
  uOut?: Float32Array,
): { spikes: Float32Array; u: Float32Array } {
  checkSizes('lifForwardScan', T, N, { I });
  if (spikesOut && spikesOut.length < T * N)
    throw new Error(`lifForwardScan: spikesOut has length ${spikesOut.length}, needs T·N = ${T * N}`);
  const spikes = spikesOut ? spikesOut.subarray(0, T * N) : new Float32Array(T * N);
  if (uOut && uOut.length < T * N) throw new Error(`lifForwardScan: uOut has length ${uOut.length}, needs T·N = ${T * N}`);
  const u = uOut ? uOut.subarray(0, T * N) : new Float32Array(T * N);
  if (T === 0) return { spikes, u };
  const decay = Math.fround(params.decay);
  const th = Math.fround(params.threshold);
  for (let i = 0; i < N; i++) {
    const v = I[i]!;
    u[i] = v;
    spikes[i] = +(v > th);
  }
  // The previous step's membrane and spike live in two N-long arrays (cache-resident) instead of
  // being read back from the big [T, N] outputs, and the soft reset is branch-free: spikes are
  // random, so a branch on them mispredicts often (this loop ran ~5× slower with branches).
  const uPrev = u.slice(0, N);
  const oPrev = spikes.slice(0, N);
  if (params.reset === 'soft') {
    for (let t = 1; t < T; t++) {
      const base = t * N;
      for (let i = 0; i < N; i++) {
        // o ∈ {0, 1}: u − θ·o is exactly u or fround(u − θ), as the reference rounds it
        const r = Math.fround(uPrev[i]! - th * oPrev[i]!);
        const v = Math.fround(Math.fround(decay * r) + I[base + i]!);
        const o = +(v > th);
        uPrev[i] = v;
        oPrev[i] = o;
        u[base + i] = v;
        spikes[base + i] = o;
      }
    }
  } else {
    for (let t = 1; t < T; t++) {
      const base = t * N;
      for (let i = 0; i < N; i++) {
        const r = oPrev[i]! === 0 ? uPrev[i]! : 0;
        const v = Math.fround(Math.fround(decay * r) + I[base + i]!);
        const o = +(v > th);
        uPrev[i] = v;
        oPrev[i] = o;
        u[base + i] = v;
        spikes[base + i] = o;
      }
    }
  }
  return { spikes, u };
}

/** Backward scan: ∂L/∂I from ∂L/∂o, the saved membranes and spikes of the forward scan. */
export function lifBackwardScan(
  gradSpikes: Float32Array,
  u: Float32Array,
  spikes: Float32Array,
  T: number,
  N: number,
  params: LifScanParams,
  /** Where to write ∂L/∂I (at least T·N long; every element is overwritten); fresh by default. */
  gradOut?: Float32Array,
): Float32Array {
  checkSizes('lifBackwardScan', T, N, { gradSpikes, u, spikes });
  if (gradOut && gradOut.length < T * N) throw new Error(`lifBackwardScan: gradOut has length ${gradOut.length}, needs T·N = ${T * N}`);
  const gradI = gradOut ? gradOut.subarray(0, T * N) : new Float32Array(T * N);
  if (T === 0) return gradI;
  const sg = surrogateGrad(params.surrogate);
  const decay = params.decay;
  const th = params.threshold;
  const hard = params.reset === 'hard';
  const keepReset = !params.detachReset;
  // δ[t+1] of every neuron sits in an N-long array (cache-resident; float32 like gradI, so the
  // rounding is the same as reading it back) instead of being re-read from the [T, N] output.
  const next = new Float32Array(N);
  if (!keepReset && !hard) {
    // the common case (and the PyTorch bench model's): constant carry λ
    for (let t = T - 1; t >= 0; t--) {
      const base = t * N;
      for (let i = 0; i < N; i++) {
        const k = base + i;
        const d = gradSpikes[k]! * sg(u[k]! - th) + next[i]! * decay;
        next[i] = d;
        gradI[k] = d;
      }
    }
    return gradI;
  }
  for (let t = T - 1; t >= 0; t--) {
    const base = t * N;
    for (let i = 0; i < N; i++) {
      const k = base + i;
      const dn = next[i]!;
      const uk = u[k]!;
      const o = spikes[k]!;
      let go = gradSpikes[k]!;
      if (keepReset) go -= dn * decay * (hard ? uk : th);
      const carry = hard ? decay * (1 - o) : decay;
      const d = go * sg(uk - th) + dn * carry;
      next[i] = d;
      gradI[k] = d;
    }
  }
  return gradI;
}
