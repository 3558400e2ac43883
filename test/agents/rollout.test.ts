import { describe, expect, it } from 'vitest';
import { makeTeacher } from '../../agents/teachers/index.ts';
import { daggerRollouts, evaluateActor, teacherRollouts } from '../../agents/rollout.ts';
import type { SpikingPolicy } from '../../src/stream/events.ts';

/** A policy that always pushes right: drives the cart off balance, so DAgger visits bad states. */
function constantPolicy(value: number): SpikingPolicy & { calls: number } {
  const p = {
    layerSizes: [1, 2],
    substeps: 10,
    calls: 0,
    reset() {},
    step() {
      p.calls++;
      return { action: Float64Array.of(value), spikes: [] };
    },
  };
  return p;
}

describe('teacher rollouts with noise injection', () => {
  it('are seeded, label states with the clean teacher command, and the noise changes the visited states', () => {
    const teacher = makeTeacher('cartpole');
    const a = teacherRollouts('cartpole', teacher, { episodes: 2, seed: 5, maxSteps: 60, noise: 0.3 });
    const b = teacherRollouts('cartpole', makeTeacher('cartpole'), { episodes: 2, seed: 5, maxSteps: 60, noise: 0.3 });
    const clean = teacherRollouts('cartpole', makeTeacher('cartpole'), { episodes: 2, seed: 5, maxSteps: 60, noise: 0 });
    expect(a.map((t) => t.observations.length)).toEqual([60, 60]);
    expect(a[1]!.observations.map((o) => Array.from(o))).toEqual(b[1]!.observations.map((o) => Array.from(o)));
    expect(a[0]!.observations[30]![0]).not.toBe(clean[0]!.observations[30]![0]);
    const check = makeTeacher('cartpole');
    a[0]!.observations.forEach((o, s) => {
      const want = Math.max(-1, Math.min(1, check.act(o)[0]! / 1));
      expect(a[0]!.commands[s]![0]).toBeCloseTo(want, 12);
    });
  });

  it('label in units of commandScale × the action bound, clipped to [−1, 1]', () => {
    const half = teacherRollouts('cartpole', makeTeacher('cartpole'), { episodes: 1, seed: 5, maxSteps: 40, noise: 0, commandScale: 0.5 });
    const check = makeTeacher('cartpole');
    half[0]!.observations.forEach((o, s) =>
      expect(half[0]!.commands[s]![0]).toBeCloseTo(Math.max(-1, Math.min(1, check.act(o)[0]! / 0.5)), 12),
    );
    expect(() => teacherRollouts('cartpole', makeTeacher('cartpole'), { episodes: 1, commandScale: 0 })).toThrow(
      /commandScale must be > 0/,
    );
  });

  it('labels with commandExponent γ are sign·|linear label|^γ', () => {
    const lin = teacherRollouts('cartpole', makeTeacher('cartpole'), { episodes: 1, seed: 7, maxSteps: 40, noise: 0 });
    const sq = teacherRollouts('cartpole', makeTeacher('cartpole'), { episodes: 1, seed: 7, maxSteps: 40, noise: 0, commandExponent: 0.5 });
    lin[0]!.commands.forEach((c, s) => expect(sq[0]!.commands[s]![0]).toBeCloseTo(Math.sign(c[0]!) * Math.sqrt(Math.abs(c[0]!)), 12));
    expect(lin[0]!.commands.some((c) => Math.abs(c[0]!) > 0.01 && Math.abs(c[0]!) < 0.99)).toBe(true);
    expect(() => teacherRollouts('cartpole', makeTeacher('cartpole'), { episodes: 1, commandExponent: 2 })).toThrow(
      /commandExponent must be in \(0, 1\], got 2/,
    );
  });

  it('with correlated noise (noiseCorrelation ρ) drift further from the teacher’s own path than white noise of the same σ', () => {
    const rms = (rho: number): number[] => {
      const ts = teacherRollouts('cartpole', makeTeacher('cartpole'), {
        episodes: 6,
        seed: 11,
        maxSteps: 300,
        noise: 0.3,
        noiseCorrelation: rho,
      });
      const obs = ts.flatMap((t) => t.observations);
      return [0, 2].map((d) => Math.sqrt(obs.reduce((a, o) => a + o[d]! ** 2, 0) / obs.length));
    };
    const [xWhite, thWhite] = rms(0);
    const [xOu, thOu] = rms(0.9);
    // white noise at 50 Hz averages out within a few steps; ρ = 0.9 holds a bias for ~10 steps
    expect(xOu!).toBeGreaterThan(2 * xWhite!);
    expect(thOu!).toBeGreaterThan(2 * thWhite!);
    const again = teacherRollouts('cartpole', makeTeacher('cartpole'), {
      episodes: 1,
      seed: 11,
      maxSteps: 50,
      noise: 0.3,
      noiseCorrelation: 0.9,
    });
    const first = teacherRollouts('cartpole', makeTeacher('cartpole'), {
      episodes: 1,
      seed: 11,
      maxSteps: 50,
      noise: 0.3,
      noiseCorrelation: 0.9,
    });
    expect(again[0]!.observations.map((o) => Array.from(o))).toEqual(first[0]!.observations.map((o) => Array.from(o)));
    expect(() => teacherRollouts('cartpole', makeTeacher('cartpole'), { episodes: 1, noiseCorrelation: 1 })).toThrow(
      /noiseCorrelation must be in \[0, 1\), got 1/,
    );
  });

  it('refuse a Discrete action space with a clear message', () => {
    expect(() => teacherRollouts('CartPole-v1', makeTeacher('CartPole-v1'), { episodes: 1 })).toThrow(
      /Discrete; spiking controllers need a Box action space/,
    );
  });
});

