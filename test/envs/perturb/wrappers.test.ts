import { describe, expect, it } from 'vitest';
import {
  ActionDelay,
  DomainRandomization,
  ObservationNoise,
  RandomPushes,
  checkEnv,
  listEnvs,
  makeEnv,
  type Action,
  type Env,
  type PushRecord,
} from '../../../envs/index.ts';

/** Steps an env with a fixed action sequence from a seeded reset; returns observations and push records. */
function trace(env: Env, seed: number, actions: (t: number, obs: Float64Array) => Action, steps: number) {
  const obs: Float64Array[] = [env.reset({ seed }).observation];
  const pushes: PushRecord[] = [];
  const rewards: number[] = [];
  for (let t = 0; t < steps; t++) {
    const r = env.step(actions(t, obs[obs.length - 1]!));
    obs.push(r.observation);
    rewards.push(r.reward);
    if (r.info.push) pushes.push(r.info.push as PushRecord);
    if (r.terminated || r.truncated) break;
  }
  return { obs, pushes, rewards };
}

const bare = (id: string) => makeEnv(id, { maxEpisodeSteps: false });

describe('RandomPushes', () => {
  it('pushes at intervals inside the range, with the given impulse, on the named body', () => {
    const env = new RandomPushes(bare('pendulum'), { impulseNs: 0.5, intervalS: [0.5, 1], body: 'rod', direction: 'horizontal' });
    const { pushes } = trace(env, 3, () => [0], 200);
    expect(pushes.length).toBeGreaterThanOrEqual(9);
    expect(pushes.length).toBeLessThanOrEqual(20);
    const gaps = pushes.slice(1).map((p, i) => p.timeS - pushes[i]!.timeS);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(0.5 - 0.05 - 1e-9); // one control step (0.05 s) of rounding
      expect(g).toBeLessThanOrEqual(1 + 0.05 + 1e-9);
    }
    for (const p of pushes) {
      expect(Math.abs(p.impulse[0])).toBe(0.5);
      expect(p.impulse[1]).toBe(0);
      expect(p.body).toBe('rod');
    }
    expect(new Set(pushes.map((p) => Math.sign(p.impulse[0]))).size).toBe(2);
  });

  it('moves the body: the step with a push differs from the same step without', () => {
    const plain = trace(bare('cartpole'), 4, () => [0], 8);
    const pushed = trace(
      new RandomPushes(bare('cartpole'), { impulseNs: 0.05, intervalS: [0.1, 0.1], body: 'pole', direction: 'horizontal' }),
      4,
      () => [0],
      8,
    );
    const k = Math.round(pushed.pushes[0]!.timeS / 0.02); // the push lands before step k and shows in observation k + 1
    expect(k).toBeGreaterThanOrEqual(5);
    expect(pushed.obs[k]).toEqual(plain.obs[k]);
    expect(Math.abs(pushed.obs[k + 1]![3]! - plain.obs[k + 1]![3]!)).toBeGreaterThan(0.1);
  });

  it('gives the same pushes to any controller reset with the same seed, other pushes for another seed', () => {
    const make = () => new RandomPushes(bare('reacher'), { impulseNs: 0.3, intervalS: [0.2, 0.6], body: 'forearm', direction: 'any' });
    const a = trace(make(), 11, () => [1, -1], 100).pushes;
    const b = trace(make(), 11, (_t, o) => [Math.tanh(o[8]!), Math.tanh(o[9]!)], 100).pushes;
    const c = trace(make(), 12, () => [1, -1], 100).pushes;
    expect(a.length).toBeGreaterThan(3);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    for (const p of a) expect(Math.hypot(...p.impulse)).toBeCloseTo(0.3, 12);
  });
});

describe('ObservationNoise', () => {
  it('adds zero-mean noise of the given σ per dimension, and nothing to the world', () => {
    const sigma = [0.01, 0.1, 0.02, 0.3];
    // A PD balance on the clean observations keeps the pole up for the whole run; the noisy env replays its actions.
    const actions: number[][] = [];
    const pd = (_t: number, o: Float64Array) => {
      const a = [Math.max(-1, Math.min(1, 0.1 * o[0]! + 0.2 * o[1]! + 3 * o[2]! + 0.5 * o[3]!))];
      actions.push(a);
      return a;
    };
    const clean = trace(bare('cartpole'), 5, pd, 300);
    const noisy = trace(new ObservationNoise(bare('cartpole'), { sigma }), 5, (t) => actions[t]!, 300);
    expect(clean.rewards.length).toBe(300);
    expect(noisy.rewards).toEqual(clean.rewards);
    for (let d = 0; d < 4; d++) {
      const e = noisy.obs.map((o, t) => o[d]! - clean.obs[t]![d]!);
      const m = e.reduce((a, b) => a + b, 0) / e.length;
      const sd = Math.sqrt(e.reduce((a, b) => a + (b - m) ** 2, 0) / e.length);
      expect(Math.abs(m)).toBeLessThan((4 * sigma[d]!) / Math.sqrt(e.length));
      expect(sd / sigma[d]!).toBeGreaterThan(0.85);
      expect(sd / sigma[d]!).toBeLessThan(1.15);
    }
  });

  it('clips into the observation space (a saturating sensor)', () => {
    const env = new ObservationNoise(bare('pendulum'), { sigma: 0.5 });
    const { obs } = trace(env, 0, () => [0], 50);
    for (const o of obs) expect(env.observationSpace.contains(o)).toBe(true);
  });

  it('refuses a σ of the wrong length or sign', () => {
    expect(() => new ObservationNoise(bare('cartpole'), { sigma: [0.1, 0.1] })).toThrow(
      /sigma has 2 values, CartPoleContinuous-v1 observations have 4/,
    );
    expect(() => new ObservationNoise(bare('cartpole'), { sigma: [0.1, -1, 0, 0] })).toThrow(/sigma\[1\] must be a finite number >= 0/);
  });
});

