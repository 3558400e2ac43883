/**
 * Spike-sequence motor labels (DESIGN §2): a teacher's command sequence m[s, c] ∈ [−1, 1]
 * (s = control step, c = actuator channel) becomes desired output spike trains for the SNN.
 *
 *   sub-steps:  each control step is split into Tsub SNN steps; m is held over them
 *               (t = s·Tsub + k, k = 0..Tsub−1)
 *   neurons:    channel c → push neuron 2c, pull neuron 2c+1 (with P = `population` neurons per side:
 *               push group (2c)·P..(2c)·P+P−1, pull group (2c+1)·P..; P = 1 is the pair); what each
 *               side encodes (`code`):
 *                 'one-sided'  x_push = max(m, 0),  x_pull = max(−m, 0)   (silent at m = 0)
 *                 'balanced'   x_push = (1 + m)/2,  x_pull = (1 − m)/2    (both at half rate at m = 0)
 *               x_push − x_pull = m either way, so the decoder below is the same for both. The
 *               balanced code keeps both neurons active, so a small command is a small imbalance
 *               of two firing neurons instead of a rare spike of one otherwise silent neuron.
 *   spikes:     each x is encoded by a sigma-delta encoder (`src/encoding/sigmaDelta.ts`)
 *               so that g·(ε∗d_push − ε∗d_pull) tracks m — exactly what `decodeMotor` reads back.
 *               A group of P neurons per side is one 'kernel' sigma-delta whose reconstruction is
 *               (g/P)·Σ_j ε∗d_j: each sub-step it fires as many of its neurons (0..P, the least
 *               recently fired first) as bring the reconstruction closest to x, so one spike is
 *               worth 1/P of a single neuron's and the group resolves P times finer commands at
 *               the same per-neuron rate
 *   rate label: the same commands as target firing rates (spikes per sub-step) per control step,
 *               r_push = x_push·rMax, r_pull = x_pull·rMax, rMax = 1/(g·c·τs), for the
 *               rate-loss STBP baseline; `decodeMotorRates` is its inverse.
 *
 * Shapes are time-major and row-major: spike labels `[steps·Tsub, 2C]`, rate labels `[steps, 2C]`.
 * Reference: Wu et al., "Spatio-temporal backpropagation for training high-performance spiking
 * neural networks", Frontiers in Neuroscience 2018 (STBP, rate labels).
 */
import { DEFAULT_MOTOR_PSP, resolvePsp, type PspOptions } from '../neurons/defaults.ts';
import { toMatrix, type Matrix } from '../encoding/matrix.ts';
import { createSigmaDelta, type SigmaDeltaMode } from '../encoding/sigmaDelta.ts';

export interface MotorLabelOptions {
  /** SNN sub-steps per control step (Tsub). */
  substeps: number;
  /** Decoder gain g (must equal the decoder's). */
  gain: number;
  /** Decoder PSP kernel (must equal the decoder's). */
  psp: PspOptions;
  encoder: SigmaDeltaMode;
  /** What the push/pull pair encodes: see the module comment. */
  code: MotorCode;
  /** Output neurons per side (push, pull) of each channel: P in the module comment. */
  population: number;
}

export type MotorCode = 'one-sided' | 'balanced';

export const DEFAULT_MOTOR_LABELS: Readonly<MotorLabelOptions> = Object.freeze({
  substeps: 10,
  gain: 2,
  psp: DEFAULT_MOTOR_PSP,
  encoder: 'kernel',
  code: 'one-sided',
  population: 1,
});

/** The (push, pull) intensities in [0, 1] that stand for command v. */
export function pushPull(v: number, code: MotorCode): [number, number] {
  return code === 'balanced' ? [(1 + v) / 2, (1 - v) / 2] : [v > 0 ? v : 0, v < 0 ? -v : 0];
}

type Commands = Matrix | readonly ArrayLike<number>[];

