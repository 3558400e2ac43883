// AssemblyScript (compiled by scripts/build-wasm.mjs with SIMD on): the synaptic products of a
// dense layer whose input is binary spikes S [R, in] (DESIGN §3), plus a register-blocked GEMM.
//
//   indexRows:   per row r, the list of inputs i with S[r, i] = 1 (CSR: ptr [R+1], idx [nnz])
//   transpose:   the same events listed per input i (CSC: ptr [in+1], idx = rows r)
//   gatherSums:  Y[n, :] = Σ_{k ∈ ptr[n]..ptr[n+1]} X[idx[k], :]
//                forward  I = S·W   : n = row r,   X = W  (CSR)
//                gradient dW = Sᵀ·δ : n = input i, X = δ  (CSC)
//   gemm:        C [M, N] = A [M, K] · B [K, N]   (dS = δ·Wᵀ with B = Wᵀ)
//
// All matrices are row-major f32 with a row stride that is a multiple of 4 floats (the wrapper
// pads), so that every row starts 16-byte aligned and is a whole number of f32x4 vectors.
// Sums run in index order, one lane per column, so the TypeScript fallback (spikeDenseTs.ts)
// reproduces them bit for bit.

/**
 * Lists the active inputs of each row of S [rows, cols] (stride `stride` floats, ≥ cols).
 * Returns the number of events, or -1 when a value other than 0 or 1 is found (not spikes).
 */
export function indexRows(S: usize, rows: i32, cols: i32, stride: i32, ptr: usize, idx: usize): i32 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  let nnz: i32 = 0;
  const vecs = cols >> 2;
  for (let r: i32 = 0; r < rows; r++) {
    store<i32>(ptr + (<usize>r << 2), nnz);
    const row = S + (<usize>r * <usize>stride << 2);
    let v: i32 = 0;
    for (; v < vecs; v++) {
      const at = row + (<usize>v << 4);
      // Skip runs of four all-zero vectors with one test on their raw bits (+0.0 is all zero
      // bits; anything else, -0.0 included, takes the exact per-vector path below).
      if ((v & 3) == 0 && v + 4 <= vecs) {
        const any = v128.or(v128.or(v128.load(at), v128.load(at, 16)), v128.or(v128.load(at, 32), v128.load(at, 48)));
        if (!v128.any_true(any)) { v += 3; continue; }
      }
      const x = v128.load(at);
      let mask = i32x4.bitmask(f32x4.ne(x, zero));
      if (mask == 0) continue;
      if (!i32x4.all_true(v128.or(f32x4.eq(x, zero), f32x4.eq(x, one)))) return -1;
      const base = v << 2;
      while (mask != 0) {
        store<i32>(idx + (<usize>nnz << 2), base + ctz(mask));
        nnz++;
        mask &= mask - 1;
      }
    }
    for (let c: i32 = vecs << 2; c < cols; c++) {
      const x = load<f32>(row + (<usize>c << 2));
      if (x == 0) continue;
      if (x != 1) return -1;
      store<i32>(idx + (<usize>nnz << 2), c);
      nnz++;
    }
  }
  store<i32>(ptr + (<usize>rows << 2), nnz);
  return nnz;
}

/**
 * CSR [rows] → CSC [cols]: for each column c, the rows that have an event in c, ascending.
 * `tptr` must hold cols + 1 ints, `tidx` nnz ints.
 */
export function transpose(rows: i32, cols: i32, ptr: usize, idx: usize, tptr: usize, tidx: usize): void {
  memory.fill(tptr, 0, (<usize>cols + 1) << 2);
  const nnz = load<i32>(ptr + (<usize>rows << 2));
  for (let k: i32 = 0; k < nnz; k++) {
    const p = tptr + ((<usize>load<i32>(idx + (<usize>k << 2)) + 1) << 2);
    store<i32>(p, load<i32>(p) + 1);
  }
  for (let c: i32 = 0; c < cols; c++) {
    const p = tptr + ((<usize>c + 1) << 2);
    store<i32>(p, load<i32>(p) + load<i32>(p - 4));
  }
  // tptr[c] now serves as the fill cursor of column c; restored by the shift below.
  for (let r: i32 = 0; r < rows; r++) {
    const end = load<i32>(ptr + ((<usize>r + 1) << 2));
    for (let k = load<i32>(ptr + (<usize>r << 2)); k < end; k++) {
      const p = tptr + (<usize>load<i32>(idx + (<usize>k << 2)) << 2);
      const slot = load<i32>(p);
      store<i32>(tidx + (<usize>slot << 2), r);
      store<i32>(p, slot + 1);
    }
  }
  for (let c: i32 = cols; c > 0; c--) {
    store<i32>(tptr + (<usize>c << 2), load<i32>(tptr + ((<usize>c - 1) << 2)));
  }
  store<i32>(tptr, 0);
}

