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
//
// Batch rows are independent in both scans (row b's recurrent input and its Gu·Vᵀ involve only
// row b), so each scan runs on a band of R of the Rs rows stored per step (the pointers offset
// to the band's first row): the kernel pool splits a call into row bands, and every row gets the
// same operations in the same order whatever the band (gemm's result per element does not depend
// on its row blocking). ∂λ is summed per row (GD [R, N]) and the rows added afterwards in
// ascending order (alifDecayRows), for the same reason. ∂V is split by column bands.

import { gatherCols, gemm } from './spikeDense';
import { surrogate } from './lib/surrogate';

/**
 * Forward scan of R rows (Rs rows per step in memory): U, O (and A when A ≠ 0) are written for
 * every (t, b, j). With V, N a multiple of 4 and scratch P (R + 1 i32) and X (R·N + 3 i32), each
 * step's recurrent inputs of all R rows are one gatherCols over the spike lists of o[t−1]
 * (alifSpikeLists): column blocks of V outermost, so that a block of V stays in the L1 cache while
 * every row gathers from it (V itself, 64 KB at N = 128, does not fit). Each sum still runs over
 * ascending i from 0 in float32, so the bits are those of the per-row gather (P = 0).
 */
export function alifForward(
  T: i32, R: i32, Rs: i32, N: i32, I: usize, V: usize, D: usize, lam: f32, U: usize, O: usize, A: usize,
  th0: f32, beta: f32, rho: f32, soft: bool, P: usize, X: usize,
): void {
  if (T <= 0 || R <= 0 || N <= 0) return;
  const blocked = V != 0 && P != 0 && (N & 3) == 0;
  const adaptive = A != 0;
  const vecs = N >> 2;
  const rowB = <usize>N << 2;
  const stepB = <usize>Rs * rowB;
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  const vTh0 = f32x4.splat(th0);
  const vBeta = f32x4.splat(beta);
  const vRho = f32x4.splat(rho);
  const vLam = f32x4.splat(lam);
  for (let t: i32 = 0; t < T; t++) {
    if (blocked && t > 0) {
      // rec of every row into its membrane row (overwritten by the scan below)
      alifSpikeLists(R, N, O + <usize>(t - 1) * stepB, P, X);
      gatherCols(R, N, N, P, X, V, U + <usize>t * stepB);
    }
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
      if (V != 0 && !blocked) {
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
 * Backward scan of R rows (Rs rows per step in memory): DI = ∂L/∂I (float32, [T, Rs, N]) from
 * G = ∂L/∂o and the forward's U, O, A. `full` false is the TypeScript scan's fast path (β = 0,
 * reset detached, no ∂λ): no Ga, no ∂λ. With V ≠ 0, Vt is Vᵀ padded to `stride`
 * (transposePadded) and C [R, stride] scratch; GA (float64 [R, N]) is needed when `full`, GD
 * (float64 [R, N], the per-row sums of ∂λ, zeroed here) when ∂λ is wanted.
 */
export function alifBackward(
  T: i32, R: i32, Rs: i32, N: i32, G: usize, U: usize, O: usize, A: usize, D: usize, lam: f64,
  Vt: usize, stride: i32, C: usize, GA: usize, GD: usize, DI: usize,
  th0: f64, beta: f64, rho: f64, hard: bool, keep: bool, full: bool, kind: i32, sa: f64, sc: f64,
): void {
  if (T <= 0 || R <= 0 || N <= 0) return;
  const rowB = <usize>N << 2;
  const stepB = <usize>Rs * rowB;
  const cB = <usize>stride << 2;
  if (GD != 0) memory.fill(GD, 0, (<usize>R * <usize>N) << 3);
  for (let t: i32 = T - 1; t >= 0; t--) {
    const last = t == T - 1;
    // C = Gu[t+1]·Vᵀ, Gu[t+1] being DI's rows at t + 1
    if (Vt != 0 && !last) gemm(R, stride, N, DI + <usize>(t + 1) * stepB, N, Vt, stride, C, stride);
    for (let b: i32 = 0; b < R; b++) {
      const k0 = <usize>t * stepB + <usize>b * rowB;
      const c0 = C + <usize>b * cB;
      const a0 = GA + ((<usize>b * <usize>N) << 3);
      const d0 = GD + ((<usize>b * <usize>N) << 3);
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
          const g = d0 + (<usize>j << 3);
          store<f64>(g, load<f64>(g) + gu * r);
        }
      }
    }
  }
}

/** DD [N] (float32) = Σ_b GD[b, :] over the R rows of alifBackward's per-row ∂λ sums, in ascending b. */
export function alifDecayRows(R: i32, N: i32, GD: usize, DD: usize): void {
  for (let j: i32 = 0; j < N; j++) {
    let s: f64 = 0;
    for (let b: i32 = 0; b < R; b++) s += load<f64>(GD + ((<usize>b * <usize>N + <usize>j) << 3));
    store<f32>(DD + (<usize>j << 2), <f32>s);
  }
}

/**
 * P [rows + 1], X = the lists of the nonzero entries of `rows` rows of O [·, N] (a CSR as
 * spikeDense's indexRows makes, ascending within a row), without its check that the values are 0
 * or 1 (ours are) and without branches on the spikes: every lane's index is stored and the count
 * advances by the lane's bit, which costs less than mispredicted branches at spike rates of
 * 10–50 %. X needs room for rows·N + 3 indices (the stores run up to 3 past the count).
 */
export function alifSpikeLists(rows: i32, N: i32, O: usize, P: usize, X: usize): void {
  const zero = f32x4.splat(0);
  const vecs = N >> 2;
  let nnz: i32 = 0;
  for (let r: i32 = 0; r < rows; r++) {
    store<i32>(P + (<usize>r << 2), nnz);
    const row = O + ((<usize>r * <usize>N) << 2);
    for (let v: i32 = 0; v < vecs; v++) {
      const m = i32x4.bitmask(f32x4.ne(v128.load(row + (<usize>v << 4)), zero));
      const j = v << 2;
      store<i32>(X + (<usize>nnz << 2), j);
      nnz += m & 1;
      store<i32>(X + (<usize>nnz << 2), j + 1);
      nnz += (m >> 1) & 1;
      store<i32>(X + (<usize>nnz << 2), j + 2);
      nnz += (m >> 2) & 1;
      store<i32>(X + (<usize>nnz << 2), j + 3);
      nnz += m >> 3;
    }
    for (let j: i32 = vecs << 2; j < N; j++) {
      store<i32>(X + (<usize>nnz << 2), j);
      nnz += <i32>(load<f32>(row + (<usize>j << 2)) != 0);
    }
  }
  store<i32>(P + (<usize>rows << 2), nnz);
}

/**
 * DV [N, N] = Σ_{t ≥ 1} o[t−1]ᵀ·Gu[t] over the spikes of O [T, R, N] (binary), Gu = DI, from the
 * spike lists P, X of O's first (T − 1)·R rows (alifSpikeLists); each DV[i, j] sums its terms in
 * ascending (t, b) from 0 in float32, the order of the TypeScript scan's gather. This call computes
 * the `cols` columns of DV from the one DI and DV point at (rows stay N floats apart), so that
 * threads take column bands. Column blocks of 32 outermost: a block of DV (16 KB at N = 128) stays
 * in the L1 cache, and each Gu row's block is loaded once into registers for all its row's spikes.
 */
export function alifWeightGrad(T: i32, R: i32, N: i32, cols: i32, P: usize, X: usize, DI: usize, DV: usize): void {
  const rowB = <usize>N << 2;
  for (let i: i32 = 0; i < N; i++) memory.fill(DV + <usize>i * rowB, 0, <usize>cols << 2);
  if (T < 2) return;
  const rows = (T - 1) * R;
  const G = DI + <usize>R * rowB;
  let c: i32 = 0;
  for (; c + 32 <= cols; c += 32) weightGradBlock8(rows, rowB, P, X, G + (<usize>c << 2), DV + (<usize>c << 2));
  for (; c + 4 <= cols; c += 4) weightGradBlock1(rows, rowB, P, X, G + (<usize>c << 2), DV + (<usize>c << 2));
  for (; c < cols; c++) {
    const cB = <usize>c << 2;
    let start = load<i32>(P);
    for (let q: i32 = 0; q < rows; q++) {
      const end = load<i32>(P + ((<usize>q + 1) << 2));
      if (start == end) continue;
      const g = load<f32>(G + <usize>q * rowB + cB);
      for (let k = start; k < end; k++) {
        const d = DV + <usize>load<i32>(X + (<usize>k << 2)) * rowB + cB;
        store<f32>(d, load<f32>(d) + g);
      }
      start = end;
    }
  }
}

// @ts-ignore: decorator
@inline
function weightGradBlock8(rows: i32, rowB: usize, P: usize, X: usize, G: usize, DV: usize): void {
  let start = load<i32>(P);
  for (let q: i32 = 0; q < rows; q++) {
    const end = load<i32>(P + ((<usize>q + 1) << 2));
    if (start == end) continue;
    const g = G + <usize>q * rowB;
    const g0 = v128.load(g, 0), g1 = v128.load(g, 16), g2 = v128.load(g, 32), g3 = v128.load(g, 48);
    const g4 = v128.load(g, 64), g5 = v128.load(g, 80), g6 = v128.load(g, 96), g7 = v128.load(g, 112);
    for (let k = start; k < end; k++) {
      const d = DV + <usize>load<i32>(X + (<usize>k << 2)) * rowB;
      v128.store(d, f32x4.add(v128.load(d, 0), g0), 0);
      v128.store(d, f32x4.add(v128.load(d, 16), g1), 16);
      v128.store(d, f32x4.add(v128.load(d, 32), g2), 32);
      v128.store(d, f32x4.add(v128.load(d, 48), g3), 48);
      v128.store(d, f32x4.add(v128.load(d, 64), g4), 64);
      v128.store(d, f32x4.add(v128.load(d, 80), g5), 80);
      v128.store(d, f32x4.add(v128.load(d, 96), g6), 96);
      v128.store(d, f32x4.add(v128.load(d, 112), g7), 112);
    }
    start = end;
  }
}

// @ts-ignore: decorator
@inline
function weightGradBlock1(rows: i32, rowB: usize, P: usize, X: usize, G: usize, DV: usize): void {
  let start = load<i32>(P);
  for (let q: i32 = 0; q < rows; q++) {
    const end = load<i32>(P + ((<usize>q + 1) << 2));
    if (start == end) continue;
    const g0 = v128.load(G + <usize>q * rowB);
    for (let k = start; k < end; k++) {
      const d = DV + <usize>load<i32>(X + (<usize>k << 2)) * rowB;
      v128.store(d, f32x4.add(v128.load(d), g0));
    }
    start = end;
  }
}
