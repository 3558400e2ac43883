/**
 * Discrete-time LQR (Kalman 1960): K = (R + BᵀPB)⁻¹BᵀPA with P the fixed point of the Riccati
 * recursion P ← Q + AᵀPA − AᵀPB(R + BᵀPB)⁻¹BᵀPA. Small dense matrices as number[][].
 */

export type Matrix = number[][];

const zeros = (r: number, c: number): Matrix => Array.from({ length: r }, () => new Array<number>(c).fill(0));

export function matMul(a: Matrix, b: Matrix): Matrix {
  const out = zeros(a.length, b[0]!.length);
  for (let i = 0; i < a.length; i++)
    for (let k = 0; k < b.length; k++) for (let j = 0; j < b[0]!.length; j++) out[i]![j]! += a[i]![k]! * b[k]![j]!;
  return out;
}

export function transpose(a: Matrix): Matrix {
  return a[0]!.map((_, j) => a.map((row) => row[j]!));
}

const add = (a: Matrix, b: Matrix, s = 1): Matrix => a.map((row, i) => row.map((v, j) => v + s * b[i]![j]!));

/** Inverse by Gauss–Jordan with partial pivoting (throws on a singular matrix). */
export function inverse(a: Matrix): Matrix {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-14) throw new Error('inverse: matrix is singular');
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      if (f !== 0) for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
}

/** Gain K (m × n) for x[t+1] = A x + B u minimising Σ xᵀQx + uᵀRu; control u = −K x. */
export function dlqr(A: Matrix, B: Matrix, Q: Matrix, R: Matrix, maxIter = 10_000, tol = 1e-10): Matrix {
  const At = transpose(A);
  const Bt = transpose(B);
  let P = Q.map((r) => [...r]);
  for (let it = 0; it < maxIter; it++) {
    const BtP = matMul(Bt, P);
    const K = matMul(inverse(add(R, matMul(BtP, B))), matMul(BtP, A));
    const next = add(add(Q, matMul(matMul(At, P), A)), matMul(matMul(At, matMul(P, B)), K), -1);
    let diff = 0;
    for (let i = 0; i < P.length; i++) for (let j = 0; j < P.length; j++) diff = Math.max(diff, Math.abs(next[i]![j]! - P[i]![j]!));
    P = next;
    if (diff < tol * (1 + Math.abs(P[0]![0]!))) return K;
  }
  throw new Error('dlqr: Riccati iteration did not converge (is (A, B) stabilisable?)');
}

/**
 * Discrete linearisation of dx/dt = f(x, u) about (x0, u0) over one period dt by central
 * differences of an RK4 step: returns [A, B].
 */
export function linearize(
  f: (x: number[], u: number[]) => number[],
  x0: number[],
  u0: number[],
  dtS: number,
  eps = 1e-6,
): [Matrix, Matrix] {
  const step = (x: number[], u: number[]): number[] => {
    const sub = 20;
    const h = dtS / sub;
    let s = [...x];
    for (let i = 0; i < sub; i++) {
      const k1 = f(s, u);
      const k2 = f(
        s.map((v, j) => v + (h / 2) * k1[j]!),
        u,
      );
      const k3 = f(
        s.map((v, j) => v + (h / 2) * k2[j]!),
        u,
      );
      const k4 = f(
        s.map((v, j) => v + h * k3[j]!),
        u,
      );
      s = s.map((v, j) => v + (h / 6) * (k1[j]! + 2 * k2[j]! + 2 * k3[j]! + k4[j]!));
    }
    return s;
  };
  const n = x0.length;
  const m = u0.length;
  const A = zeros(n, n);
  const B = zeros(n, m);
  for (let j = 0; j < n; j++) {
    const xp = [...x0];
    const xm = [...x0];
    xp[j]! += eps;
    xm[j]! -= eps;
    const fp = step(xp, u0);
    const fm = step(xm, u0);
    for (let i = 0; i < n; i++) A[i]![j] = (fp[i]! - fm[i]!) / (2 * eps);
  }
  for (let j = 0; j < m; j++) {
    const up = [...u0];
    const um = [...u0];
    up[j]! += eps;
    um[j]! -= eps;
    const fp = step(x0, up);
    const fm = step(x0, um);
    for (let i = 0; i < n; i++) B[i]![j] = (fp[i]! - fm[i]!) / (2 * eps);
  }
  return [A, B];
}
