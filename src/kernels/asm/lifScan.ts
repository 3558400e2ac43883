// AssemblyScript (compiled by scripts/build-wasm.mjs with SIMD on): the forward scan of the fused
// multi-step LIF op (src/kernels/lifScan.ts has the equations and the TypeScript twin), run in
// place on the tfjs wasm heap: I, U and O are byte offsets of [T, N] f32 tensors whose rows are
// `stride` floats apart (stride = N for a whole tensor; a column band [c0, c0 + N) of a wider one
// when the work is split between threads: each column's scan is independent of the others).
//
//   u[t] = λ·r(u[t−1], o[t−1]) + I[t],   o[t] = H(u[t] − θ) (strict >),   u[−1] = o[−1] = 0
//   hard r = u·(1 − o) (0 where o = 1), soft r = u − θ·o
//
// Neurons are independent, so four run per f32x4 lane group; each lane does exactly the float32
// operations of the TypeScript scan in the same order (a product, then a sum; no fused
// multiply-add in wasm SIMD), so both give the same membranes and spikes bit for bit.

import { surrogate } from './lib/surrogate';

/** Forward scan; `soft` selects the soft reset. U and O are written for every (t, i). */
export function lifForward(T: i32, N: i32, stride: i32, I: usize, U: usize, O: usize, decay: f32, th: f32, soft: bool): void {
  if (T <= 0 || N <= 0) return;
  const vecs = N >> 2;
  const vTh = f32x4.splat(th);
  const vDecay = f32x4.splat(decay);
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  const rowBytes = <usize>stride << 2;
  // t = 0: u = I, o = I > θ
  for (let v: i32 = 0; v < vecs; v++) {
    const at = <usize>v << 4;
    const x = v128.load(I + at);
    v128.store(U + at, x);
    v128.store(O + at, v128.and(f32x4.gt(x, vTh), one));
  }
  for (let i: i32 = vecs << 2; i < N; i++) {
    const at = <usize>i << 2;
    const x = load<f32>(I + at);
    store<f32>(U + at, x);
    store<f32>(O + at, x > th ? 1 : 0);
  }
  for (let t: i32 = 1; t < T; t++) {
    const cur = <usize>t * rowBytes;
    const prev = cur - rowBytes;
    for (let v: i32 = 0; v < vecs; v++) {
      const at = <usize>v << 4;
      const up = v128.load(U + prev + at);
      const op = v128.load(O + prev + at);
      // soft: u − θ·o (θ·o is exactly θ or 0); hard: u where o = 0, else 0
      const r = soft ? f32x4.sub(up, f32x4.mul(vTh, op)) : v128.and(up, f32x4.eq(op, zero));
      const u = f32x4.add(f32x4.mul(vDecay, r), v128.load(I + cur + at));
      v128.store(U + cur + at, u);
      v128.store(O + cur + at, v128.and(f32x4.gt(u, vTh), one));
    }
    for (let i: i32 = vecs << 2; i < N; i++) {
      const at = <usize>i << 2;
      const up = load<f32>(U + prev + at);
      const op = load<f32>(O + prev + at);
      const r: f32 = soft ? up - th * op : op == 0 ? up : 0;
      const u: f32 = decay * r + load<f32>(I + cur + at);
      store<f32>(U + cur + at, u);
      store<f32>(O + cur + at, u > th ? 1 : 0);
    }
  }
}

/**
 * Backward scan (DESIGN §2, the membrane's reverse iteration), in double precision like the
 * TypeScript scan: DI[t] = δ[t] = (G[t] − δ[t+1]·λ·∂r/∂o)·σ'(U[t] − θ) + δ[t+1]·λ·∂r/∂u, δ[T] = 0.
 * δ[t+1] is read back from DI's previous row (float32, as the TypeScript scan keeps it).
 */
export function lifBackward(
  T: i32, N: i32, stride: i32, G: usize, U: usize, S: usize, DI: usize,
  decay: f64, th: f64, hard: bool, keepReset: bool, kind: i32, a: f64, c: f64,
): void {
  if (T <= 0 || N <= 0) return;
  const rowBytes = <usize>stride << 2;
  for (let t: i32 = T - 1; t >= 0; t--) {
    const cur = <usize>t * rowBytes;
    const last = t == T - 1;
    for (let i: i32 = 0; i < N; i++) {
      const k = cur + (<usize>i << 2);
      const dn: f64 = last ? 0 : <f64>load<f32>(DI + k + rowBytes);
      const uk: f64 = <f64>load<f32>(U + k);
      let go: f64 = <f64>load<f32>(G + k);
      let carry: f64 = decay;
      if (hard) carry = decay * (1 - <f64>load<f32>(S + k));
      if (keepReset) go -= dn * decay * (hard ? uk : th);
      store<f32>(DI + k, <f32>(go * surrogate(kind, uk - th, a, c) + dn * carry));
    }
  }
}
