import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { classSpikeTrains, classTargets, predictFromPsp, targetPattern } from '../../src/labels/classification.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('classification labels', () => {
  it('tssl pattern: T=5 → [0,1,1,1,1], T≥10 → a spike every second step', () => {
    expect(Array.from(targetPattern({ T: 5, pattern: 'tssl', k: 2 }))).toEqual([0, 1, 1, 1, 1]);
    expect(Array.from(targetPattern({ T: 10, pattern: 'tssl', k: 2 }))).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(Array.from(targetPattern({ T: 7, pattern: 'every-k', k: 3 }))).toEqual([0, 0, 1, 0, 0, 1, 0]);
    expect(() => targetPattern({ T: 3, pattern: [0, 1], k: 2 })).toThrow(/pattern has 2 steps, T is 3/);
  });

  it('only the label neuron carries the pattern', () => {
    const d = classSpikeTrains([2, 0], { T: 5, numClasses: 3 }).arraySync();
    expect(d.map((s) => s[0])).toEqual([
      [0, 0, 0],
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
    ]);
    expect(d.map((s) => s[1])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
    expect(() => classSpikeTrains([3], { T: 5, numClasses: 3 })).toThrow(/labels\[0\] = 3/);
    expect(classTargets([1], 3, 15, 3).arraySync()).toEqual([[3, 15, 3]]);
  });

  it('prediction is the argmax of summed PSP: early spikes weigh more, ties go to the first', () => {
    // neuron 0 fires once at t=0, neuron 1 once at t=3: same count, neuron 0's PSP lasts longer
    const o = tf.tensor3d([
      [
        [1, 0, 0],
        [0, 0, 0],
        [1, 1, 0],
      ],
      [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
      [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
      [
        [0, 1, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
    ]);
    expect(Array.from(predictFromPsp(o, { tauSyn: 3 }))).toEqual([0, 0, 0]);
    const late = tf.tensor3d([[[0, 0]], [[0, 1]], [[0, 1]], [[1, 0]]]);
    expect(Array.from(predictFromPsp(late, { tauSyn: 3 }))).toEqual([1]);
  });
});
