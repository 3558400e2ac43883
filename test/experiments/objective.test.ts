import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { epochChunk, trainingPool } from '../../src/experiments/data.ts';
import { makeObjective } from '../../src/experiments/objective.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('classification objective', () => {
  it('spike-seq targets are the label trains [T, B, 10]', () => {
    const o = makeObjective({ type: 'spike-seq', pattern: 'every-k', k: 3 }, 6);
    const d = o.targets([2, 7]);
    expect(d.shape).toEqual([6, 2, 10]);
    const v = d.arraySync() as number[][][];
    expect(v.map((t) => t[0]![2])).toEqual([0, 0, 1, 0, 0, 1]);
    expect(v.map((t) => t[1]![7])).toEqual([0, 0, 1, 0, 0, 1]);
    expect(tf.sum(d).dataSync()[0]).toBe(4);
    d.dispose();
  });

  it('rate targets default to the spike-seq pattern density, so both ask for the same spike count', () => {
    const o = makeObjective({ type: 'rate', pattern: 'tssl' }, 30);
    expect(o.describe).toMatchObject({ rateHigh: 0.5, rateLow: 0 });
    const r = o.targets([1]);
    expect(Array.from(r.dataSync())).toEqual([0, 0.5, 0, 0, 0, 0, 0, 0, 0, 0]);
    r.dispose();
    expect(() => makeObjective({ type: 'rate', rateHigh: 0.1, rateLow: 0.2 }, 5)).toThrow(
      /rateHigh \(0\.1\) must be greater than rateLow \(0\.2\)/,
    );
  });

  it('the rate loss is zero when the output fires at the target rate, the spike-seq loss only when the timing matches too', () => {
    const T = 4;
    const rate = makeObjective({ type: 'rate', pattern: [0, 1, 0, 1] }, T);
    const seq = makeObjective({ type: 'spike-seq', pattern: [0, 1, 0, 1] }, T);
    const shifted = tf.tidy(() =>
      tf
        .oneHot(tf.tensor1d([3], 'int32'), 10)
        .reshape([1, 1, 10])
        .tile([T, 1, 1])
        .mul(tf.tensor([1, 0, 1, 0]).reshape([T, 1, 1])),
    );
    const rt = rate.targets([3]);
    const st = seq.targets([3]);
    expect(rate.loss(shifted, rt).dataSync()[0]).toBeCloseTo(0, 6);
    expect(seq.loss(shifted, st).dataSync()[0]).toBeGreaterThan(0.01);
    expect(seq.loss(st, st).dataSync()[0]).toBeCloseTo(0, 6);
    tf.dispose([shifted, rt, st]);
  });
});

describe('training subsets', () => {
  it('the pool is a seeded permutation cut to the limit', () => {
    const a = trainingPool(100, 10, 3);
    expect(a).toEqual(trainingPool(100, 10, 3));
    expect(a).not.toEqual(trainingPool(100, 10, 4));
    expect(new Set(a).size).toBe(10);
    expect(trainingPool(5, undefined, 0).slice().sort()).toEqual(Int32Array.from([0, 1, 2, 3, 4]));
  });

  it('epochs walk through the pool in successive chunks, wrapping around', () => {
    const pool = Int32Array.from([10, 11, 12, 13, 14]);
    expect(Array.from(epochChunk(pool, 2, 0))).toEqual([10, 11]);
    expect(Array.from(epochChunk(pool, 2, 1))).toEqual([12, 13]);
    expect(Array.from(epochChunk(pool, 2, 2))).toEqual([14, 10]);
    expect(epochChunk(pool, undefined, 7)).toBe(pool);
  });
});
