import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { lifTB, pspTB } from '../../src/layers/neuronOps.ts';
import { resolveLif, resolvePsp, type LayerLifOptions } from '../../src/layers/neuronOptions.ts';
import { denseSynapse } from '../../src/layers/synapse.ts';
import { surrogateGrad } from '../../src/neurons/surrogate.ts';
import { Sequential } from '../../src/network/sequential.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function bernoulli(shape: number[], p: number, seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.next() < p ? 1 : 0;
  return tf.tensor(v, shape);
}

/** Per-step LIF under plain autograd, surrogate through a smooth-gradient straight-through trick. */
function lifReference(I: tf.Tensor, o: LayerLifOptions): tf.Tensor {
  const r = resolveLif(o);
  const sg = surrogateGrad(r.surrogate);
  const spike = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const u = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([u]);
    const value = tf.cast(tf.greater(u, r.threshold), 'float32');
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const ud = saved[0]!.dataSync();
      const g = new Float32Array(ud.length);
      for (let i = 0; i < g.length; i++) g[i] = sg(ud[i]! - r.threshold);
      return tf.mul(dy, tf.tensor(g, saved[0]!.shape));
    };
    return { value, gradFunc };
  });
  const steps = tf.unstack(I);
  let u = tf.zerosLike(steps[0]!);
  let s = tf.zerosLike(steps[0]!);
  const out: tf.Tensor[] = [];
  for (const It of steps) {
    // a fresh tensor from the values carries no gradient: the detached reset path
    const sd = r.detachReset ? tf.tensor(s.dataSync(), s.shape) : s;
    const rr = r.reset === 'hard' ? tf.mul(u, tf.sub(1, sd)) : tf.sub(u, tf.mul(r.threshold, sd));
    u = tf.add(tf.mul(r.decay, rr), It);
    s = spike(u);
    out.push(s);
  }
  return tf.stack(out);
}

describe('fused neuron ops', () => {
  const cases: Array<[string, Partial<LayerLifOptions>]> = [
    ['hard reset, detached', { reset: 'hard', detachReset: true }],
    ['soft reset, detached, fastSigmoid', { reset: 'soft', detachReset: true, surrogate: { kind: 'fastSigmoid', slope: 10 } }],
    ['hard reset, reset path kept', { reset: 'hard', detachReset: false }],
    ['soft reset, reset path kept, arctan', { reset: 'soft', detachReset: false, surrogate: { kind: 'arctan', alpha: 2 } }],
  ];
  for (const [label, o] of cases) {
    it(`fused LIF forward and input gradient equal per-step autograd (${label})`, () => {
      const opts = { ...resolveLifDefaults(), ...o };
      const rng = createRng(3);
      const I = tf.tensor(
        Array.from({ length: 12 * 7 }, () => rng.uniform(-0.5, 1.5)),
        [12, 7],
      );
      const w = tf.tensor(
        Array.from({ length: 12 * 7 }, () => rng.uniform(-1, 1)),
        [12, 7],
      );
      const fused = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(lifTB(x, resolveLif(opts)).spikes, w)));
      const ref = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(lifReference(x, opts), w)));
      expect(Array.from(lifTB(I, resolveLif(opts)).spikes.dataSync())).toEqual(Array.from(lifReference(I, opts).dataSync()));
      const a = fused(I).dataSync();
      const b = ref(I).dataSync();
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    });
  }

  it('PSP filter gradient equals autograd of the explicit recursion', () => {
    const p = resolvePsp({ tauSyn: 3, scale: 'unit-area' });
    const x = bernoulli([9, 4], 0.4, 1);
    const w = tf.randomUniform([9, 4], -1, 1, 'float32', 2);
    const ref = (v: tf.Tensor) => {
      const out: tf.Tensor[] = [];
      let a = tf.zeros([4]);
      for (const xt of tf.unstack(v)) {
        a = tf.add(tf.mul(p.alpha, a), tf.mul(p.c, xt));
        out.push(a);
      }
      return tf.stack(out);
    };
    const fa = pspTB(x, p).dataSync();
    const fb = ref(x).dataSync();
    for (let i = 0; i < fa.length; i++) expect(fa[i]).toBeCloseTo(fb[i]!, 6);
    const ga = tf
      .grad((v: tf.Tensor) => tf.sum(tf.mul(pspTB(v, p), w)))(x)
      .dataSync();
    const gb = tf
      .grad((v: tf.Tensor) => tf.sum(tf.mul(ref(v), w)))(x)
      .dataSync();
    for (let i = 0; i < ga.length; i++) expect(ga[i]).toBeCloseTo(gb[i]!, 5);
  });

  it('filtering the current after the product equals the product of filtered spikes: W·(ε∗o) = ε∗(W·o)', () => {
    const p = resolvePsp({ tauSyn: 4, scale: 'none' });
    const T = 10,
      B = 3,
      n = 6,
      m = 5;
    const o = bernoulli([T, B, n], 0.3, 5);
    const W = tf.randomNormal([n, m], 0, 1, 'float32', 6) as tf.Tensor2D;
    const before = tf.reshape(denseSynapse(tf.reshape(pspTB(o, p), [T * B, n]) as tf.Tensor2D, W), [T, B, m]).dataSync();
    const after = pspTB(tf.reshape(denseSynapse(tf.reshape(o, [T * B, n]) as tf.Tensor2D, W), [T, B, m]), p).dataSync();
    for (let i = 0; i < before.length; i++) expect(after[i]).toBeCloseTo(before[i]!, 5);
  });
});

