import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  computeFeatures,
  observationFeatureNames,
  reacherJacobianTOffset,
  reacherJointError,
  registerObservationFeature,
} from '../../agents/features.ts';
import { augmentObservation, CONTROLLER_FILE, extraDims, loadPolicy } from '../../agents/controller.ts';
import { trainController } from '../../agents/recipe.ts';
import { ReacherTeacher } from '../../agents/teachers/reacher.ts';
import { REACHER_PARAMS, ReacherEnv } from '../../envs/reacher.ts';
import { createRng } from '../../src/util/random.ts';
import { useTempDirs } from '../support/tempDirs.ts';

const tempDir = useTempDirs();

/** A Reacher-v1 observation of joint angles, velocities and target (the env's own formula). */
function reacherObs(q1: number, q2: number, target: [number, number], q1Dot = 0, q2Dot = 0): Float64Array {
  const { link1M: l1, link2M: l2 } = REACHER_PARAMS;
  const tip = [l1 * Math.cos(q1) + l2 * Math.cos(q1 + q2), l1 * Math.sin(q1) + l2 * Math.sin(q1 + q2)];
  return Float64Array.of(
    Math.cos(q1),
    Math.cos(q2),
    Math.sin(q1),
    Math.sin(q2),
    target[0],
    target[1],
    q1Dot,
    q2Dot,
    tip[0]! - target[0],
    tip[1]! - target[1],
  );
}

describe('reacher observation features', () => {
  const rng = createRng(7);
  const cases = Array.from({ length: 20 }, () => ({
    q1: rng.uniform(-Math.PI, Math.PI),
    q2: rng.uniform(-2.5, 2.5),
    target: [rng.uniform(-0.7, 0.7), rng.uniform(-0.7, 0.7)] as [number, number],
  }));

  it('reacher.jacobianT is Jᵀ(target − fingertip) = −½ ∇q |fingertip − target|² (finite differences)', () => {
    for (const { q1, q2, target } of cases) {
      const half = (a: number, b: number): number => {
        const o = reacherObs(a, b, target);
        return 0.5 * (o[8]! ** 2 + o[9]! ** 2);
      };
      const h = 1e-6;
      const g = reacherJacobianTOffset(reacherObs(q1, q2, target));
      expect(g[0]).toBeCloseTo(-(half(q1 + h, q2) - half(q1 - h, q2)) / (2 * h), 6);
      expect(g[1]).toBeCloseTo(-(half(q1, q2 + h) - half(q1, q2 - h)) / (2 * h), 6);
    }
    // on target: zero
    expect(reacherJacobianTOffset(reacherObs(0.3, 0.5, [0, 0]).fill(0, 8)).map(Math.abs)).toEqual([0, 0]);
  });

  it("reacher.jointError is the teacher's proportional term: the teacher's command is linear in it and the velocities", () => {
    const teacher = new ReacherTeacher();
    const { kpNmPerRad: kp, kdNmsPerRad: kd } = teacher['opts'];
    for (const { q1, q2, target } of cases) {
      const o = reacherObs(q1, q2, target, 0.3, -0.2);
      const e = reacherJointError(o);
      const a = teacher.act(o);
      const clip = (x: number): number => Math.min(1, Math.max(-1, x));
      expect(a[0]).toBeCloseTo(clip((kp[0] * e[0] - kd[0] * 0.3) / REACHER_PARAMS.maxTorqueNm), 12);
      expect(a[1]).toBeCloseTo(clip((kp[1] * e[1] + kd[1] * 0.2) / REACHER_PARAMS.maxTorqueNm), 12);
      expect(Math.abs(e[0])).toBeLessThanOrEqual(Math.PI);
    }
    // the arm's own fingertip as the target: no error
    const o = reacherObs(0.4, 0.9, [0, 0]);
    const tip: [number, number] = [o[8]!, o[9]!];
    const [e1, e2] = reacherJointError(reacherObs(0.4, 0.9, tip));
    expect(Math.abs(e1)).toBeLessThan(1e-9);
    expect(Math.abs(e2)).toBeLessThan(1e-9);
  });

  it('match the env: computed from a real ReacherEnv observation', () => {
    const env = new ReacherEnv();
    const { observation } = env.reset({ seed: 3 });
    const s = env.getState();
    const out = new Float64Array(4);
    expect(computeFeatures(['reacher.jacobianT', 'reacher.jointError'], observation, out, 0)).toBe(4);
    const mine = reacherObs(s.q1, s.q2, s.target);
    expect(out[0]).toBeCloseTo(reacherJacobianTOffset(mine)[0], 6);
    expect(out[3]).toBeCloseTo(reacherJointError(mine)[1], 6);
    env.close();
  });

  it('are named in the registry; names are checked, sizes too', () => {
    expect(observationFeatureNames()).toEqual(expect.arrayContaining(['reacher.jacobianT', 'reacher.jointError']));
    expect(() => computeFeatures(['nope'], new Float64Array(10), new Float64Array(2), 0)).toThrow(
      /unknown observation feature 'nope'; known: .*reacher\.jacobianT/,
    );
    expect(() => computeFeatures(['reacher.jacobianT'], new Float64Array(4), new Float64Array(2), 0)).toThrow(
      /reads a 10-value observation, got 4/,
    );
    expect(() => registerObservationFeature('reacher.jacobianT', { dims: 1, observationDims: 1, description: '', compute() {} })).toThrow(
      /already registered/,
    );
  });
});

