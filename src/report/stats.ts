/**
 * Small-sample statistics for multi-seed results: mean, sample standard deviation, Student-t
 * confidence intervals and the paired t-test with its effect size.
 *
 *   t CDF:     F(t; ν) = 1 − ½·I_{ν/(ν+t²)}(ν/2, ½)  for t ≥ 0, symmetric for t < 0
 *   I_x(a, b): regularized incomplete beta, by the continued fraction of Numerical Recipes §6.4
 *              (modified Lentz), with ln Γ from the Lanczos approximation (g = 7, n = 9)
 *   paired:    d_i = a_i − b_i, t = mean(d)/(sd(d)/√n), ν = n − 1, Cohen's d_z = mean(d)/sd(d)
 *
 * Reference: W. H. Press et al., Numerical Recipes, 3rd ed., §6.1 and §6.4.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new Error(`logGamma: x must be > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of I_x(a, b) (Numerical Recipes `betacf`), converges fast for x < (a+1)/(a+b+2). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) return h;
  }
  throw new Error(`incomplete beta: continued fraction did not converge (a=${a}, b=${b}, x=${x})`);
}

/** Regularized incomplete beta I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new Error(`incomplete beta: a and b must be > 0, got a=${a}, b=${b}`);
  if (!(x >= 0 && x <= 1)) throw new Error(`incomplete beta: x must be in [0, 1], got ${x}`);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // the fraction converges for x below the mean of the beta; above it use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a)
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with ν > 0 degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`studentTCdf: degrees of freedom must be > 0, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t with P(T ≤ t) = p (bisection on the CDF; |error| < 1e-10). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample standard deviation (divides by n − 1); NaN below two values. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) * (x - m), 0) / (xs.length - 1));
}

export interface MeanCi {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  /** Confidence interval of the mean from the t-distribution; NaN bounds below two values. */
  lo: number;
  hi: number;
}

/** Mean with its two-sided `level` (default 95%) t confidence interval. */
export function meanCi(xs: readonly number[], level = 0.95): MeanCi {
  const n = xs.length;
  const m = mean(xs);
  const s = sampleStd(xs);
  if (n < 2) return { n, mean: m, std: s, lo: NaN, hi: NaN };
  const half = (studentTQuantile(0.5 + level / 2, n - 1) * s) / Math.sqrt(n);
  return { n, mean: m, std: s, lo: m - half, hi: m + half };
}

export interface PairedTest {
  n: number;
  /** Mean of a − b, with its 95% t interval. */
  diff: MeanCi;
  t: number;
  df: number;
  /** Two-sided p-value; NaN below two pairs; 0 when all differences are equal and non-zero, 1 when all are 0. */
  p: number;
  /** Cohen's d_z: mean difference over the standard deviation of the differences. */
  dz: number;
}

/** Paired t-test of a against b (same length, element i of each from the same seed). */
export function pairedTTest(a: readonly number[], b: readonly number[]): PairedTest {
  if (a.length !== b.length) throw new Error(`pairedTTest: ${a.length} values against ${b.length}; pairs must match`);
  const d = a.map((x, i) => x - b[i]!);
  const diff = meanCi(d);
  const n = d.length;
  const df = n - 1;
  if (n < 2) return { n, diff, t: NaN, df, p: NaN, dz: NaN };
  if (diff.std === 0) {
    // identical differences: no spread to test against; equal pairs mean no evidence of a difference
    return diff.mean === 0
      ? { n, diff, t: 0, df, p: 1, dz: 0 }
      : { n, diff, t: Math.sign(diff.mean) * Infinity, df, p: 0, dz: Math.sign(diff.mean) * Infinity };
  }
  const t = diff.mean / (diff.std / Math.sqrt(n));
  // two-sided p straight from I_x: 1 − (1 − tail) would round small p-values to 0
  return { n, diff, t, df, p: regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5), dz: diff.mean / diff.std };
}
