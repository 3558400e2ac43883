/**
 * Dropout with one mask per sample shared over all T steps (a dropped neuron stays silent for the
 * whole sequence, as in TSSL-BP), inverted scaling 1/(1 − rate), identity when not training.
 * The mask is drawn from the forward context's seeded generator, so runs are reproducible.
 * Because the mask is constant in time it commutes with the PSP filter.
 * Reference: Srivastava et al., "Dropout", JMLR 2014; Zhang & Li, TSSL-BP, NeurIPS 2020.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, Signal, SnnLayer } from './types.ts';

export interface DropoutOptions {
  rate: number;
}

export class Dropout implements SnnLayer {
  readonly type = 'dropout';
  readonly weights = [];

  constructor(
    readonly name: string,
    readonly outputShape: readonly number[],
    private readonly opts: DropoutOptions,
  ) {
    if (!(opts.rate >= 0 && opts.rate < 1)) throw new Error(`${name}.rate must be in [0, 1), got ${opts.rate}`);
  }

  forward(input: Signal, ctx: ForwardContext): Signal {
    if (!ctx.training || this.opts.rate === 0) return input;
    const B = input.static ? input.x.shape[0]! : input.x.shape[1]!;
    const per = this.outputShape.reduce((a, b) => a * b, 1);
    const keep = 1 - this.opts.rate;
    const m = new Float32Array(B * per);
    for (let i = 0; i < m.length; i++) m[i] = ctx.rng.next() < keep ? 1 / keep : 0;
    const mask = tf.tensor(m, [B, ...this.outputShape], 'float32');
    return { ...input, x: tf.mul(input.x, mask), binary: false };
  }

  describe(): string {
    return `dropout ${this.opts.rate} (mask shared over time)`;
  }

  dispose(): void {}
}
