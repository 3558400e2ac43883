import { describe, expect, it } from 'vitest';
import { box, checkEnv, EnvCheckError, listEnvs, makeEnv, type Env, type StepResult, type WorldSnapshot } from '../../envs/index.ts';
import { envMetadata } from '../../envs/kit.ts';
import { createRng, type Rng } from '../../src/util/random.ts';

/**
 * A small correct env (a damped point on a line, no physics engine) that each case breaks in one
 * way; checkEnv must name the method and the problem.
 */
class PointEnv implements Env {
  id = 'Point-v0';
  observationSpace = box([-1, -2], [1, 2]);
  actionSpace = box([-1], [1]);
  metadata = envMetadata({ dtS: 0.1, substeps: 1, maxEpisodeSteps: 50, lengthScaleM: 1 });
  protected rng: Rng = createRng(1);
  protected x = 0;
  protected v = 0;
  reset(opts: { seed?: number } = {}) {
    if (opts.seed !== undefined) this.rng = createRng(opts.seed);
    this.x = this.rng.uniform(-0.1, 0.1);
    this.v = 0;
    return { observation: this.observe(), info: {} };
  }
  step(action: ArrayLike<number> | number): StepResult {
    const a = typeof action === 'number' ? action : action[0]!;
    this.v = 0.9 * this.v + 0.1 * a;
    this.x = Math.max(-1, Math.min(1, this.x + 0.1 * this.v));
    return { observation: this.observe(), reward: -Math.abs(this.x), terminated: false, truncated: false, info: {} };
  }
  observe(): Float64Array {
    return Float64Array.of(this.x, this.v);
  }
  snapshot(): WorldSnapshot {
    const square = [
      [this.x - 0.05, -0.05],
      [this.x + 0.05, -0.05],
      [this.x + 0.05, 0.05],
      [this.x - 0.05, 0.05],
    ] as const;
    return {
      time: 0,
      bodies: [{ id: 0, label: 'point', position: [this.x, 0], angle: 0, vertices: square, isStatic: false }],
      constraints: [],
    };
  }
  close(): void {}
}

/** The messages checkEnv gives for `env` (none when it passes). */
function problemsOf(env: Env): readonly string[] {
  try {
    checkEnv(env, { steps: 60 });
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(EnvCheckError);
    return (e as EnvCheckError).problems;
  }
}

