import { describe, expect, it } from 'vitest';
import { evaluateRobustness, formatRobustness } from '../../agents/robustness.ts';
import { makeTeacher } from '../../agents/teachers/index.ts';
import type { Actor } from '../../agents/rollout.ts';
import { perturbationSuite, ROBUST_MAGNITUDES } from '../../envs/index.ts';

describe('robustness evaluation', () => {
  it('pairs episodes: two copies of one controller meet identical perturbations (difference exactly 0)', () => {
    const conditions = [{ name: 'all', perturb: 'pushes=0.5,noise=0.03,delay=1,mass=1.3' }];
    const [r] = evaluateRobustness(
      'Pendulum-v1',
      [
        { name: 'a', actor: makeTeacher('pendulum') },
        { name: 'b', actor: makeTeacher('pendulum') },
      ],
      conditions,
      { episodes: 3, seed: 5 },
    );
    const [a, b] = r!.cells;
    expect(b!.meanReturn).toBe(a!.meanReturn);
    expect(b!.returnVsReference).toEqual({ mean: 0, ci: [0, 0] });
    expect(a!.returnVsReference).toBeUndefined();
  });

  it('tells a worse controller from the reference, with intervals around each estimate', () => {
    const zero: Actor = { reset: () => {}, act: () => Float64Array.of(0) };
    const [r] = evaluateRobustness(
      'CartPoleContinuous-v1',
      [
        { name: 'teacher', actor: makeTeacher('cartpole') },
        { name: 'idle', actor: zero },
      ],
      [{ name: 'nominal', perturb: 'none' }],
      { episodes: 4, seed: 0 },
    );
    const [t, z] = r!.cells;
    expect(t!.successes).toBe(4);
    expect(z!.successes).toBe(0);
    expect(z!.successCI[0]).toBe(0);
    expect(z!.successCI[1]).toBeGreaterThan(0.3);
    expect(z!.returnCI[0]).toBeLessThanOrEqual(z!.meanReturn);
    expect(z!.returnCI[1]).toBeGreaterThanOrEqual(z!.meanReturn);
    expect(z!.returnVsReference!.ci[1]).toBeLessThan(0);
    const table = formatRobustness([r!]);
    expect(table).toMatch(
      /\| nominal \| none \| idle \| [\d.]+ \[[\d.]+, [\d.]+\] \| -[\d.]+ \[-[\d.]+, -[\d.]+\] \| 0\/4 \| 0\.00 \[0\.00, 0\.\d\d\] \|/,
    );
  });

  it('the robust suite is nominal plus each chosen perturbation alone', () => {
    for (const [id, m] of Object.entries(ROBUST_MAGNITUDES)) {
      const s = perturbationSuite('robust', id);
      expect(s[0]).toEqual({ name: 'nominal', perturb: 'none' });
      expect(s.length).toBe(1 + Object.keys(m).length);
    }
    expect(perturbationSuite('robust', 'CartPoleContinuous-v1').map((c) => c.name)).toEqual([
      'nominal',
      'pushes',
      'noise',
      'delay',
      'mass',
    ]);
    expect(() => perturbationSuite('hard', 'Pendulum-v1')).toThrow(/unknown perturbation suite 'hard'; known: robust, nominal/);
    expect(() => perturbationSuite('robust', 'CartPole-v1')).toThrow(/no chosen magnitudes for CartPole-v1/);
  });
});
