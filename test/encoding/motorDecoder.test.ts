import { describe, expect, it } from 'vitest';
import { decodeMotor, MotorDecoder, readoutControl } from '../../src/encoding/motorDecoder.ts';
import { createRng } from '../../src/util/random.ts';

describe('motor decoder', () => {
  it('reads g·(ε∗push − ε∗pull) per channel: golden values for a short train', () => {
    // one channel, τs = 2 ('none' scale: α = 0.5, c = 1), g = 1: push at t=0, pull at t=1
    const out = decodeMotor(
      { rows: 3, cols: 2, data: Float32Array.from([1, 0, 0, 1, 0, 0]) },
      { gain: 1, psp: { tauSyn: 2, scale: 'none' } },
    );
    expect(Array.from(out.data)).toEqual([1, 0.5 - 1, 0.25 - 0.5]);
  });

  it('streaming class (dense and event inputs) equals the whole-sequence function', () => {
    const rng = createRng(3);
    const T = 200;
    const C = 3;
    const data = new Float32Array(T * 2 * C);
    for (let k = 0; k < data.length; k++) data[k] = rng.next() < 0.2 ? 1 : 0;
    const whole = decodeMotor({ rows: T, cols: 2 * C, data });
    const dense = new MotorDecoder({ channels: C });
    const events = new MotorDecoder({ channels: C });
    for (let t = 0; t < T; t++) {
      const row = data.subarray(t * 2 * C, (t + 1) * 2 * C);
      const idx = Array.from(row.keys()).filter((i) => row[i] === 1);
      const a = dense.step(row);
      const b = events.stepEvents(idx);
      for (let c = 0; c < C; c++) {
        expect(a[c]).toBe(whole.data[t * C + c]);
        expect(b[c]).toBe(whole.data[t * C + c]);
      }
    }
    dense.reset();
    expect(Array.from(dense.current())).toEqual([0, 0, 0]);
  });

  it('population decoding: each side is the mean of its group of P neurons; streaming equals the whole-sequence function', () => {
    // one channel, P = 2, g = 1, τs = 2 ('none'): both push neurons at t=0, one pull neuron at t=1
    const train = { rows: 2, cols: 4, data: Float32Array.from([1, 1, 0, 0, 0, 0, 1, 0]) };
    const out = decodeMotor(train, { gain: 1, psp: { tauSyn: 2, scale: 'none' }, population: 2 });
    expect(Array.from(out.data)).toEqual([1, 0.5 - 0.5]);
    const dec = new MotorDecoder({ channels: 1, gain: 1, psp: { tauSyn: 2, scale: 'none' }, population: 2 });
    expect(dec.stepEvents([0, 1])[0]).toBe(1);
    expect(dec.stepEvents([2])[0]).toBe(0);
    expect(() => decodeMotor({ rows: 1, cols: 6, data: new Float32Array(6) }, { population: 2 })).toThrow(/2·2 columns per channel/);
    expect(() => new MotorDecoder({ channels: 1, population: 0 })).toThrow(/population must be an integer >= 1/);
  });

  it('reduces sub-steps to control steps by mean or last', () => {
    const m = { rows: 4, cols: 1, data: Float64Array.from([1, 3, 5, 7]) };
    expect(Array.from(readoutControl(m, 2, 'mean').data)).toEqual([2, 6]);
    expect(Array.from(readoutControl(m, 2, 'last').data)).toEqual([3, 7]);
    expect(() => readoutControl(m, 3)).toThrow(/whole number/);
  });

  it('rejects an odd number of output neurons and out-of-range event indices', () => {
    expect(() => decodeMotor({ rows: 1, cols: 3, data: new Float32Array(3) })).toThrow(/2·1 columns per channel/);
    expect(() => new MotorDecoder({ channels: 1 }).stepEvents([2])).toThrow(/neuron index 2/);
    expect(() => new MotorDecoder({ channels: 1 }).step([0, 0, 0])).toThrow(/expected 2/);
  });
});