describe('checkEnv tells the author what is wrong', () => {
  it('passes a correct env and every built-in one', () => {
    expect(checkEnv(new PointEnv(), { steps: 60 })).toBe(60);
    for (const id of listEnvs()) expect(checkEnv(makeEnv(id), { steps: 30 }), id).toBe(30);
  });

  it('a missing method and bad metadata', () => {
    const env = Object.assign(new PointEnv(), { step: undefined, metadata: { ...new PointEnv().metadata, controlHz: 5 } });
    expect(problemsOf(env as unknown as Env)).toEqual([
      'step(): is missing (got undefined); an Env has reset, step, snapshot and close',
      'metadata.controlHz: must be 1 / dtS = 10, got 5',
    ]);
  });

  it('reset: a plain array, the wrong length, no info', () => {
    class ArrayObs extends PointEnv {
      override reset() {
        return { observation: [0, 0] as unknown as Float64Array, info: {} };
      }
    }
    expect(problemsOf(new ArrayObs())).toEqual(['reset(): observation must be a Float64Array, got an array [0, 0]']);
    class Long extends PointEnv {
      override observe() {
        return Float64Array.of(this.x, this.v, 0);
      }
    }
    expect(problemsOf(new Long())).toEqual(['reset(): observation has length 3, observationSpace has 2']);
    class NoInfo extends PointEnv {
      override reset(opts: { seed?: number } = {}) {
        return { observation: super.reset(opts).observation } as ReturnType<PointEnv['reset']>;
      }
    }
    expect(problemsOf(new NoInfo())).toEqual(['reset(): info must be an object ({} when there is nothing to say), got undefined']);
  });

  it('reset({seed}) that ignores the seed, and a step that draws from elsewhere', () => {
    class Unseeded extends PointEnv {
      override reset() {
        this.x = Math.random() * 0.1;
        this.v = 0;
        return { observation: this.observe(), info: {} };
      }
    }
    expect(problemsOf(new Unseeded())[0]).toMatch(
      /^reset\(\{seed: 0\}\): gave observation\[0\] = .*, then .* for the same seed; draw the start state from a stream seeded by reset/,
    );
    class NoisyStep extends PointEnv {
      override step(action: ArrayLike<number> | number): StepResult {
        const r = super.step(action);
        return { ...r, reward: r.reward + Math.random() * 1e-9 };
      }
    }
    expect(problemsOf(new NoisyStep())).toEqual([
      expect.stringMatching(/^step\(\): not deterministic: after reset\(\{seed: 0\}\) and the same actions, step 0 differs \(value 2: /),
    ]);
  });

  it('step: non-finite values, leaving the space without terminating, flags that are not booleans, an exception', () => {
    class NaNStep extends PointEnv {
      override step(action: ArrayLike<number> | number): StepResult {
        const r = super.step(action);
        r.observation[1] = NaN;
        return r;
      }
    }
    expect(problemsOf(new NaNStep())).toEqual(['step() #0: observation[1] = NaN is not finite']);
    class Escapes extends PointEnv {
      override observe() {
        return Float64Array.of(this.x * 20, this.v);
      }
      override reset(opts: { seed?: number } = {}) {
        super.reset(opts);
        this.x = 0;
        return { observation: this.observe(), info: {} };
      }
    }
    expect(problemsOf(new Escapes())[0]).toMatch(
      /^step\(\) #\d+: observation\[0\] = .* is outside observationSpace \[-1, 1\] and the step did not terminate/,
    );
    class NumberFlags extends PointEnv {
      override step(action: ArrayLike<number> | number): StepResult {
        return { ...super.step(action), terminated: 0 as unknown as boolean };
      }
    }
    expect(problemsOf(new NumberFlags())).toEqual(['step() #0: terminated and truncated must be booleans, got number 0 and boolean false']);
    class InfReward extends PointEnv {
      override step(action: ArrayLike<number> | number): StepResult {
        return { ...super.step(action), reward: Infinity };
      }
    }
    expect(problemsOf(new InfReward())).toEqual(['step() #0: reward must be a finite number, got number Infinity']);
    class Throws extends PointEnv {
      override step(): StepResult {
        throw new Error('boom');
      }
    }
    expect(problemsOf(new Throws())).toEqual(['step() #0: threw boom']);
  });

  it('an observation array that the next step overwrites', () => {
    class SharedBuffer extends PointEnv {
      private readonly buf = new Float64Array(2);
      override observe() {
        this.buf[0] = this.x;
        this.buf[1] = this.v;
        return this.buf;
      }
    }
    expect(problemsOf(new SharedBuffer())).toContain(
      'reset(): its observation array was changed by the next step(); return a new array each time',
    );
  });

  it('an action space whose samples it refuses itself', () => {
    const env = new PointEnv();
    const space = env.actionSpace;
    env.actionSpace = { ...space, sample: () => Float64Array.of(3) };
    expect(problemsOf(env)[0]).toBe('actionSpace.sample(): gave Float64Array [3], which actionSpace.contains() refuses');
  });

  it('a snapshot the visualizer cannot draw, every problem listed', () => {
    class BadSnapshot extends PointEnv {
      override snapshot(): WorldSnapshot {
        const s = super.snapshot();
        return {
          time: NaN,
          bodies: [
            { ...s.bodies[0]!, id: 3 },
            { ...s.bodies[0]!, id: 1, label: 'dot', vertices: [[0, 0]] },
          ],
          constraints: [{ label: 'pin', a: [0, 0], b: [NaN, 0] }],
        };
      }
    }
    const problems = problemsOf(new BadSnapshot());
    expect(problems).toEqual([
      'snapshot(): time must be a finite number of seconds, got number NaN',
      "the visualizer cannot draw the snapshot: snapshot body 0 ('point') has id 3; ids must be the body indices; " +
        "snapshot body 1 ('dot') has fewer than 2 vertices; snapshot constraint 0 ('pin') has non-finite geometry",
    ]);
    expect(() => checkEnv(new BadSnapshot(), { steps: 5 })).toThrow(/^checkEnv\(Point-v0\): 2 problems:\n {2}- snapshot\(\): time must be/);
  });
});

describe('PhysicsEnv keeps the reset / step order', () => {
  it('refuses a step before the first reset and after a terminating step', () => {
    const env = makeEnv('cartpole', { maxEpisodeSteps: false });
    expect(() => env.step([0])).toThrow('CartPoleContinuous-v1: step() before reset(); call reset() first');
    env.reset({ seed: 0 });
    let t = 0;
    while (!env.step([1]).terminated) t++;
    expect(t).toBeGreaterThan(0);
    expect(() => env.step([0])).toThrow('CartPoleContinuous-v1: step() after the episode ended; call reset() first');
    env.reset();
    expect(env.step([0]).terminated).toBe(false);
  });
});
