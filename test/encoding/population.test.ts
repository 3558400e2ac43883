import { describe, expect, it } from 'vitest';
import { createPopulationCode, populationEncode, PopulationSpikeEncoder } from '../../src/encoding/population.ts';

describe('population coding', () => {
  const code = createPopulationCode({ low: [-1, 0], high: [1, 10], neuronsPerDim: 5 });

  it('places centres evenly over each range, dimension-major', () => {
    expect(Array.from(code.centers)).toEqual([-1, -0.5, 0, 0.5, 1, 0, 2.5, 5, 7.5, 10]);
    expect(Array.from(code.sigmas)).toEqual([0.5, 2.5]);
  });

  it('gives the peak current to the neuron whose centre equals the value and Gaussian falloff to its neighbours', () => {
    const I = populationEncode(code, [0.5, 2.5]);
    expect(I[3]).toBeCloseTo(1, 6);
    expect(I[2]).toBeCloseTo(Math.exp(-0.5), 6);
    expect(I[0]).toBeCloseTo(Math.exp(-0.5 * 9), 6);
    expect(I[6]).toBeCloseTo(1, 6);
    expect(I[8]).toBeCloseTo(Math.exp(-2), 6);
  });

  it('clips values outside the range so that the edge neuron saturates', () => {
    const I = populationEncode(code, [7, -3]);
    expect(I[4]).toBeCloseTo(1, 6);
    expect(I[5]).toBeCloseTo(1, 6);
  });

  it('rejects unbounded ranges, mismatched sizes and NaN observations with messages naming the problem', () => {
    expect(() => createPopulationCode({ low: [0, -Infinity], high: [1, Infinity] })).toThrow(/dimension 1.*finite/);
    expect(() => createPopulationCode({ low: [0], high: [0] })).toThrow(/high > low/);
    expect(() => createPopulationCode({ low: [0], high: [1], neuronsPerDim: 1 })).toThrow(/neuronsPerDim/);
    expect(() => populationEncode(code, [0])).toThrow(/expects 2/);
    expect(() => populationEncode(code, [0, NaN])).toThrow(/dimension 1 is NaN \(not finite\)/);
    // ±Infinity is a blown-up world, not a far value: refused rather than saturated to the edge neuron.
    expect(() => populationEncode(code, [Infinity, 0])).toThrow(/dimension 0 is Infinity \(not finite\)/);
    expect(() => populationEncode(code, [0, -Infinity])).toThrow(/dimension 1 is -Infinity \(not finite\)/);
  });

  it('turns currents into spikes whose long-run rate is current × maxRate', () => {
    const enc = new PopulationSpikeEncoder(code, 0.5);
    enc.setObservation([0.25, 5]);
    const currents = populationEncode(code, [0.25, 5]);
    const counts = new Float64Array(code.size);
    const steps = 1000;
    const out = new Float32Array(code.size);
    for (let t = 0; t < steps; t++) {
      enc.step(out);
      for (let k = 0; k < code.size; k++) counts[k]! += out[k]!;
    }
    for (let k = 0; k < code.size; k++) expect(Math.abs(counts[k]! - currents[k]! * 0.5 * steps)).toBeLessThanOrEqual(1);
    enc.reset();
    enc.setObservation([0.25, 5]);
    const first = Array.from(enc.step());
    expect(first.every((s) => s === 0)).toBe(true);
  });
});
