/**
 * Typed-array loops of the fused PSP filter (TS fallback; AssemblyScript versions may replace
 * them). Data are time-major [T, N] row-major: element (t, i) at t·N + i.
 *
 *   forward:  a[t] = α·a[t−1] + c·x[t],  a[−1] = 0
 *   backward: ĝ[t] = g[t] + α·ĝ[t+1],  ∂L/∂x[t] = c·ĝ[t] = c·Σ_{t'≥t} α^{t'−t}·g[t']
 *
 * The forward rounds to float32 in the order of the unfused tf reference (α·a, c·x, sum) so that
 * both agree bit for bit.
 *
 * Reference: Zhang & Li, "Temporal spike sequence learning via backpropagation" (TSSL-BP), NeurIPS 2020.
 */

export interface PspScanParams {
  /** α, decay per step. */
  alpha: number;
  /** c, input gain (1, or 1/τs for a unit-area kernel). */
  c: number;
}

function checkSizes(op: string, T: number, N: number, name: string, a: ArrayLike<number>): void {
  if (!Number.isInteger(T) || T < 0 || !Number.isInteger(N) || N < 0) {
    throw new Error(`${op}: T and N must be non-negative integers, got T=${T}, N=${N}`);
  }
  if (a.length !== T * N) throw new Error(`${op}: ${name} has length ${a.length}, expected T·N = ${T * N}`);
}

/** Forward scan: the filtered trace a[t]. */
export function pspForwardScan(x: Float32Array, T: number, N: number, params: PspScanParams): Float32Array {
  checkSizes('pspForwardScan', T, N, 'x', x);
  const out = new Float32Array(T * N);
  const alpha = Math.fround(params.alpha);
  const c = Math.fround(params.c);
  for (let i = 0; i < N; i++) out[i] = Math.fround(c * x[i]!);
  for (let t = 1; t < T; t++) {
    const base = t * N;
    const prev = base - N;
    for (let i = 0; i < N; i++) {
      out[base + i] = Math.fround(Math.fround(alpha * out[prev + i]!) + Math.fround(c * x[base + i]!));
    }
  }
  return out;
}

/** Backward scan: ∂L/∂x from ∂L/∂a (the error filtered backwards in time). */
export function pspBackwardScan(gradA: Float32Array, T: number, N: number, params: PspScanParams): Float32Array {
  checkSizes('pspBackwardScan', T, N, 'gradA', gradA);
  const acc = new Float32Array(T * N);
  if (T === 0) return acc;
  const { alpha, c } = params;
  const last = (T - 1) * N;
  for (let i = 0; i < N; i++) acc[last + i] = gradA[last + i]!;
  for (let t = T - 2; t >= 0; t--) {
    const base = t * N;
    const next = base + N;
    for (let i = 0; i < N; i++) acc[base + i] = gradA[base + i]! + alpha * acc[next + i]!;
  }
  if (c !== 1) for (let k = 0; k < acc.length; k++) acc[k] = c * acc[k]!;
  return acc;
}
