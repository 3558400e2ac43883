import { describe, expect, it } from 'vitest';
import {
  CartPoleEnv,
  DEFAULT_CARTPOLE_PARAMS,
  DEFAULT_PENDULUM_PARAMS,
  DEFAULT_REACHER_PARAMS,
  DEFAULT_WALKER_PARAMS,
  PendulumEnv,
  listEnvs,
  makeEnv,
} from '../../envs/index.ts';

describe('physical parameters', () => {
  const defaults: Record<string, object> = {
    'CartPoleContinuous-v1': DEFAULT_CARTPOLE_PARAMS,
    'CartPole-v1': DEFAULT_CARTPOLE_PARAMS,
    'Pendulum-v1': DEFAULT_PENDULUM_PARAMS,
    'Reacher-v1': DEFAULT_REACHER_PARAMS,
    'Walker-v1': DEFAULT_WALKER_PARAMS,
  };

  for (const id of listEnvs()) {
    it(`${id}: defaults are in force and shown in the world snapshot`, () => {
      const env = makeEnv(id);
      env.reset({ seed: 0 });
      expect(env.params).toEqual(defaults[id]);
      expect(env.snapshot().params).toEqual(defaults[id]);
    });

    it(`${id}: giving the default values explicitly changes nothing, bit for bit`, () => {
      const run = (params?: Record<string, number>) => {
        const env = makeEnv(id, params ? { params } : {});
        const a = env.actionSpace;
        a.seed(5);
        const out = [...env.reset({ seed: 9 }).observation];
        for (let t = 0; t < 30; t++) {
          const r = env.step(a.sample());
          out.push(...r.observation, r.reward);
          if (r.terminated) break;
        }
        return out;
      };
      expect(run({ ...(defaults[id] as Record<string, number>) })).toEqual(run());
    });
  }

  it('a set parameter reaches the snapshot and changes the dynamics', () => {
    const env = makeEnv('cartpole', { params: { poleMassKg: 0.3 } });
    env.reset({ seed: 1 });
    expect(env.snapshot().params?.['poleMassKg']).toBe(0.3);
    const heavy = [env.step([1]).observation[3]!];
    const light = makeEnv('cartpole');
    light.reset({ seed: 1 });
    expect(light.step([1]).observation[3]).not.toBeCloseTo(heavy[0]!, 4);
  });

  it('pendulum with no gravity and no torque keeps its angle', () => {
    const env = new PendulumEnv({ params: { gravityMS2: 0 } });
    env.reset({ seed: 0 });
    env.setState({ theta: 1.0, thetaDot: 0 });
    for (let t = 0; t < 20; t++) env.step([0]);
    expect(env.getState().theta).toBeCloseTo(1.0, 3);
  });

  it('walker with no gravity does not sink', () => {
    const env = makeEnv('walker', { params: { gravityMS2: 0 } });
    const y0 = env.reset({ seed: 0 }).observation[0]!;
    let y = y0;
    for (let t = 0; t < 25; t++) y = env.step(new Array(8).fill(0)).observation[0]!;
    expect(Math.abs(y - y0)).toBeLessThan(1e-3);
  });

  it('bad parameters are refused with the field named', () => {
    expect(() => makeEnv('cartpole', { params: { poleMassKg: -1 } })).toThrow(/CartPoleContinuous-v1: params\.poleMassKg: must be > 0/);
    expect(() => makeEnv('pendulum', { params: { lengthM: NaN } })).toThrow(/params\.lengthM: must be finite/);
    expect(() => makeEnv('reacher', { params: { jointDampingNms: -0.1 } })).toThrow(/params\.jointDampingNms: must be >= 0/);
    expect(() => makeEnv('walker', { params: { tauS: 0.01 } })).toThrow(/unknown parameter\(s\) 'tauS'; known: gravityMS2, torsoMassKg/);
    expect(() => makeEnv('cartpole', { params: { cartMassKg: '2' as unknown as number } })).toThrow(/params\.cartMassKg: must be a number/);
    expect(() => new CartPoleEnv({ params: 3 as never })).toThrow(/params: /);
  });

  it('setParams takes effect at the next reset, never mid-episode', () => {
    const env = makeEnv('cartpole');
    env.reset({ seed: 0 });
    env.setParams!({ cartMassKg: 2 });
    expect(env.params?.['cartMassKg']).toBe(1);
    env.step([0]);
    expect(env.snapshot().params?.['cartMassKg']).toBe(1);
    env.reset({ seed: 0 });
    expect(env.params?.['cartMassKg']).toBe(2);
    expect(() => env.setParams!({ cartMassKg: 0 })).toThrow(/params\.cartMassKg: must be > 0/);
  });
});
