/**
 * Imitation data for a spiking controller: trajectories → training windows.
 *
 * A window is K consecutive control steps of one trajectory, i.e. K·Tsub SNN steps:
 *   input   [K·Tsub, B, D·N]  population currents of each step's observation, held over its Tsub sub-steps
 *   target  'spike-seq': [K·Tsub, B, 2C] desired push/pull spike trains (src/labels/motor.ts), encoded
 *                        over the whole trajectory so a window's label continues its past
 *           'rate':      [K, B, 2C] target rates per control step (STBP baseline)
 * Training windows start from a resting network while the closed loop never rests, so the first
 * `warmup` control steps of each window are left out of the loss (`windowLoss`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createPopulationCode, populationEncode, type PopulationCode, type PopulationOptions } from '../src/encoding/population.ts';
import { motorRateLabels, motorSpikeLabels, type MotorLabelOptions } from '../src/labels/motor.ts';
import { spikeSequenceLoss } from '../src/loss/spikeSequence.ts';
import { rateLoss } from '../src/loss/rate.ts';
import type { Batch, Dataset, LossFn } from '../src/train/trainer.ts';
import type { LabelKind } from './controller.ts';
import type { Trajectory } from './rollout.ts';

export interface WindowOptions {
  label: LabelKind;
  substeps: number;
  /** Control steps per window (K). */
  window: number;
  /** Control steps between window starts. */
  stride: number;
  population: Pick<PopulationOptions, 'low' | 'high'> & Partial<PopulationOptions>;
  motor: Omit<MotorLabelOptions, 'substeps' | 'code' | 'population'> & Partial<Pick<MotorLabelOptions, 'code' | 'population'>>;
}

interface Prepared {
  steps: number;
  /** [steps, D·N] */
  currents: Float32Array;
  /** spike-seq: [steps·Tsub, 2C]; rate: [steps, 2C] */
  labels: Float32Array;
}

/** Grows as DAgger aggregates trajectories; `batch` builds tensors for any window indices. */
export class WindowDataset implements Dataset {
  readonly options: WindowOptions;
  readonly code: PopulationCode;
  readonly channels: number;
  private readonly prepared: Prepared[] = [];
  /** (trajectory, start step) per window. */
  private readonly starts: Array<[number, number]> = [];

  constructor(opts: WindowOptions, channels: number) {
    if (!(Number.isInteger(opts.window) && opts.window >= 1))
      throw new Error(`window dataset: window must be a positive integer, got ${opts.window}`);
    if (!(Number.isInteger(opts.stride) && opts.stride >= 1))
      throw new Error(`window dataset: stride must be a positive integer, got ${opts.stride}`);
    if (!(Number.isInteger(channels) && channels >= 1))
      throw new Error(`window dataset: channels must be a positive integer, got ${channels}`);
    this.options = opts;
    this.code = createPopulationCode(opts.population);
    this.channels = channels;
  }

  get size(): number {
    return this.starts.length;
  }

  /** Trajectories added so far. */
  get trajectories(): number {
    return this.prepared.length;
  }

  /** Total control steps of all trajectories. */
  get steps(): number {
    return this.prepared.reduce((a, p) => a + p.steps, 0);
  }

  /** Adds trajectories (those shorter than one window add no window); returns the windows added. */
  add(trajectories: readonly Trajectory[]): number {
    const before = this.starts.length;
    const { window: K, stride, substeps, label } = this.options;
    const D = this.code.dims;
    const DN = this.code.size;
    for (const t of trajectories) {
      const S = t.observations.length;
      if (t.commands.length !== S) throw new Error(`window dataset: trajectory has ${S} observations but ${t.commands.length} commands`);
      const currents = new Float32Array(S * DN);
      t.observations.forEach((o, s) => {
        if (o.length !== D)
          throw new Error(`window dataset: observation at step ${s} has ${o.length} values, the population code expects ${D}`);
        populationEncode(this.code, o, currents.subarray(s * DN, (s + 1) * DN));
      });
      t.commands.forEach((c, s) => {
        if (c.length !== this.channels)
          throw new Error(`window dataset: command at step ${s} has ${c.length} channels, expected ${this.channels}`);
      });
      const motor = { ...this.options.motor, substeps };
      const labels =
        S === 0
          ? new Float32Array(0)
          : label === 'rate'
            ? motorRateLabels(t.commands, motor).data
            : motorSpikeLabels(t.commands, motor).data;
      const idx = this.prepared.length;
      this.prepared.push({ steps: S, currents, labels });
      for (let s = 0; s + K <= S; s += stride) this.starts.push([idx, s]);
    }
    return this.starts.length - before;
  }

