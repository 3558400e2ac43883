import { describe, expect, it } from 'vitest';
import { checkEnv, listAliases, listEnvs, makeEnv, TimeLimit, VectorEnv } from '../../envs/index.ts';

describe('registry', () => {
  it('resolves versioned ids and short aliases to the same env', () => {
    for (const [alias, id] of Object.entries(listAliases())) expect(makeEnv(alias).id).toBe(id);
    expect(listEnvs()).toContain('CartPoleContinuous-v1');
    expect(listAliases()['cartpole']).toBe('CartPoleContinuous-v1');
  });

  it('names the unknown env and lists the known ones', () => {
    expect(() => makeEnv('nope')).toThrow(/unknown env 'nope'.*CartPoleContinuous-v1/);
  });

  it('wraps in a TimeLimit that truncates at maxEpisodeSteps', () => {
    const env = makeEnv('cartpole', { maxEpisodeSteps: 3 });
    expect(env).toBeInstanceOf(TimeLimit);
    env.reset({ seed: 0 });
    const flags = [0, 1, 2].map(() => env.step([0]));
    expect(flags.map((r) => r.truncated)).toEqual([false, false, true]);
  });
});

describe('every registered env', () => {
  for (const id of listEnvs()) {
    it(`${id} passes checkEnv`, () => {
      expect(checkEnv(makeEnv(id), { steps: 150 })).toBe(150);
    });

    it(`${id} is bit-identical for the same seed and actions`, () => {
      const run = () => {
        const env = makeEnv(id);
        const rng = env.actionSpace;
        rng.seed(7);
        const out: number[] = [...env.reset({ seed: 42 }).observation];
        for (let t = 0; t < 60; t++) {
          const r = env.step(rng.sample());
          out.push(...r.observation, r.reward);
          if (r.terminated || r.truncated) out.push(...env.reset().observation);
        }
        return out;
      };
      expect(run()).toEqual(run());
    });

    it(`${id} gives different starts for different seeds`, () => {
      const env = makeEnv(id);
      const a = env.reset({ seed: 1 }).observation;
      const b = env.reset({ seed: 2 }).observation;
      expect(Array.from(a)).not.toEqual(Array.from(b));
    });
  }
});

describe('VectorEnv', () => {
  it('matches N separately stepped copies and autoresets finished ones', () => {
    const n = 4;
    const vec = new VectorEnv(() => makeEnv('cartpole'), n);
    const singles = Array.from({ length: n }, () => makeEnv('cartpole'));
    const obs0 = vec.reset(10);
    singles.forEach((e, i) =>
      expect(Array.from(obs0.subarray(i * 4, i * 4 + 4))).toEqual(Array.from(e.reset({ seed: 10 + i }).observation)),
    );
    const actions = new Float64Array(n).fill(1);
    let sawReset = false;
    for (let t = 0; t < 80; t++) {
      const r = vec.step(actions);
      singles.forEach((e, i) => {
        const s = e.step([1]);
        const expected = s.terminated || s.truncated ? e.reset().observation : s.observation;
        if (s.terminated) {
          sawReset = true;
          expect(r.terminated[i]).toBe(1);
          expect(Array.from(r.finalObservations[i]!)).toEqual(Array.from(s.observation));
        }
        expect(Array.from(r.observations.subarray(i * 4, i * 4 + 4))).toEqual(Array.from(expected));
      });
    }
    expect(sawReset).toBe(true);
  });

  it('rejects an action array of the wrong length', () => {
    const vec = new VectorEnv(() => makeEnv('cartpole'), 2);
    vec.reset(0);
    expect(() => vec.step([0])).toThrow(/length 2×1 = 2, got 1/);
  });
});
