import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBs1Raster } from '../../src/data/bs1.ts';
import { readNpy } from '../../src/data/npy.ts';
import { slayerOutputRaster } from '../../src/experiments/oxford/data.ts';
import { greedyMatches, spikeMetrics, type RasterLike } from '../../src/report/spikeMetrics.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'oxford');
const SHARED = join(process.env.SPIKELOOP_SHARED_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data'), 'oxford');

/** One neuron's raster from its spike steps. */
function train(T: number, steps: number[]): RasterLike {
  const data = new Uint8Array(T);
  for (const s of steps) data[s] = 1;
  return { T, neurons: 1, data };
}

describe('greedy ±window matching', () => {
  it('takes the nearest free output spike, earlier on ties, one to one', () => {
    // target 10 takes 11 (nearest); target 12 then finds 11 taken, takes 14 (|2|), not 9 (out of window)
    expect(greedyMatches([10, 12], [9, 11, 14], 2)).toBe(2);
    // a tie: target 5 between 4 and 6 takes 4; target 7 then takes 6
    expect(greedyMatches([5, 7], [4, 6], 2)).toBe(2);
    // one output spike cannot serve two targets
    expect(greedyMatches([5, 6], [5], 2)).toBe(1);
    // three steps away is a miss
    expect(greedyMatches([5], [8], 2)).toBe(0);
    expect(greedyMatches([5], [8], 3)).toBe(1);
  });
});

describe('spike metrics', () => {
  it('counts hits, unmatched output spikes and count errors by hand', () => {
    // target 2, 10, 20; output 3 and 11 hit 2 and 10, 30 and 31 are unmatched, 20 is missed
    const m = spikeMetrics(train(40, [2, 10, 20]), train(40, [3, 11, 30, 31]));
    expect(m.targetSpikes).toBe(3);
    expect(m.outputSpikes).toBe(4);
    expect(m.matched).toBe(2);
    expect(m.hitShare).toBeCloseTo(2 / 3, 12);
    expect(m.unmatchedShare).toBeCloseTo(2 / 4, 12);
    expect(m.totalCountError).toBeCloseTo(1 / 3, 12);
    expect(m.perNeuronCountError).toBeCloseTo(1 / 3, 12);
  });

  it('per-neuron count error adds what one neuron lacks and another has too many', () => {
    const target: RasterLike = { T: 3, neurons: 2, data: [1, 0, 1, 0, 0, 0] }; // neuron 0: 2 spikes, neuron 1: 0
    const out: RasterLike = { T: 3, neurons: 2, data: [0, 1, 0, 1, 0, 0] }; // neuron 0: 0, neuron 1: 2
    const m = spikeMetrics(target, out);
    expect(m.totalCountError).toBe(0);
    expect(m.perNeuronCountError).toBe(2);
    expect(m.matched).toBe(0);
  });

  it('van Rossum: 0 when equal, 1 for silence, and e^(−k/τ) kernel values by hand', () => {
    const target = train(3, [0]);
    expect(spikeMetrics(target, target).vanRossum).toBe(0);
    expect(spikeMetrics(target, train(3, [])).vanRossum).toBeCloseTo(1, 12);
    // target at 0, output at 1: ε∗(o − d) = [−1, 1 − q, q − q²] with q = e^(−1/5); norm² = 1 + q² + q⁴
    const q = Math.exp(-1 / 5);
    const want = Math.sqrt((1 + (1 - q) ** 2 + (q - q * q) ** 2) / (1 + q * q + q ** 4));
    expect(spikeMetrics(target, train(3, [1])).vanRossum).toBeCloseTo(want, 12);
  });

  it('names shape mismatches and non-binary values', () => {
    expect(() => spikeMetrics(train(3, [0]), train(4, [0]))).toThrow(/output raster is \[4, 1\], target is \[3, 1\]/);
    expect(() => spikeMetrics(train(3, [0]), { T: 3, neurons: 1, data: [0, 2, 0] })).toThrow(/value 2 at step 1/);
  });

  it('scores the fixture SLAYER output as an independent NumPy computation does', () => {
    const target = readBs1Raster(join(FIX, 'output.bs1'), { neurons: 8, T: 40, rounding: 'floor' });
    const slayer = slayerOutputRaster(readNpy(join(FIX, 'slayer_output.npy')), 8, 40);
    const m = spikeMetrics(target, slayer);
    expect([m.targetSpikes, m.outputSpikes, m.matched]).toEqual([23, 22, 19]);
    expect(m.perNeuronCountError).toBeCloseTo(3 / 23, 12);
    expect(m.vanRossum).toBeCloseTo(0.6046730791935467, 10);
  });

  it.skipIf(!existsSync(join(SHARED, 'output.bs1')))(
    "reproduces the published scores of SLAYER's released Oxford output (0.836, 55.2%, 43.8%)",
    () => {
      const target = readBs1Raster(join(SHARED, 'output.bs1'), { neurons: 200, T: 2000, rounding: 'floor' });
      const slayer = slayerOutputRaster(readNpy(join(SHARED, 'slayer_output.npy')), 200, 2000);
      const m = spikeMetrics(target, slayer);
      expect([m.targetSpikes, m.outputSpikes]).toEqual([10361, 10178]);
      expect(m.vanRossum).toBeCloseTo(0.836, 3);
      expect(m.hitShare).toBeCloseTo(0.552, 3);
      expect(m.unmatchedShare).toBeCloseTo(0.438, 3);
    },
  );
});
