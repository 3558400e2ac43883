/**
 * Perturbation magnitude scan with the teachers (issue 10, item 3): for each env and each
 * perturbation alone, the teacher's success rate over seeded episodes at a grid of magnitudes. The
 * chosen magnitude is the largest grid value at which the teacher (and at every smaller one)
 * still succeeds in >= 90% of episodes; see bench/results/robustness.md.
 *
 *   node bin/run-ts.mjs bench/experiments/robustness-scan.ts --env cartpole [--episodes 100] [--seed 0]
 *       [--grid 'pushes=0.09:0.1:0.11;noise=0.2:0.5']   (replaces the built-in grid; ':' separates magnitudes)
 *
 * Prints one Markdown row per cell and the chosen magnitudes as JSON.
 */
import { parseArgs } from 'node:util';
import { resolveEnvId } from '../../envs/index.ts';
import { makeTeacher } from '../../agents/teachers/index.ts';
import { evaluateActor } from '../../agents/rollout.ts';
import { episodeSuccess, wilsonInterval } from '../../agents/report.ts';

/** Grids per perturbation: string form of one magnitude. */
const GRIDS: Record<string, Record<string, readonly number[]>> = {
  'CartPoleContinuous-v1': {
    pushes: [0.04, 0.08, 0.12, 0.16, 0.2, 0.25, 0.3, 0.4],
    noise: [0.005, 0.01, 0.02, 0.03, 0.05, 0.1],
    delay: [1, 2, 3, 4, 5, 6, 8],
    mass: [1.1, 1.2, 1.3, 1.5, 1.7, 1.9],
  },
  'Pendulum-v1': {
    pushes: [0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.6],
    noise: [0.005, 0.01, 0.02, 0.03, 0.05, 0.1],
    delay: [1, 2, 3, 4, 5, 6],
    mass: [1.1, 1.2, 1.3, 1.5, 1.7, 1.9],
  },
  'Reacher-v1': {
    pushes: [0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5],
    noise: [0.002, 0.005, 0.01, 0.02, 0.03, 0.05],
    delay: [1, 2, 3, 4, 5, 6],
    mass: [1.1, 1.2, 1.3, 1.5, 1.7, 1.9],
  },
  'Walker-v1': {
    pushes: [1, 2, 3, 4, 6, 8],
    noise: [0.01, 0.02, 0.05, 0.1, 0.2],
    delay: [1, 2, 3, 4, 6],
    mass: [1.1, 1.2, 1.3, 1.5, 1.7, 1.9],
  },
};

const { values } = parseArgs({
  options: {
    env: { type: 'string' },
    episodes: { type: 'string', default: '100' },
    seed: { type: 'string', default: '0' },
    only: { type: 'string' },
    grid: { type: 'string' },
  },
});
const envId = resolveEnvId(values.env ?? 'cartpole');
const episodes = Number(values.episodes);
const seed = Number(values.seed);
const grid = values.grid
  ? Object.fromEntries(
      values.grid.split(';').map((g) => {
        const [kind, mags] = g.split('=');
        return [kind!, mags!.split(':').map(Number)];
      }),
    )
  : GRIDS[envId];
if (!grid) throw new Error(`no grid for ${envId}`);
const chosen: Record<string, number | null> = {};
console.log(`| env | perturbation | teacher successes | rate | 95% CI (Wilson) | mean return | s |`);
console.log(`|---|---|---|---|---|---|---|`);
for (const [kind, mags] of Object.entries(grid)) {
  if (values.only && !values.only.split(',').includes(kind)) continue;
  chosen[kind] = null;
  let ok = true;
  for (const m of mags) {
    const spec = kind === 'nominal' ? 'none' : `${kind}=${m}`;
    const t0 = performance.now();
    const outcomes = evaluateActor(envId, makeTeacher(envId), episodes, seed, spec);
    const k = outcomes.filter((o) => episodeSuccess(envId, o)).length;
    const [lo, hi] = wilsonInterval(k, episodes);
    const ret = outcomes.reduce((a, o) => a + o.return, 0) / episodes;
    console.log(
      `| ${envId} | ${spec} | ${k}/${episodes} | ${(k / episodes).toFixed(2)} | [${lo.toFixed(2)}, ${hi.toFixed(2)}] | ${ret.toFixed(1)} | ${((performance.now() - t0) / 1000).toFixed(1)} |`,
    );
    if (ok && k >= 0.9 * episodes) chosen[kind] = m;
    else ok = false;
    if (k < 0.5 * episodes) break; // well past the threshold: larger magnitudes only cost time
  }
}
console.log(`chosen ${envId} ${JSON.stringify(chosen)}`);
