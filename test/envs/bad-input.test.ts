import { describe, expect, it } from 'vitest';
import { makeEnv } from '../../envs/index.ts';

describe('bad actions are refused with a clear error and leave the world untouched', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['wrong length', [0, 0], /length 1, got 2/],
    ['NaN', [NaN], /finite number, got NaN/],
    ['Infinity', [Infinity], /finite number/],
    ['out of bounds', [1.5], /outside \[-1, 1\]/],
    ['not an array', 'push', /length 1, got 4|finite number/],
  ];
  for (const [name, action, msg] of cases) {
    it(`cartpole: ${name}`, () => {
      const env = makeEnv('cartpole');
      env.reset({ seed: 3 });
      const before = env.snapshot();
      expect(() => env.step(action as number[])).toThrow(msg);
      expect(env.snapshot()).toEqual(before);
      expect(() => env.step([0])).not.toThrow();
    });
  }

  for (const id of ['pendulum', 'reacher']) {
    it(`${id}: NaN, wrong length and out-of-range actions are refused`, () => {
      const env = makeEnv(id);
      env.reset({ seed: 0 });
      const n = env.actionSpace.kind === 'box' ? env.actionSpace.low.length : 1;
      const before = env.snapshot();
      expect(() => env.step(new Array(n).fill(NaN))).toThrow(/finite number/);
      expect(() => env.step(new Array(n + 1).fill(0))).toThrow(new RegExp(`length ${n}, got ${n + 1}`));
      expect(() => env.step(new Array(n).fill(1e3))).toThrow(/outside/);
      expect(env.snapshot()).toEqual(before);
    });
  }

  it('clips out-of-bounds values when asked to', () => {
    const a = makeEnv('cartpole', { outOfBounds: 'clip' });
    const b = makeEnv('cartpole');
    a.reset({ seed: 1 });
    b.reset({ seed: 1 });
    expect(Array.from(a.step([7]).observation)).toEqual(Array.from(b.step([1]).observation));
  });

  it('discrete cartpole refuses non-integers', () => {
    const env = makeEnv('CartPole-v1');
    env.reset({ seed: 0 });
    expect(() => env.step(0.5)).toThrow(/integer in 0..1, got 0.5/);
    expect(() => env.step(2)).toThrow(/integer in 0..1/);
  });

  it('refuses step after termination until reset', () => {
    const env = makeEnv('cartpole', { maxEpisodeSteps: false });
    env.reset({ seed: 0 });
    let r = env.step([1]);
    while (!r.terminated) r = env.step([1]);
    expect(() => env.step([0])).toThrow(/call reset\(\) first/);
  });

  it('applyImpulse names a missing body', () => {
    const env = makeEnv('cartpole');
    env.reset({ seed: 0 });
    expect(() => env.applyImpulse!(99, [0, 0], [1, 0])).toThrow(/no body with id 99/);
  });
});
