/**
 * Records `spikeloop bench` runs made earlier, outside a sweep, as finished cells of a bench sweep,
 * so `spikeloop report` pairs them with the cells the sweep ran itself. Used for N-MNIST: seeds 1–4
 * of bench/results/classification/ (2026-11-29, the same command and config) + seed 5 run by the
 * sweep. A run is accepted only when its results.json records the cell's dataset, label and seed,
 * and the imported cell.json says where it came from (`importedFrom`), so the sweep never passes an
 * earlier run off as its own.
 *   node bin/run-ts.mjs bench/experiments/import-bench-runs.ts SPEC.json SWEEP_DIR LABEL:SEED:RUN_DIR ...
 * A run is named by its grid point: `LABEL` is short for `label=LABEL`; any other grid flag is
 * given as `KEY=VALUE` (e.g. `config=configs/nmnist-mlp-plif-cpu.json:1:sweeps/...`), so a sweep
 * over configs can pair runs made under different sweeps.
 */
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commitAttempt, attemptDir, isCellDone, writeFileAtomic, writePlan, type SweepPlan } from '../../src/sweep/layout.ts';
import { expandCells, loadSweepSpec } from '../../src/sweep/spec.ts';
import { readJobMetrics } from '../../src/sweep/metrics.ts';
import { writeSweepIndex } from '../../src/sweep/sweepIndex.ts';

interface Config {
  network: { seed?: number };
  train: { seed?: number };
  label: { type: string };
}

const [specPath, sweepDir, ...runs] = process.argv.slice(2);
if (!specPath || !sweepDir || runs.length === 0) {
  console.error('usage: import-bench-runs.ts SPEC.json SWEEP_DIR LABEL:SEED:RUN_DIR ...');
  process.exit(2);
}
// the plan `spikeloop sweep SPEC.json --out SWEEP_DIR` writes; running that afterwards skips the imported cells
const spec = loadSweepSpec(specPath);
const plan: SweepPlan = { version: 1, spec, cells: expandCells(spec) };
writePlan(sweepDir, plan);
if (plan.spec.job !== 'bench') throw new Error(`${sweepDir}: a ${plan.spec.job} sweep; only bench runs can be imported`);

for (const run of runs) {
  const [selector, seedText, dir] = run.split(':');
  if (!selector || !seedText || !dir) throw new Error(`'${run}': give LABEL:SEED:RUN_DIR or KEY=VALUE:SEED:RUN_DIR`);
  const [key, value] = selector.includes('=')
    ? [selector.slice(0, selector.indexOf('=')), selector.slice(selector.indexOf('=') + 1)]
    : ['label', selector];
  const seed = Number(seedText);
  const cell = plan.cells.find((c) => String(c.point[key]) === value && c.seed === seed);
  if (!cell) throw new Error(`${specPath} has no cell ${key}=${value} seed=${seed}; add the seed to the spec`);
  if (isCellDone(sweepDir, cell.id)) {
    console.log(`${cell.id} (${key}=${value} seed=${seed}) is done already; left as it is`);
    continue;
  }
  // the label is the cell's --label when it sets one, else the config's own
  const configLabel = (JSON.parse(readFileSync(String(cell.args['config']), 'utf8')) as Config).label.type;
  const label = cell.args['label'] === undefined ? configLabel : String(cell.args['label']);
  const resultsPath = join(dir, 'results.json');
  if (!existsSync(resultsPath)) throw new Error(`${resultsPath} does not exist`);
  const r = JSON.parse(readFileSync(resultsPath, 'utf8')) as { dataset?: string; config?: Partial<Config>; wallSeconds?: number };
  const got = { dataset: r.dataset, label: r.config?.label?.type, seed: r.config?.train?.seed };
  if (got.dataset !== cell.positionals[0] || got.label !== label || got.seed !== seed)
    throw new Error(
      `${resultsPath} records ${JSON.stringify(got)}, not the cell's dataset ${cell.positionals[0]}, label ${label}, seed ${seed}`,
    );
  // the rest of the experiment must be the cell's config file as it is now: --seed sets both seeds, --label the label type
  const expected = JSON.parse(readFileSync(String(cell.args['config']), 'utf8')) as Config;
  expected.train.seed = seed;
  expected.network.seed = seed;
  expected.label.type = label;
  if (JSON.stringify(expected) !== JSON.stringify(r.config))
    throw new Error(
      `${resultsPath}: its config differs from ${String(cell.args['config'])} (besides seed and label); not the same experiment`,
    );
  const attempt = attemptDir(sweepDir, cell.id);
  mkdirSync(join(attempt, 'out'));
  cpSync(resultsPath, join(attempt, 'out', 'results.json'));
  const metrics = readJobMetrics('bench', join(attempt, 'out'), false);
  writeFileAtomic(join(attempt, 'metrics.json'), `${JSON.stringify(metrics, null, 1)}\n`);
  const record = {
    cell,
    metrics,
    seconds: r.wallSeconds ?? NaN,
    host: 'imported',
    importedFrom: dir,
    importedAt: new Date().toISOString(),
  };
  writeFileAtomic(join(attempt, 'cell.json'), `${JSON.stringify(record, null, 1)}\n`);
  commitAttempt(sweepDir, cell.id, attempt);
  console.log(`${cell.id} (${key}=${value} seed=${seed}) ← ${dir}: testAccuracy ${metrics['testAccuracy']}`);
}
writeSweepIndex(sweepDir, plan);
console.log(`index: ${resolve(sweepDir, 'index.md')}`);
