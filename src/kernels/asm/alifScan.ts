// AssemblyScript (compiled by scripts/build-wasm.mjs with SIMD on): the scans of the fused
// recurrent / adaptive LIF op (src/kernels/alifScan.ts has the equations and the TypeScript
// twin), run in place on the tfjs wasm heap. Data are [T, R, N] row-major f32 (R rows of the
// batch, N neurons), passed as byte offsets; V is [N, N] (row i: neuron i's outgoing weights),
// D the per-neuron λ [N] (0: the scalar `lam` for every neuron), A the adaptation (0: β = 0).
//
// Forward, f32x4 over neurons, each lane doing the float32 operations of the TypeScript scan in
// its order (no fused multiply-add in wasm SIMD), so both give the same membranes, adaptation and
// spikes bit for bit. The recurrent input Σ_{i fired at t−1} V[i, :] is summed in ascending i
// from 0 in float32, which is the order of the SIMD gather the TypeScript scan calls
// (asm/spikeDense.ts gatherSums), in the membrane row itself before the row is overwritten.
//
// Backward, in double precision like the TypeScript scan (Gu stored as float32, Ga and ∂λ kept
// in float64), with the per-step product Gu[t+1]·Vᵀ by the same register-blocked gemm as the
// TypeScript scan's, so it too matches bit for bit.

import { gemm } from './spikeDense';
import { surrogate } from './lib/surrogate';

/** Forward scan: U, O (and A when A ≠ 0) are written for every (t, b, j). */
export function alifForward(
  T: i32, R: i32, N: i32, I: usize, V: usize, D: usize, lam: f32, U: usize, O: usize, A: usize,
  th0: f32, beta: f32, rho: f32, soft: bool,
): void {
  if (T <= 0 || R <= 0 || N <= 0) return;
  const adaptive = A != 0;
  const vecs = N >> 2;
  const rowB = <usize>N << 2;
  const stepB = <usize>R * rowB;
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  const vTh0 = f32x4.splat(th0);
  const vBeta = f32x4.splat(beta);
  const vRho = f32x4.splat(rho);
  const vLam = f32x4.splat(lam);
  for (let t: i32 = 0; t < T; t++) {
    for (let b: i32 = 0; b < R; b++) {
      const k0 = <usize>t * stepB + <usize>b * rowB;
      const uRow = U + k0;
      if (t == 0) {
        // u[−1] = o[−1] = a[0] = 0: u = λ·0 + I, θ = θ0
        for (let v: i32 = 0; v < vecs; v++) {
          const at = <usize>v << 4;
          const lv = D != 0 ? v128.load(D + at) : vLam;
          const u = f32x4.add(f32x4.mul(lv, zero), v128.load(I + k0 + at));
          v128.store(uRow + at, u);
          v128.store(O + k0 + at, v128.and(f32x4.gt(u, vTh0), one));
          if (adaptive) v128.store(A + k0 + at, zero);
        }
        for (let j: i32 = vecs << 2; j < N; j++) {
          const at = <usize>j << 2;
          const l: f32 = D != 0 ? load<f32>(D + at) : lam;
          const u: f32 = l * <f32>0 + load<f32>(I + k0 + at);
          store<f32>(uRow + at, u);
          store<f32>(O + k0 + at, u > th0 ? 1 : 0);
          if (adaptive) store<f32>(A + k0 + at, 0);
        }
        continue;
      }
      const p0 = k0 - stepB;
      if (V != 0) {
        // rec = Σ_{i: o[t−1][b, i] ≠ 0} V[i, :], summed into the membrane row
        memory.fill(uRow, 0, rowB);
        for (let i: i32 = 0; i < N; i++) {
          if (load<f32>(O + p0 + (<usize>i << 2)) == 0) continue;
          const vRow = V + <usize>i * rowB;
          for (let v: i32 = 0; v < vecs; v++) {
            const at = <usize>v << 4;
            v128.store(uRow + at, f32x4.add(v128.load(uRow + at), v128.load(vRow + at)));
          }
          for (let j: i32 = vecs << 2; j < N; j++) {
            const at = <usize>j << 2;
            store<f32>(uRow + at, load<f32>(uRow + at) + load<f32>(vRow + at));
          }
        }
      }
      for (let v: i32 = 0; v < vecs; v++) {
        const at = <usize>v << 4;
        const op = v128.load(O + p0 + at);
        const up = v128.load(U + p0 + at);
        const ap = adaptive ? v128.load(A + p0 + at) : zero;
        const quiet = f32x4.eq(op, zero);
        let r: v128;
        if (soft) {
          const thp = adaptive ? f32x4.add(vTh0, f32x4.mul(vBeta, ap)) : vTh0;
          r = v128.bitselect(up, f32x4.sub(up, thp), quiet);
        } else {
          r = v128.and(up, quiet);
        }
        const lv = D != 0 ? v128.load(D + at) : vLam;
        let u = f32x4.add(f32x4.mul(lv, r), v128.load(I + k0 + at));
        if (V != 0) u = f32x4.add(u, v128.load(uRow + at));
        v128.store(uRow + at, u);
        let th = vTh0;
        if (adaptive) {
          const adapt = f32x4.add(f32x4.mul(vRho, ap), op);
          v128.store(A + k0 + at, adapt);
          th = f32x4.add(vTh0, f32x4.mul(vBeta, adapt));
        }
        v128.store(O + k0 + at, v128.and(f32x4.gt(u, th), one));
      }
      for (let j: i32 = vecs << 2; j < N; j++) {
        const at = <usize>j << 2;
        const op = load<f32>(O + p0 + at);
        const up = load<f32>(U + p0 + at);
        const ap: f32 = adaptive ? load<f32>(A + p0 + at) : 0;
        let r: f32;
        if (soft) r = op == 0 ? up : up - (adaptive ? th0 + beta * ap : th0);
        else r = op == 0 ? up : 0;
        const l: f32 = D != 0 ? load<f32>(D + at) : lam;
        let u: f32 = l * r + load<f32>(I + k0 + at);
        if (V != 0) u = u + load<f32>(uRow + at);
        store<f32>(uRow + at, u);
        let th: f32 = th0;
        if (adaptive) {
          const adapt: f32 = rho * ap + op;
          store<f32>(A + k0 + at, adapt);
          th = th0 + beta * adapt;
        }
        store<f32>(O + k0 + at, u > th ? 1 : 0);
      }
    }
  }
}

