import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { EventDrivenNetwork } from '../../src/inference/engine.ts';
import { fromSequential } from '../../src/inference/fromSequential.ts';
import { Sequential } from '../../src/network/sequential.ts';
import { pspFilter, resolvePsp } from '../../src/neurons/psp.ts';
import { loadCheckpoint, restoreNetwork, saveCheckpoint } from '../../src/train/checkpoint.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { createRng } from '../../src/util/random.ts';
import { useTempDirs } from '../support/tempDirs.ts';

const tempDir = useTempDirs();

afterAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function randomArray(n: number, seed: number, p?: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (p === undefined ? rng.normal(0, 1) : rng.next() < p ? 1 : 0));
}

/** The unfused reference: a[t] = α·a[t−1] + c·x[t] as tf ops, α a tensor, autograd for both. */
function pspUnfused(x: tf.Tensor, alpha: tf.Tensor, c: number): tf.Tensor {
  const T = x.shape[0]!;
  const steps: tf.Tensor[] = [];
  let a = tf.mul(tf.slice(x, 0, 1), c);
  steps.push(a);
  for (let t = 1; t < T; t++) {
    a = tf.add(tf.mul(alpha, a), tf.mul(tf.slice(x, t, 1), c));
    steps.push(a);
  }
  return tf.concat(steps, 0);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`pspFilter with a trained α (${backend})`, () => {
    beforeAll(async () => {
      await initBackend({ backend, quiet: true });
    });

    for (const scale of ['none', 'unit-area'] as const) {
      it(`∂x and ∂α equal the unfused autograd reference (scale ${scale})`, () => {
        const [T, B, N] = [23, 3, 5];
        const opts = { tauSyn: 4, scale };
        const c = resolvePsp(opts).c;
        const x = tf.tensor(randomArray(T * B * N, 1, 0.3), [T, B, N]);
        const w = tf.tensor(randomArray(T * B * N, 2), [T, B, N]);
        const logit = tf.tensor1d([0.7]);
        const grads = (f: (x: tf.Tensor, a: tf.Tensor) => tf.Tensor) =>
          tf.tidy(() => {
            const [gx, gl] = tf.grads((xv: tf.Tensor, lv: tf.Tensor) => tf.sum(tf.mul(f(xv, tf.sigmoid(lv)), w)))([x, logit]);
            const y = f(x, tf.sigmoid(logit));
            return [y, gx, gl].map((t) => Array.from(t!.dataSync()));
          });
        const [y, gx, gl] = grads((xv, a) => pspFilter(xv, opts, a));
        const [yr, gxr, glr] = grads((xv, a) => pspUnfused(xv, a, c));
        const diff = (a: number[], b: number[]) => Math.max(...a.map((v, k) => Math.abs(v - b[k]!)));
        expect(diff(y!, yr!)).toBeLessThan(1e-5);
        expect(diff(gx!, gxr!)).toBeLessThan(1e-4);
        expect(Math.abs(glr![0]!)).toBeGreaterThan(0.01);
        expect(Math.abs(gl![0]! - glr![0]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(glr![0]!)));
        tf.dispose([x, w, logit]);
      });
    }

    it('∂L/∂α matches a central finite difference of the float64 filter', () => {
      const [T, N] = [30, 4];
      const X = randomArray(T * N, 3, 0.4);
      const W = randomArray(T * N, 4);
      const c = 0.25;
      const loss = (alpha: number): number => {
        let L = 0;
        const a = new Float64Array(N);
        for (let t = 0; t < T; t++)
          for (let i = 0; i < N; i++) {
            a[i] = alpha * a[i]! + c * X[t * N + i]!;
            L += W[t * N + i]! * a[i]!;
          }
        return L;
      };
      const alpha = 0.8;
      const h = 1e-6;
      const fd = (loss(alpha + h) - loss(alpha - h)) / (2 * h);
      const got = tf.tidy(() => {
        const x = tf.tensor(X, [T, N]);
        const w = tf.tensor(W, [T, N]);
        const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pspFilter(x, { tauSyn: 4, scale: 'unit-area' }, a), w)))(tf.tensor1d([alpha]));
        return g.dataSync()[0]!;
      });
      expect(Math.abs(fd)).toBeGreaterThan(0.1);
      expect(Math.abs(got - fd)).toBeLessThan(1e-3 * Math.abs(fd));
    });
  });
}

