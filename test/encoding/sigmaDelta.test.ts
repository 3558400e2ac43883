import { describe, expect, it } from 'vitest';
import { createSigmaDelta, sigmaDeltaEncode } from '../../src/encoding/sigmaDelta.ts';
import { pspFilterRows } from '../../src/encoding/kernel.ts';
import { resolvePsp } from '../../src/neurons/defaults.ts';

describe('sigma-delta encoder', () => {
  it('integrate-and-fire mode fires at the steps where the running integral crosses multiples of the threshold', () => {
    const times = sigmaDeltaEncode([0.4, 0.4, 0.4, 0.4, 0.4, 0, 1.2], { mode: 'integrate-and-fire', threshold: 1 });
    // integral: 0.4 0.8 1.2* 0.6 1.0* 0 0 → 1.2* (0.2 left)
    expect(Array.from(times)).toEqual([2, 4, 6]);
  });

  it('integrate-and-fire mode defaults its threshold to g·c·τs so that the decoded PSP equals a constant input on average', () => {
    const enc = createSigmaDelta({ mode: 'integrate-and-fire', gain: 2, psp: { tauSyn: 5, scale: 'none' } });
    expect(enc.options.threshold).toBeCloseTo(10, 12);
  });

  it('kernel mode keeps g·(ε∗o) within half a spike of a constant target after the rise', () => {
    const psp = { tauSyn: 5, scale: 'unit-area' as const };
    const x = new Float64Array(400).fill(0.7);
    const times = sigmaDeltaEncode(x, { mode: 'kernel', gain: 2, psp });
    const train = new Float64Array(400);
    for (const t of times) train[t] = 1;
    const a = pspFilterRows(train, 400, 1, resolvePsp(psp));
    let mean = 0;
    for (let t = 50; t < 400; t++) {
      expect(Math.abs(2 * a[t]! - 0.7)).toBeLessThanOrEqual((2 * 0.2) / 2 + 1e-12);
      mean += (2 * a[t]!) / 350;
    }
    expect(mean).toBeCloseTo(0.7, 1);
  });

  it('stays silent for a zero signal and rejects negative or non-finite samples', () => {
    expect(sigmaDeltaEncode(new Float64Array(20)).length).toBe(0);
    expect(() => sigmaDeltaEncode([0, -0.1])).toThrow(/sample 1 is -0.1/);
    expect(() => sigmaDeltaEncode([NaN])).toThrow(/sample 0/);
  });
});
