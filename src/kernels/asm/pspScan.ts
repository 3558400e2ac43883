// AssemblyScript (compiled by scripts/build-wasm.mjs with SIMD on): the scans of the fused PSP
// filter (src/kernels/pspScan.ts has the equations and the TypeScript twin), run in place on the
// tfjs wasm heap: X, Y, G and DX are byte offsets of [T, N] f32 tensors whose rows are `stride`
// floats apart (a column band of a wider tensor when the work is split between threads).
//
//   forward:  a[t] = α·a[t−1] + c·x[t]            float32, f32x4 lanes, the TypeScript order
//   backward: ĝ[t] = g[t] + α·ĝ[t+1] (float64 arithmetic, ĝ stored as float32), ∂x = c·ĝ
//
// The backward computes in float64 two lanes at a time (f64x2), as the TypeScript scan computes
// in JavaScript numbers, so both give the same gradients bit for bit.

/** Forward scan: Y[t] = α·Y[t−1] + c·X[t], Y[−1] = 0. */
export function pspForward(T: i32, N: i32, stride: i32, X: usize, Y: usize, alpha: f32, c: f32): void {
  if (T <= 0 || N <= 0) return;
  const vecs = N >> 2;
  const rowB = <usize>stride << 2;
  const vA = f32x4.splat(alpha);
  const vC = f32x4.splat(c);
  for (let v: i32 = 0; v < vecs; v++) {
    const at = <usize>v << 4;
    v128.store(Y + at, f32x4.mul(vC, v128.load(X + at)));
  }
  for (let i: i32 = vecs << 2; i < N; i++) {
    const at = <usize>i << 2;
    store<f32>(Y + at, c * load<f32>(X + at));
  }
  for (let t: i32 = 1; t < T; t++) {
    const cur = <usize>t * rowB;
    const prev = cur - rowB;
    for (let v: i32 = 0; v < vecs; v++) {
      const at = <usize>v << 4;
      const y = f32x4.add(f32x4.mul(vA, v128.load(Y + prev + at)), f32x4.mul(vC, v128.load(X + cur + at)));
      v128.store(Y + cur + at, y);
    }
    for (let i: i32 = vecs << 2; i < N; i++) {
      const at = <usize>i << 2;
      store<f32>(Y + cur + at, alpha * load<f32>(Y + prev + at) + c * load<f32>(X + cur + at));
    }
  }
}

// @ts-ignore: decorator
@inline
function scaleRow(P: usize, N: i32, c: f64): void {
  const pairs = N >> 1;
  const vc = f64x2.splat(c);
  for (let v: i32 = 0; v < pairs; v++) {
    const at = P + (<usize>v << 3);
    const g = f64x2.promote_low_f32x4(v128.load64_zero(at));
    v128.store64_lane(at, f32x4.demote_f64x2_zero(f64x2.mul(vc, g)), 0);
  }
  if (N & 1) {
    const at = P + (<usize>(N - 1) << 2);
    store<f32>(at, <f32>(c * <f64>load<f32>(at)));
  }
}

/** Backward scan: DX[t] = c·ĝ[t], ĝ[t] = G[t] + α·ĝ[t+1], ĝ[T] = 0 (α, c in float64). */
export function pspBackward(T: i32, N: i32, stride: i32, G: usize, DX: usize, alpha: f64, c: f64): void {
  if (T <= 0 || N <= 0) return;
  const rowB = <usize>stride << 2;
  const pairs = N >> 1;
  const va = f64x2.splat(alpha);
  const scale = c != 1;
  memory.copy(DX + <usize>(T - 1) * rowB, G + <usize>(T - 1) * rowB, <usize>N << 2);
  for (let t: i32 = T - 2; t >= 0; t--) {
    const cur = <usize>t * rowB;
    const next = cur + rowB;
    for (let v: i32 = 0; v < pairs; v++) {
      const at = <usize>v << 3;
      const g = f64x2.promote_low_f32x4(v128.load64_zero(G + cur + at));
      const n = f64x2.promote_low_f32x4(v128.load64_zero(DX + next + at));
      v128.store64_lane(DX + cur + at, f32x4.demote_f64x2_zero(f64x2.add(g, f64x2.mul(va, n))), 0);
    }
    if (N & 1) {
      const at = <usize>(N - 1) << 2;
      store<f32>(DX + cur + at, <f32>(<f64>load<f32>(G + cur + at) + alpha * <f64>load<f32>(DX + next + at)));
    }
    // ĝ[t+1] has been read for the last time: scale it now, while it is in cache
    if (scale) scaleRow(DX + next, N, c);
  }
  if (scale) scaleRow(DX, N, c);
}
