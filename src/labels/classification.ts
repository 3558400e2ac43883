/**
 * Class labels as desired output spike trains, rate and count targets, and the PSP readout
 * (DESIGN §2, §5):
 *
 *   target neuron y:   d_y[t] = p[t]        p = 'every-k': 1 at t = k−1, 2k−1, … (t from 0)
 *                                           p = 'tssl':   T = 5 → [0,1,1,1,1]; T ≥ 10 → every 2nd step (t odd)
 *                                           p = number[]: an explicit 0/1 train of length T
 *   other neurons:     d_i[t] = 0
 *   prediction:        ŷ = argmax_i Σ_t (ε∗o_i)[t]     (ties → the first)
 *
 * Trains are time-major `[T, B, numClasses]`. Reference: Zhang & Li, TSSL-BP, NeurIPS 2020.
 */
import * as tf from '@tensorflow/tfjs-core';
import { resolvePsp, type LayerPspOptions } from '../layers/neuronOptions.ts';

export type ClassPattern = 'every-k' | 'tssl' | readonly number[];

export interface ClassTrainOptions {
  T: number;
  numClasses: number;
  pattern: ClassPattern;
  /** Spacing for 'every-k'. */
  k: number;
}

export const DEFAULT_CLASS_TRAINS: Readonly<Omit<ClassTrainOptions, 'T' | 'numClasses'>> = Object.freeze({ pattern: 'tssl', k: 2 });

/** The target neuron's desired train (length T, values 0/1). */
export function targetPattern(opts: Pick<ClassTrainOptions, 'T' | 'pattern' | 'k'>): Float32Array {
  const { T, pattern, k } = opts;
  if (!Number.isInteger(T) || T < 1) throw new Error(`class trains: T must be a positive integer, got ${T}`);
  const p = new Float32Array(T);
  if (pattern === 'every-k') {
    if (!Number.isInteger(k) || k < 1) throw new Error(`class trains: k must be a positive integer, got ${k}`);
    for (let t = k - 1; t < T; t += k) p[t] = 1;
  } else if (pattern === 'tssl') {
    if (T < 10) for (let t = 1; t < T; t++) p[t] = 1;
    else for (let t = 1; t < T; t += 2) p[t] = 1;
  } else {
    if (pattern.length !== T) throw new Error(`class trains: pattern has ${pattern.length} steps, T is ${T}`);
    pattern.forEach((v, t) => {
      if (v !== 0 && v !== 1) throw new Error(`class trains: pattern[${t}] must be 0 or 1, got ${v}`);
      p[t] = v;
    });
  }
  return p;
}

function checkLabels(labels: ArrayLike<number>, numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`labels: numClasses must be a positive integer, got ${numClasses}`);
  for (let b = 0; b < labels.length; b++) {
    const y = labels[b]!;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) throw new Error(`labels[${b}] = ${y} is not a class in [0, ${numClasses})`);
  }
}

/** Desired trains `[T, B, numClasses]` for a batch of labels. */
export function classSpikeTrains(
  labels: ArrayLike<number>,
  opts: Pick<ClassTrainOptions, 'T' | 'numClasses'> & Partial<ClassTrainOptions>,
): tf.Tensor3D {
  const o = { ...DEFAULT_CLASS_TRAINS, ...opts };
  checkLabels(labels, o.numClasses);
  const p = targetPattern(o);
  const B = labels.length;
  const N = o.numClasses;
  const d = new Float32Array(o.T * B * N);
  for (let t = 0; t < o.T; t++) {
    if (p[t] === 0) continue;
    for (let b = 0; b < B; b++) d[(t * B + b) * N + labels[b]!] = 1;
  }
  return tf.tensor3d(d, [o.T, B, N]);
}

/** Per-neuron targets `[B, numClasses]`: `high` for the label, `low` elsewhere (rates or counts). */
export function classTargets(labels: ArrayLike<number>, numClasses: number, high: number, low = 0): tf.Tensor2D {
  checkLabels(labels, numClasses);
  const v = new Float32Array(labels.length * numClasses).fill(low);
  for (let b = 0; b < labels.length; b++) v[b * numClasses + labels[b]!] = high;
  return tf.tensor2d(v, [labels.length, numClasses]);
}

/**
 * Predicted classes from output spikes `[T, B, N]`: argmax over neurons of the summed PSP,
 * ties to the lowest index (so a silent output predicts class 0).
 */
export function predictFromPsp(outSpikes: tf.Tensor, psp: Partial<LayerPspOptions> = {}): Int32Array {
  if (outSpikes.rank !== 3) throw new Error(`predictFromPsp: output spikes must be [T, B, N], got [${outSpikes.shape.join(', ')}]`);
  const [T, B, N] = outSpikes.shape as [number, number, number];
  const { alpha, c } = resolvePsp(psp);
  // Σ_{t'} a[t'] = Σ_t o[t]·c·Σ_{j=0}^{T−1−t} α^j: one weight per step instead of a filter pass.
  const w = new Float64Array(T);
  for (let t = 0; t < T; t++) w[t] = (c * (1 - alpha ** (T - t))) / (1 - alpha);
  const o = outSpikes.dataSync();
  const pred = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let best = -Infinity;
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += w[t]! * o[(t * B + b) * N + i]!;
      if (s > best) {
        best = s;
        pred[b] = i;
      }
    }
  }
  return pred;
}
