/**
 * Trains a controller with recipe options on top of the env's preset (the variant rows of
 * bench/results/controllers.md and bench/notes/), e.g.
 *   node bin/run-ts.mjs bench/experiments/controller-variant.ts reacher spike-seq '{"motorPopulation":4}' /tmp/reach/p4
 * then `spikeloop eval --env reacher --checkpoint /tmp/reach/p4`.
 */
import { initBackend } from '../../src/backend/index.ts';
import { trainController, type RecipeOptions } from '../../agents/recipe.ts';

const [env, label, json, out] = process.argv.slice(2);
if (!env || !label || !json || !out) throw new Error("usage: controller-variant.ts ENV spike-seq|rate '<recipe options as JSON>' OUT_DIR");
await initBackend({});
const options = JSON.parse(json) as Partial<RecipeOptions>;
const r = trainController({ env, label: label as RecipeOptions['label'], ...options }, { outDir: out, log: (l) => console.log(l) });
console.log(`done ${r.seconds.toFixed(1)} s, best round ${r.best.round}`);
r.network.dispose();
