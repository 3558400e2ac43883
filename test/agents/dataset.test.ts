import { describe, expect, it } from 'vitest';
import { WindowDataset, windowLoss, type WindowOptions } from '../../agents/dataset.ts';
import { observationRanges } from '../../agents/recipe.ts';
import type { Trajectory } from '../../agents/rollout.ts';
import { createPopulationCode, populationEncode } from '../../src/encoding/population.ts';
import { motorRateLabels, motorSpikeLabels, DEFAULT_MOTOR_LABELS } from '../../src/labels/motor.ts';
import * as tf from '@tensorflow/tfjs-core';

const motor = { gain: DEFAULT_MOTOR_LABELS.gain, psp: DEFAULT_MOTOR_LABELS.psp, encoder: DEFAULT_MOTOR_LABELS.encoder };
const population = { low: [-1, -2], high: [1, 2], neuronsPerDim: 4 };

function trajectory(steps: number, phase: number): Trajectory {
  return {
    observations: Array.from({ length: steps }, (_, s) => Float64Array.of(Math.sin(s / 3 + phase), 2 * Math.cos(s / 5))),
    commands: Array.from({ length: steps }, (_, s) => Float64Array.of(Math.sin(s / 4 + phase) * 0.9)),
  };
}

const opts = (label: 'spike-seq' | 'rate'): WindowOptions => ({ label, substeps: 10, window: 3, stride: 2, population, motor });

describe('WindowDataset: trajectories → training windows', () => {
  it("holds each observation's population currents over its sub-steps and slices the trajectory's spike labels", () => {
    const data = new WindowDataset(opts('spike-seq'), 1);
    const t = trajectory(9, 0.3);
    expect(data.add([t])).toBe(4); // starts 0, 2, 4, 6
    const { inputs, targets } = data.batch(Int32Array.of(2, 0));
    expect(inputs.shape).toEqual([30, 2, 8]);
    expect(targets.shape).toEqual([30, 2, 2]);
    const x = inputs.arraySync() as number[][][];
    const y = targets.arraySync() as number[][][];
    const code = createPopulationCode(population);
    const labels = motorSpikeLabels(t.commands, { ...motor, substeps: 10 });
    for (let k = 0; k < 3; k++) {
      const want = Array.from(populationEncode(code, t.observations[4 + k]!));
      for (let j = 0; j < 10; j++) x[k * 10 + j]![0]!.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    }
    for (let r = 0; r < 30; r++) {
      expect(y[r]![0]).toEqual(Array.from(labels.data.subarray((40 + r) * 2, (41 + r) * 2)));
      expect(y[r]![1]).toEqual(Array.from(labels.data.subarray(r * 2, (r + 1) * 2)));
    }
    inputs.dispose();
    targets.dispose();
  });

  it('gives per-control-step rate targets for the rate baseline', () => {
    const data = new WindowDataset(opts('rate'), 1);
    const t = trajectory(7, 1);
    data.add([t]);
    const { targets, inputs } = data.batch(Int32Array.of(1));
    expect(targets.shape).toEqual([3, 1, 2]);
    const rates = motorRateLabels(t.commands, { ...motor, substeps: 10 });
    expect(Array.from(targets.dataSync())).toEqual(Array.from(rates.data.subarray(4, 10)));
    inputs.dispose();
    targets.dispose();
  });

  it('aggregates DAgger data: later trajectories add windows, short ones add none', () => {
    const data = new WindowDataset(opts('spike-seq'), 1);
    data.add([trajectory(9, 0)]);
    expect(data.add([trajectory(2, 1), trajectory(5, 2)])).toBe(2);
    expect(data.size).toBe(6);
    expect(data.trajectories).toBe(3);
    expect(data.steps).toBe(16);
  });

  it('names the mismatch for bad observations and commands', () => {
    const data = new WindowDataset(opts('spike-seq'), 1);
    expect(() => data.add([{ observations: [Float64Array.of(1)], commands: [Float64Array.of(0)] }])).toThrow(
      /observation at step 0 has 1 values, the population code expects 2/,
    );
    expect(() => data.add([{ observations: [Float64Array.of(0, 0)], commands: [Float64Array.of(0, 0)] }])).toThrow(
      /command at step 0 has 2 channels, expected 1/,
    );
    expect(() => data.add([{ observations: [Float64Array.of(0, 0)], commands: [Float64Array.of(1.5)] }])).toThrow(/outside \[-1, 1\]/);
    expect(() => new WindowDataset({ ...opts('rate'), window: 0 }, 1)).toThrow(/window must be a positive integer/);
  });
});

