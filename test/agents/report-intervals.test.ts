import { describe, expect, it } from 'vitest';
import { episodeSuccess, meanInterval, t975, wilsonInterval } from '../../agents/report.ts';
import type { EpisodeOutcome } from '../../agents/rollout.ts';

describe('confidence intervals', () => {
  it('Wilson interval matches published values and stays inside [0, 1]', () => {
    // Reference values: Newcombe (1998), Statistics in Medicine 17:857, table I (Wilson score, no continuity correction).
    const [a, b] = wilsonInterval(81, 263);
    expect(a).toBeCloseTo(0.2553, 4);
    expect(b).toBeCloseTo(0.3662, 4);
    const [c, d] = wilsonInterval(0, 10);
    expect(c).toBe(0);
    expect(d).toBeCloseTo(0.2775, 4);
    const [e, f] = wilsonInterval(100, 100);
    expect(e).toBeCloseTo(0.963, 3);
    expect(f).toBe(1);
    expect(() => wilsonInterval(3, 2)).toThrow(/0 <= k <= n/);
  });

  it('t quantiles agree with tables to 0.06%', () => {
    const table: Array<[number, number]> = [
      [1, 12.7062],
      [2, 4.3027],
      [3, 3.1824],
      [4, 2.7764],
      [5, 2.5706],
      [6, 2.4469],
      [9, 2.2622],
      [19, 2.093],
      [99, 1.9842],
    ];
    for (const [nu, t] of table) expect(Math.abs(t975(nu) / t - 1)).toBeLessThan(6e-4);
  });

  it('mean interval is mean ± t·s/√n, a point for one value', () => {
    const v = [1, 2, 3, 4, 5];
    const [lo, hi] = meanInterval(v);
    const half = (2.776445 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(lo).toBeCloseTo(3 - half, 5);
    expect(hi).toBeCloseTo(3 + half, 5);
    expect(meanInterval([7])).toEqual([7, 7]);
  });
});

describe('per-episode success', () => {
  const o = (terminated: boolean, info: Record<string, unknown>): EpisodeOutcome => ({ seed: 0, return: 0, steps: 1, terminated, info });
  it('cart-pole and walker: not terminated; pendulum: ends near upright; reacher: ends within 5% of the reach', () => {
    expect(episodeSuccess('CartPoleContinuous-v1', o(false, {}))).toBe(true);
    expect(episodeSuccess('CartPoleContinuous-v1', o(true, {}))).toBe(false);
    expect(episodeSuccess('Walker-v1', o(true, { fallen: true }))).toBe(false);
    expect(episodeSuccess('Pendulum-v1', o(false, { theta: 0.1 }))).toBe(true);
    expect(episodeSuccess('Pendulum-v1', o(false, { theta: -2 }))).toBe(false);
    expect(episodeSuccess('Reacher-v1', o(false, { distance: 0.049 }))).toBe(true);
    expect(episodeSuccess('Reacher-v1', o(false, { distance: 0.051 }))).toBe(false);
    expect(() => episodeSuccess('MountainCar-v0', o(false, {}))).toThrow(/no success measure/);
  });
});
