/**
 * A tiny training per built-in env under its recipe preset (budget shrunk, one DAgger round),
 * printing a hash of the trained weights, the round scores and the first population bounds: run it
 * before and after a change to the recipe's option plumbing to show the same seeds still give the
 * same weights (bench/notes/2026-12-02b-recipe-configs.md).
 *   node bin/run-ts.mjs bench/experiments/recipe-weights-hash.ts
 */
import { createHash } from 'node:crypto';
import { initBackend } from '../../src/backend/index.ts';
import { trainController } from '../../agents/recipe.ts';

await initBackend({ backend: 'wasm' });
for (const env of ['cartpole', 'pendulum', 'reacher', 'walker']) {
  const r = trainController({ env, budget: 4, daggerRounds: 1, teacherEpisodes: 2, daggerEpisodes: 1, scoreEpisodes: 1, rolloutSteps: 60 });
  const h = createHash('sha256');
  for (const w of r.network.getWeights()) {
    h.update(w.name + w.shape.join(','));
    h.update(Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength));
  }
  const scores = JSON.stringify(r.rounds.map((x) => x.score));
  console.log(env, h.digest('hex').slice(0, 16), scores, JSON.stringify(r.spec.population.low.slice(0, 3)));
  r.network.dispose();
}
