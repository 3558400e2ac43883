/**
 * Motor decoder (DESIGN §2): each actuator channel c is read from a push/pull pair of output
 * neurons, push = neuron 2c, pull = neuron 2c+1:
 *
 *   m̂_c[t] = g · ( (ε∗o_{2c})[t] − (ε∗o_{2c+1})[t] )
 *
 * with ε the first-order PSP kernel (`kernel.ts`). With a population of P neurons per side
 * (push group (2c)·P.., pull group (2c+1)·P..; src/labels/motor.ts), each side is the mean of its
 * group: m̂_c = (g/P)·(Σ_j ε∗o_push,j − Σ_j ε∗o_pull,j); P = 1 is the pair above. `MotorDecoder` is the streaming form (state =
 * one PSP per output neuron); `decodeMotor` is the same computation over a whole `[T, 2C]` train;
 * `readoutControl` reduces the `Tsub` sub-steps of each control period to one command.
 */
import { pspFilterRows } from './kernel.ts';
import { DEFAULT_MOTOR_PSP, resolvePsp, type ResolvedPsp, type PspOptions } from '../neurons/defaults.ts';
import type { Matrix } from './matrix.ts';

export interface MotorDecoderOptions {
  channels: number;
  /** g: command per unit of PSP difference. */
  gain: number;
  psp: PspOptions;
  /** Output neurons per side of each channel (P). */
  population: number;
}

export const DEFAULT_MOTOR_DECODER: Readonly<Omit<MotorDecoderOptions, 'channels'>> = Object.freeze({
  gain: 2,
  psp: DEFAULT_MOTOR_PSP,
  population: 1,
});

export type ControlReadout = 'mean' | 'last';

function resolve(opts: Pick<MotorDecoderOptions, 'channels'> & Partial<MotorDecoderOptions>): { o: MotorDecoderOptions; k: ResolvedPsp } {
  const o: MotorDecoderOptions = { ...DEFAULT_MOTOR_DECODER, ...opts, psp: { ...DEFAULT_MOTOR_DECODER.psp, ...opts.psp } };
  if (!Number.isInteger(o.channels) || o.channels < 1)
    throw new Error(`motor decoder: channels must be an integer >= 1, got ${o.channels}`);
  if (!Number.isFinite(o.gain)) throw new Error(`motor decoder: gain must be finite, got ${o.gain}`);
  if (!Number.isInteger(o.population) || o.population < 1)
    throw new Error(`motor decoder: population must be an integer >= 1, got ${o.population}`);
  return { o, k: resolvePsp(o.psp) };
}

/** Streaming decoder: feed one SNN sub-step of output spikes at a time. */
export class MotorDecoder {
  readonly options: Readonly<MotorDecoderOptions>;
  private readonly kernel: ResolvedPsp;
  private readonly psp: Float64Array;
  private readonly out: Float64Array;

  constructor(opts: Pick<MotorDecoderOptions, 'channels'> & Partial<MotorDecoderOptions>) {
    const { o, k } = resolve(opts);
    this.options = o;
    this.kernel = k;
    this.psp = new Float64Array(2 * o.channels * o.population);
    this.out = new Float64Array(o.channels);
  }

  reset(): void {
    this.psp.fill(0);
    this.out.fill(0);
  }

  /** One sub-step from a dense 0/1 vector of the 2C·P output neurons. Returns the (reused) command vector. */
  step(spikes: ArrayLike<number>): Float64Array {
    if (spikes.length !== this.psp.length)
      throw new Error(`motor decoder: expected ${this.psp.length} output neurons, got ${spikes.length}`);
    const { alpha, c } = this.kernel;
    for (let i = 0; i < this.psp.length; i++) this.psp[i] = alpha * this.psp[i]! + c * spikes[i]!;
    return this.current();
  }

  /** One sub-step from the indices of the output neurons that fired (event form). */
  stepEvents(neurons: ArrayLike<number>): Float64Array {
    const { alpha, c } = this.kernel;
    for (let i = 0; i < this.psp.length; i++) this.psp[i] = alpha * this.psp[i]!;
    for (let k = 0; k < neurons.length; k++) {
      const n = neurons[k]!;
      if (!(n >= 0 && n < this.psp.length)) throw new Error(`motor decoder: neuron index ${n} outside 0..${this.psp.length - 1}`);
      this.psp[n] = this.psp[n]! + c;
    }
    return this.current();
  }

  /** The command vector for the PSPs as they stand (reused array; copy to keep). */
  current(): Float64Array {
    groupDifference(this.psp, 0, this.out.length, this.options.population, this.options.gain / this.options.population, this.out, 0);
    return this.out;
  }
}

/** out[at + c] = scale·(Σ push group − Σ pull group) of channel c, for PSPs laid out from `from`. */
function groupDifference(
  psp: ArrayLike<number>,
  from: number,
  channels: number,
  P: number,
  scale: number,
  out: Float64Array,
  at: number,
): void {
  for (let ch = 0; ch < channels; ch++) {
    let d = 0;
    const push = from + 2 * ch * P;
    for (let j = 0; j < P; j++) d += psp[push + j]! - psp[push + P + j]!;
    out[at + ch] = scale * d;
  }
}

/** Pure whole-sequence decoder: `[T, 2C·P]` spikes → `[T, C]` commands. */
export function decodeMotor(train: Matrix, opts: Partial<Omit<MotorDecoderOptions, 'channels'>> = {}): Matrix<Float64Array> {
  const P = opts.population ?? DEFAULT_MOTOR_DECODER.population;
  if (train.cols % (2 * P) !== 0 || train.cols === 0)
    throw new Error(`decodeMotor: the train needs 2·${P} columns per channel (push, pull groups), got ${train.cols}`);
  if (train.data.length !== train.rows * train.cols)
    throw new Error(`decodeMotor: data length ${train.data.length} != ${train.rows} × ${train.cols}`);
  const C = train.cols / (2 * P);
  const { o, k } = resolve({ ...opts, channels: C });
  const a = pspFilterRows(train.data, train.rows, train.cols, k);
  const data = new Float64Array(train.rows * C);
  for (let t = 0; t < train.rows; t++) groupDifference(a, t * train.cols, C, P, o.gain / P, data, t * C);
  return { rows: train.rows, cols: C, data };
}

/**
 * Reduces `[steps·Tsub, C]` sub-step values to `[steps, C]`: the mean over each control period
 * (smooths the PSP ripple) or its last sub-step (least lag).
 */
export function readoutControl(decoded: Matrix, substeps: number, mode: ControlReadout = 'mean'): Matrix<Float64Array> {
  if (!Number.isInteger(substeps) || substeps < 1) throw new Error(`readoutControl: substeps must be an integer >= 1, got ${substeps}`);
  if (decoded.rows % substeps !== 0)
    throw new Error(`readoutControl: ${decoded.rows} rows is not a whole number of ${substeps}-sub-step periods`);
  const steps = decoded.rows / substeps;
  const C = decoded.cols;
  const data = new Float64Array(steps * C);
  for (let s = 0; s < steps; s++) {
    for (let ch = 0; ch < C; ch++) {
      if (mode === 'last') {
        data[s * C + ch] = decoded.data[((s + 1) * substeps - 1) * C + ch]!;
      } else {
        let sum = 0;
        for (let k = 0; k < substeps; k++) sum += decoded.data[(s * substeps + k) * C + ch]!;
        data[s * C + ch] = sum / substeps;
      }
    }
  }
  return { rows: steps, cols: C, data };
}
