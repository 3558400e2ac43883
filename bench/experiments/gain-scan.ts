/**
 * A trained controller's selection score at several output gains (bench/notes/2026-12-03-lead.md):
 * per gain and condition the mean return, the mean of each numeric `info` entry (walker x, reacher
 * distance), the episodes that ended by termination, and the controller's own round-score metric
 * (its recipe's `scoring.metric` less `scoring.failurePenalty` per terminated episode). Their mean
 * over the conditions is what `train-controller`'s restarts choose by, and by default the
 * conditions, episodes and seeds are the recipe's selection ones (agents/restarts.ts), so a run of
 * this at gain 1 re-measures a restart's recorded selection score.
 *   node bin/run-ts.mjs bench/experiments/gain-scan.ts DIR [DIR…] [--gains 1,1.1] [--perturb none,pushes=5]
 *     [--episodes N] [--seed 70000]
 */
import { initBackend } from '../../src/backend/index.ts';
import { loadController, policyFromNetwork } from '../../agents/controller.ts';
import { controllerScore, scoreConditions } from '../../agents/recipe.ts';
import { DEFAULT_RECIPE, type RecipeOptions } from '../../agents/recipeConfig.ts';
import { SELECTION_SEED, withGain } from '../../agents/restarts.ts';
import { evaluateActor, policyActor } from '../../agents/rollout.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const dirs = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1]!.startsWith('--')));
const gains = (opt('--gains') ?? '1').split(',').map(Number);
await initBackend({ quiet: true });

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
for (const dir of dirs) {
  const { spec, network } = loadController(dir);
  const recipe = { ...DEFAULT_RECIPE, ...((spec.training as { recipe?: Partial<RecipeOptions> } | undefined)?.recipe ?? {}) };
  const conditions =
    opt('--perturb')?.split(',') ?? (recipe.selectionPerturbations.length > 0 ? recipe.selectionPerturbations : scoreConditions(recipe));
  const episodes = Number(opt('--episodes') ?? recipe.selectionEpisodes);
  const seed = Number(opt('--seed') ?? SELECTION_SEED);
  console.log(
    `${dir} (${spec.env}, ${spec.label}): ${episodes} episodes per condition from seed ${seed}, score ${recipe.scoreMetric} − ${recipe.scoreFailurePenalty} per termination`,
  );
  for (const gain of gains) {
    const cells = conditions.map((c) => {
      const out = evaluateActor(
        spec.env,
        policyActor(policyFromNetwork(network, withGain(spec, gain))),
        episodes,
        seed,
        c === 'none' ? undefined : c,
      );
      const info = Object.keys(out[0]!.info)
        .filter((k) => typeof out[0]!.info[k] === 'number')
        .map((k) => `${k} ${mean(out.map((o) => o.info[k] as number)).toFixed(4)}`);
      const score = controllerScore(recipe.scoreMetric, out, recipe.scoreFailurePenalty);
      const text = [
        `return ${mean(out.map((o) => o.return)).toFixed(1)}`,
        ...info,
        `${out.filter((o) => o.terminated).length} terminated`,
        `score ${score.toFixed(4)}`,
      ];
      return { c, score, text: text.join(', ') };
    });
    console.log(`  × ${gain}: score ${mean(cells.map((x) => x.score)).toFixed(4)}`);
    for (const x of cells) console.log(`    ${x.c}: ${x.text}`);
  }
  network.dispose();
}