function resolve(opts: Partial<MotorLabelOptions>): MotorLabelOptions {
  const o: MotorLabelOptions = { ...DEFAULT_MOTOR_LABELS, ...opts, psp: { ...DEFAULT_MOTOR_LABELS.psp, ...opts.psp } };
  if (!Number.isInteger(o.substeps) || o.substeps < 1) throw new Error(`motor labels: substeps must be an integer >= 1, got ${o.substeps}`);
  if (!(o.gain > 0)) throw new Error(`motor labels: gain must be > 0, got ${o.gain}`);
  if (o.code !== 'one-sided' && o.code !== 'balanced')
    throw new Error(`motor labels: code must be 'one-sided' or 'balanced', got '${String(o.code)}'`);
  if (!Number.isInteger(o.population) || o.population < 1)
    throw new Error(`motor labels: population must be an integer >= 1, got ${o.population}`);
  return o;
}

function checkedCommands(commands: Commands): Matrix<Float64Array> {
  const m = toMatrix(commands, 'motor labels: commands');
  if (m.cols === 0) throw new Error('motor labels: commands need at least one channel');
  for (let k = 0; k < m.data.length; k++) {
    const v = m.data[k]!;
    if (v < -1 || v > 1)
      throw new Error(`motor labels: command at step ${Math.floor(k / m.cols)}, channel ${k % m.cols} is ${v}, outside [-1, 1]`);
  }
  return m;
}

/**
 * One side's group of P neurons as a single 'kernel' sigma-delta (see the module comment): the
 * reconstruction is (g/P)·Σ_j a_j; the m-th spike of a sub-step is fired iff the error left after
 * m − 1 spikes exceeds half a spike's worth. With P = 1 this is exactly `createSigmaDelta`'s kernel mode.
 */
class GroupSigmaDelta {
  private readonly a: Float64Array;
  private readonly order: number[];
  constructor(
    private readonly P: number,
    private readonly gain: number,
    private readonly alpha: number,
    private readonly c: number,
  ) {
    this.a = new Float64Array(P);
    this.order = Array.from({ length: P }, (_, j) => j);
  }
  /** Leaks the PSPs, fires; calls `fire(j)` for each neuron j that spikes this sub-step. */
  step(x: number, fire: (j: number) => void): void {
    let y = 0;
    for (let j = 0; j < this.P; j++) {
      this.a[j] = this.alpha * this.a[j]!;
      y += this.a[j]!;
    }
    const q = (this.gain * this.c) / this.P;
    let err = x - (this.gain / this.P) * y;
    let k = 0;
    while (k < this.P && err > q / 2) {
      err -= q;
      k++;
    }
    // the least recently fired neurons first, so the group's spikes rotate over its members
    const fired = this.order.splice(0, k);
    for (const j of fired) {
      this.a[j] = this.a[j]! + this.c;
      fire(j);
    }
    this.order.push(...fired);
  }
}

/** Desired output spike trains `[steps·Tsub, 2C·P]` (0/1 float32) for a command sequence `[steps, C]`. */
export function motorSpikeLabels(commands: Commands, opts: Partial<MotorLabelOptions> = {}): Matrix<Float32Array> {
  const o = resolve(opts);
  const m = checkedCommands(commands);
  const C = m.cols;
  const P = o.population;
  const N = 2 * C * P;
  const T = m.rows * o.substeps;
  const data = new Float32Array(T * N);
  if (P === 1) {
    const enc = createSigmaDelta({ mode: o.encoder, gain: o.gain, psp: o.psp });
    for (let ch = 0; ch < C; ch++) {
      let push = enc.initialState();
      let pull = enc.initialState();
      for (let s = 0; s < m.rows; s++) {
        const [xPush, xPull] = pushPull(m.data[s * C + ch]!, o.code);
        for (let k = 0; k < o.substeps; k++) {
          const t = s * o.substeps + k;
          const rp = enc.step(xPush, push);
          const rn = enc.step(xPull, pull);
          push = rp.state;
          pull = rn.state;
          if (rp.spike) data[t * N + 2 * ch] = 1;
          if (rn.spike) data[t * N + 2 * ch + 1] = 1;
        }
      }
    }
    return { rows: T, cols: N, data };
  }
  if (o.encoder !== 'kernel') throw new Error(`motor labels: population ${P} > 1 needs the 'kernel' encoder, got '${o.encoder}'`);
  const k = resolvePsp(o.psp);
  for (let ch = 0; ch < C; ch++) {
    const push = new GroupSigmaDelta(P, o.gain, k.alpha, k.c);
    const pull = new GroupSigmaDelta(P, o.gain, k.alpha, k.c);
    for (let s = 0; s < m.rows; s++) {
      const [xPush, xPull] = pushPull(m.data[s * C + ch]!, o.code);
      for (let sub = 0; sub < o.substeps; sub++) {
        const row = (s * o.substeps + sub) * N;
        push.step(xPush, (j) => (data[row + 2 * ch * P + j] = 1));
        pull.step(xPull, (j) => (data[row + (2 * ch + 1) * P + j] = 1));
      }
    }
  }
  return { rows: T, cols: N, data };
}

