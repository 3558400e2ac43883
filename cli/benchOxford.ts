/**
 * `spikeloop bench oxford [options]`: the Oxford spike-to-spike regression bench
 * (src/experiments/oxford/runner.ts) from a config file (default configs/oxford-cpu.json), with
 * command-line overrides; the machine and its load averages go into results.json and results.md.
 */
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { packagePath } from '../src/util/packageRoot.ts';
import { initBackend, parseBackendName } from '../src/backend/index.ts';
import { loadOxfordConfig, parseOxfordConfig } from '../src/experiments/oxford/config.ts';
import { runOxford, type OxfordObjective } from '../src/experiments/oxford/runner.ts';
import { parseCommand } from './options.ts';

export const DEFAULT_OXFORD_CONFIG = packagePath('configs', 'oxford-cpu.json');

export const OXFORD_HELP = `usage: spikeloop bench oxford [options]

  --config FILE         bench config (default configs/oxford-cpu.json)
  --objective spike-seq|rate|both   what to train (default both, same network, budget and initial weights)
  --budget SEC          training seconds per objective (overrides train.budgetSec)
  --max-epochs N        also stop after N epochs
  --lr X                learning rate (overrides the config)
  --kernel first-order|alpha   spike-sequence loss kernel (overrides spikeSeq.kernel)
  --tau-syn X           spike-sequence loss time constant in steps (overrides spikeSeq.psp.tauSyn)
  --seed S              seed of the initial weights (overrides network.seed)
  --data DIR            folder with input.bs1, output.bs1, slayer_output.npy
                        (default ../shared/data/oxford, then $SPIKELOOP_DATA/oxford)
  --out DIR             output folder (default bench-out/oxford)
  --backend NAME        auto | wasm | cpu | tensorflow (default $SPIKELOOP_BACKEND, else auto)
  -h, --help            this text`;

function num(name: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (!Number.isFinite(x) || (integer ? !Number.isInteger(x) || x < 0 : !(x > 0))) {
    throw new Error(`--${name} must be ${integer ? 'an integer >= 0' : 'a positive number'}, got '${raw}'`);
  }
  return x;
}

function dataDir(given: string | undefined): string {
  if (given !== undefined) return given;
  const candidates = [
    resolve('..', 'shared', 'data', 'oxford'),
    ...(process.env['SPIKELOOP_DATA'] ? [join(process.env['SPIKELOOP_DATA'], 'oxford')] : []),
  ];
  const found = candidates.find((d) => existsSync(join(d, 'output.bs1')));
  if (!found) throw new Error(`no Oxford data in ${candidates.join(' or ')}; pass --data DIR (a folder with input.bs1 and output.bs1)`);
  return found;
}

function machineLine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
}

const OPTIONS = {
  config: { type: 'string' },
  objective: { type: 'string' },
  budget: { type: 'string' },
  'max-epochs': { type: 'string' },
  lr: { type: 'string' },
  kernel: { type: 'string' },
  'tau-syn': { type: 'string' },
  seed: { type: 'string' },
  data: { type: 'string' },
  out: { type: 'string' },
  backend: { type: 'string' },
} as const;

export async function runOxfordBench(argv: string[]): Promise<number> {
  const values = parseCommand(argv, OPTIONS, OXFORD_HELP);
  if (!values) return 0;
  const objective = values.objective ?? 'both';
  if (objective !== 'both' && objective !== 'spike-seq' && objective !== 'rate')
    throw new Error(`--objective must be spike-seq, rate or both, got '${objective}'`);
  if (values.kernel !== undefined && values.kernel !== 'first-order' && values.kernel !== 'alpha')
    throw new Error(`--kernel must be first-order or alpha, got '${values.kernel}'`);
  const source = values.config ?? DEFAULT_OXFORD_CONFIG;
  const { resolvedNetwork: _r, inputNeurons: _i, outputNeurons: _o, ...raw } = loadOxfordConfig(source);
  const budget = num('budget', values.budget, false);
  const maxEpochs = num('max-epochs', values['max-epochs'], true);
  const lr = num('lr', values.lr, false);
  const tauSyn = num('tau-syn', values['tau-syn'], false);
  const seed = num('seed', values.seed, true);
  const cfg = parseOxfordConfig(
    {
      ...raw,
      network: seed !== undefined ? { ...raw.network, seed } : raw.network,
      train: {
        ...raw.train,
        ...(budget !== undefined ? { budgetSec: budget } : {}),
        ...(maxEpochs !== undefined ? { maxEpochs } : {}),
        ...(lr !== undefined ? { optimizer: { ...raw.train.optimizer, lr } } : {}),
      },
      spikeSeq: {
        ...raw.spikeSeq,
        ...(values.kernel !== undefined ? { kernel: values.kernel } : {}),
        ...(tauSyn !== undefined ? { psp: { ...raw.spikeSeq.psp, tauSyn } } : {}),
      },
    },
    source,
  );
  const backend = values.backend !== undefined ? parseBackendName(values.backend, '--backend') : undefined;
  await initBackend(backend !== undefined ? { backend } : {});
  const data = dataDir(values.data);
  const out = values.out ?? join('bench-out', 'oxford');
  const objectives: OxfordObjective[] = objective === 'both' ? ['spike-seq', 'rate'] : [objective];
  console.log(
    `spikeloop bench oxford: config ${cfg.name}, ${objectives.join(' and ')} for ${cfg.train.budgetSec} s each, data ${data}, output ${out}`,
  );
  const r = runOxford(cfg, {
    dataDir: data,
    outDir: out,
    objectives,
    command: ['spikeloop', 'bench', 'oxford', ...argv].join(' '),
    machine: machineLine(),
  });
  console.log(`wrote ${join(out, 'results.md')}, ${join(out, 'oxford.png')} (wall ${r.wallSeconds.toFixed(0)} s)`);
  return 0;
}
