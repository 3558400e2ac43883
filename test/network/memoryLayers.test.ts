import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { Sequential } from '../../src/network/sequential.ts';
import { loadCheckpoint, restoreNetwork, saveCheckpoint } from '../../src/train/checkpoint.ts';
import { createRng } from '../../src/util/random.ts';
import { useTempDirs } from '../support/tempDirs.ts';

const tempDir = useTempDirs();

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const T = 25;

function spikesInput(n: number, B: number, seed: number): tf.Tensor {
  const rng = createRng(seed);
  return tf.tensor(
    Float32Array.from({ length: T * B * n }, () => (rng.next() < 0.3 ? 1 : 0)),
    [T, B, n],
  );
}

function config(hidden: Record<string, unknown>): Record<string, unknown> {
  return {
    T,
    inputShape: [10],
    input: 'spikes',
    seed: 7,
    layers: [
      { type: 'dense', units: 16, weightScale: 4, ...hidden },
      { type: 'dense', units: 4, weightScale: 4 },
    ],
  };
}

describe('dense layers with memory in Sequential', () => {
  it('{"type": "dense", "recurrent": true} adds a [units, units] recurrent weight and changes the output', () => {
    const rec = Sequential.fromConfig(config({ recurrent: true }));
    const ff = Sequential.fromConfig(config({}));
    try {
      const names = rec.getWeights().map((w) => `${w.name}[${w.shape.join(',')}]`);
      expect(names).toEqual(['dense_0/kernel[10,16]', 'dense_0/recurrent[16,16]', 'dense_1/kernel[16,4]']);
      expect(rec.summary()).toMatch(/recurrent/);
      const x = spikesInput(10, 2, 1);
      const a = rec.forward(x, { training: false, record: true });
      const b = ff.forward(x, { training: false, record: true });
      expect(a.traces![0]!.spikes.sum().dataSync()[0]).toBeGreaterThan(0);
      expect(Array.from(a.traces![0]!.spikes.dataSync())).not.toEqual(Array.from(b.traces![0]!.spikes.dataSync()));
    } finally {
      rec.dispose();
      ff.dispose();
    }
  });

  it('every trainable tensor of a recurrent adaptive layer with a learned τ gets a non-zero gradient', () => {
    const net = Sequential.fromConfig(config({ recurrent: true, adaptive: { beta: 0.2, tauAdapt: 10 }, learnTau: 'neuron' }));
    try {
      const x = spikesInput(10, 3, 2);
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(net.forward(x, { training: true }).spikes, tf.linspace(-1, 1, 4))) as tf.Scalar,
        net.trainableVariables,
      );
      expect(Object.keys(grads)).toHaveLength(4);
      for (const g of Object.values(grads)) expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    } finally {
      net.dispose();
    }
  });

  it("learnTau 'layer': the logit's gradient is Σ_j ∂L/∂λ_j · λ(1 − λ) of the per-neuron op", () => {
    const layerNet = Sequential.fromConfig(config({ learnTau: 'layer', recurrent: true }));
    const neuronNet = Sequential.fromConfig(config({ learnTau: 'neuron', recurrent: true }));
    try {
      const x = spikesInput(10, 3, 3);
      const loss = (net: Sequential) => () => tf.sum(tf.mul(net.forward(x, { training: true }).spikes, tf.linspace(-1, 1, 4))) as tf.Scalar;
      const byName = (net: Sequential, name: string) => net.namedVariables().find((w) => w.name === name)!.variable;
      const gl = tf.variableGrads(loss(layerNet), [byName(layerNet, 'dense_0/decayLogit')]).grads;
      const gn = tf.variableGrads(loss(neuronNet), [byName(neuronNet, 'dense_0/decayLogit')]).grads;
      const gLayer = Object.values(gl)[0]!.dataSync();
      const gNeuron = Object.values(gn)[0]!.dataSync();
      expect(gLayer.length).toBe(1);
      expect(gNeuron.length).toBe(16);
      // same start (λ0 = 0.8 everywhere, same weights): the shared logit's gradient sums the neurons'
      const sum = Array.from(gNeuron).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum)).toBeGreaterThan(1e-3);
      expect(gLayer[0]!).toBeCloseTo(sum, 5);
      expect(byName(layerNet, 'dense_0/decayLogit').dataSync()[0]).toBeCloseTo(Math.log(0.8 / 0.2), 6);
    } finally {
      layerNet.dispose();
      neuronNet.dispose();
    }
  });

  it('delay k shifts the layer output by k steps, zeros first', () => {
    const plain = Sequential.fromConfig({ ...config({}), layers: [{ type: 'dense', units: 16, weightScale: 4, delay: 0 }] });
    const delayed = Sequential.fromConfig({ ...config({}), layers: [{ type: 'dense', units: 16, weightScale: 4, delay: 3 }] });
    try {
      const x = spikesInput(10, 2, 4);
      const a = plain.forward(x, { training: false }).spikes;
      const b = delayed.forward(x, { training: false }).spikes;
      const want = tf.concat([tf.zeros([3, 2, 16]), tf.slice(a, 0, T - 3)], 0);
      expect(a.sum().dataSync()[0]).toBeGreaterThan(0);
      expect(Array.from(b.dataSync())).toEqual(Array.from(want.dataSync()));
      expect(delayed.summary()).toMatch(/delay 3/);
    } finally {
      plain.dispose();
      delayed.dispose();
    }
  });

  it('a delayed hidden layer passes its gradient back through the shift', () => {
    const net = Sequential.fromConfig(config({ delay: 2 }));
    try {
      const x = spikesInput(10, 2, 5);
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(net.forward(x, { training: true }).spikes, tf.linspace(-1, 1, 4))) as tf.Scalar,
        net.trainableVariables,
      );
      for (const g of Object.values(grads)) expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    } finally {
      net.dispose();
    }
  });

  it('rejects bad memory options naming the field', () => {
    expect(() => Sequential.fromConfig(config({ recurrent: 'yes' }))).toThrow(/layers\.0\.recurrent/);
    expect(() => Sequential.fromConfig(config({ adaptive: { beta: 0.2 } }))).toThrow(/layers\.0\.adaptive\.tauAdapt/);
    expect(() => Sequential.fromConfig(config({ learnTau: 'weights' }))).toThrow(/layers\.0\.learnTau/);
    expect(() => Sequential.fromConfig(config({ delay: -1 }))).toThrow(/layers\.0\.delay/);
    expect(() => Sequential.fromConfig(config({ delay: 1.5 }))).toThrow(/layers\.0\.delay/);
    expect(() => Sequential.fromConfig(config({ learnTau: 'layer', lif: { tauMem: 1 } }))).toThrow(
      /layers\.0: learnTau needs a leak λ in \(0, 1\)/,
    );
  });

  it('checkpoint round trip keeps the config and every weight, and gives the same spikes', () => {
    const dir = join(tempDir('memory-ckpt-'), 'ckpt');
    const net = Sequential.fromConfig(
      config({ recurrent: true, recurrentScale: 0.5, adaptive: { beta: 0.3, tauAdapt: 8 }, learnTau: 'layer', delay: 1 }),
    );
    try {
      saveCheckpoint(dir, { network: net.config, weights: net.getWeights() });
      const back = restoreNetwork(loadCheckpoint(dir));
      try {
        expect(back.config.layers[0]).toMatchObject({
          recurrent: true,
          recurrentScale: 0.5,
          adaptive: { beta: 0.3, tauAdapt: 8 },
          learnTau: 'layer',
          delay: 1,
        });
        expect(back.getWeights().map((w) => w.name)).toEqual([
          'dense_0/kernel',
          'dense_0/recurrent',
          'dense_0/decayLogit',
          'dense_1/kernel',
        ]);
        const x = spikesInput(10, 2, 6);
        const a = net.forward(x, { training: false }).spikes.dataSync();
        const b = back.forward(x, { training: false }).spikes.dataSync();
        expect(Array.from(a).some((v) => v > 0)).toBe(true);
        expect(Array.from(b)).toEqual(Array.from(a));
      } finally {
        back.dispose();
      }
    } finally {
      net.dispose();
    }
  });
});
