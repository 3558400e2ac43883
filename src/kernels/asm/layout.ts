// AssemblyScript (compiled by scripts/build-wasm.mjs with SIMD on): two data-movement kernels
// that tfjs-wasm runs slowly, in place on the tfjs wasm heap (src/kernels/layoutHeap.ts
// registers them as fast paths of tfjs's Sum and Transpose). X and Y are byte offsets of 4-byte
// values.
//
//   sumLeading:  Y[j] = Σ_{r < R} X[r, j]   (X [R, N] float32; tfjs-wasm transposes X first, so
//                that the reduced axis is innermost, then sums it)
//   transpose:   Y[b, c, r] = X[b, r, c]    (X [B, R, N], any 4-byte type)
//
// The sums run in float32 in row order from 0, as tfjs-wasm's own Sum does over its transposed
// copy. Work is split by columns (sums) or by input rows (transpose); each value is computed
// the same way whatever thread runs it.

/** Column sums of columns [c0, c1) of X [R, N] into Y. */
export function sumLeading(c0: i32, c1: i32, R: i32, N: i32, X: usize, Y: usize): void {
  const rowB = <usize>N << 2;
  let c = c0;
  // blocks of 32 columns: eight accumulators, each row read as two cache lines
  for (; c + 32 <= c1; c += 32) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
    let p = X + (<usize>c << 2);
    for (let r: i32 = 0; r < R; r++) {
      a0 = f32x4.add(a0, v128.load(p));
      a1 = f32x4.add(a1, v128.load(p, 16));
      a2 = f32x4.add(a2, v128.load(p, 32));
      a3 = f32x4.add(a3, v128.load(p, 48));
      a4 = f32x4.add(a4, v128.load(p, 64));
      a5 = f32x4.add(a5, v128.load(p, 80));
      a6 = f32x4.add(a6, v128.load(p, 96));
      a7 = f32x4.add(a7, v128.load(p, 112));
      p += rowB;
    }
    const q = Y + (<usize>c << 2);
    v128.store(q, a0);
    v128.store(q, a1, 16);
    v128.store(q, a2, 32);
    v128.store(q, a3, 48);
    v128.store(q, a4, 64);
    v128.store(q, a5, 80);
    v128.store(q, a6, 96);
    v128.store(q, a7, 112);
  }
  for (; c + 4 <= c1; c += 4) {
    let a = f32x4.splat(0);
    let p = X + (<usize>c << 2);
    for (let r: i32 = 0; r < R; r++) {
      a = f32x4.add(a, v128.load(p));
      p += rowB;
    }
    v128.store(Y + (<usize>c << 2), a);
  }
  for (; c < c1; c++) {
    let a: f32 = 0;
    let p = X + (<usize>c << 2);
    for (let r: i32 = 0; r < R; r++) {
      a += load<f32>(p);
      p += rowB;
    }
    store<f32>(Y + (<usize>c << 2), a);
  }
}

const TILE: i32 = 16;

/** Y[j, i] = X[i, j] for the 4×4 block at (i, j): four loads, eight shuffles, four stores. */
// @ts-ignore: decorator
@inline
function block4(X: usize, Y: usize, i: i32, j: i32, R: i32, N: i32): void {
  const rowX = <usize>N << 2;
  const rowY = <usize>R << 2;
  const p = X + ((<usize>i * <usize>N + <usize>j) << 2);
  const a = v128.load(p);
  const b = v128.load(p + rowX);
  const c = v128.load(p + 2 * rowX);
  const d = v128.load(p + 3 * rowX);
  const t0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  const q = Y + ((<usize>j * <usize>R + <usize>i) << 2);
  v128.store(q, v128.shuffle<i64>(t0, t2, 0, 2));
  v128.store(q + rowY, v128.shuffle<i64>(t0, t2, 1, 3));
  v128.store(q + 2 * rowY, v128.shuffle<i64>(t1, t3, 0, 2));
  v128.store(q + 3 * rowY, v128.shuffle<i64>(t1, t3, 1, 3));
}

/** Y[b, c, r] = X[b, r, c] for the flattened input rows [r0, r1) of [B·R]; X is [B, R, N]. */
export function transpose(r0: i32, r1: i32, R: i32, N: i32, X: usize, Y: usize): void {
  let r = r0;
  while (r < r1) {
    const b = r / R;
    const i0 = r - b * R;
    // a band of up to TILE rows inside one matrix
    const i1 = min(min(i0 + TILE, R), i0 + (r1 - r));
    const xm = X + (<usize>b * <usize>R * <usize>N << 2);
    const ym = Y + (<usize>b * <usize>R * <usize>N << 2);
    // whole 4×4 blocks by SIMD shuffles (4-aligned offsets in the band), the rest one value at a time
    const iv = min(i1, (i0 + 3) & ~3);
    const iw = iv + ((i1 - iv) & ~3);
    const nv = N & ~3;
    for (let j0: i32 = 0; j0 < N; j0 += TILE) {
      const j1 = min(j0 + TILE, N);
      const jv = min(j1, nv);
      for (let i = iv; i < iw; i += 4) for (let j = j0; j < jv; j += 4) block4(xm, ym, i, j, R, N);
      for (let i = i0; i < i1; i++) {
        const src = xm + ((<usize>i * <usize>N) << 2);
        const inBlocks = i >= iv && i < iw;
        for (let j = inBlocks ? jv : j0; j < j1; j++) store<u32>(ym + ((<usize>j * <usize>R + <usize>i) << 2), load<u32>(src + (<usize>j << 2)));
      }
    }
    r += i1 - i0;
  }
}