/** Vt [N, stride] = Vᵀ with zero padding (stride ≥ N, a multiple of 4): the gemm's B operand. */
export function transposePadded(N: i32, V: usize, Vt: usize, stride: i32): void {
  const sB = <usize>stride << 2;
  memory.fill(Vt, 0, <usize>N * sB);
  for (let i: i32 = 0; i < N; i++) {
    for (let j: i32 = 0; j < N; j++) {
      store<f32>(Vt + <usize>j * sB + (<usize>i << 2), load<f32>(V + ((<usize>i * <usize>N + <usize>j) << 2)));
    }
  }
}

/**
 * Backward scan: DI = ∂L/∂I (float32, [T, R, N]) from G = ∂L/∂o and the forward's U, O, A.
 * `full` false is the TypeScript scan's fast path (β = 0, reset detached, no ∂λ): no Ga, no ∂λ.
 * With V ≠ 0, Vt is Vᵀ padded to `stride` (transposePadded) and C [R, stride] scratch; GA
 * (float64 [R, N]) is needed when `full`, GD (float64 [N], zeroed here) when ∂λ is wanted, and DD
 * then receives it as float32.
 */
export function alifBackward(
  T: i32, R: i32, N: i32, G: usize, U: usize, O: usize, A: usize, D: usize, lam: f64,
  Vt: usize, stride: i32, C: usize, GA: usize, GD: usize, DD: usize, DI: usize,
  th0: f64, beta: f64, rho: f64, hard: bool, keep: bool, full: bool, kind: i32, sa: f64, sc: f64,
): void {
  if (T <= 0 || R <= 0 || N <= 0) return;
  const rowB = <usize>N << 2;
  const stepB = <usize>R * rowB;
  const cB = <usize>stride << 2;
  if (GD != 0) memory.fill(GD, 0, <usize>N << 3);
  for (let t: i32 = T - 1; t >= 0; t--) {
    const last = t == T - 1;
    // C = Gu[t+1]·Vᵀ, Gu[t+1] being DI's rows at t + 1
    if (Vt != 0 && !last) gemm(R, stride, N, DI + <usize>(t + 1) * stepB, N, Vt, stride, C, stride);
    for (let b: i32 = 0; b < R; b++) {
      const k0 = <usize>t * stepB + <usize>b * rowB;
      const c0 = C + <usize>b * cB;
      const a0 = GA + ((<usize>b * <usize>N) << 3);
      for (let j: i32 = 0; j < N; j++) {
        const jB = <usize>j << 2;
        const k = k0 + jB;
        const gun: f64 = last ? 0 : <f64>load<f32>(DI + k + stepB);
        const l: f64 = D != 0 ? <f64>load<f32>(D + jB) : lam;
        const uk: f64 = <f64>load<f32>(U + k);
        const ok: f64 = <f64>load<f32>(O + k);
        if (!full) {
          let go: f64 = <f64>load<f32>(G + k);
          if (Vt != 0) go = go + (last ? 0 : <f64>load<f32>(c0 + jB));
          const gu = go * surrogate(kind, uk - th0, sa, sc) + gun * l * (hard ? 1 - ok : 1);
          store<f32>(DI + k, <f32>gu);
          continue;
        }
        const gan: f64 = last ? 0 : load<f64>(a0 + (<usize>j << 3));
        const th: f64 = th0 + beta * (A != 0 ? <f64>load<f32>(A + k) : 0);
        let go: f64 = <f64>load<f32>(G + k) + gan;
        if (Vt != 0 && !last) go += <f64>load<f32>(c0 + jB);
        if (keep) go -= gun * l * (hard ? uk : th);
        const gs = go * surrogate(kind, uk - th, sa, sc);
        const gu = gs + gun * l * (hard ? 1 - ok : 1);
        let ga = -beta * gs + rho * gan;
        if (keep && !hard) ga -= gun * l * beta * ok;
        store<f32>(DI + k, <f32>gu);
        store<f64>(a0 + (<usize>j << 3), ga);
        if (GD != 0 && t > 0) {
          // r[t] = r(u[t−1], o[t−1]), the value λ multiplied
          const p = k - stepB;
          const op: f64 = <f64>load<f32>(O + p);
          const up: f64 = <f64>load<f32>(U + p);
          const r = hard ? up * (1 - op) : up - (th0 + beta * (A != 0 ? <f64>load<f32>(A + p) : 0)) * op;
          const g = GD + (<usize>j << 3);
          store<f64>(g, load<f64>(g) + gu * r);
        }
      }
    }
  }
  if (GD != 0) for (let j: i32 = 0; j < N; j++) store<f32>(DD + (<usize>j << 2), <f32>load<f64>(GD + (<usize>j << 3)));
}

