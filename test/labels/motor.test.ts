import { describe, expect, it } from 'vitest';
import { decodeMotorRates, motorMaxRate, motorRateLabels, motorSpikeLabels } from '../../src/labels/motor.ts';
import { decodeMotor, readoutControl } from '../../src/encoding/motorDecoder.ts';
import type { Matrix } from '../../src/encoding/matrix.ts';

/** A smooth two-channel command with a faster wiggle on top, in [-1, 1]. */
function commands(steps: number): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let s = 0; s < steps; s++) {
    rows.push(Float64Array.from([0, 1].map((c) => 0.9 * Math.sin((2 * Math.PI * s) / 50 + c) + 0.1 * Math.sin(s * 0.37 * (c + 1)))));
  }
  return rows;
}

function rmse(a: Matrix, b: readonly Float64Array[]): number {
  let se = 0;
  for (let s = 0; s < a.rows; s++) for (let c = 0; c < a.cols; c++) se += (a.data[s * a.cols + c]! - b[s]![c]!) ** 2;
  return Math.sqrt(se / (a.rows * a.cols));
}

describe('motor spike labels', () => {
  it('has shape [steps·Tsub, 2C], push neuron 2c for positive and pull neuron 2c+1 for negative commands', () => {
    const labels = motorSpikeLabels(
      [
        [0.8, -0.8],
        [0.8, -0.8],
      ],
      { substeps: 10 },
    );
    expect(labels.rows).toBe(20);
    expect(labels.cols).toBe(4);
    const count = (col: number) => Array.from({ length: 20 }, (_, t) => labels.data[t * 4 + col]!).reduce((a, b) => a + b, 0);
    expect(count(0)).toBeGreaterThan(0);
    expect(count(1)).toBe(0);
    expect(count(2)).toBe(0);
    expect(count(3)).toBeGreaterThan(0);
    expect(count(0)).toBe(count(3));
  });

  // Measured RMSEs (500 steps, this signal): kernel encoder, τs=5, Tsub=10, mean readout 0.047;
  // integrate-and-fire encoder 0.047; Tsub=20 IF 0.023; τs=8 kernel 0.027.
  it('round trip: labels decoded by the motor decoder reproduce the commands within RMSE 0.06 (τs=5, Tsub=10, mean readout)', () => {
    const cmds = commands(500);
    for (const encoder of ['kernel', 'integrate-and-fire'] as const) {
      const labels = motorSpikeLabels(cmds, { encoder });
      const decoded = readoutControl(decodeMotor(labels), 10, 'mean');
      expect(rmse(decoded, cmds)).toBeLessThan(0.06);
    }
  });

  it('balanced code: both neurons fire at half rate for m = 0, and the same decoder reads the commands back', () => {
    const zero = motorSpikeLabels(
      Array.from({ length: 20 }, () => [0]),
      { code: 'balanced' },
    );
    const count = (col: number) => Array.from({ length: 200 }, (_, t) => zero.data[t * 2 + col]!).reduce((a, b) => a + b, 0);
    // rMax = 0.5 spikes per sub-step at |m| = 1, so half of it over 200 sub-steps is ~50 spikes each
    expect(count(0)).toBeGreaterThanOrEqual(45);
    expect(count(0)).toBe(count(1));
    const cmds = commands(500);
    const decoded = readoutControl(decodeMotor(motorSpikeLabels(cmds, { code: 'balanced' })), 10, 'mean');
    // measured 0.096 (one-sided: 0.047): two spiking neurons add two quantisation errors
    expect(rmse(decoded, cmds)).toBeLessThan(0.11);
    expect(() => motorSpikeLabels([[0]], { code: 'two-sided' as never })).toThrow(
      /code must be 'one-sided' or 'balanced', got 'two-sided'/,
    );
  });

  // Measured RMSEs (this 500-step signal, τs=5, Tsub=10, mean readout), P neurons per side:
  // balanced P=1 0.096, P=2 0.066, P=4 0.025, P=8 0.013; one-sided P=1 0.047, P=4 0.015.
  it('population of P neurons per side: P times finer commands at the same per-neuron rate, read back by the same decoder', () => {
    const cmds = commands(500);
    const err = (P: number): number =>
      rmse(readoutControl(decodeMotor(motorSpikeLabels(cmds, { code: 'balanced', population: P }), { population: P }), 10, 'mean'), cmds);
    expect(err(4)).toBeLessThan(0.035);
    expect(err(4)).toBeLessThan(err(1) / 2.5);
    const rate = (P: number): number => {
      const l = motorSpikeLabels(cmds, { code: 'balanced', population: P });
      let most = 0;
      for (let n = 0; n < l.cols; n++) {
        let k = 0;
        for (let t = 0; t < l.rows; t++) k += l.data[t * l.cols + n]!;
        most = Math.max(most, k / l.rows);
      }
      return most;
    };
    expect(rate(4)).toBeLessThan(rate(1) * 1.1);
    // layout: channel c's push group is columns 2c·P .. 2c·P+P−1, its pull group the next P
    const up = motorSpikeLabels(
      Array.from({ length: 5 }, () => [1, -1]),
      { population: 3 },
    );
    expect(up.cols).toBe(12);
    const colSum = (c: number) => Array.from({ length: up.rows }, (_, t) => up.data[t * 12 + c]!).reduce((a, b) => a + b, 0);
    for (const c of [0, 1, 2, 9, 10, 11]) expect(colSum(c)).toBeGreaterThan(0);
    for (const c of [3, 4, 5, 6, 7, 8]) expect(colSum(c)).toBe(0);
    // rate labels: every member of a group gets its side's rate; decodeMotorRates averages the group
    const r = motorRateLabels([[0.5]], { population: 2 });
    expect(Array.from(r.data)).toEqual([0.25, 0.25, 0, 0]);
    expect(
      decodeMotorRates(
        motorSpikeLabels(
          Array.from({ length: 50 }, () => [0.6]),
          { population: 2 },
        ),
        { population: 2 },
      ).data[49],
    ).toBeCloseTo(0.6, 1);
    expect(() => motorSpikeLabels([[0]], { population: 0 })).toThrow(/population must be an integer >= 1, got 0/);
  });

  it('rejects commands outside [-1, 1] naming the step and channel', () => {
    expect(() =>
      motorSpikeLabels([
        [0, 0],
        [0, 1.5],
      ]),
    ).toThrow(/step 1, channel 1 is 1.5/);
    expect(() => motorSpikeLabels([[0, 0], [0]])).toThrow(/row 1 has 1 values/);
  });
});

describe('motor rate labels', () => {
  it('are max(±m, 0)·rMax per push/pull neuron with rMax = 1/(g·c·τs)', () => {
    expect(motorMaxRate()).toBeCloseTo(0.5, 12);
    const r = motorRateLabels([[0.5, -1]]);
    expect(Array.from(r.data)).toEqual([0.25, 0, 0, 0.5]);
    expect(Array.from(motorRateLabels([[0.5, -1]], { code: 'balanced' }).data)).toEqual([0.375, 0.125, 0, 0.5]);
  });

  it('round trip: sigma-delta spikes at the label rates decode by counting to within one spike per period', () => {
    const cmds = commands(200);
    const labels = motorSpikeLabels(cmds, { encoder: 'integrate-and-fire' });
    const decoded = decodeMotorRates(labels);
    // one spike per 10-sub-step period is worth 1/(10·0.5) = 0.2 of command
    expect(rmse(decoded, cmds)).toBeLessThan(0.2);
    expect(() => motorMaxRate({ gain: 0.5 })).toThrow(/spikes per sub-step/);
  });
});
