import { describe, expect, it } from 'vitest';
import { makeEnv, TimeLimit } from '../../envs/index.ts';

describe("Gymnasium's names and semantics", () => {
  it('CartPole-v1 is Discrete(2) as in Gymnasium; the continuous variant has its own id', () => {
    const discrete = makeEnv('CartPole-v1');
    expect(discrete.actionSpace.kind).toBe('discrete');
    const continuous = makeEnv('CartPoleContinuous-v1');
    expect(continuous.actionSpace.kind).toBe('box');
    discrete.close();
    continuous.close();
  });

  it('TimeLimit sets truncated on the limit step even when the env terminates there', () => {
    // Count the steps to a fall under a constant push, then put the limit exactly there.
    const bare = makeEnv('CartPole-v1', { maxEpisodeSteps: false });
    bare.reset({ seed: 0 });
    let stepsToFall = 0;
    for (let done = false; !done; stepsToFall++) done = bare.step(1).terminated;
    bare.close();
    const env = new TimeLimit(makeEnv('CartPole-v1', { maxEpisodeSteps: false }), stepsToFall);
    env.reset({ seed: 0 });
    let last = env.step(1);
    for (let t = 1; t < stepsToFall; t++) {
      expect(last.truncated).toBe(false);
      last = env.step(1);
    }
    expect(last.terminated).toBe(true);
    expect(last.truncated).toBe(true);
    env.close();
  });

  it('an unseeded reset is random, a seeded one reproducible', () => {
    const first = (seed?: number) => {
      const env = makeEnv('Pendulum-v1');
      const o = Array.from(env.reset(seed === undefined ? {} : { seed }).observation as ArrayLike<number>);
      env.close();
      return o;
    };
    expect(first()).not.toEqual(first());
    expect(first(7)).toEqual(first(7));
  });
});
