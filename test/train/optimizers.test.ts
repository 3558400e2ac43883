import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sequential } from '../../src/network/sequential.ts';
import { learningRate, Optimizer, Trainer, tensorDataset } from '../../src/train/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function run(opt: Optimizer, grads: number[], lr: number, w0 = 1): number[] {
  const w = tf.variable(tf.scalar(w0));
  const out: number[] = [];
  for (const g of grads) {
    opt.apply([{ name: 'w', variable: w, grad: tf.scalar(g) }], lr);
    out.push(w.dataSync()[0]!);
  }
  w.dispose();
  return out;
}

describe('optimizers follow the PyTorch update rules', () => {
  it('adamw: decoupled decay then bias-corrected Adam step', () => {
    const got = run(new Optimizer({ kind: 'adamw', lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5 }), [2, -1], 0.1);
    let w = 1,
      m = 0,
      v = 0;
    const want: number[] = [];
    [2, -1].forEach((g, i) => {
      const k = i + 1;
      w *= 1 - 0.1 * 0.5;
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      w -= (0.1 * (m / (1 - 0.9 ** k))) / (Math.sqrt(v / (1 - 0.999 ** k)) + 1e-8);
      want.push(w);
    });
    got.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 6));
  });

  it('adam with weight decay adds it to the gradient (L2), unlike adamw', () => {
    const a = run(new Optimizer({ kind: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5 }), [2], 0.1);
    expect(a[0]).toBeCloseTo(1 - 0.1, 5); // first Adam step moves by lr·sign(g + wd·w)
  });

  it('sgd with momentum: b = μb + g, w ← w − lr·b', () => {
    const got = run(new Optimizer({ kind: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0 }), [1, 1, -2], 0.1);
    expect(got[0]).toBeCloseTo(1 - 0.1, 6);
    expect(got[1]).toBeCloseTo(0.9 - 0.1 * 1.9, 6);
    expect(got[2]).toBeCloseTo(0.71 - 0.1 * (0.9 * 1.9 - 2), 6);
  });

  it('schedules: constant, step decay, cosine to minLr', () => {
    expect(learningRate({ kind: 'constant' }, 0.1, 50)).toBe(0.1);
    expect(learningRate({ kind: 'step', stepSize: 10, gamma: 0.5 }, 0.1, 25)).toBeCloseTo(0.025, 12);
    expect(learningRate({ kind: 'cosine', totalSteps: 100, minLr: 0.01 }, 0.1, 0)).toBeCloseTo(0.1, 12);
    expect(learningRate({ kind: 'cosine', totalSteps: 100, minLr: 0.01 }, 0.1, 50)).toBeCloseTo(0.055, 12);
    expect(learningRate({ kind: 'cosine', totalSteps: 100, minLr: 0.01 }, 0.1, 500)).toBeCloseTo(0.01, 12);
  });
});

describe('trainer step', () => {
  const x = tf.ones([6, 2, 4]);
  const d = tf.ones([6, 2, 3]);
  const batch = () => tensorDataset(x, d, { timeMajorInputs: true, timeMajorTargets: true }).batch(Int32Array.from([0, 1]));
  const loss = (o: tf.Tensor, t: tf.Tensor) => tf.mul(100, tf.sum(tf.square(tf.sub(o, t)))) as tf.Scalar;
  const sgd = { kind: 'sgd' as const, lr: 1, momentum: 0, weightDecay: 0 };

  it('scales the gradient down to the global norm limit', () => {
    const net = Sequential.fromConfig({ T: 6, inputShape: [4], seed: 1, layers: [{ type: 'dense', units: 3, weightScale: 3 }] });
    const before = net.getWeights()[0]!.values;
    new Trainer(net, { loss, optimizer: sgd, clipGradNorm: 0.5, batchSize: 2, progress: 'never' }).trainStep(batch());
    const after = net.getWeights()[0]!.values;
    const step = Math.sqrt(after.reduce((a, v, i) => a + (v - before[i]!) ** 2, 0));
    expect(step).toBeCloseTo(0.5, 5); // SGD with lr 1: the step is the clipped gradient
    net.dispose();
  });

  it('clamps weights to ±weightClamp after the update', () => {
    const net = Sequential.fromConfig({ T: 6, inputShape: [4], seed: 1, layers: [{ type: 'dense', units: 3, weightScale: 3 }] });
    new Trainer(net, { loss, optimizer: { ...sgd, lr: 100 }, weightClamp: 0.3, batchSize: 2, progress: 'never' }).trainStep(batch());
    const after = Array.from(net.getWeights()[0]!.values, Math.abs);
    expect(Math.max(...after)).toBe(Math.fround(0.3));
    net.dispose();
  });

  it('training, evaluation and traces leave no tensors behind', async () => {
    const net = Sequential.fromConfig({
      T: 6,
      inputShape: [8, 8, 2],
      seed: 1,
      layers: [
        { type: 'conv2d', filters: 3, kernelSize: 3, bias: true, batchNorm: true },
        { type: 'maxpool', on: 'psp' },
        { type: 'flatten' },
        { type: 'dropout', rate: 0.1 },
        { type: 'dense', units: 4 },
      ],
    });
    const xs = tf.randomUniform([6, 10, 8, 8, 2], 0, 1, 'float32', 1);
    const ds = tensorDataset(xs, tf.zeros([6, 10, 4]), { timeMajorInputs: true, timeMajorTargets: true });
    const tr = new Trainer(net, {
      loss: (o, t) => tf.sum(tf.square(tf.sub(o, t))) as tf.Scalar,
      batchSize: 5,
      clipGradNorm: 1,
      weightClamp: 4,
      progress: 'never',
    });
    await tr.fit(ds, { epochs: 1, evalData: ds }); // creates the optimizer slots
    const n0 = tf.memory().numTensors;
    await tr.fit(ds, { epochs: 3, evalData: ds });
    const r = net.forward(xs, { training: false, record: true });
    for (const t of r.traces!) [t.spikes, t.psp, t.membrane].forEach((v) => v?.dispose());
    r.spikes.dispose();
    net.setWeights(net.getWeights());
    expect(tf.memory().numTensors).toBe(n0);
    net.dispose();
  });
});
