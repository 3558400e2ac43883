// AssemblyScript (compiled by scripts/build-wasm.mjs with SIMD on): average pooling with
// non-overlapping windows (window = stride, 'valid', NHWC), forward and gradient, in place on the
// tfjs wasm heap (src/kernels/avgPoolHeap.ts registers them as tfjs kernels). X, Y, DY, DX are
// byte offsets of float32 tensors; x is [B, H, W, C], y is [B, OH, OW, C], OH = ⌊H / KH⌋,
// OW = ⌊W / KW⌋.
//
//   forward:  y[b, i, j, c] = s · Σ_{p < KH, q < KW} x[b, i·KH + p, j·KW + q, c]
//   gradient: dx[b, h, w, c] = s · dy[b, ⌊h / KH⌋, ⌊w / KW⌋, c] inside the pooled area, else 0
//
// with s = 1 / (KH·KW) in float32. Work is split by rows (forward: output rows b·OH + i;
// gradient: input rows b·H + h), each computed the same way whatever thread runs it. The
// windows' sums run in float32 in row-major order of the window.

/** Forward over output rows [r0, r1) of the flattened [B·OH] axis. */
export function avgPoolForward(
  r0: i32, r1: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, X: usize, Y: usize, s: f32,
): void {
  const OH = H / KH;
  const OW = W / KW;
  const vecs = C >> 2;
  const rowX = <usize>W * <usize>C << 2;
  const pixX = <usize>C << 2;
  const vS = f32x4.splat(s);
  if (KH == 2 && KW == 2 && (C & 3) == 0) {
    avgPool2x2(r0, r1, H, W, C, X, Y, vS);
    return;
  }
  for (let r = r0; r < r1; r++) {
    const b = r / OH;
    const i = r - b * OH;
    const xRow = X + (<usize>b * <usize>H + <usize>i * <usize>KH) * rowX;
    const yRow = Y + <usize>r * <usize>OW * pixX;
    for (let j: i32 = 0; j < OW; j++) {
      const xWin = xRow + <usize>j * <usize>KW * pixX;
      const yPix = yRow + <usize>j * pixX;
      for (let v: i32 = 0; v < vecs; v++) {
        const at = <usize>v << 4;
        let acc = f32x4.splat(0);
        for (let p: i32 = 0; p < KH; p++) {
          const xp = xWin + <usize>p * rowX + at;
          for (let q: i32 = 0; q < KW; q++) acc = f32x4.add(acc, v128.load(xp + <usize>q * pixX));
        }
        v128.store(yPix + at, f32x4.mul(acc, vS));
      }
      for (let c: i32 = vecs << 2; c < C; c++) {
        const at = <usize>c << 2;
        let acc: f32 = 0;
        for (let p: i32 = 0; p < KH; p++) {
          const xp = xWin + <usize>p * rowX + at;
          for (let q: i32 = 0; q < KW; q++) acc += load<f32>(xp + <usize>q * pixX);
        }
        store<f32>(yPix + at, acc * s);
      }
    }
  }
}

/** The forward for 2×2 windows and whole f32x4 vectors of channels: one pass along both input rows, the same sums in the same order. */
function avgPool2x2(r0: i32, r1: i32, H: i32, W: i32, C: i32, X: usize, Y: usize, vS: v128): void {
  const OH = H >> 1;
  const OW = W >> 1;
  const pixX = <usize>C << 2;
  const rowX = <usize>W * pixX;
  const vecs = <usize>C >> 2;
  for (let r = r0; r < r1; r++) {
    const b = r / OH;
    const i = r - b * OH;
    let x0 = X + (<usize>b * <usize>H + (<usize>i << 1)) * rowX;
    let y = Y + <usize>r * <usize>OW * pixX;
    for (let j: i32 = 0; j < OW; j++) {
      const x1 = x0 + rowX;
      for (let v: usize = 0; v < vecs; v++) {
        const at = v << 4;
        let acc = f32x4.add(v128.load(x0 + at), v128.load(x0 + pixX + at));
        acc = f32x4.add(acc, v128.load(x1 + at));
        acc = f32x4.add(acc, v128.load(x1 + pixX + at));
        v128.store(y + at, f32x4.mul(acc, vS));
      }
      x0 += pixX << 1;
      y += pixX;
    }
  }
}

/** Gradient over input rows [r0, r1) of the flattened [B·H] axis. */
export function avgPoolGrad(
  r0: i32, r1: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, DY: usize, DX: usize, s: f32,
): void {
  const OH = H / KH;
  const OW = W / KW;
  const vecs = C >> 2;
  const pixB = <usize>C << 2;
  const rowX = <usize>W * pixB;
  const pooledW = <usize>(OW * KW) * pixB;
  const vS = f32x4.splat(s);
  for (let r = r0; r < r1; r++) {
    const b = r / H;
    const h = r - b * H;
    const dxRow = DX + <usize>r * rowX;
    const i = h / KH;
    if (i >= OH) {
      memory.fill(dxRow, 0, rowX);
      continue;
    }
    const dyRow = DY + (<usize>b * <usize>OH + <usize>i) * <usize>OW * pixB;
    for (let j: i32 = 0; j < OW; j++) {
      const dyPix = dyRow + <usize>j * pixB;
      const dxWin = dxRow + <usize>j * <usize>KW * pixB;
      for (let v: i32 = 0; v < vecs; v++) {
        const at = <usize>v << 4;
        const g = f32x4.mul(v128.load(dyPix + at), vS);
        for (let q: i32 = 0; q < KW; q++) v128.store(dxWin + <usize>q * pixB + at, g);
      }
      for (let c: i32 = vecs << 2; c < C; c++) {
        const at = <usize>c << 2;
        const g = load<f32>(dyPix + at) * s;
        for (let q: i32 = 0; q < KW; q++) store<f32>(dxWin + <usize>q * pixB + at, g);
      }
    }
    if (pooledW < rowX) memory.fill(dxRow + pooledW, 0, rowX - pooledW);
  }
}
