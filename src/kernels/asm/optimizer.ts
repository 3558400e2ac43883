// AssemblyScript (compiled by scripts/build-wasm.mjs with SIMD on): the optimizers' update of
// one variable in a single pass over its values, in place on the tfjs wasm heap (src/train/
// optimizers.ts has the rules and the TypeScript twin). W (weights), G (gradient) and OUT (new
// weights) are byte offsets of n float32 values; M, V and B (moments, momentum) are float32 too
// and updated in place.
//
// Arithmetic in float64, two values at a time (f64x2), exactly as the TypeScript loop computes
// in JavaScript numbers: the moments are stored as float32, but the new weight is computed from
// their unrounded values, as `(m[i] = …)` yields the unrounded value in JavaScript. So both give
// the same weights and moments bit for bit.

// @ts-ignore: decorator
@inline
function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

// @ts-ignore: decorator
@inline
function store2(p: usize, x: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(x), 0);
}

/**
 * Adam / AdamW: g' = g + l2·w;  m = β1·m + c1·g';  v = β2·v + c2·g'·g';
 * OUT = w·shrink − (lr·(m/bc1)) / (√(v/bc2) + ε), with c1 = 1 − β1, c2 = 1 − β2 and the bias
 * corrections bc1, bc2 computed by the caller.
 */
export function adamUpdate(
  n: i32, W: usize, G: usize, M: usize, V: usize, OUT: usize,
  lr: f64, b1: f64, c1: f64, b2: f64, c2: f64, bc1: f64, bc2: f64, eps: f64, l2: f64, shrink: f64,
): void {
  const pairs = n >> 1;
  const vLr = f64x2.splat(lr), vB1 = f64x2.splat(b1), vC1 = f64x2.splat(c1), vB2 = f64x2.splat(b2), vC2 = f64x2.splat(c2);
  const vBc1 = f64x2.splat(bc1), vBc2 = f64x2.splat(bc2), vEps = f64x2.splat(eps), vL2 = f64x2.splat(l2), vShrink = f64x2.splat(shrink);
  for (let p: i32 = 0; p < pairs; p++) {
    const at = <usize>p << 3;
    const w = load2(W + at);
    const g = f64x2.add(load2(G + at), f64x2.mul(vL2, w));
    const m = f64x2.add(f64x2.mul(vB1, load2(M + at)), f64x2.mul(vC1, g));
    const v = f64x2.add(f64x2.mul(vB2, load2(V + at)), f64x2.mul(f64x2.mul(vC2, g), g));
    store2(M + at, m);
    store2(V + at, v);
    const step = f64x2.div(f64x2.mul(vLr, f64x2.div(m, vBc1)), f64x2.add(f64x2.sqrt(f64x2.div(v, vBc2)), vEps));
    store2(OUT + at, f64x2.sub(f64x2.mul(w, vShrink), step));
  }
  if (n & 1) {
    const at = <usize>(n - 1) << 2;
    const w = <f64>load<f32>(W + at);
    const g = <f64>load<f32>(G + at) + l2 * w;
    const m = b1 * <f64>load<f32>(M + at) + c1 * g;
    const v = b2 * <f64>load<f32>(V + at) + c2 * g * g;
    store<f32>(M + at, <f32>m);
    store<f32>(V + at, <f32>v);
    store<f32>(OUT + at, <f32>(w * shrink - (lr * (m / bc1)) / (Math.sqrt(v / bc2) + eps)));
  }
}

/** SGD: d = g + wd·w; with momentum (B ≠ 0) d = μ·b + d, b = d; OUT = w − lr·d. */
export function sgdUpdate(n: i32, W: usize, G: usize, B: usize, OUT: usize, lr: f64, mu: f64, wd: f64): void {
  const pairs = n >> 1;
  const vLr = f64x2.splat(lr), vMu = f64x2.splat(mu), vWd = f64x2.splat(wd);
  for (let p: i32 = 0; p < pairs; p++) {
    const at = <usize>p << 3;
    const w = load2(W + at);
    let d = f64x2.add(load2(G + at), f64x2.mul(vWd, w));
    if (B != 0) {
      d = f64x2.add(f64x2.mul(vMu, load2(B + at)), d);
      store2(B + at, d);
    }
    store2(OUT + at, f64x2.sub(w, f64x2.mul(vLr, d)));
  }
  if (n & 1) {
    const at = <usize>(n - 1) << 2;
    const w = <f64>load<f32>(W + at);
    let d = <f64>load<f32>(G + at) + wd * w;
    if (B != 0) {
      d = mu * <f64>load<f32>(B + at) + d;
      store<f32>(B + at, <f32>d);
    }
    store<f32>(OUT + at, <f32>(w - lr * d));
  }
}
