import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../cli/commands/bench.ts';
import { useTempDirs } from '../support/tempDirs.ts';
import { runCommand } from '../support/cli.ts';

const tempDir = useTempDirs();

/** Tiny networks so one epoch on a few fixture samples takes well under a second. */
const TINY = {
  nmnist: {
    name: 'tiny-nmnist',
    dataset: 'nmnist',
    network: {
      T: 10,
      inputShape: [162],
      input: 'spikes',
      seed: 3,
      layers: [
        { type: 'dense', units: 16 },
        { type: 'dense', units: 10 },
      ],
    },
    data: { windowMs: 100, steps: 10, downsample: 4, flatten: true },
    train: { batchSize: 4, epochs: 3, optimizer: { kind: 'adamw', lr: 0.001 } },
    label: { type: 'spike-seq' },
  },
  cifar10: {
    name: 'tiny-cifar10',
    dataset: 'cifar10',
    network: {
      T: 2,
      inputShape: [32, 32, 3],
      input: 'current',
      seed: 3,
      layers: [{ type: 'conv2d', filters: 4, kernelSize: 3, stride: 4 }, { type: 'flatten' }, { type: 'dense', units: 10 }],
    },
    data: { augment: true },
    train: { batchSize: 4, epochs: 3, optimizer: { kind: 'adam', lr: 0.001 } },
    label: { type: 'spike-seq' },
  },
} as const;

const bench = (argv: string[]) => runCommand(run, argv);

describe.each(['nmnist', 'cifar10'] as const)('spikeloop bench %s on the fixtures', (dataset) => {
  it.each(['spike-seq', 'rate'] as const)('%s labels: trains one epoch and writes every output', async (label) => {
    const dir = tempDir('spikeloop-bench-');
    const cfg = join(dir, 'tiny.json');
    writeFileSync(cfg, JSON.stringify(TINY[dataset]));
    const out = join(dir, 'out');
    const { code, out: stdout } = await bench([
      dataset,
      '--config',
      cfg,
      '--label',
      label,
      '--epochs',
      '1',
      '--train-limit',
      '8',
      '--test-limit',
      '6',
      '--data',
      join('test', 'fixtures', dataset),
      '--out',
      out,
      '--backend',
      'cpu',
      '--seed',
      '2',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/epoch 1\/1: loss [\d.]+, train acc [\d.]+%, test loss [\d.]+, test acc [\d.]+%/);
    expect(stdout).toMatch(/final test accuracy/);
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(r).toMatchObject({
      dataset,
      name: `tiny-${dataset}`,
      backend: 'cpu',
      stoppedBy: 'epochs',
      samples: { train: 8, test: 6, perEpoch: 8 },
    });
    expect(r.label.type).toBe(label);
    expect(r.config.train).toMatchObject({ epochs: 1, trainLimit: 8, testLimit: 6, seed: 2 });
    expect(r.config.network.seed).toBe(2);
    expect(r.epochs).toHaveLength(1);
    expect(r.epochs[0].trainSamples).toBe(8);
    expect(r.final.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(r.final.testAccuracy).toBeLessThanOrEqual(1);
    expect(r.final.testAccuracy * 6).toBeCloseTo(Math.round(r.final.testAccuracy * 6), 9);
    expect(r.throughput.trainImagesPerSec).toBeGreaterThan(0);
    expect(r.throughput.inferenceImagesPerSec).toBeGreaterThan(0);
    expect(r.wallSeconds).toBeGreaterThan(0);
    expect(r.command).toContain(`bench ${dataset}`);
    const csv = readFileSync(join(out, 'confusion.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(11);
    const total = csv.slice(1).reduce(
      (a, row) =>
        a +
        row
          .split(',')
          .slice(1)
          .reduce((s, v) => s + Number(v), 0),
      0,
    );
    expect(total).toBe(6);
    expect(readFileSync(join(out, 'confusion.svg'), 'utf8')).toContain('</svg>');
    expect(readFileSync(join(out, 'curves.svg'), 'utf8')).toContain('</svg>');
    expect(existsSync(join(out, 'checkpoint', 'model.json'))).toBe(true);
  });
});

describe('spikeloop bench budget', () => {
  it('--time-limit stops after the epoch that crosses it; --epoch-samples cuts epochs into chunks', async () => {
    const dir = tempDir('spikeloop-bench-time-');
    const cfg = join(dir, 'tiny.json');
    writeFileSync(cfg, JSON.stringify(TINY.nmnist));
    const out = join(dir, 'out');
    const { code, out: stdout } = await bench([
      'nmnist',
      '--config',
      cfg,
      '--epochs',
      '3',
      '--epoch-samples',
      '4',
      '--time-limit',
      '0.000001',
      '--data',
      'test/fixtures/nmnist',
      '--out',
      out,
      '--backend',
      'cpu',
      '--no-checkpoint',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/time limit of 0\.000001 min reached after epoch 1/);
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(r.stoppedBy).toBe('time-limit');
    expect(r.epochs).toHaveLength(1);
    expect(r.epochs[0].trainSamples).toBe(4);
    expect(existsSync(join(out, 'checkpoint'))).toBe(false);
  });
});

describe('spikeloop bench arguments', () => {
  it('a missing dataset names the files and where to put them', async () => {
    const dir = tempDir('spikeloop-bench-nodata-');
    const prev = process.env['SPIKELOOP_DATA'];
    process.env['SPIKELOOP_DATA'] = dir;
    try {
      await expect(bench(['cifar10', '--data', dir, '--backend', 'cpu'])).rejects.toThrow(
        /dataset cifar10 not found; put data_batch_1\.\.5\.bin and test_batch\.bin in one of: .*cifar10\/cifar-10-batches-bin/,
      );
    } finally {
      if (prev === undefined) delete process.env['SPIKELOOP_DATA'];
      else process.env['SPIKELOOP_DATA'] = prev;
    }
  });

  it('rejects a bad dataset, label, number or config with a clear message', async () => {
    expect((await bench(['mnist'])).code).toBe(2);
    await expect(bench(['nmnist', '--label', 'count'])).rejects.toThrow(/--label must be spike-seq or rate/);
    await expect(bench(['nmnist', '--epochs', '0'])).rejects.toThrow(/--epochs must be an integer >= 1, got '0'/);
    await expect(bench(['nmnist', '--time-limit', 'soon'])).rejects.toThrow(/--time-limit must be a positive number/);
    await expect(bench(['nmnist', '--config', 'configs/cifar10-cnn-cpu.json'])).rejects.toThrow(/is for dataset 'cifar10'/);
  });

  it('--help lists the options', async () => {
    const { code, out } = await bench(['--help']);
    expect(code).toBe(0);
    for (const o of ['--config', '--label', '--epochs', '--train-limit', '--test-limit', '--time-limit', '--data', '--out', '--seed'])
      expect(out).toContain(o);
  });
});
