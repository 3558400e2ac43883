/**
 * Per-timestep batch normalisation of a layer's synaptic current (BNTT), channels-last:
 *
 *   training:   Î[t] = γ[t]·(I[t] − μ_t)/√(σ²_t + ε) + β[t]     μ_t, σ²_t over batch and space, per channel
 *               running_t ← (1 − m)·running_t + m·batch stat_t   (σ² unbiased, as PyTorch)
 *   inference:  the same with the running statistics
 *
 * Statistics and affine parameters are separate for every step t, because the current's
 * distribution drifts over the sequence (membranes charge up). Applied before the LIF op.
 * Reference: Kim & Panda, "Revisiting batch normalization for training low-latency deep spiking
 * neural networks from scratch" (BNTT), Front. Neurosci. 2021.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedVariable } from './types.ts';

export interface BatchNormOptions {
  momentum: number;
  epsilon: number;
}

export const DEFAULT_BATCH_NORM: Readonly<BatchNormOptions> = Object.freeze({ momentum: 0.1, epsilon: 1e-5 });

export class TimeBatchNorm {
  readonly weights: readonly NamedVariable[];
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;
  private readonly runMean: tf.Variable;
  private readonly runVar: tf.Variable;

  constructor(
    name: string,
    T: number,
    channels: number,
    private readonly opts: BatchNormOptions,
  ) {
    if (!(opts.momentum > 0 && opts.momentum <= 1)) throw new Error(`${name}.batchNorm.momentum must be in (0, 1], got ${opts.momentum}`);
    if (!(opts.epsilon > 0)) throw new Error(`${name}.batchNorm.epsilon must be > 0, got ${opts.epsilon}`);
    this.gamma = tf.variable(tf.ones([T, channels]), true);
    this.beta = tf.variable(tf.zeros([T, channels]), true);
    this.runMean = tf.variable(tf.zeros([T, channels]), false);
    this.runVar = tf.variable(tf.ones([T, channels]), false);
    this.weights = [
      { name: `${name}/bn_gamma`, variable: this.gamma },
      { name: `${name}/bn_beta`, variable: this.beta },
      { name: `${name}/bn_running_mean`, variable: this.runMean, trainable: false },
      { name: `${name}/bn_running_var`, variable: this.runVar, trainable: false },
    ];
  }

  /** Normalises `[T, B, ..., C]`; in training also updates the running statistics. */
  apply(current: tf.Tensor, training: boolean): tf.Tensor {
    const shape = current.shape;
    const T = shape[0]!;
    const C = shape[shape.length - 1]!;
    const x = tf.reshape(current, [T, -1, C]);
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (training) {
      const n = x.shape[1]!;
      const m = tf.moments(x, 1);
      mean = m.mean;
      variance = m.variance;
      const k = this.opts.momentum;
      const unbiased = n > 1 ? n / (n - 1) : 1;
      // running statistics are bookkeeping, outside the gradient: rebuilt from the values
      const mv = tf.tensor(mean.dataSync(), [T, C]);
      const vv = tf.tensor(variance.dataSync(), [T, C]);
      this.runMean.assign(tf.tidy(() => tf.add(tf.mul(1 - k, this.runMean), tf.mul(k, mv))));
      this.runVar.assign(tf.tidy(() => tf.add(tf.mul(1 - k, this.runVar), tf.mul(k * unbiased, vv))));
      mv.dispose();
      vv.dispose();
      mean = tf.expandDims(mean, 1);
      variance = tf.expandDims(variance, 1);
    } else {
      mean = tf.expandDims(this.runMean, 1);
      variance = tf.expandDims(this.runVar, 1);
    }
    const y = tf.add(
      tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.opts.epsilon))), tf.expandDims(this.gamma, 1)),
      tf.expandDims(this.beta, 1),
    );
    return tf.reshape(y, shape);
  }
}
