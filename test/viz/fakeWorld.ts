/**
 * Test fixture: a sled of mass 1 kg on a frictionless track, tied to the origin by a damped
 * spring, driven by a force action. Small enough to reason about exactly:
 *   a = (−k·x − c·v + F·u) / m,   k = 4 N/m, c = 0.5 N·s/m, F = 5 N, u ∈ [−1, 1], dt = 0.02 s
 *   observation [x (m), v (m/s)]; reward 1 per step; terminated when |x| > 3 m.
 * A push of impulse J (N·s) changes v by J/m at once, so it shows in the next snapshot.
 */
import type { EnvLike } from '../../src/viz/loop.ts';
import { closedLoopSimulation } from '../../src/viz/loop.ts';
import { teacherSpikeSource } from '../../src/viz/teacherSource.ts';
import type { VizSimulation, VizWorld } from '../../src/viz/types.ts';
import { createRng } from '../../src/util/random.ts';

export const SLED_ID = 7;
export const GROUND_ID = 1;

export interface FakeSledEnv extends EnvLike {
  readonly state: { x: number; v: number };
  readonly impulses: Array<readonly [number, number]>;
}

export function fakeSledEnv(opts: { maxEpisodeSteps?: number; stepCostMs?: number } = {}): FakeSledEnv {
  const dt = 0.02;
  const state = { x: 0, v: 0, t: 0 };
  const impulses: Array<readonly [number, number]> = [];
  const obs = () => Float64Array.of(state.x, state.v);
  const box = (cx: number, cy: number, hw: number, hh: number): Array<[number, number]> => [
    [cx - hw, cy - hh],
    [cx + hw, cy - hh],
    [cx + hw, cy + hh],
    [cx - hw, cy + hh],
  ];
  return {
    state,
    impulses,
    metadata: { controlHz: 1 / dt, maxEpisodeSteps: opts.maxEpisodeSteps ?? 500 },
    reset(o = {}) {
      const rng = createRng(o.seed ?? 0);
      state.x = rng.uniform(-0.5, 0.5);
      state.v = 0;
      state.t = 0;
      return { observation: obs() };
    },
    step(action) {
      if (opts.stepCostMs) {
        const until = performance.now() + opts.stepCostMs;
        while (performance.now() < until);
      }
      const u = Math.max(-1, Math.min(1, typeof action === 'number' ? action : action[0]!));
      const a = -4 * state.x - 0.5 * state.v + 5 * u;
      state.v += a * dt;
      state.x += state.v * dt;
      state.t += dt;
      return { observation: obs(), reward: 1, terminated: Math.abs(state.x) > 3, truncated: false };
    },
    snapshot(): VizWorld {
      return {
        time: state.t,
        bodies: [
          { id: GROUND_ID, label: 'track', position: [0, -0.15], angle: 0, vertices: box(0, -0.15, 3, 0.05), isStatic: true },
          { id: SLED_ID, label: 'sled', position: [state.x, 0], angle: 0, vertices: box(state.x, 0, 0.2, 0.1), isStatic: false },
        ],
        constraints: [{ label: 'spring', a: [0, 0], b: [state.x, 0] }],
      };
    },
    applyImpulse(bodyId, _point, impulse) {
      if (bodyId !== SLED_ID) throw new Error(`no body ${bodyId}`);
      impulses.push(impulse);
      state.v += impulse[0];
    },
    close() {},
  };
}

/** The sled with a PD teacher (u = −x − 0.5·v) wrapped as a spike source. */
export function fakeSledSimulation(opts: { maxEpisodeSteps?: number; stepCostMs?: number; neuronsPerDim?: number } = {}): {
  sim: VizSimulation;
  env: FakeSledEnv;
} {
  const env = fakeSledEnv(opts);
  const source = teacherSpikeSource({
    act: (o) => [Math.max(-1, Math.min(1, -o[0]! - 0.5 * o[1]!))],
    low: [-3, -3],
    high: [3, 3],
    actionDims: 1,
    neuronsPerDim: opts.neuronsPerDim ?? 16,
    motorNames: ['force'],
  });
  return { sim: closedLoopSimulation({ env, source, envName: 'sled', controllerName: 'pd' }), env };
}