describe('"learnPspAlpha": true in a layer config', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });
  const T = 20;
  const config = {
    T,
    inputShape: [12],
    input: 'spikes',
    seed: 5,
    psp: { tauSyn: 4 },
    layers: [
      { type: 'dense', units: 16, weightScale: 4, learnPspAlpha: true },
      { type: 'dense', units: 3, weightScale: 4 },
    ],
  };

  it('adds <layer>/pspAlphaLogit = logit(α0), trains it inside (0, 1), and keeps it through a checkpoint', () => {
    const net = Sequential.fromConfig(config);
    try {
      const logit = net.namedVariables().find((w) => w.name === 'dense_0/pspAlphaLogit')!.variable;
      expect(logit.shape).toEqual([1]);
      const a0 = 1 - 1 / 4;
      expect(1 / (1 + Math.exp(-logit.dataSync()[0]!))).toBeCloseTo(a0, 6);
      expect(net.summary()).toMatch(/learned PSP α/);
      const x = tf.tensor(randomArray(T * 4 * 12, 6, 0.3), [T, 4, 12]);
      const targets = tf.tensor(randomArray(T * 4 * 3, 7, 0.2), [T, 4, 3]);
      const trainer = new Trainer(net, {
        loss: (o, t) => tf.mean(tf.square(tf.sub(o, t))) as tf.Scalar,
        optimizer: { kind: 'adam', lr: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
        progress: 'never',
      });
      for (let k = 0; k < 3; k++) trainer.trainStep({ inputs: x, targets });
      const a1 = 1 / (1 + Math.exp(-logit.dataSync()[0]!));
      expect(a1).not.toBeCloseTo(a0, 4);
      expect(a1 > 0 && a1 < 1).toBe(true);
      const dir = join(tempDir('psp-alpha-'), 'ckpt');
      saveCheckpoint(dir, { network: net.config, weights: net.getWeights() });
      const back = restoreNetwork(loadCheckpoint(dir));
      try {
        expect(back.config.layers[0]).toMatchObject({ learnPspAlpha: true });
        const w = back.getWeights().find((e) => e.name === 'dense_0/pspAlphaLogit')!;
        expect(Array.from(w.values)).toEqual(Array.from(logit.dataSync()));
        const a = net.forward(x, { training: false }).spikes;
        const b = back.forward(x, { training: false }).spikes;
        expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
        tf.dispose([a, b]);
      } finally {
        back.dispose();
      }
      trainer.dispose();
      tf.dispose([x, targets]);
    } finally {
      net.dispose();
    }
  });

  it('the event-driven engine uses the trained α (same spikes as Sequential.forward)', () => {
    const net = Sequential.fromConfig({ ...config, layers: [{ ...config.layers[0]!, units: 32 }, config.layers[1]!] });
    try {
      const logit = net.namedVariables().find((w) => w.name === 'dense_0/pspAlphaLogit')!.variable;
      logit.assign(tf.tensor1d([2.2])); // α ≈ 0.90, not the configured 0.75
      const x = randomArray(T * 12, 8, 0.3);
      const { traces } = net.forward(tf.tensor(x, [T, 1, 12]), { training: false, record: true });
      const engine = new EventDrivenNetwork(fromSequential(net));
      const got = new Float32Array(T * 32);
      for (let t = 0; t < T; t++) {
        engine.step(x.subarray(t * 12, (t + 1) * 12));
        for (const j of engine.spikes(0)) got[t * 32 + j] = 1;
      }
      const want = traces![0]!.spikes.dataSync();
      expect(Array.from(want).reduce((s, v) => s + v, 0)).toBeGreaterThan(5);
      expect(Array.from(got)).toEqual(Array.from(want));
    } finally {
      net.dispose();
    }
  });

  it('a non-boolean learnPspAlpha is rejected naming the field', () => {
    expect(() => Sequential.fromConfig({ ...config, layers: [{ type: 'dense', units: 4, learnPspAlpha: 'yes' }] })).toThrow(
      /learnPspAlpha/,
    );
  });
});
