/**
 * Teacher vs controller folders under perturbation conditions, paired (every actor meets the same
 * seeds 0..N−1 and so the same starts, pushes, noise and bodies), printing each env's success
 * measure (agents/report.ts). Conditions default to the recipe preset's training conditions.
 *   node bin/run-ts.mjs bench/experiments/robust-eval.ts ENV EPISODES DIR [DIR...] [--conditions 'none;pushes=0.08;...']
 */
import { initBackend } from '../../src/backend/index.ts';
import { loadPolicy } from '../../agents/controller.ts';
import { makeTeacher } from '../../agents/teachers/index.ts';
import { evaluateActor, policyActor, type Actor } from '../../agents/rollout.ts';
import { summarize } from '../../agents/report.ts';
import { resolveEnvId } from '../../envs/index.ts';
import { builtinRecipePreset } from '../../agents/recipeConfig.ts';

const args = process.argv.slice(2);
const ci = args.indexOf('--conditions');
const condArg = ci >= 0 ? args.splice(ci, 2)[1] : undefined;
const [env, episodesArg, ...dirs] = args;
if (!env || !episodesArg) throw new Error('usage: robust-eval.ts ENV EPISODES DIR... [--conditions a;b]');
await initBackend({ quiet: true });
const envId = resolveEnvId(env);
const conditions = condArg ? condArg.split(';') : (builtinRecipePreset(envId).trainPerturbations ?? ['none']);
const episodes = Number(episodesArg);
const actors: Array<{ name: string; actor: Actor }> = [{ name: 'teacher', actor: makeTeacher(envId) }];
for (const d of dirs) {
  const { spec, policy } = loadPolicy(d);
  actors.push({ name: `${spec.label} ${d}`, actor: policyActor(policy) });
}
console.log(`| condition | ${actors.map((a) => a.name).join(' | ')} |`);
console.log(`|---|${actors.map(() => '---').join('|')}|`);
for (const c of conditions) {
  const t0 = performance.now();
  const cells = actors.map((a) => {
    const s = summarize(envId, evaluateActor(envId, a.actor, episodes, 0, c === 'none' ? undefined : c));
    return `${s.success}; mean return ${s.meanReturn.toFixed(1)}`;
  });
  console.log(`| ${c} | ${cells.join(' | ')} | (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
