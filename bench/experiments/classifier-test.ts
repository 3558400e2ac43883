/**
 * Accuracy of a saved classifier on a whole test split (the training runs evaluate their first
 * `testLimit` images after each epoch; this reads all of them once, e.g. CIFAR-10's 10,000):
 *
 *   node bin/run-ts.mjs bench/experiments/classifier-test.ts --config FILE --checkpoint DIR --data DIR [--limit N] [--json FILE]
 *
 * `--config` is the run's experiment config (its dataset, data options and label objective);
 * the network itself comes from the checkpoint; `--data` is the folder that holds the split's files
 * (e.g. ../shared/data/cifar10/cifar-10-batches-bin). Prints accuracy with a 95% Wilson interval.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '../../src/backend/index.ts';
import { loadExperimentConfig, loadSources, makeObjective, PooledDataset } from '../../src/experiments/index.ts';
import { evaluateClassifier } from '../../src/experiments/runner.ts';
import { Sequential } from '../../src/network/sequential.ts';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';

/** 95% Wilson score interval of a proportion k/n. */
export function wilson(k: number, n: number, z = 1.959964): [number, number] {
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [centre - half, centre + half];
}

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    checkpoint: { type: 'string' },
    data: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'string' },
    'batch-size': { type: 'string', default: '64' },
  },
});
if (!values.config || !values.checkpoint || !values.data)
  throw new Error('classifier-test: --config, --checkpoint and --data are required');

const backend = await initBackend();
const exp = loadExperimentConfig(values.config);
const ckpt = loadCheckpoint(values.checkpoint);
const net = Sequential.fromConfig(ckpt.network);
net.setWeights(ckpt.weights);
const { test } = loadSources(exp, values.data);
const n = values.limit !== undefined ? Math.min(Number(values.limit), test.size) : test.size;
if (!Number.isInteger(n) || n < 1) throw new Error(`classifier-test: --limit must be an integer >= 1, got ${values.limit}`);
const objective = makeObjective(exp.label, exp.network.T);
const data = new PooledDataset(
  test,
  Int32Array.from({ length: n }, (_, i) => i),
  objective,
);
const r = evaluateClassifier(net, data, objective, Number(values['batch-size']));
const correct = Math.round(r.accuracy * n);
const [lo, hi] = wilson(correct, n);
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
console.log(
  `${values.checkpoint}: ${correct}/${n} test images correct = ${pct(r.accuracy)} [95% CI ${pct(lo)}, ${pct(hi)}] (${r.seconds.toFixed(1)} s, ${backend})`,
);
if (values.json) {
  const out = {
    checkpoint: values.checkpoint,
    config: values.config,
    images: n,
    correct,
    accuracy: r.accuracy,
    ci95: [lo, hi],
    confusion: r.confusion,
  };
  writeFileSync(values.json, JSON.stringify(out, null, 1) + '\n');
}
net.dispose();
