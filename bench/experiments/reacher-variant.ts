/**
 * Trains a reacher controller with recipe options on top of the preset (the rows v6–v11 of
 * bench/results/controllers.md), e.g.
 *   node bin/run-ts.mjs bench/experiments/reacher-variant.ts spike-seq '{"commandExponent":0.5}' /tmp/reach/v6
 * then `spikeloop eval --env reacher --checkpoint /tmp/reach/v6`.
 */
import { initBackend } from '../../src/backend/index.ts';
import { trainController, type RecipeOptions } from '../../agents/recipe.ts';

const [label, json, out] = process.argv.slice(2);
if (!label || !json || !out) throw new Error("usage: reacher-variant.ts spike-seq|rate '<recipe options as JSON>' OUT_DIR");
await initBackend({});
const options = JSON.parse(json) as Partial<RecipeOptions>;
const r = trainController({ env: 'reacher', label: label as RecipeOptions['label'], ...options }, { outDir: out, log: (l) => console.log(l) });
console.log(`done ${r.seconds.toFixed(1)} s, best round ${r.best.round}`);
r.network.dispose();
