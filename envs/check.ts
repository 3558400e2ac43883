/**
 * Generic env checker (Gymnasium `utils/env_checker.py`): the contract every registered env must
 * keep. Throws an Error naming the first broken rule; returns the number of steps it ran.
 */
import type { Env } from './core.ts';
import { createRng } from '../src/util/random.ts';
import { worldSnapshotProblems } from '../src/world.ts';

export interface CheckEnvOptions {
  /** Random-action steps to run. */
  steps: number;
  seed: number;
}

export const DEFAULT_CHECK_ENV: Readonly<CheckEnvOptions> = Object.freeze({ steps: 200, seed: 0 });

export function checkEnv(env: Env, options: Partial<CheckEnvOptions> = {}): number {
  const o = { ...DEFAULT_CHECK_ENV, ...options };
  const fail = (msg: string): never => {
    throw new Error(`checkEnv(${env.id}): ${msg}`);
  };
  const m = env.metadata;
  if (!(m.dtS > 0) || !(m.substeps >= 1) || Math.abs(m.controlHz * m.dtS - 1) > 1e-9) fail(`bad metadata ${JSON.stringify(m)}`);
  const obsSpace = env.observationSpace;
  const first = env.reset({ seed: o.seed });
  if (!(first.observation instanceof Float64Array)) fail('reset() observation must be a Float64Array');
  if (!obsSpace.contains(first.observation))
    fail(`reset() observation [${Array.from(first.observation)}] is outside the observation space`);
  const again = env.reset({ seed: o.seed });
  for (let i = 0; i < first.observation.length; i++)
    if (!Object.is(first.observation[i], again.observation[i])) fail('reset with the same seed gave a different observation');
  const rng = createRng(o.seed + 1);
  for (let i = 0; i < 5; i++)
    if (!env.actionSpace.contains(env.actionSpace.sample(rng) as never)) fail('actionSpace.sample() is not contained in actionSpace');
  let steps = 0;
  for (let t = 0; t < o.steps; t++) {
    const r = env.step(env.actionSpace.sample(rng));
    steps++;
    if (!obsSpace.contains(r.observation) && !r.terminated)
      fail(`step ${t}: observation [${Array.from(r.observation)}] outside the space without termination`);
    for (const v of r.observation) if (!Number.isFinite(v)) fail(`step ${t}: non-finite observation`);
    if (!Number.isFinite(r.reward)) fail(`step ${t}: non-finite reward ${r.reward}`);
    if (typeof r.terminated !== 'boolean' || typeof r.truncated !== 'boolean') fail(`step ${t}: terminated/truncated must be booleans`);
    if (r.terminated || r.truncated) env.reset();
  }
  const problems = worldSnapshotProblems(env.snapshot());
  if (problems.length) fail(`the visualizer cannot draw the snapshot: ${problems.join('; ')}`);
  return steps;
}