/**
 * Y[n, :] = Σ_k X[idx[k], :] over k ∈ [ptr[n], ptr[n+1]), for n < count; every row of X and Y
 * has `stride` floats (a multiple of 4). Columns go in blocks of 8 vectors (32 floats) so that
 * the accumulators stay in registers and a block of X stays in cache across all n.
 */
export function gatherSums(count: i32, stride: i32, ptr: usize, idx: usize, X: usize, Y: usize): void {
  gatherCols(count, stride, stride, ptr, idx, X, Y);
}

/**
 * gatherSums over the first `cols` columns (a multiple of 4) of rows `stride` floats apart: a
 * column band of the product when the work is split between threads (each column's sums are the
 * same whatever the band: one lane per column, events in index order).
 */
export function gatherCols(count: i32, cols: i32, stride: i32, ptr: usize, idx: usize, X: usize, Y: usize): void {
  const rowBytes = <usize>stride << 2;
  let c: i32 = 0;
  for (; c + 32 <= cols; c += 32) gatherBlock8(count, rowBytes, ptr, idx, X + (<usize>c << 2), Y + (<usize>c << 2));
  for (; c + 16 <= cols; c += 16) gatherBlock4(count, rowBytes, ptr, idx, X + (<usize>c << 2), Y + (<usize>c << 2));
  for (; c < cols; c += 4) gatherBlock1(count, rowBytes, ptr, idx, X + (<usize>c << 2), Y + (<usize>c << 2));
}

// @ts-ignore: decorator
@inline
function gatherBlock8(count: i32, rowBytes: usize, ptr: usize, idx: usize, X: usize, Y: usize): void {
  let start = load<i32>(ptr);
  for (let n: i32 = 0; n < count; n++) {
    const end = load<i32>(ptr + ((<usize>n + 1) << 2));
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
    for (let k = start; k < end; k++) {
      const p = X + <usize>load<i32>(idx + (<usize>k << 2)) * rowBytes;
      a0 = f32x4.add(a0, v128.load(p, 0));
      a1 = f32x4.add(a1, v128.load(p, 16));
      a2 = f32x4.add(a2, v128.load(p, 32));
      a3 = f32x4.add(a3, v128.load(p, 48));
      a4 = f32x4.add(a4, v128.load(p, 64));
      a5 = f32x4.add(a5, v128.load(p, 80));
      a6 = f32x4.add(a6, v128.load(p, 96));
      a7 = f32x4.add(a7, v128.load(p, 112));
    }
    const q = Y + <usize>n * rowBytes;
    v128.store(q, a0, 0); v128.store(q, a1, 16); v128.store(q, a2, 32); v128.store(q, a3, 48);
    v128.store(q, a4, 64); v128.store(q, a5, 80); v128.store(q, a6, 96); v128.store(q, a7, 112);
    start = end;
  }
}

// @ts-ignore: decorator
@inline
function gatherBlock4(count: i32, rowBytes: usize, ptr: usize, idx: usize, X: usize, Y: usize): void {
  let start = load<i32>(ptr);
  for (let n: i32 = 0; n < count; n++) {
    const end = load<i32>(ptr + ((<usize>n + 1) << 2));
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    for (let k = start; k < end; k++) {
      const p = X + <usize>load<i32>(idx + (<usize>k << 2)) * rowBytes;
      a0 = f32x4.add(a0, v128.load(p, 0));
      a1 = f32x4.add(a1, v128.load(p, 16));
      a2 = f32x4.add(a2, v128.load(p, 32));
      a3 = f32x4.add(a3, v128.load(p, 48));
    }
    const q = Y + <usize>n * rowBytes;
    v128.store(q, a0, 0); v128.store(q, a1, 16); v128.store(q, a2, 32); v128.store(q, a3, 48);
    start = end;
  }
}

// @ts-ignore: decorator
@inline
function gatherBlock1(count: i32, rowBytes: usize, ptr: usize, idx: usize, X: usize, Y: usize): void {
  let start = load<i32>(ptr);
  for (let n: i32 = 0; n < count; n++) {
    const end = load<i32>(ptr + ((<usize>n + 1) << 2));
    let a0 = f32x4.splat(0);
    for (let k = start; k < end; k++) {
      a0 = f32x4.add(a0, v128.load(X + <usize>load<i32>(idx + (<usize>k << 2)) * rowBytes));
    }
    v128.store(Y + <usize>n * rowBytes, a0);
    start = end;
  }
}

/**
 * C [M, N] = A [M, K] · B [K, N]; row strides lda (≥ K), ldb and ldc (≥ N, multiples of 4).
 * Micro-kernel: 4 rows × 8 columns of C in 8 f32x4 accumulators, Σ_k in ascending k
 * (a broadcast of A[m, k] times a row slice of B), blocked over K so that a panel of B stays in
 * cache while all rows of A pass over it.
 */
