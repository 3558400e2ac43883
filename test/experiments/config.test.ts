import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadExperimentConfig, parseExperimentConfig } from '../../src/experiments/config.ts';
import { loadOxfordConfig } from '../../src/experiments/oxford/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'spikeloop-expcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nmnist(): Record<string, unknown> {
  return {
    name: 'tiny',
    dataset: 'nmnist',
    network: {
      T: 30,
      inputShape: [578],
      input: 'spikes',
      layers: [
        { type: 'dense', units: 16 },
        { type: 'dense', units: 10 },
      ],
    },
    data: { downsample: 2, flatten: true },
    train: { batchSize: 8, epochs: 1, optimizer: { kind: 'adamw', lr: 0.001 } },
    label: { type: 'spike-seq' },
  };
}

function withPath(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  let o = copy as Record<string, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  if (value === undefined) delete o[path.at(-1)!];
  else o[path.at(-1)!] = value;
  return copy;
}

describe('experiment configs', () => {
  it('every config under configs/ validates', () => {
    const all = readdirSync('configs').filter((f) => f.endsWith('.json'));
    // oxford-*.json are spike-to-spike regression benches with their own schema
    for (const f of all.filter((x) => x.startsWith('oxford-')))
      expect(loadOxfordConfig(join('configs', f)).name).toBe(f.replace(/\.json$/, ''));
    const files = all.filter((f) => !f.startsWith('oxford-'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) {
      const c = loadExperimentConfig(join('configs', f));
      expect(c.name).toBe(f.replace(/\.json$/, ''));
      expect(c.resolvedNetwork.layers.at(-1)).toMatchObject({ type: 'dense', units: 10 });
    }
  });

  it('the published CIFAR-10 and N-MNIST networks use T=5 and T=30', () => {
    expect(loadExperimentConfig('configs/cifar10-cnn-paper.json').network.T).toBe(5);
    expect(loadExperimentConfig('configs/nmnist-cnn-paper.json').network.T).toBe(30);
  });

  it.each([
    [['train', 'optimizer', 'lr'], -1, /train\.optimizer\.lr/],
    [['train', 'batchSize'], 0, /train\.batchSize/],
    [['label', 'type'], 'count', /label\.type/],
    [['dataset'], 'mnist', /dataset/],
    [['train', 'epochs'], undefined, /train\.epochs/],
    [['network', 'layers', '0', 'units'], 'many', /network\.layers\.0\.units/],
    [['data', 'steps'], 20, /data\.steps: N-MNIST frames give 20 bins, network\.T is 30/],
    [['network', 'inputShape'], [2312], /network\.inputShape: N-MNIST frames with these data options are \[578\]/],
    [['network', 'layers', '1', 'units'], 7, /units: nmnist has 10 classes, got 7/],
    [['label', 'pattern'], [0, 1], /label\.pattern: has 2 steps, network\.T is 30/],
    [['data', 'augment'], true, /augment and trainBatches are CIFAR-10 options/],
    [['train', 'shuffleTwice'], true, /Unrecognized key/],
  ])('rejects %j = %j naming the field', (path, value, msg) => {
    expect(() => parseExperimentConfig(withPath(nmnist(), path as string[], value), 'x.json')).toThrow(msg);
  });

  it('CIFAR-10 configs must feed currents into a 32x32x3 input', () => {
    const c = {
      ...nmnist(),
      dataset: 'cifar10',
      data: {},
      network: { T: 5, inputShape: [32, 32, 3], input: 'spikes', layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }] },
    };
    expect(() => parseExperimentConfig(c)).toThrow(/network\.input: CIFAR-10 images are fed as currents/);
    expect(() => parseExperimentConfig({ ...c, network: { ...c.network, input: 'current' }, data: { downsample: 2 } })).toThrow(
      /data\.downsample: an N-MNIST option/,
    );
  });

  it('a file that is not JSON or not there is named in the error', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "name": ');
    expect(() => loadExperimentConfig(bad)).toThrow(`experiment config ${bad}: not valid JSON`);
    expect(() => loadExperimentConfig(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read/);
  });
});
