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
 * backward V·Gu[t+1] is dense, one [R, N]·[N, N]ᵀ product per step. The backward equations hold
 * for any o ∈ [0, 1], which is what lets a test check them against finite differences of a smooth
 * forward (o = σ(u − θ)).
 *
 * Reference: Bellec et al., "Long short-term memory and learning-to-learn in networks of spiking
 * neurons" (LSNN), NeurIPS 2018.
 */
import { surrogateGrad, type SurrogateSpec } from '../neurons/surrogate.ts';

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

function checkSizes(op: string, T: number, R: number, N: number, arrays: Record<string, ArrayLike<number> | undefined>, V: ArrayLike<number> | undefined, decay: ArrayLike<number>): void {
  for (const [k, v] of Object.entries({ T, R, N })) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: ${k} must be a non-negative integer, got ${v}`);
  }
  for (const [name, a] of Object.entries(arrays)) {
    if (a !== undefined && a.length !== T * R * N) throw new Error(`${op}: ${name} has length ${a.length}, expected T·R·N = ${T * R * N}`);
  }
  if (V !== undefined && V.length !== N * N) throw new Error(`${op}: V has length ${V.length}, expected N·N = ${N * N}`);
  if (decay.length !== N) throw new Error(`${op}: decay has length ${decay.length}, expected N = ${N}`);
}

/** Forward scan: spikes, membranes and adaptation of every step. */
export function alifForwardScan(inputs: AlifScanInputs, T: number, R: number, N: number, p: AlifScanParams): AlifForward {
  const { I, decay, V } = inputs;
  checkSizes('alifForwardScan', T, R, N, { I }, V, decay);
  const size = T * R * N;
  const spikes = new Float32Array(size);
  const u = new Float32Array(size);
  const a = new Float32Array(size);
  const th0 = Math.fround(p.threshold);
  const beta = p.beta;
  const rho = p.rho;
  const hard = p.reset === 'hard';
  const rec = new Float64Array(N);
  const fired = new Int32Array(N);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < R; b++) {
      const k0 = (t * R + b) * N;
      const p0 = k0 - R * N;
      if (V !== undefined && t > 0) {
        let n = 0;
        for (let i = 0; i < N; i++) if (spikes[p0 + i] !== 0) fired[n++] = i;
        rec.fill(0);
        for (let q = 0; q < n; q++) {
          const row = fired[q]! * N;
          for (let j = 0; j < N; j++) rec[j] += V[row + j]!;
        }
      }
      for (let j = 0; j < N; j++) {
        const k = k0 + j;
        let r = 0;
        let adapt = 0;
        if (t > 0) {
          const oPrev = spikes[p0 + j]!;
          const aPrev = a[p0 + j]!;
          adapt = Math.fround(rho * aPrev + oPrev);
          const uPrev = u[p0 + j]!;
          if (hard) r = oPrev === 0 ? uPrev : 0;
          else r = oPrev === 0 ? uPrev : Math.fround(uPrev - Math.fround(th0 + Math.fround(beta * aPrev)));
        }
        a[k] = adapt;
        // rounded in the order of the unfused reference: ((λ·r) + I) + o·V
        let v = Math.fround(Math.fround(Math.fround(decay[j]! * r) + I[k]!));
        if (V !== undefined && t > 0) v = Math.fround(v + Math.fround(rec[j]!));
        u[k] = v;
        spikes[k] = v > Math.fround(th0 + Math.fround(beta * adapt)) ? 1 : 0;
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
  const gDecay = new Float64Array(N);
  const gV = V !== undefined ? new Float64Array(N * N) : undefined;
  // Gu[t+1], Ga[t+1] of every (row, neuron)
  const guNext = new Float64Array(R * N);
  const gaNext = new Float64Array(R * N);
  const recG = new Float64Array(N);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < R; b++) {
      const k0 = (t * R + b) * N;
      const c0 = b * N;
      if (V !== undefined && t < T - 1) {
        // (V·Gu[t+1])_i = Σ_j V[i, j]·Gu[t+1]_j: row i of V is contiguous
        for (let i = 0; i < N; i++) {
          const row = i * N;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          let j = 0;
          for (; j + 3 < N; j += 4) {
            s0 += V[row + j]! * guNext[c0 + j]!;
            s1 += V[row + j + 1]! * guNext[c0 + j + 1]!;
            s2 += V[row + j + 2]! * guNext[c0 + j + 2]!;
            s3 += V[row + j + 3]! * guNext[c0 + j + 3]!;
          }
          for (; j < N; j++) s0 += V[row + j]! * guNext[c0 + j]!;
          recG[i] = s0 + s1 + s2 + s3;
        }
      } else recG.fill(0);
      for (let j = 0; j < N; j++) {
        const k = k0 + j;
        const gun = t < T - 1 ? guNext[c0 + j]! : 0;
        const gan = t < T - 1 ? gaNext[c0 + j]! : 0;
        const lam = decay[j]!;
        const ok = o[k]!;
        const th = th0 + beta * a[k]!;
        let go = gradSpikes[k]! + recG[j]! + gan;
        if (keep) go -= gun * lam * (hard ? u[k]! : th);
        const gs = go * sg(u[k]! - th);
        const gu = gs + gun * lam * (hard ? 1 - ok : 1);
        let ga = -beta * gs + rho * gan;
        if (keep && !hard) ga -= gun * lam * beta * ok;
        gI[k] = gu;
        guNext[c0 + j] = gu;
        gaNext[c0 + j] = ga;
        if (t > 0) {
          // r[t] = r(u[t−1], o[t−1]), the value λ multiplied
          const p0 = k - R * N;
          const op = o[p0]!;
          const up = u[p0]!;
          const r = hard ? up * (1 - op) : up - (th0 + beta * a[p0]!) * op;
          gDecay[j] += gu * r;
        }
      }
      if (gV !== undefined && t > 0) {
        // ∂V[i, :] += o[t−1]_i·Gu[t]: only the rows of neurons that fired (any o ≠ 0)
        const p0 = k0 - R * N;
        for (let i = 0; i < N; i++) {
          const oi = o[p0 + i]!;
          if (oi === 0) continue;
          const row = i * N;
          for (let j = 0; j < N; j++) gV[row + j] += oi * guNext[c0 + j]!;
        }
      }
    }
  }
  return { I: gI, decay: Float32Array.from(gDecay), ...(gV !== undefined ? { V: Float32Array.from(gV) } : {}) };
}