export function gemm(M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32): void {
  const ldaB = <usize>lda << 2, ldbB = <usize>ldb << 2, ldcB = <usize>ldc << 2;
  const KC: i32 = 256;
  const NC: i32 = 128;
  for (let n0: i32 = 0; n0 < N; n0 += NC) {
    const n1 = min(n0 + NC, (N + 3) & ~3);
    for (let k0: i32 = 0; k0 < K; k0 += KC) {
      const k1 = min(k0 + KC, K);
      const first = k0 == 0;
      let m: i32 = 0;
      for (; m + 4 <= M; m += 4) {
        let n = n0;
        for (; n + 8 <= n1; n += 8) micro4x8(k0, k1, A + <usize>m * ldaB, ldaB, B + (<usize>n << 2), ldbB, C + <usize>m * ldcB + (<usize>n << 2), ldcB, first);
        for (; n < n1; n += 4) micro4x4(k0, k1, A + <usize>m * ldaB, ldaB, B + (<usize>n << 2), ldbB, C + <usize>m * ldcB + (<usize>n << 2), ldcB, first);
      }
      for (; m < M; m++) {
        for (let n = n0; n < n1; n += 4) micro1x4(k0, k1, A + <usize>m * ldaB, B + (<usize>n << 2), ldbB, C + <usize>m * ldcB + (<usize>n << 2), first);
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function micro4x8(k0: i32, k1: i32, A: usize, ldaB: usize, B: usize, ldbB: usize, C: usize, ldcB: usize, first: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (!first) {
    c00 = v128.load(C, 0); c01 = v128.load(C, 16);
    c10 = v128.load(C + ldcB, 0); c11 = v128.load(C + ldcB, 16);
    c20 = v128.load(C + 2 * ldcB, 0); c21 = v128.load(C + 2 * ldcB, 16);
    c30 = v128.load(C + 3 * ldcB, 0); c31 = v128.load(C + 3 * ldcB, 16);
  }
  for (let k = k0; k < k1; k++) {
    const b = B + <usize>k * ldbB;
    const b0 = v128.load(b, 0), b1 = v128.load(b, 16);
    const a = A + (<usize>k << 2);
    const x0 = f32x4.splat(load<f32>(a));
    const x1 = f32x4.splat(load<f32>(a + ldaB));
    const x2 = f32x4.splat(load<f32>(a + 2 * ldaB));
    const x3 = f32x4.splat(load<f32>(a + 3 * ldaB));
    c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    c20 = f32x4.add(c20, f32x4.mul(x2, b0)); c21 = f32x4.add(c21, f32x4.mul(x2, b1));
    c30 = f32x4.add(c30, f32x4.mul(x3, b0)); c31 = f32x4.add(c31, f32x4.mul(x3, b1));
  }
  v128.store(C, c00, 0); v128.store(C, c01, 16);
  v128.store(C + ldcB, c10, 0); v128.store(C + ldcB, c11, 16);
  v128.store(C + 2 * ldcB, c20, 0); v128.store(C + 2 * ldcB, c21, 16);
  v128.store(C + 3 * ldcB, c30, 0); v128.store(C + 3 * ldcB, c31, 16);
}

// @ts-ignore: decorator
@inline
function micro4x4(k0: i32, k1: i32, A: usize, ldaB: usize, B: usize, ldbB: usize, C: usize, ldcB: usize, first: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  if (!first) {
    c0 = v128.load(C); c1 = v128.load(C + ldcB); c2 = v128.load(C + 2 * ldcB); c3 = v128.load(C + 3 * ldcB);
  }
  for (let k = k0; k < k1; k++) {
    const b0 = v128.load(B + <usize>k * ldbB);
    const a = A + (<usize>k << 2);
    c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(a)), b0));
    c1 = f32x4.add(c1, f32x4.mul(f32x4.splat(load<f32>(a + ldaB)), b0));
    c2 = f32x4.add(c2, f32x4.mul(f32x4.splat(load<f32>(a + 2 * ldaB)), b0));
    c3 = f32x4.add(c3, f32x4.mul(f32x4.splat(load<f32>(a + 3 * ldaB)), b0));
  }
  v128.store(C, c0); v128.store(C + ldcB, c1); v128.store(C + 2 * ldcB, c2); v128.store(C + 3 * ldcB, c3);
}

// @ts-ignore: decorator
@inline
function micro1x4(k0: i32, k1: i32, A: usize, B: usize, ldbB: usize, C: usize, first: bool): void {
  let c0 = first ? f32x4.splat(0) : v128.load(C);
  for (let k = k0; k < k1; k++) {
    c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(A + (<usize>k << 2))), v128.load(B + <usize>k * ldbB)));
  }
  v128.store(C, c0);
}
