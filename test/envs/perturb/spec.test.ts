import { describe, expect, it } from 'vitest';
import { formatPerturbation, makeEnv, parsePerturbation, validatePerturbation } from '../../../envs/index.ts';

describe('perturbation spec', () => {
  it('parses the string form into the object form', () => {
    expect(parsePerturbation('pushes=0.08,noise=0.05,delay=1,mass=1.2')).toEqual({
      pushes: { impulseNs: 0.08 },
      noise: 0.05,
      delay: 1,
      randomize: { mass: [0.8, 1.2] },
    });
    expect(parsePerturbation('pushes=1,push-interval=0.5:2,push-body=rod,push-direction=any,poleMassKg=0.5:2')).toEqual({
      pushes: { impulseNs: 1, intervalS: [0.5, 2], body: 'rod', direction: 'any' },
      randomize: { poleMassKg: [0.5, 2] },
    });
    expect(parsePerturbation('none')).toEqual({});
    expect(parsePerturbation('')).toEqual({});
  });

  it('a single factor F means [1 − |F − 1|, 1 + |F − 1|]', () => {
    const r = parsePerturbation('mass=0.7').randomize!['mass']!;
    expect(r[0]).toBeCloseTo(0.7, 12);
    expect(r[1]).toBeCloseTo(1.3, 12);
  });

  it('round-trips through the canonical string', () => {
    for (const s of [
      'pushes=0.08,noise=0.05,delay=1,mass=0.8:1.2',
      'pushes=2,push-interval=1:2,push-body=torso,push-direction=horizontal',
      'none',
      'length=0.9:1.1,gravity=0.5:1',
    ]) {
      expect(formatPerturbation(parsePerturbation(s))).toBe(s);
    }
  });

  it('bad specs are refused with the key named', () => {
    expect(() => parsePerturbation('pushes=abc')).toThrow(/'pushes': 'abc' is not a number/);
    expect(() => parsePerturbation('delay=1.5')).toThrow(/delay: must be an integer/);
    expect(() => parsePerturbation('noise=-1')).toThrow(/noise: .*>= 0/);
    expect(() => parsePerturbation('mass=0')).toThrow(/randomize\.mass.*must be > 0/);
    expect(() => parsePerturbation('mass=1.2:0.8')).toThrow(/min <= max/);
    expect(() => parsePerturbation('pushes')).toThrow(/not KEY=VALUE/);
    expect(() => parsePerturbation('delay=1,delay=2')).toThrow(/'delay' is given twice/);
    expect(() => parsePerturbation('push-interval=1:2')).toThrow(/need pushes=/);
    expect(() => parsePerturbation('push-direction=up,pushes=1')).toThrow(/pushes\.direction/);
    expect(() => parsePerturbation('wind-speed=2')).toThrow(/unknown key 'wind-speed'/);
    expect(() => validatePerturbation({ pushes: { impulseNs: 1, every: 2 } })).toThrow(/pushes: .*every/);
  });

  it('keys that match no parameter of the env are refused when the env is built', () => {
    expect(() => makeEnv('reacher', { perturb: 'friction=1.2' })).toThrow(/'friction': Reacher-v1 has no parameter in this group/);
    expect(() => makeEnv('cartpole', { perturb: 'linkMassKg=0.5:2' })).toThrow(/unknown key 'linkMassKg' for CartPoleContinuous-v1/);
    expect(() => makeEnv('cartpole', { perturb: 'mass=1.2,poleMassKg=1:2' })).toThrow(/'poleMassKg' is randomised twice/);
    expect(() => makeEnv('cartpole', { perturb: 'pushes=0.1,push-body=wheel' }).reset({ seed: 0 })).toThrow(
      /no movable body 'wheel'; bodies: cart, pole/,
    );
  });
});
