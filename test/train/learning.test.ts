import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { classSpikeTrains } from '../../src/labels/classification.ts';
import { spikeSequenceLoss, vanRossumDistance } from '../../src/loss/index.ts';
import { Sequential } from '../../src/network/sequential.ts';
import { Trainer, tensorDataset } from '../../src/train/index.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const psp = { tauSyn: 3, scale: 'none' as const };

describe('learning spike trains', () => {
  it('a network learns to emit a given 3-neuron target spike train (van Rossum distance falls below 1)', async () => {
    const T = 30;
    const rng = createRng(11);
    const xin = new Float32Array(T * 50);
    for (let i = 0; i < xin.length; i++) xin[i] = rng.next() < 0.15 ? 1 : 0;
    const x = tf.tensor3d(xin, [T, 1, 50]);
    const target = new Float32Array(T * 3);
    for (const [t, i] of [
      [5, 0],
      [12, 0],
      [20, 0],
      [8, 1],
      [16, 1],
      [24, 1],
      [27, 1],
      [10, 2],
      [22, 2],
    ] as const)
      target[t * 3 + i] = 1;
    const d = tf.tensor3d(target, [T, 1, 3]);
    const net = Sequential.fromConfig({
      T,
      inputShape: [50],
      seed: 3,
      psp,
      lif: { surrogate: { kind: 'fastSigmoid', slope: 2 } },
      layers: [
        { type: 'dense', units: 100, weightScale: 3 },
        { type: 'dense', units: 3, weightScale: 2 },
      ],
    });
    const trainer = new Trainer(net, {
      loss: (o, t) => spikeSequenceLoss(o, t, { psp, reduction: 'sum' }),
      optimizer: { kind: 'adam', lr: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
      batchSize: 1,
      progress: 'never',
    });
    const distance = () => {
      const out = net.forward(x, { training: false }).spikes;
      const D = vanRossumDistance(out.dataSync(), target, T, psp);
      out.dispose();
      return D;
    };
    const before = distance();
    await trainer.fit(tensorDataset(x, d, { timeMajorInputs: true, timeMajorTargets: true }), { epochs: 500 });
    const after = distance();
    expect(before).toBeGreaterThan(2.5);
    expect(after).toBeLessThan(1);
    net.dispose();
    trainer.dispose();
  });
});

/**
 * Two classes whose inputs have exactly one spike per input neuron (identical spike counts), and
 * differ only in which neuron fires when: class 1 fires the neurons in the reverse order of class 0.
 */
function orderTask(n: number, seed: number, T: number, C: number) {
  const rng = createRng(seed);
  const x = new Float32Array(T * n * C);
  const labels = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    const y = rng.int(2);
    labels[b] = y;
    for (let c = 0; c < C; c++) {
      const slot = y === 0 ? c : C - 1 - c;
      const t = Math.min(T - 1, Math.max(0, 2 + slot * 2 + rng.int(3) - 1)); // ±1 step jitter
      x[(t * n + b) * C + c] = 1;
    }
  }
  return { x: tf.tensor3d(x, [T, n, C]), labels };
}

describe('temporal classification', () => {
  it('classifies inputs that differ only in spike order (equal counts per neuron) far above chance', async () => {
    const T = 20,
      C = 8;
    const train = orderTask(64, 1, T, C);
    const test = orderTask(64, 2, T, C);
    // spike counts per input neuron are identical across classes: a rate code sees no difference
    const counts = tf.sum(train.x, 0).arraySync() as number[][];
    expect(counts.every((row) => row.every((v) => v === 1))).toBe(true);
    const trains = (labels: Int32Array) => classSpikeTrains(labels, { T, numClasses: 2, pattern: 'every-k', k: 3 });
    const net = Sequential.fromConfig({
      T,
      inputShape: [C],
      seed: 7,
      psp,
      layers: [
        { type: 'dense', units: 24, weightScale: 5 },
        { type: 'dense', units: 2, weightScale: 3 },
      ],
    });
    const trainer = new Trainer(net, {
      loss: (o, t) => spikeSequenceLoss(o, t, { psp, reduction: 'sum' }),
      optimizer: { kind: 'adamw', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.001 },
      batchSize: 16,
      readoutPsp: psp,
      progress: 'never',
      seed: 5,
    });
    const trainData = tensorDataset(train.x, trains(train.labels), { timeMajorInputs: true, timeMajorTargets: true, labels: train.labels });
    const testData = tensorDataset(test.x, trains(test.labels), { timeMajorInputs: true, timeMajorTargets: true, labels: test.labels });
    const before = trainer.evaluate(testData).accuracy!;
    const { history: hist } = await trainer.fit(trainData, { epochs: 30, evalData: testData });
    const acc = hist.at(-1)!.evalAccuracy!;
    expect(acc).toBeGreaterThanOrEqual(0.9);
    expect(hist.at(-1)!.loss).toBeLessThan(hist[0]!.loss);
    expect(before).toBeLessThan(0.8);
    net.dispose();
    trainer.dispose();
  });
});