describe('ActionDelay', () => {
  it('executes each action k steps late, the zero action first', () => {
    const k = 2;
    const acts = (t: number) => [Math.sin(t / 3)];
    const delayed = trace(new ActionDelay(bare('cartpole'), { steps: k }), 6, acts, 60);
    const shifted = trace(bare('cartpole'), 6, (t) => (t < k ? [0] : acts(t - k)), 60);
    expect(delayed.obs).toEqual(shifted.obs);
  });

  it('copies the action (a reused buffer does not change what runs later)', () => {
    const buf = new Float64Array(1);
    const env = new ActionDelay(bare('cartpole'), { steps: 1 });
    const ref = trace(bare('cartpole'), 2, (t) => [t === 0 ? 0 : 0.5], 3);
    env.reset({ seed: 2 });
    const obs = [0, 0, 0].map(() => {
      buf[0] = 0.5;
      const o = env.step(buf).observation;
      buf[0] = -1;
      return o;
    });
    expect(obs[2]).toEqual(ref.obs[3]);
  });
});

describe('DomainRandomization', () => {
  it('draws each parameter inside its range per episode, the same body for the same seed', () => {
    const env = new DomainRandomization(bare('cartpole'), { factors: { cartMassKg: [0.5, 1.5], poleHalfLengthM: [0.8, 1.2] } });
    const seen = new Set<number>();
    for (let s = 0; s < 20; s++) {
      const p = env.reset({ seed: s }).info['params'] as Record<string, number>;
      expect(p['cartMassKg']).toBeGreaterThanOrEqual(0.5);
      expect(p['cartMassKg']).toBeLessThanOrEqual(1.5);
      expect(p['poleHalfLengthM']).toBeGreaterThanOrEqual(0.4);
      expect(p['poleHalfLengthM']).toBeLessThanOrEqual(0.6);
      expect(p['poleMassKg']).toBe(0.1);
      expect(env.snapshot().params).toEqual(p);
      seen.add(p['cartMassKg']!);
    }
    expect(seen.size).toBe(20);
    const again = env.reset({ seed: 7 }).info['params'];
    expect(
      new DomainRandomization(bare('cartpole'), { factors: { cartMassKg: [0.5, 1.5], poleHalfLengthM: [0.8, 1.2] } }).reset({ seed: 7 })
        .info['params'],
    ).toEqual(again);
  });

  it('the drawn body is the one simulated', () => {
    expect(() => new DomainRandomization(bare('pendulum'), { factors: { gravityMS2: [0, 0] } })).toThrow(
      /factors\.gravityMS2 must be \[min, max\] with 0 < min/,
    );
    const heavy = trace(new DomainRandomization(bare('pendulum'), { factors: { lengthM: [2, 2] } }), 1, () => [0], 20);
    const same = trace(makeEnv('pendulum', { maxEpisodeSteps: false, params: { lengthM: 2 } }), 1, () => [0], 20);
    expect(heavy.obs).toEqual(same.obs);
  });

  it('names an unknown parameter and lists the known ones', () => {
    expect(() => new DomainRandomization(bare('cartpole'), { factors: { mass: [0.8, 1.2] } })).toThrow(
      /no parameter 'mass'; known: gravityMS2, cartMassKg/,
    );
  });
});

describe('composed perturbations', () => {
  const full: Record<string, string> = {
    'CartPoleContinuous-v1': 'pushes=0.05,noise=0.02,delay=1,mass=1.2',
    'CartPole-v1': 'pushes=0.05,noise=0.02,delay=1,mass=1.2',
    'Pendulum-v1': 'pushes=0.5,noise=0.02,delay=1,mass=1.2',
    'Reacher-v1': 'pushes=0.3,noise=0.02,delay=1,mass=1.2',
    'Walker-v1': 'pushes=2,noise=0.02,delay=1,mass=1.2',
  };
  for (const id of listEnvs()) {
    it(`${id} under pushes, noise, delay and randomised masses passes checkEnv and is bit-identical per seed`, () => {
      expect(checkEnv(makeEnv(id, { perturb: full[id]! }), { steps: 120 })).toBe(120);
      const run = () => {
        const env = makeEnv(id, { perturb: full[id]! });
        env.actionSpace.seed(3);
        return trace(env, 21, () => env.actionSpace.sample(), 120);
      };
      expect(run()).toEqual(run());
    });
  }

  it('each wrapper keeps its own stream: adding noise and delay does not change the pushes or the body', () => {
    const a = makeEnv('pendulum', { perturb: 'pushes=0.5,mass=1.3' });
    const b = makeEnv('pendulum', { perturb: 'pushes=0.5,mass=1.3,noise=0.05,delay=2' });
    expect(b.reset({ seed: 8 }).info['params']).toEqual(a.reset({ seed: 8 }).info['params']);
    const ta = trace(a, 8, () => [0.2], 200).pushes;
    const tb = trace(b, 8, () => [-1], 200).pushes;
    expect(ta.length).toBeGreaterThan(3);
    expect(tb).toEqual(ta);
  });
});
