/**
 * `spikeloop bench cifar10|nmnist [options]`: trains and evaluates a classification experiment
 * (configs/*.json) and writes results.json, confusion.csv/svg and curves.svg into --out.
 * `spikeloop bench oxford [options]`: the spike-to-spike regression bench (cli/benchOxford.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../../src/util/packageRoot.ts';
import { initBackend, parseBackendName } from '../../src/backend/index.ts';
import { resolveDataset } from '../../src/data/download.ts';
import { loadExperimentConfig, parseExperimentConfig, type ResolvedExperiment } from '../../src/experiments/config.ts';
import { runClassification } from '../../src/experiments/runner.ts';
import { runOxfordBench } from '../benchOxford.ts';
import { parseCommandWithArgument } from '../options.ts';

export const summary = 'benchmarks: classification (cifar10 | nmnist), spike-to-spike regression (oxford)';

const CONFIG_DIR = packagePath('configs');

/** The CPU-scale configs this command uses when --config is not given. */
export const DEFAULT_CONFIGS: Record<'cifar10' | 'nmnist', string> = {
  cifar10: join(CONFIG_DIR, 'cifar10-cnn-cpu.json'),
  nmnist: join(CONFIG_DIR, 'nmnist-mlp-cpu.json'),
};

const HELP = `usage: spikeloop bench cifar10|nmnist [options]
       spikeloop bench oxford [options]      (spikeloop bench oxford --help for its options)

  --config FILE         experiment config (default configs/cifar10-cnn-cpu.json or configs/nmnist-mlp-cpu.json)
  --label spike-seq|rate  label type (overrides the config)
  --epochs N            epochs (overrides the config)
  --train-limit N       use N training samples (seeded subset)
  --test-limit N        evaluate on the first N test samples
  --epoch-samples N     training samples per epoch (successive chunks of the subset)
  --time-limit MIN      stop after the epoch in which MIN minutes of training have passed
  --lr X                learning rate (overrides the config)
  --batch-size N        batch size (overrides the config)
  --seed S              seed of init, order and augmentation (default: the config's, else 0)
  --data DIR            dataset folder: holds cifar10/ and nmnist/ (as ../shared/data), or the
                        cifar-10-batches-bin / N-MNIST folder itself (default: $SPIKELOOP_DATA, then the cache)
  --download            download the dataset into the cache when it is not found
  --out DIR             output folder (default bench-out/<dataset>-<label>)
  --backend NAME        auto | wasm | cpu | tensorflow (default $SPIKELOOP_BACKEND, else auto)
  --no-checkpoint       do not save the final weights into DIR/checkpoint
  -h, --help            this text`;

function int(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (!Number.isInteger(x) || x < min) throw new Error(`--${name} must be an integer >= ${min}, got '${raw}'`);
  return x;
}

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (!Number.isFinite(x) || !(x > 0)) throw new Error(`--${name} must be a positive number, got '${raw}'`);
  return x;
}

/** True when `dir` is itself a dataset folder the loaders read. */
function isDatasetFolder(dataset: 'cifar10' | 'nmnist', dir: string): boolean {
  return dataset === 'cifar10'
    ? existsSync(join(dir, 'test_batch.bin')) || existsSync(join(dir, 'data_batch_1.bin'))
    : existsSync(join(dir, 'Train')) || existsSync(join(dir, 'Test'));
}

/** Where the loaders should read: --data may name the parent (cifar10/, nmnist/) or the folder itself. */
async function dataDir(dataset: 'cifar10' | 'nmnist', data: string | undefined, download: boolean): Promise<string> {
  const root = data ?? process.env['SPIKELOOP_DATA'];
  if (root && isDatasetFolder(dataset, root)) return root;
  return resolveDataset(dataset, root ? { root, download } : { download });
}

const OPTIONS = {
  config: { type: 'string' },
  label: { type: 'string' },
  epochs: { type: 'string' },
  'train-limit': { type: 'string' },
  'test-limit': { type: 'string' },
  'epoch-samples': { type: 'string' },
  'time-limit': { type: 'string' },
  lr: { type: 'string' },
  'batch-size': { type: 'string' },
  seed: { type: 'string' },
  data: { type: 'string' },
  download: { type: 'boolean', default: false },
  out: { type: 'string' },
  backend: { type: 'string' },
  'no-checkpoint': { type: 'boolean', default: false },
} as const;

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'oxford') return runOxfordBench(argv.slice(1));
  const parsed = parseCommandWithArgument(argv, OPTIONS, HELP, {
    command: 'bench',
    what: 'one benchmark: cifar10, nmnist or oxford',
    choices: ['cifar10', 'nmnist'],
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const dataset = parsed.argument as 'cifar10' | 'nmnist';
  if (values.label !== undefined && values.label !== 'spike-seq' && values.label !== 'rate') {
    throw new Error(`--label must be spike-seq or rate, got '${values.label}'`);
  }
  const base = loadExperimentConfig(values.config ?? DEFAULT_CONFIGS[dataset]);
  if (base.dataset !== dataset)
    throw new Error(`config ${values.config}: is for dataset '${base.dataset}', the command asks for '${dataset}'`);
  const { resolvedNetwork: _r, ...raw } = base;
  const tr = { ...raw.train };
  const set = <K extends keyof typeof tr>(k: K, v: (typeof tr)[K] | undefined): void => {
    if (v !== undefined) tr[k] = v;
  };
  set('epochs', int('epochs', values.epochs, 1));
  set('trainLimit', int('train-limit', values['train-limit'], 1));
  set('testLimit', int('test-limit', values['test-limit'], 1));
  set('epochSamples', int('epoch-samples', values['epoch-samples'], 1));
  set('timeLimitMin', positive('time-limit', values['time-limit']));
  set('batchSize', int('batch-size', values['batch-size'], 1));
  set('seed', int('seed', values.seed, 0));
  const lr = positive('lr', values.lr);
  if (lr !== undefined) tr.optimizer = { ...tr.optimizer, lr };
  const label = values.label !== undefined ? { ...raw.label, type: values.label as 'spike-seq' | 'rate' } : raw.label;
  // --seed reseeds the weight init too, so runs with different seeds are independent repeats
  const network = tr.seed !== undefined && values.seed !== undefined ? { ...raw.network, seed: tr.seed } : raw.network;
  const exp: ResolvedExperiment = parseExperimentConfig({ ...raw, network, train: tr, label }, values.config ?? DEFAULT_CONFIGS[dataset]);

  const backend = values.backend !== undefined ? parseBackendName(values.backend, '--backend') : undefined;
  await initBackend(backend !== undefined ? { backend } : {});
  const dir = await dataDir(dataset, values.data, values.download);
  const out = values.out ?? join('bench-out', `${dataset}-${exp.label.type}`);
  console.log(`spikeloop bench ${dataset}: config ${exp.name}, ${exp.label.type} labels, data ${dir}, output ${out}`);
  await runClassification(exp, {
    dataDir: dir,
    outDir: out,
    // a bar over all batches on a TTY; off one (a log), one line per epoch on stderr with the ETA
    progress: 'always',
    command: ['spikeloop', 'bench', ...argv].join(' '),
    checkpoint: !values['no-checkpoint'],
  });
  return 0;
}
