import { describe, expect, it } from 'vitest';
import { teacherSpikeSource } from '../../src/viz/teacherSource.ts';

describe('teacherSpikeSource', () => {
  const make = (act: (o: Float64Array) => number[]) =>
    teacherSpikeSource({ act, low: [-1, -2], high: [1, 2], actionDims: 1, neuronsPerDim: 11, actionScale: 2 });

  it('fires the sensory neurons whose receptive fields hold the observation', () => {
    const src = make(() => [0]);
    const fired = new Set<number>();
    for (let t = 0; t < 20; t++) for (const i of src.step(Float64Array.of(0.6, -2))!.spikes[0]!) fired.add(i);
    // x = 0.6 is centre 8 of 0..10 over [−1, 1]; y = −2 is centre 0 of the second population (11..21).
    expect(fired.has(8)).toBe(true);
    expect(fired.has(11)).toBe(true);
    for (const i of fired) expect(i < 11 ? Math.abs(i - 8) <= 2 : i - 11 <= 2).toBe(true);
  });

  it('codes the action sign on the push/pull pair and its magnitude in the rate', () => {
    const rate = (a: number) => {
      const src = make(() => [a]);
      const counts = [0, 0];
      for (let t = 0; t < 400; t++) {
        const out = src.step(Float64Array.of(0, 0));
        expect(out.motor[0]).toBeCloseTo(a, 6);
        for (const i of out.spikes[1]!) counts[i]!++;
      }
      return counts;
    };
    const strongPush = rate(1.6);
    const weakPush = rate(0.4);
    const pull = rate(-1);
    expect(strongPush[1]).toBe(0);
    expect(pull[0]).toBe(0);
    expect(pull[1]).toBeGreaterThan(0);
    expect(strongPush[0]! / weakPush[0]!).toBeGreaterThan(3);
    expect(strongPush[0]! / weakPush[0]!).toBeLessThan(5);
  });

  it('reset clears the encoders so that a replay gives the same spikes', () => {
    const src = make((o) => [o[0]!]);
    const run = () => Array.from({ length: 30 }, (_, t) => src.step(Float64Array.of(Math.sin(t / 5), 0)).spikes.map((s) => [...s]));
    const a = run();
    src.reset!(0);
    expect(run()).toEqual(a);
  });

  it('names a wrong action length', () => {
    const src = make(() => [1, 2]);
    expect(() => src.step(Float64Array.of(0, 0))).toThrow(/returned 2 values, expected 1/);
  });
});