describe('features in a controller: appended after the observation, before the clock; fine copies may name them', () => {
  it('augmentObservation: observation, features, clock, fine copies (of observation or feature dims)', () => {
    registerObservationFeature('test.sumDiff', {
      dims: 2,
      observationDims: 2,
      description: 'x0 + x1, x0 − x1',
      compute(o, out, k) {
        out[k] = o[0]! + o[1]!;
        out[k + 1] = o[0]! - o[1]!;
      },
    });
    const spec = { features: ['test.sumDiff'], clock: { hz: 1, dtS: 0.25 }, fine: { dims: [0, 3] } };
    expect(extraDims(spec)).toBe(6);
    const x = Array.from(augmentObservation(spec, [3, 1], 1));
    expect(x).toEqual([3, 1, 4, 2, 1, expect.closeTo(0, 12) as unknown as number, 3, 2]);
    expect(() => augmentObservation({ ...spec, fine: { dims: [4] } }, [3, 1], 0)).toThrow(
      /dimension 4 outside the 4-value observation and features/,
    );
    // a spec without features reads as before
    expect(Array.from(augmentObservation({ fine: { dims: [1] } }, [3, 1], 0))).toEqual([3, 1, 1]);
  });

  it('a reacher controller trained with features saves them in controller.json and computes them when loaded', () => {
    const dir = join(tempDir('features-'), 'reacher');
    const trained = trainController(
      {
        env: 'reacher',
        budget: 4,
        daggerRounds: 1,
        teacherEpisodes: 2,
        rolloutSteps: 30,
        daggerEpisodes: 1,
        scoreEpisodes: 1,
        hidden: [8],
        neuronsPerDim: 4,
        batchSize: 4,
        trainPerturbations: [],
        features: ['reacher.jacobianT', 'reacher.jointError'],
        fineDims: [8, 9, 10, 11, 12, 13],
      },
      { outDir: dir },
    );
    const spec = trained.spec;
    expect(spec.features).toEqual(['reacher.jacobianT', 'reacher.jointError']);
    expect(spec.fine).toEqual({ dims: [8, 9, 10, 11, 12, 13] });
    // 10 observation values + 4 features + 6 fine copies
    expect(spec.population.low.length).toBe(20);
    expect(spec.population.low.slice(14)).toEqual([-0.1, -0.1, -0.1, -0.1, -0.1, -0.1]);
    const { policy } = loadPolicy(dir);
    const obs = reacherObs(0.2, 0.4, [0.5, 0.3]);
    const a = Array.from(policy.step(obs).action);
    policy.reset();
    expect(Array.from(policy.step(obs).action)).toEqual(a);
    trained.network.dispose();
    // a controller naming a feature this process does not know fails to load, naming it
    const raw = JSON.parse(readFileSync(join(dir, CONTROLLER_FILE), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, CONTROLLER_FILE), JSON.stringify({ ...raw, features: ['reacher.unknown'] }));
    expect(() => loadPolicy(dir)).toThrow(/unknown observation feature 'reacher\.unknown'/);
    expect(() => trainController({ env: 'reacher', features: ['nope'] })).toThrow(
      /recipe\.input\.features: unknown observation feature 'nope'/,
    );
  });
});