describe('windowLoss', () => {
  it('ignores the warm-up steps and is zero only when the scored part matches', () => {
    const loss = windowLoss({ label: 'spike-seq', substeps: 10, window: 3, warmup: 1, psp: DEFAULT_MOTOR_LABELS.psp });
    const target = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([30, 2, 2], 0, 1, 'float32', 3), 0.7), 'float32'));
    const warmDiff = tf.tidy(() => tf.concat([tf.sub(1, target.slice(0, 10)), target.slice(10)]));
    const lateDiff = tf.tidy(() => tf.concat([target.slice(0, 20), tf.sub(1, target.slice(20))]));
    expect(loss(warmDiff, target).dataSync()[0]).toBe(0);
    expect(loss(lateDiff, target).dataSync()[0]).toBeGreaterThan(0.01);
    const rate = windowLoss({ label: 'rate', substeps: 10, window: 3, warmup: 1, psp: DEFAULT_MOTOR_LABELS.psp });
    const spikes = tf.tidy(() => tf.concat([tf.zeros([10, 2, 2]), tf.ones([10, 2, 2]), tf.zeros([10, 2, 2])]));
    const rates = tf.tensor3d([9, 9, 9, 9, 1, 1, 1, 1, 0, 0, 0, 0], [3, 2, 2]);
    expect(rate(spikes, rates).dataSync()[0]).toBe(0);
    tf.dispose([target, warmDiff, lateDiff, spikes, rates]);
  });
});

describe('observationRanges', () => {
  it('takes widened quantiles per dimension so outliers do not stretch the code', () => {
    const obs = Array.from({ length: 101 }, (_, i) => Float64Array.of(i, 5));
    obs[100] = Float64Array.of(1e6, 5);
    const { low, high } = observationRanges([{ observations: obs, commands: [] }], 0.01, 0.1);
    expect(low[0]).toBeCloseTo(1 - 0.1 * 98, 6);
    expect(high[0]).toBeCloseTo(99 + 0.1 * 98, 6);
    expect(high[1]! - low[1]!).toBeGreaterThan(0); // a constant dimension still gets a range
  });
});

describe('controllerScore', () => {
  it('averages the scoring metric: the return, a number of the last info, either negated or compared with a threshold', async () => {
    const { controllerScore } = await import('../../agents/recipe.ts');
    const eps = [
      { seed: 0, return: -10, steps: 100, terminated: false, info: { distance: 0.1, x: 4 } },
      { seed: 1, return: -30, steps: 100, terminated: false, info: { distance: 0.3, x: 2 } },
    ];
    expect(controllerScore('return', eps)).toBe(-20);
    expect(controllerScore('-return', eps)).toBe(20);
    expect(controllerScore('info.x', eps)).toBe(3);
    expect(controllerScore('-info.distance', eps)).toBeCloseTo(-0.2, 12);
    // a threshold: the share of episodes that meet it
    expect(controllerScore('info.distance<0.25', eps)).toBe(0.5);
    expect(controllerScore('info.x>1', eps)).toBe(1);
    expect(controllerScore('return>-5', eps)).toBe(0);
    // and the training plot names it so
    const { scoreName } = await import('../../agents/trainingPlot.ts');
    expect(scoreName('Reacher-v1', 'info.distance<0.05')).toBe('share of episodes with distance < 0.05');
    expect(scoreName('Reacher-v1', '-info.distance')).toBe('− final distance (m)');
    expect(() => controllerScore('info.height', eps)).toThrow(/info\.height.*no number 'height'/);
  });

  it('takes the failure penalty off each episode that ended by termination, and only those', async () => {
    const { controllerScore } = await import('../../agents/recipe.ts');
    const eps = [
      { seed: 0, return: 0, steps: 1000, terminated: false, info: { x: 9 } },
      { seed: 1, return: 0, steps: 700, terminated: true, info: { x: 11 } },
    ];
    expect(controllerScore('info.x', eps)).toBe(10);
    expect(controllerScore('info.x', eps, 5)).toBe(7.5);
    expect(controllerScore('info.x', eps.slice(0, 1), 5)).toBe(9);
  });
});
