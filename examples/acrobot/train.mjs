/**
 * The acrobot's spiking controller through the library API (what `spikeloop train-controller`
 * and `spikeloop eval` do from the CLI): load the env and teacher modules, train by imitation +
 * DAgger with the recipe of recipe.json (the file `--config` reads), save the controller folder,
 * then score it and its teacher on the same seeded episodes.
 *
 *   node examples/acrobot/train.mjs [--out DIR] [--budget N] [--episodes N]
 *
 * It imports spikeloop by its package name, so it runs as it is in a project that installed
 * spikeloop, and in this checkout once `npm run build` (or `npm ci`) has built dist/.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from 'spikeloop';
import {
  evaluateActor,
  formatSummaries,
  loadPolicy,
  loadRecipeConfig,
  loadUserModules,
  makeTeacher,
  policyActor,
  summarize,
  trainController,
} from 'spikeloop/agents';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

export const ACROBOT_MODULES = Object.freeze([here('./env.mjs'), here('./teacher.mjs')]);
export const ACROBOT_RECIPE = here('./recipe.json');

/**
 * Trains into `out` (recipe: recipe.json's, overridden by `recipe`), then evaluates the saved
 * controller and the teacher on seeds 0..episodes−1. Returns both summaries.
 */
export async function trainAcrobot({ out, recipe = {}, episodes = 100, modules = ACROBOT_MODULES, log = console.log }) {
  await initBackend();
  await loadUserModules(modules);
  const config = loadRecipeConfig(ACROBOT_RECIPE);
  const trained = trainController({ env: 'Acrobot-v1', ...config.recipe, ...recipe }, { outDir: out, log: (line) => log(`  ${line}`) });
  trained.network.dispose();
  const { policy } = loadPolicy(out);
  const snn = summarize('Acrobot-v1', evaluateActor('Acrobot-v1', policyActor(policy), episodes, 0));
  const teacher = summarize('Acrobot-v1', evaluateActor('Acrobot-v1', makeTeacher('Acrobot-v1'), episodes, 0));
  log(
    formatSummaries([
      { name: 'teacher', summary: teacher },
      { name: 'SNN', summary: snn },
    ]),
  );
  log(`SNN / teacher mean return: ${((100 * snn.meanReturn) / teacher.meanReturn).toFixed(1)}%`);
  return { teacher, snn };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, budget: { type: 'string' }, episodes: { type: 'string' } } });
  await trainAcrobot({
    out: values.out ?? 'runs/acrobot-api',
    recipe: values.budget ? { budget: Number(values.budget) } : {},
    episodes: values.episodes ? Number(values.episodes) : 100,
  });
}
