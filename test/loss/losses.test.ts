import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { rateLoss, spikeCountLoss, spikeSequenceLoss, vanRossumDistance } from '../../src/loss/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('spike-sequence loss', () => {
  const o = tf.tensor3d([[[1, 0]], [[0, 0]], [[0, 1]], [[1, 1]]]); // [T=4, B=1, N=2]
  const d = tf.tensor3d([[[0, 0]], [[1, 0]], [[0, 1]], [[0, 0]]]);
  const psp = { tauSyn: 2, scale: 'none' as const };

  it('sum reduction equals ½ D² of the van Rossum distance on typed arrays', () => {
    const L = spikeSequenceLoss(o, d, { psp, reduction: 'sum' }).dataSync()[0]!;
    const D = vanRossumDistance(o.dataSync(), d.dataSync(), 4, psp);
    // by hand: α = 0.5; neuron 0: ε∗(o−d) = 1, −0.5, −0.25, 0.875; neuron 1: 0, 0, 0, 1
    const byHand = 1 + 0.25 + 0.0625 + 0.765625 + 1;
    expect(D * D).toBeCloseTo(byHand, 6);
    expect(L).toBeCloseTo(0.5 * byHand, 6);
  });

  it('mean reduction is the mean squared PSP difference (the PyTorch bench loss)', () => {
    const L = spikeSequenceLoss(o, d, { psp, reduction: 'mean' }).dataSync()[0]!;
    expect(L).toBeCloseTo((1 + 0.25 + 0.0625 + 0.765625 + 1) / 8, 6);
  });

  it('gradient is the PSP error filtered backwards in time', () => {
    const g = tf.grad((x: tf.Tensor) => spikeSequenceLoss(x, d, { psp, reduction: 'sum' }))(o).dataSync();
    // neuron 0: e = [1, −0.5, −0.25, 0.875]; ∂L/∂o[t] = Σ_{t'≥t} e[t']·α^{t'−t}
    const e = [1, -0.5, -0.25, 0.875];
    const want = [0, 1, 2, 3].map((t) => e.slice(t).reduce((a, v, j) => a + v * 0.5 ** j, 0));
    [0, 1, 2, 3].forEach((t) => expect(g[t * 2]).toBeCloseTo(want[t]!, 6));
  });

  it('identical trains have zero distance and shape mismatches are named', () => {
    expect(vanRossumDistance([1, 0, 1], [1, 0, 1], 3)).toBe(0);
    expect(() => spikeSequenceLoss(o, tf.zeros([4, 1, 3]))).toThrow(/\[4, 1, 2\].*\[4, 1, 3\]/);
  });
});

describe('rate and count losses', () => {
  const out = tf.tensor3d([[[1, 0, 1]], [[1, 0, 0]], [[1, 1, 0]], [[0, 0, 0]]]); // counts [3, 1, 1], T=4

  it('rate loss compares spikes per step with the target rate', () => {
    const L = rateLoss(out, tf.tensor2d([[1, 0, 0]])).dataSync()[0]!;
    expect(L).toBeCloseTo(0.5 * (0.25 ** 2 + 0.25 ** 2 + 0.25 ** 2), 6);
  });

  it('count loss is ½Σ(count − n)², and one-sided ignores surplus on the target and deficit elsewhere', () => {
    const n = tf.tensor2d([[2, 3, 0]]);
    expect(spikeCountLoss(out, n).dataSync()[0]).toBeCloseTo(0.5 * (1 + 4 + 1), 6);
    // target = neuron 1 (max n = 3): its deficit 2 counts; neuron 0 surplus 1 counts (non-target above);
    // neuron 2 surplus 1 counts.
    expect(spikeCountLoss(out, n, { oneSided: true }).dataSync()[0]).toBeCloseTo(0.5 * (1 + 4 + 1), 6);
    const m = tf.tensor2d([[2, 0, 3]]); // target neuron 2 fires 1 (< 3, counts), neuron 0 fires 3 > 2 (counts), neuron 1 = 1 > 0 counts
    expect(spikeCountLoss(out, m, { oneSided: true }).dataSync()[0]).toBeCloseTo(0.5 * (1 + 1 + 4), 6);
    const q = tf.tensor2d([[1, 2, 3]]); // target 2 fires 1 < 3 (4); neuron 0: 3 > 1 (4); neuron 1: 1 < 2 ignored
    expect(spikeCountLoss(out, q, { oneSided: true }).dataSync()[0]).toBeCloseTo(0.5 * (4 + 4), 6);
    const r = tf.tensor2d([[1, 0, 0]]); // target 0 fires 3 > 1 ignored; others fire 1 > 0 count
    expect(spikeCountLoss(out, r, { oneSided: true }).dataSync()[0]).toBeCloseTo(0.5 * 2, 6);
  });

  it('wrong target shapes are named', () => {
    expect(() => rateLoss(out, tf.zeros([2, 3]))).toThrow(/\[B, N\] = \[1, 3\]/);
  });
});
