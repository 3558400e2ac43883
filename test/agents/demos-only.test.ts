import { describe, expect, it } from 'vitest';
import { makeTeacher, registerTeacher } from '../../agents/teachers/index.ts';
import { recordTeacher } from '../../agents/demos.ts';
import { trainController } from '../../agents/recipe.ts';
import { makeEnv, registerEnv, Renamed } from '../../envs/index.ts';
import { runCli } from '../support/cli.ts';

describe('recording demonstrations with noise on the executed action (DART)', () => {
  it("records the teacher's own action at every visited state, while the noise takes the body off the clean path", () => {
    const clean = recordTeacher('cartpole', makeTeacher('cartpole'), { episodes: 2, seed: 3, maxSteps: 200 });
    const noisy = recordTeacher('cartpole', makeTeacher('cartpole'), {
      episodes: 2,
      seed: 3,
      maxSteps: 200,
      noise: 0.3,
      noiseCorrelation: 0.9,
    });
    const teacher = makeTeacher('cartpole');
    for (const e of noisy) for (const s of e.steps) expect(Array.from(s.action)).toEqual(Array.from(teacher.act(s.observation)));
    // same start, then apart: the noisy run visits states the clean one never does
    expect(Array.from(noisy[0]!.steps[0]!.observation)).toEqual(Array.from(clean[0]!.steps[0]!.observation));
    const maxTilt = (eps: typeof clean): number => Math.max(...eps.flatMap((e) => e.steps.map((s) => Math.abs(s.observation[2]!))));
    expect(maxTilt(noisy)).toBeGreaterThan(2 * maxTilt(clean));
    // seeded: the same call records the same file
    const again = recordTeacher('cartpole', makeTeacher('cartpole'), {
      episodes: 2,
      seed: 3,
      maxSteps: 200,
      noise: 0.3,
      noiseCorrelation: 0.9,
    });
    expect(Array.from(again[1]!.steps[150]!.observation)).toEqual(Array.from(noisy[1]!.steps[150]!.observation));
  });

  it('cycles episodes through the perturbation conditions', () => {
    const eps = recordTeacher('cartpole', makeTeacher('cartpole'), {
      episodes: 2,
      seed: 0,
      maxSteps: 100,
      perturbations: ['none', 'mass=1.5'],
    });
    const nominal = recordTeacher('cartpole', makeTeacher('cartpole'), { episodes: 2, seed: 0, maxSteps: 100 });
    expect(Array.from(eps[0]!.steps[99]!.observation)).toEqual(Array.from(nominal[0]!.steps[99]!.observation));
    expect(Array.from(eps[1]!.steps[99]!.observation)).not.toEqual(Array.from(nominal[1]!.steps[99]!.observation));
  });

  it('refuses noise on a discrete action space and bad flags, naming them', async () => {
    expect(() =>
      recordTeacher('cartpole-discrete', makeTeacher('cartpole-discrete'), { episodes: 1, seed: 0, maxSteps: 5, noise: 0.1 }),
    ).toThrow(/noise needs a Box action space; CartPole-v1's is discrete/);
    const bad = await runCli(['record', '--env', 'cartpole', '--noise-correlation', '1', '--out', '/tmp/x.jsonl']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--noise-correlation must be a number in \[0, 1\), got '1'/);
    const badPerturb = await runCli(['record', '--env', 'cartpole', '--perturb', 'shove=3', '--out', '/tmp/x.jsonl']);
    expect(badPerturb.code).toBe(1);
    expect(badPerturb.err).toMatch(/shove/);
  });
});

describe('training from demonstrations alone', () => {
  it('never builds the teacher when there is no DAgger round, even for an env that has one', () => {
    registerEnv('DemoOnlyCart-v1', () => new Renamed(makeEnv('CartPoleContinuous-v1', { maxEpisodeSteps: false }), 'DemoOnlyCart-v1'));
    registerTeacher('DemoOnlyCart-v1', () => {
      throw new Error('the teacher was asked for');
    });
    const demos = recordTeacher('cartpole', makeTeacher('cartpole'), { episodes: 2, seed: 1, maxSteps: 40, noise: 0.3 });
    const tiny = { budget: 4, scoreEpisodes: 1, rolloutSteps: 40, hidden: [16, 16] as [number, number], neuronsPerDim: 4, batchSize: 8 };
    const trained = trainController({ env: 'DemoOnlyCart-v1', ...tiny, daggerRounds: 0 }, { demos });
    trained.network.dispose();
    expect(trained.rounds.map((r) => r.round)).toEqual([0]);
    expect(() => trainController({ env: 'DemoOnlyCart-v1', ...tiny, daggerRounds: 1 }, { demos })).toThrow(/the teacher was asked for/);
  });
});