describe('DAgger rollouts', () => {
  it('let the SNN drive (β = 0) and the teacher label every visited state', () => {
    const policy = constantPolicy(1);
    const { trajectories, returns } = daggerRollouts('cartpole', policy, makeTeacher('cartpole'), { episodes: 2, seed: 3, beta: 0 });
    const steps = trajectories.map((t) => t.observations.length);
    expect(policy.calls).toBe(steps[0]! + steps[1]!);
    // pushing right all the time fails fast, far from the teacher's 500 steps
    expect(Math.max(...steps)).toBeLessThan(100);
    expect(returns).toEqual(steps);
    const teacher = makeTeacher('cartpole');
    const t = trajectories[1]!;
    t.observations.forEach((o, s) => expect(t.commands[s]![0]).toBeCloseTo(Math.max(-1, Math.min(1, teacher.act(o)[0]!)), 12));
    // the teacher pushes back (negative) once the pole falls right
    expect(t.commands.some((c) => c[0]! < -0.5)).toBe(true);
  });

  it('with β = 1 follow the teacher, which balances to the cap', () => {
    const { trajectories } = daggerRollouts('cartpole', constantPolicy(1), makeTeacher('cartpole'), {
      episodes: 1,
      seed: 3,
      beta: 1,
      maxSteps: 200,
    });
    expect(trajectories[0]!.observations.length).toBe(200);
  });
});

describe('evaluateActor', () => {
  it('runs seeded episodes to the env limit and reports the final info', () => {
    const out = evaluateActor('reacher', makeTeacher('reacher'), 2, 7);
    expect(out.map((o) => o.seed)).toEqual([7, 8]);
    expect(out.every((o) => o.steps === 100 && typeof o.info.distance === 'number')).toBe(true);
    expect(() => evaluateActor('reacher', makeTeacher('reacher'), 0)).toThrow(/episodes must be a positive integer/);
  });
});

describe('rollouts under perturbations (robust recipe)', () => {
  it('cycle the conditions over the episodes: episode e runs under perturbations[e % n], seeded like the nominal one', () => {
    const run = (perturbations?: string[]) =>
      teacherRollouts('cartpole', makeTeacher('cartpole'), { episodes: 2, seed: 5, maxSteps: 40, noise: 0, perturbations });
    const nominal = run();
    const mixed = run(['none', 'noise=0.1']);
    const again = run(['none', 'noise=0.1']);
    const obs = (t: { observations: Float64Array[] }) => t.observations.map((o) => Array.from(o));
    expect(obs(mixed[0]!)).toEqual(obs(nominal[0]!)); // episode 0: nominal
    expect(obs(mixed[1]!)).not.toEqual(obs(nominal[1]!)); // episode 1: noisy observations
    expect(obs(mixed[1]!)).toEqual(obs(again[1]!)); // the noise is seeded
    expect(() => run(['pushes=oops'])).toThrow(/pushes/);
  });
});
