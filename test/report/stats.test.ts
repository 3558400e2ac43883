import { describe, expect, it } from 'vitest';
import {
  logGamma,
  meanCi,
  pairedTTest,
  regularizedIncompleteBeta,
  sampleStd,
  studentTCdf,
  studentTQuantile,
} from '../../src/report/stats.ts';

describe('regularized incomplete beta', () => {
  it('matches the closed form I_x(½,½) = (2/π)·asin(√x)', () => {
    for (const x of [0.01, 0.2, 0.5, 0.77, 0.999]) {
      expect(regularizedIncompleteBeta(x, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(x)), 12);
    }
  });

  it('matches scipy.special.betainc at known points (both sides of the symmetry switch)', () => {
    expect(regularizedIncompleteBeta(0.4, 2, 3)).toBeCloseTo(0.5248, 12);
    expect(regularizedIncompleteBeta(0.2, 0.5, 7.5)).toBeCloseTo(0.9281204024988001, 10);
    expect(regularizedIncompleteBeta(0.3, 10, 20)).toBeCloseTo(0.3640040810719437, 10);
  });

  it('rejects parameters outside its domain, naming them', () => {
    expect(() => regularizedIncompleteBeta(1.5, 1, 1)).toThrow(/x must be in \[0, 1\], got 1.5/);
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow(/a and b must be > 0/);
  });

  it('logGamma gives ln((n−1)!) and ln Γ(½) = ½ ln π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
});

describe('Student t', () => {
  it('CDF equals the closed forms for ν = 1 (Cauchy) and ν = 2', () => {
    for (const t of [-3, -0.4, 0, 0.9, 7]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
  });

  it('CDF matches scipy.stats.t.cdf', () => {
    expect(studentTCdf(2.0, 5)).toBeCloseTo(0.9490302605850708, 10);
    expect(studentTCdf(-1.3, 3)).toBeCloseTo(0.14223375436394853, 10);
    expect(studentTCdf(0.7, 30)).toBeCloseTo(0.7553397782501642, 10);
  });

  it('quantiles are the textbook critical values', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174694, 8);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764451051977934, 9);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157162798205, 9);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.262157162798205, 9);
  });
});

describe('mean, std and confidence interval', () => {
  it('uses the n − 1 standard deviation and the t critical value', () => {
    const xs = [1, 2, 3, 4, 5];
    expect(sampleStd(xs)).toBeCloseTo(Math.sqrt(2.5), 12);
    const ci = meanCi(xs);
    const half = (2.7764451051977934 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(ci).toMatchObject({ n: 5, mean: 3 });
    expect(ci.lo).toBeCloseTo(3 - half, 8);
    expect(ci.hi).toBeCloseTo(3 + half, 8);
  });

  it('has no interval for a single value', () => {
    const ci = meanCi([7]);
    expect(ci.mean).toBe(7);
    expect(Number.isNaN(ci.lo) && Number.isNaN(ci.std)).toBe(true);
  });
});

describe('paired t-test', () => {
  it('matches scipy.stats.ttest_rel and reports Cohen d_z = mean(d)/sd(d)', () => {
    const a = [0.82, 0.91, 0.77, 0.88, 0.95];
    const b = [0.8, 0.85, 0.79, 0.81, 0.9];
    const r = pairedTTest(a, b);
    expect(r.t).toBeCloseTo(2.2073016221458746, 9);
    expect(r.p).toBeCloseTo(0.09190186251878552, 9);
    expect(r.df).toBe(4);
    const d = a.map((x, i) => x - b[i]!);
    expect(r.dz).toBeCloseTo(r.diff.mean / sampleStd(d), 12);
    expect(r.dz).toBeCloseTo(r.t / Math.sqrt(5), 12);
  });

  it('keeps small p-values (no 1 − CDF cancellation)', () => {
    const a = [10.1, 10.2, 10.3, 10.25, 10.15, 10.22];
    const b = [0, 0.05, 0.02, 0.01, 0.03, 0.04];
    const r = pairedTTest(a, b);
    expect(r.p).toBeGreaterThan(0);
    expect(r.p).toBeLessThan(1e-9);
  });

  it('refuses unequal lengths and handles equal pairs', () => {
    expect(() => pairedTTest([1, 2], [1])).toThrow(/pairs must match/);
    expect(pairedTTest([1, 2, 3], [1, 2, 3])).toMatchObject({ p: 1, dz: 0 });
  });
});