function resolveLifDefaults(): LayerLifOptions {
  return { tauMem: 5, threshold: 1, reset: 'hard', surrogate: { kind: 'sigmoid', alpha: 5 }, detachReset: true };
}

describe('layers in a network', () => {
  it('conv → pool → flatten → dense gives the documented shapes and a gradient for every weight', () => {
    const net = Sequential.fromConfig({
      T: 4,
      inputShape: [8, 8, 2],
      seed: 1,
      layers: [
        { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', weightScale: 5, bias: true },
        { type: 'avgpool', poolSize: 2 },
        { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'valid', stride: 1 },
        { type: 'maxpool', poolSize: 2, on: 'psp' },
        { type: 'flatten' },
        { type: 'dropout', rate: 0.2 },
        { type: 'dense', units: 5, weightScale: 4 },
      ],
    });
    expect(net.layers.map((l) => l.outputShape.join('x'))).toEqual(['8x8x3', '4x4x3', '2x2x4', '1x1x4', '4', '4', '5']);
    const x = bernoulli([4, 2, 8, 8, 2], 0.5, 9);
    const { value, grads } = tf.variableGrads(
      () =>
        tf
          .sum(net.forward(x, { training: true }).spikes)
          .add(tf.sum(net.forward(x, { training: true, record: true }).traces![0]!.psp!)) as tf.Scalar,
    );
    expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
    expect(Object.keys(grads)).toHaveLength(net.trainableVariables.length);
    for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    const out = net.forward(x, { training: false });
    expect(out.spikes.shape).toEqual([4, 2, 5]);
    net.dispose();
  });

  it('a static current input gives the same output as the same current repeated over T', () => {
    const net = Sequential.fromConfig({
      T: 6,
      inputShape: [5],
      input: 'current',
      seed: 2,
      layers: [
        { type: 'dense', units: 7, weightScale: 6 },
        { type: 'dense', units: 3, weightScale: 4 },
      ],
    });
    const x = tf.randomUniform([2, 5], 0, 1, 'float32', 3);
    const a = net.forward(x, { training: false }).spikes;
    const b = net.forward(tf.broadcastTo(tf.expandDims(x, 0), [6, 2, 5]), { training: false }).spikes;
    expect(a.dataSync()).toEqual(b.dataSync());
    expect(tf.sum(a).dataSync()[0]).toBeGreaterThan(0);
    net.dispose();
  });

  it('dropout masks are shared over time, seeded, and off at inference', () => {
    const net = Sequential.fromConfig({
      T: 5,
      inputShape: [40],
      input: 'current',
      seed: 4,
      layers: [
        { type: 'dropout', rate: 0.5 },
        { type: 'dense', units: 40, weightScale: 1 },
      ],
    });
    const layer = net.layers[0]!;
    const x = tf.ones([5, 3, 40]);
    const ctx = { T: 5, training: true, rng: createRng(1) };
    const y = layer.forward({ x, filtered: false, static: false, binary: false }, ctx).x.arraySync() as number[][][];
    for (let t = 1; t < 5; t++) expect(y[t]).toEqual(y[0]);
    const zeros = y[0]!.flat().filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(30);
    expect(zeros).toBeLessThan(90);
    const y2 = layer.forward({ x, filtered: false, static: false, binary: false }, { ...ctx, rng: createRng(1) }).x.arraySync();
    expect(y2).toEqual(y);
    expect(layer.forward({ x, filtered: false, static: false, binary: false }, { ...ctx, training: false }).x).toBe(x);
    net.dispose();
  });

  it('config errors name the offending field', () => {
    expect(() => Sequential.fromConfig({ T: 5, inputShape: [4], layers: [{ type: 'dense', units: -1 }] })).toThrow(/layers\.0\.units/);
    expect(() => Sequential.fromConfig({ T: 5, inputShape: [4], layers: [{ type: 'dense', units: 3, lif: { reset: 'zero' } }] })).toThrow(
      /layers\.0\.lif\.reset/,
    );
    expect(() => Sequential.fromConfig({ T: 0, inputShape: [4], layers: [{ type: 'flatten' }] })).toThrow(/T:/);
    expect(() => Sequential.fromConfig({ T: 5, inputShape: [4, 4, 1], layers: [{ type: 'dense', units: 3 }] })).toThrow(
      /layers\.0: .*flatten/,
    );
  });
});

describe('per-timestep batch norm', () => {
  it('normalises each step of the current in training, uses running statistics at inference, and saves them', () => {
    const cfg = {
      T: 4,
      inputShape: [6],
      input: 'current',
      seed: 3,
      layers: [{ type: 'dense', units: 5, weightScale: 3, synapseInput: 'spike', batchNorm: { momentum: 1 } }],
    };
    const net = Sequential.fromConfig(cfg);
    expect(net.getWeights().map((w) => w.name)).toEqual([
      'dense_0/kernel',
      'dense_0/bn_gamma',
      'dense_0/bn_beta',
      'dense_0/bn_running_mean',
      'dense_0/bn_running_var',
    ]);
    expect(net.trainableVariables).toHaveLength(3);
    const x = tf.randomUniform([3, 6], 0, 1, 'float32', 8);
    const { grads } = tf.variableGrads(
      () => tf.sum(net.forward(x, { training: true, record: true }).traces![0]!.psp!) as tf.Scalar,
      net.trainableVariables,
    );
    expect(Object.keys(grads)).toHaveLength(3);
    // momentum 1: the running mean is the last batch's per-step channel mean of x·W (same each step here)
    const W = net.getWeights()[0]!;
    const I = tf.matMul(x, tf.tensor(W.values, W.shape as [number, number])).arraySync() as number[][];
    const mean = I[0]!.map((_, j) => I.reduce((a, r) => a + r[j]!, 0) / 3);
    const run = net.getWeights()[3]!.values;
    for (let t = 0; t < 4; t++) for (let j = 0; j < 5; j++) expect(run[t * 5 + j]).toBeCloseTo(mean[j]!, 5);
    const copy = Sequential.fromConfig(cfg);
    copy.setWeights(net.getWeights());
    expect(copy.forward(x, { training: false }).spikes.dataSync()).toEqual(net.forward(x, { training: false }).spikes.dataSync());
    net.dispose();
    copy.dispose();
  });
});

describe('time-batched products', () => {
  it('conv over [T·B, H, W, C] with a PSP synapse and avg pooling equals a per-step loop', () => {
    const T = 5,
      B = 2;
    const net = Sequential.fromConfig({
      T,
      inputShape: [6, 6, 2],
      seed: 5,
      layers: [
        { type: 'conv2d', filters: 3, kernelSize: 3, stride: 2, padding: 1, weightScale: 6, bias: true },
        { type: 'avgpool', poolSize: 3, stride: 1 },
        { type: 'flatten' },
        { type: 'dense', units: 4, weightScale: 5 },
      ],
    });
    const x = bernoulli([T, B, 6, 6, 2], 0.4, 12);
    const [K, b, W] = net.getWeights().map((w) => tf.tensor(w.values, w.shape));
    const lif = resolveLif(resolveLifDefaults());
    const psp = resolvePsp({});
    const cur1 = tf.stack(tf.unstack(x).map((xt) => tf.conv2d(xt as tf.Tensor4D, K as tf.Tensor4D, 2, 1)));
    const s1 = lifTB(tf.add(pspTB(cur1, psp), b!), lif).spikes;
    const pooled = tf.stack(tf.unstack(s1).map((st) => tf.reshape(tf.avgPool(st as tf.Tensor4D, 3, 1, 'valid'), [B, -1])));
    const cur2 = tf.stack(tf.unstack(pooled).map((pt) => tf.matMul(pt as tf.Tensor2D, W as tf.Tensor2D)));
    const want = lifTB(pspTB(cur2, psp), lif).spikes;
    const got = net.forward(x, { training: false }).spikes;
    expect(tf.sum(want).dataSync()[0]).toBeGreaterThan(0);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    net.dispose();
  });
});

describe('binary flag (the event-driven synapse hint)', () => {
  it('spikes and their max-pool are binary; averages, PSPs and dropout-scaled trains are not', () => {
    const net = Sequential.fromConfig({
      T: 3,
      inputShape: [4, 4, 1],
      seed: 1,
      layers: [
        { type: 'conv2d', filters: 2, kernelSize: 3 },
        { type: 'maxpool', poolSize: 2 },
        { type: 'avgpool', poolSize: 2 },
        { type: 'maxpool', poolSize: 1, on: 'psp' },
        { type: 'flatten' },
        { type: 'dropout', rate: 0.5 },
      ],
    });
    const ctx = { T: 3, training: true, rng: createRng(1) };
    let sig = { x: bernoulli([3, 2, 4, 4, 1], 0.5, 3), filtered: false, static: false, binary: true };
    const flags: boolean[] = [];
    for (const l of net.layers) {
      sig = l.forward(sig, ctx);
      flags.push(sig.binary);
    }
    expect(flags).toEqual([true, true, false, false, false, false]);
    net.dispose();
  });
});