  batch(indices: Int32Array): Batch {
    const { window: K, substeps: Tsub, label } = this.options;
    const B = indices.length;
    const DN = this.code.size;
    const N = 2 * this.channels * (this.options.motor.population ?? 1);
    const T = K * Tsub;
    const x = new Float32Array(T * B * DN);
    const rows = label === 'rate' ? K : T;
    const y = new Float32Array(rows * B * N);
    indices.forEach((w, b) => {
      const at = this.starts[w];
      if (!at) throw new Error(`window dataset: window ${w} outside 0..${this.starts.length - 1}`);
      const [ti, s0] = at;
      const p = this.prepared[ti]!;
      for (let k = 0; k < K; k++) {
        const src = p.currents.subarray((s0 + k) * DN, (s0 + k + 1) * DN);
        for (let j = 0; j < Tsub; j++) x.set(src, ((k * Tsub + j) * B + b) * DN);
      }
      const first = label === 'rate' ? s0 : s0 * Tsub;
      for (let r = 0; r < rows; r++) y.set(p.labels.subarray((first + r) * N, (first + r + 1) * N), (r * B + b) * N);
    });
    return { inputs: tf.tensor3d(x, [T, B, DN]), targets: tf.tensor3d(y, [rows, B, N]) };
  }
}

export interface WindowLossOptions {
  label: LabelKind;
  substeps: number;
  window: number;
  /** Leading control steps of each window left out of the loss. */
  warmup: number;
  /** PSP kernel of the spike-sequence loss (the decoder's, so the loss measures what the decoder reads). */
  psp: MotorLabelOptions['psp'];
  /**
   * Output neurons per side of each channel (src/labels/motor.ts). With P > 1 the loss compares each
   * group's mean train (spike-seq) or mean rate (rate), the quantity the decoder reads, so which
   * member of a group fires is left to the network.
   */
  population?: number;
}

/** The loss over the scored part of a window: spike-sequence (van Rossum) or per-period rate loss. */
export function windowLoss(o: WindowLossOptions): LossFn {
  if (!(Number.isInteger(o.warmup) && o.warmup >= 0 && o.warmup < o.window))
    throw new Error(`window loss: warmup must be an integer in 0..${o.window - 1}, got ${o.warmup}`);
  const w = o.warmup;
  const P = o.population ?? 1;
  if (!(Number.isInteger(P) && P >= 1)) throw new Error(`window loss: population must be an integer >= 1, got ${P}`);
  const groups = (x: tf.Tensor): tf.Tensor => {
    if (P === 1) return x;
    const [a, b, n] = x.shape as [number, number, number];
    return x.reshape([a, b, n / P, P]).mean(3);
  };
  if (o.label === 'spike-seq') {
    const from = w * o.substeps;
    return (out, target) =>
      tf.tidy(() => spikeSequenceLoss(groups(out.slice(from)), groups(target.slice(from)), { psp: o.psp, reduction: 'mean' }));
  }
  return (rawOut, rawTarget) =>
    tf.tidy(() => {
      const out = groups(rawOut);
      const target = groups(rawTarget);
      const [T, B, N] = out.shape as [number, number, number];
      const K = o.window - w;
      if (T !== o.window * o.substeps) throw new Error(`window loss: output has ${T} steps, expected ${o.window}·${o.substeps}`);
      // [K·Tsub, B, N] → [Tsub, K·B, N]: each control period becomes one rate-loss sample
      const periods = out
        .slice(w * o.substeps)
        .reshape([K, o.substeps, B, N])
        .transpose([1, 0, 2, 3])
        .reshape([o.substeps, K * B, N]);
      return rateLoss(periods, target.slice(w).reshape([K * B, N]), { reduction: 'mean' });
    });
}