/**
 * DV [N, N] = Σ_{t ≥ 1} o[t−1]ᵀ·Gu[t], event-driven over the spikes O [T, R, N] (binary), Gu = DI;
 * each DV[i, j] sums its terms in ascending (t, b) from 0 in float32, the order of the
 * TypeScript scan's gather.
 */
export function alifWeightGrad(T: i32, R: i32, N: i32, O: usize, DI: usize, DV: usize): void {
  const rowB = <usize>N << 2;
  memory.fill(DV, 0, <usize>N * rowB);
  if (T < 2) return;
  const vecs = N >> 2;
  const rows = (T - 1) * R;
  for (let q: i32 = 0; q < rows; q++) {
    const oRow = O + <usize>q * rowB;
    const gRow = DI + <usize>(q + R) * rowB;
    for (let i: i32 = 0; i < N; i++) {
      const oi = load<f32>(oRow + (<usize>i << 2));
      if (oi == 0) continue;
      const dRow = DV + <usize>i * rowB;
      for (let v: i32 = 0; v < vecs; v++) {
        const at = <usize>v << 4;
        v128.store(dRow + at, f32x4.add(v128.load(dRow + at), v128.load(gRow + at)));
      }
      for (let j: i32 = vecs << 2; j < N; j++) {
        const at = <usize>j << 2;
        store<f32>(dRow + at, load<f32>(dRow + at) + load<f32>(gRow + at));
      }
    }
  }
}
