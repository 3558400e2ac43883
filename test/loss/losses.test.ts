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
    const g = tf
      .grad((x: tf.Tensor) => spikeSequenceLoss(x, d, { psp, reduction: 'sum' }))(o)
      .dataSync();
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

describe('spike-sequence loss with the second-order (alpha) kernel', () => {
  const psp = { tauSyn: 2, scale: 'none' as const }; // α = 0.5
  const o = tf.tensor3d([[[1, 0]], [[0, 0]], [[0, 1]], [[1, 1]]]);
  const d = tf.tensor3d([[[0, 0]], [[1, 0]], [[0, 1]], [[0, 0]]]);

  it('filters with ε[k] = (k+1)·α^k: the first-order filter applied twice, values by hand', () => {
    // neuron 0: o − d = [1, −1, 0, 1]; once: [1, −0.5, −0.25, 0.875]; twice: [1, 0, −0.25, 0.75]
    // neuron 1: o − d = [0, 0, 0, 1]; twice: [0, 0, 0, 1]
    const L = spikeSequenceLoss(o, d, { psp, kernel: 'alpha', reduction: 'sum' }).dataSync()[0]!;
    expect(L).toBeCloseTo(0.5 * (1 + 0 + 0.0625 + 0.5625 + 1), 6);
    // the kernel itself: a single spike gives (k+1)·α^k = 1, 1, 0.75, 0.5
    const one = tf.tensor3d([[[1]], [[0]], [[0]], [[0]]]);
    const Lk = spikeSequenceLoss(one, tf.zerosLike(one), { psp, kernel: 'alpha', reduction: 'sum' }).dataSync()[0]!;
    expect(Lk).toBeCloseTo(0.5 * (1 + 1 + 0.5625 + 0.25), 6);
  });

  it('unit-area scale keeps the alpha kernel at unit area: a steady train settles at 1', () => {
    const T = 60;
    const ones = tf.ones([T, 1, 1]);
    const L = spikeSequenceLoss(ones, tf.zerosLike(ones), {
      psp: { tauSyn: 4, scale: 'unit-area' },
      kernel: 'alpha',
      reduction: 'sum',
    }).dataSync()[0]!;
    // s1[t] = 1 − α^(t+1); s2 = ε∗ones = Σ_{k≤t} (k+1)·α^k/16 → 1 (α = 0.75)
    let s2 = 0,
      want = 0;
    for (let t = 0; t < T; t++) {
      s2 = 0.75 * s2 + 0.25 * (1 - 0.75 ** (t + 1));
      want += 0.5 * s2 * s2;
    }
    expect(s2).toBeCloseTo(1, 4);
    expect(L).toBeCloseTo(want, 3);
  });

  it('gradient equals autograd through an unfused two-stage filter and finite differences', () => {
    const T = 12,
      N = 3;
    const rnd = (seed: number) =>
      Float32Array.from({ length: T * N }, (_, k) => (((Math.sin(seed * 97.3 + k * 12.9898) * 43758.5453) % 1) + 1) % 1);
    const x = tf.tensor3d(rnd(1), [T, 1, N]);
    const y = tf.tensor3d(
      rnd(2).map((v) => (v > 0.7 ? 1 : 0)),
      [T, 1, N],
    );
    const p = { tauSyn: 3, scale: 'unit-area' as const };
    const fused = (z: tf.Tensor) => spikeSequenceLoss(z, y, { psp: p, kernel: 'alpha', reduction: 'sum' });
    // reference: the alpha filter as a per-step loop of tf ops under autograd
    const reference = (z: tf.Tensor) =>
      tf.tidy(() => {
        const a = 1 - 1 / 3,
          c = 1 / 3;
        const e = tf.sub(z, y).reshape([T, N]);
        let s1 = tf.zeros([N]),
          s2 = tf.zeros([N]),
          sum = tf.scalar(0);
        for (let t = 0; t < T; t++) {
          s1 = tf.add(tf.mul(a, s1), tf.mul(c, e.slice([t, 0], [1, N]).reshape([N])));
          s2 = tf.add(tf.mul(a, s2), tf.mul(c, s1));
          sum = tf.add(sum, tf.sum(tf.square(s2)));
        }
        return tf.mul(0.5, sum) as tf.Scalar;
      });
    expect(fused(x).dataSync()[0]).toBeCloseTo(reference(x).dataSync()[0]!, 5);
    const g = tf.grad(fused)(x).dataSync();
    const gRef = tf.grad(reference)(x).dataSync();
    for (let k = 0; k < T * N; k++) expect(g[k]).toBeCloseTo(gRef[k]!, 5);
    // central finite differences in float64 on a few entries
    const xs = Array.from(x.dataSync());
    const f64 = (v: number[]) => {
      let sum = 0;
      const yv = y.dataSync();
      for (let i = 0; i < N; i++) {
        let s1 = 0,
          s2 = 0;
        for (let t = 0; t < T; t++) {
          s1 = (2 / 3) * s1 + (v[t * N + i]! - yv[t * N + i]!) / 3;
          s2 = (2 / 3) * s2 + s1 / 3;
          sum += s2 * s2;
        }
      }
      return 0.5 * sum;
    };
    for (const k of [0, 5, 17, 35]) {
      const h = 1e-4;
      const up = xs.slice(),
        dn = xs.slice();
      up[k] = up[k]! + h;
      dn[k] = dn[k]! - h;
      expect(g[k]).toBeCloseTo((f64(up) - f64(dn)) / (2 * h), 4);
    }
  });

  it('names a bad kernel', () => {
    expect(() => spikeSequenceLoss(o, d, { kernel: 'third' as 'alpha' })).toThrow(/kernel must be 'first-order' or 'alpha', got "third"/);
  });
});
