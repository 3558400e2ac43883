import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOxfordConfig, parseOxfordConfig } from '../../src/experiments/oxford/config.ts';

const CONFIGS = join(import.meta.dirname, '..', '..', 'configs');

describe('oxford bench configs', () => {
  it('the shipped config is valid: 200 → 256 → 200 over T = 2000, no synaptic filter, λ 0.9', () => {
    const c = loadOxfordConfig(join(CONFIGS, 'oxford-cpu.json'));
    expect([c.inputNeurons, c.outputNeurons, c.network.T]).toEqual([200, 200, 2000]);
    expect(c.resolvedNetwork.lif.decay).toBe(0.9);
    expect(c.network.layers.every((l) => l.type === 'dense' && l.synapseInput === 'spike')).toBe(true);
    expect(c.train.budgetSec).toBeLessThanOrEqual(600);
  });

  it('errors name the field', () => {
    const base = loadOxfordConfig(join(import.meta.dirname, '..', 'fixtures', 'oxford', 'tiny-config.json'));
    const { resolvedNetwork: _r, inputNeurons: _i, outputNeurons: _o, ...raw } = base;
    expect(() => parseOxfordConfig({ ...raw, train: { ...raw.train, budgetSec: -1 } })).toThrow(/train\.budgetSec/);
    expect(() => parseOxfordConfig({ ...raw, spikeSeq: { ...raw.spikeSeq, kernel: 'box' } })).toThrow(/spikeSeq\.kernel/);
    expect(() => parseOxfordConfig({ ...raw, network: { ...raw.network, input: 'current' } })).toThrow(
      /network\.input: the input is a spike raster/,
    );
    expect(() => parseOxfordConfig({ ...raw, network: { ...raw.network, layers: [...raw.network.layers, { type: 'flatten' }] } })).toThrow(
      /output layer must be dense/,
    );
  });
});