/** The rate that stands for |m| = 1 under the given gain and kernel: 1/(g·c·τs) spikes per sub-step. */
export function motorMaxRate(opts: Partial<MotorLabelOptions> = {}): number {
  const o = resolve(opts);
  const rMax = 1 / (o.gain * resolvePsp(o.psp).area);
  if (rMax > 1)
    throw new Error(
      `motor labels: gain ${o.gain} asks for ${rMax.toFixed(3)} spikes per sub-step at |m| = 1; raise the gain so it is <= 1`,
    );
  return rMax;
}

/** Target firing rates `[steps, 2C·P]` (spikes per sub-step, float32) for the rate-loss baseline; every neuron of a group gets its side's rate. */
export function motorRateLabels(commands: Commands, opts: Partial<MotorLabelOptions> = {}): Matrix<Float32Array> {
  const o = resolve(opts);
  const rMax = motorMaxRate(o);
  const m = checkedCommands(commands);
  const C = m.cols;
  const P = o.population;
  const N = 2 * C * P;
  const data = new Float32Array(m.rows * N);
  for (let s = 0; s < m.rows; s++) {
    for (let ch = 0; ch < C; ch++) {
      const [xPush, xPull] = pushPull(m.data[s * C + ch]!, o.code);
      data.fill(xPush * rMax, s * N + 2 * ch * P, s * N + (2 * ch + 1) * P);
      data.fill(xPull * rMax, s * N + (2 * ch + 1) * P, s * N + (2 * ch + 2) * P);
    }
  }
  return { rows: m.rows, cols: N, data };
}

/** Inverse of the rate labels: `[steps·Tsub, 2C·P]` spikes → `[steps, C]` commands from spike counts. */
export function decodeMotorRates(train: Matrix, opts: Partial<MotorLabelOptions> = {}): Matrix<Float64Array> {
  const o = resolve(opts);
  const rMax = motorMaxRate(o);
  const P = o.population;
  if (train.cols % (2 * P) !== 0 || train.cols === 0)
    throw new Error(`decodeMotorRates: the train needs 2·${P} columns per channel, got ${train.cols}`);
  if (train.rows % o.substeps !== 0)
    throw new Error(`decodeMotorRates: ${train.rows} rows is not a whole number of ${o.substeps}-sub-step periods`);
  const C = train.cols / (2 * P);
  const steps = train.rows / o.substeps;
  const data = new Float64Array(steps * C);
  for (let s = 0; s < steps; s++) {
    for (let ch = 0; ch < C; ch++) {
      let diff = 0;
      for (let k = 0; k < o.substeps; k++) {
        const row = (s * o.substeps + k) * train.cols;
        for (let j = 0; j < P; j++) diff += train.data[row + 2 * ch * P + j]! - train.data[row + (2 * ch + 1) * P + j]!;
      }
      data[s * C + ch] = diff / (o.substeps * rMax * P);
    }
  }
  return { rows: steps, cols: C, data };
}
