/**
 * Typed-array scans of the recurrent, adaptive LIF (DESIGN §6), the kernel behind
 * `src/neurons/recurrentLif.ts` and `src/neurons/alif.ts`. Data are [T, R, N] row-major (R rows of
 * the batch, N neurons): element (t, b, j) at (t·R + b)·N + j. V is [N, N] in the dense-kernel
 * convention (row i: neuron i's outgoing weights), λ is per neuron.
 *
 *   forward:  a[t] = ρ·a[t−1] + o[t−1]                   a[0] = 0 (adaptation; β = 0 switches it off)
 *             θ[t] = θ0 + β·a[t]
 *             u[t] = λ·r[t] + I[t] + (o[t−1]·V)           r[t] = u[t−1]·(1 − o[t−1]) (hard) or u[t−1] − θ[t−1]·o[t−1] (soft)
 *             o[t] = H(u[t] − θ[t])                       strict '>'; u[−1] = o[−1] = 0
 *   backward: one reverse scan, s[t] = σ'(u[t] − θ[t]), e[t] = ∂L/∂o[t] from outside:
 *             Go[t] = e[t] + (V·Gu[t+1])[t] + Ga[t+1] + kept reset: Gu[t+1]·λ·∂r[t+1]/∂o[t]
 *             Gu[t] = Go[t]·s[t] + Gu[t+1]·λ·∂r[t+1]/∂u[t]       ∂r/∂u = 1 − o (hard), 1 (soft)
 *             Ga[t] = −β·Go[t]·s[t] + ρ·Ga[t+1] + kept soft reset: −Gu[t+1]·λ·β·o[t]
 *             ∂r/∂o = −u (hard), −θ (soft); the reset term (o, and for the soft reset θ·o) has no
 *             gradient when the reset is detached
 *             ∂L/∂I[t] = Gu[t],  ∂L/∂V = Σ_t o[t−1]ᵀ·Gu[t],  ∂L/∂λ_j = Σ_{t,b} Gu[t]·r[t]
 *
 * The recurrent product is event-driven (only the rows of V whose neuron fired are added); its
 * backward V·Gu[t+1] is dense, one [R, N]·[N, N]ᵀ product per step (recurrentProduct.ts: SIMD
 * when the AssemblyScript kernels are built). The backward equations hold
 * for any o ∈ [0, 1], which is what lets a test check them against finite differences of a smooth
 * forward (o = σ(u − θ)).
 *
 * Reference: Bellec et al., "Long short-term memory and learning-to-learn in networks of spiking
 * neurons" (LSNN), NeurIPS 2018.
 */
import { surrogateGrad, type SurrogateSpec } from '../neurons/surrogate.ts';
import { recurrentForward, recurrentProduct, recurrentWeightGrad } from './recurrentProduct.ts';

export interface AlifScanParams {
  /** θ0, the threshold at rest. */
  threshold: number;
  /** β, threshold increase per unit of adaptation (0: plain LIF; < 0 facilitates). */
  beta: number;
  /** ρ, adaptation decay per step, in [0, 1]. */
  rho: number;
  reset: 'hard' | 'soft';
  detachReset: boolean;
  surrogate: SurrogateSpec;
  /** How the recurrent products run: SIMD kernels when built ('auto') or typed-array loops ('ts'). */
  product?: 'auto' | 'ts';
  /** The leak is fixed: the backward may skip ∂λ (then returned as zeros). */
  skipDecayGrad?: boolean;
}

export interface AlifScanInputs {
  /** Currents [T, R, N]. */
  I: Float32Array;
  /** λ per neuron [N]. */
  decay: Float32Array;
  /** Recurrent weights [N, N], or undefined for none. */
  V?: Float32Array | undefined;
}

export interface AlifForward {
  spikes: Float32Array;
  /** Membranes u[t] after integration, before reset. */
  u: Float32Array;
  /** Adaptation a[t] (all zeros when β = 0). */
  a: Float32Array;
}

export interface AlifGrads {
  I: Float32Array;
  decay: Float32Array;
  V?: Float32Array;
}

function checkSizes(
  op: string,
  T: number,
  R: number,
  N: number,
  arrays: Record<string, ArrayLike<number> | undefined>,
  V: ArrayLike<number> | undefined,
  decay: ArrayLike<number>,
): void {
  for (const [k, v] of Object.entries({ T, R, N })) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: ${k} must be a non-negative integer, got ${v}`);
  }
  for (const [name, a] of Object.entries(arrays)) {
    if (a !== undefined && a.length !== T * R * N) throw new Error(`${op}: ${name} has length ${a.length}, expected T·R·N = ${T * R * N}`);
  }
  if (V !== undefined && V.length !== N * N) throw new Error(`${op}: V has length ${V.length}, expected N·N = ${N * N}`);
  if (decay.length !== N) throw new Error(`${op}: decay has length ${decay.length}, expected N = ${N}`);
}

let zeroArray = new Float32Array(0);

function zeros(n: number): Float32Array {
  if (zeroArray.length < n) zeroArray = new Float32Array(n);
  return zeroArray.subarray(0, n);
}

/** Forward scan; `uOut` (T·R·N long) receives the membranes when given (e.g. a pooled array). */
export function alifForwardScan(
  inputs: AlifScanInputs,
  T: number,
  R: number,
  N: number,
  p: AlifScanParams,
  uOut?: Float32Array,
): AlifForward {
  const { I, decay, V } = inputs;
  checkSizes('alifForwardScan', T, R, N, { I }, V, decay);
  const size = T * R * N;
  const spikes = new Float32Array(size);
  const u = uOut ?? new Float32Array(size);
  if (u.length !== size) throw new Error(`alifForwardScan: uOut has length ${u.length}, expected ${size}`);
  // without adaptation a is all zeros: one shared, never-written array instead of a fresh one
  const a = p.beta !== 0 ? new Float32Array(size) : zeros(size);
  // every operand float32, as in the unfused tf reference and the WebAssembly scan
  const th0 = Math.fround(p.threshold);
  const beta = Math.fround(p.beta);
  const rho = Math.fround(p.rho);
  const hard = p.reset === 'hard';
  // β = 0: a stays 0 and θ = θ0 (the recurrent LIF), without the adaptation's arithmetic
  const adaptive = beta !== 0;
  const fwdRec = V !== undefined ? recurrentForward(V, R, N, p.product ?? 'auto') : undefined;
  for (let t = 0; t < T; t++) {
    if (fwdRec && t > 0) fwdRec.step(spikes, (t - 1) * R * N);
    for (let b = 0; b < R; b++) {
      const k0 = (t * R + b) * N;
      const p0 = k0 - R * N;
      const r0 = fwdRec ? b * fwdRec.stride : 0;
      for (let j = 0; j < N; j++) {
        const k = k0 + j;
        let r = 0;
        let adapt = 0;
        if (t > 0) {
          const oPrev = spikes[p0 + j]!;
          const aPrev = a[p0 + j]!;
          if (adaptive) adapt = Math.fround(Math.fround(rho * aPrev) + oPrev);
          const uPrev = u[p0 + j]!;
          if (hard) r = oPrev === 0 ? uPrev : 0;
          else r = oPrev === 0 ? uPrev : Math.fround(uPrev - (adaptive ? Math.fround(th0 + Math.fround(beta * aPrev)) : th0));
        }
        if (adaptive) a[k] = adapt;
        // rounded in the order of the unfused reference: ((λ·r) + I) + o·V
        let v = Math.fround(Math.fround(Math.fround(decay[j]! * r) + I[k]!));
        if (fwdRec && t > 0) v = Math.fround(v + fwdRec.rec[r0 + j]!);
        u[k] = v;
        spikes[k] = v > (adaptive ? Math.fround(th0 + Math.fround(beta * adapt)) : th0) ? 1 : 0;
      }
    }
  }
  return { spikes, u, a };
}

/**
 * Backward scan: ∂L/∂I, ∂L/∂λ and (with V) ∂L/∂V from ∂L/∂o and the saved forward. `spikes` may
 * hold any values in [0, 1] (see the file header).
 */
export function alifBackwardScan(
  gradSpikes: Float32Array,
  fwd: AlifForward,
  inputs: Omit<AlifScanInputs, 'I'>,
  T: number,
  R: number,
  N: number,
  p: AlifScanParams,
): AlifGrads {
  const { spikes: o, u, a } = fwd;
  const { decay, V } = inputs;
  checkSizes('alifBackwardScan', T, R, N, { gradSpikes, u, spikes: o, a }, V, decay);
  const sg = surrogateGrad(p.surrogate);
  const th0 = p.threshold;
  const { beta, rho } = p;
  const hard = p.reset === 'hard';
  const keep = !p.detachReset;
  const gI = new Float32Array(T * R * N);
  // ∂λ summed per batch row, then over the rows in ascending order: the order the WebAssembly
  // scan keeps when its rows are split between threads
  const gDecayRows = new Float64Array(R * N);
  // Gu[t+1] of every (row, neuron) sits in the product's G (row stride S) so that V·Gu[t+1] is
  // one call per step; Ga[t+1] in a plain array
  const prod = V !== undefined ? recurrentProduct(V, R, N, p.product ?? 'auto') : undefined;
  const S = prod ? prod.stride : N;
  const guNext = prod ? prod.G : new Float32Array(R * N);
  const recG = prod ? prod.C : undefined;
  if (beta === 0 && !keep && p.skipDecayGrad === true) {
    // the recurrent LIF with a detached reset and a fixed leak: no adaptation, no ∂λ, and G and C
    // start at zero, so the last step needs no special case
    const hb = hard;
    for (let t = T - 1; t >= 0; t--) {
      if (recG !== undefined && t < T - 1) prod!.run();
      for (let b = 0; b < R; b++) {
        const k0 = (t * R + b) * N;
        const c0 = b * S;
        for (let j = 0; j < N; j++) {
          const k = k0 + j;
          const go = recG !== undefined ? gradSpikes[k]! + recG[c0 + j]! : gradSpikes[k]!;
          const gun = guNext[c0 + j]!;
          const gu = go * sg(u[k]! - th0) + gun * decay[j]! * (hb ? 1 - o[k]! : 1);
          gI[k] = gu;
          guNext[c0 + j] = gu;
        }
      }
    }
    const gVf = V !== undefined ? recurrentWeightGrad(o, gI, T, R, N, p.product ?? 'auto') : undefined;
    return { I: gI, decay: new Float32Array(N), ...(gVf !== undefined ? { V: gVf } : {}) };
  }
  const gaNext = new Float64Array(R * N);
  for (let t = T - 1; t >= 0; t--) {
    const last = t === T - 1;
    if (prod && !last) prod.run();
    for (let b = 0; b < R; b++) {
      const k0 = (t * R + b) * N;
      const c0 = b * S;
      const a0 = b * N;
      for (let j = 0; j < N; j++) {
        const k = k0 + j;
        const gun = last ? 0 : guNext[c0 + j]!;
        const gan = last ? 0 : gaNext[a0 + j]!;
        const lam = decay[j]!;
        const ok = o[k]!;
        const th = th0 + beta * a[k]!;
        let go = gradSpikes[k]! + gan;
        if (recG !== undefined && !last) go += recG[c0 + j]!;
        if (keep) go -= gun * lam * (hard ? u[k]! : th);
        const gs = go * sg(u[k]! - th);
        const gu = gs + gun * lam * (hard ? 1 - ok : 1);
        let ga = -beta * gs + rho * gan;
        if (keep && !hard) ga -= gun * lam * beta * ok;
        gI[k] = gu;
        guNext[c0 + j] = gu;
        gaNext[a0 + j] = ga;
        if (t > 0) {
          // r[t] = r(u[t−1], o[t−1]), the value λ multiplied
          const p0 = k - R * N;
          const op = o[p0]!;
          const up = u[p0]!;
          const r = hard ? up * (1 - op) : up - (th0 + beta * a[p0]!) * op;
          gDecayRows[a0 + j] += gu * r;
        }
      }
    }
  }
  // ∂V after the scan: the product's memory is reused
  const gV = V !== undefined ? recurrentWeightGrad(o, gI, T, R, N, p.product ?? 'auto') : undefined;
  const gDecay = new Float32Array(N);
  for (let j = 0; j < N; j++) {
    let sum = 0;
    for (let b = 0; b < R; b++) sum += gDecayRows[b * N + j]!;
    gDecay[j] = sum;
  }
  return { I: gI, decay: gDecay, ...(gV !== undefined ? { V: gV } : {}) };
}
