/** Flatten: `[T, B, ...]` → `[T, B, Π...]` (row-major, channels-last order as tfjs). */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, Signal, SnnLayer } from './types.ts';

export class Flatten implements SnnLayer {
  readonly type = 'flatten';
  readonly outputShape: readonly number[];
  readonly weights = [];

  constructor(
    readonly name: string,
    inputShape: readonly number[],
  ) {
    this.outputShape = [inputShape.reduce((a, b) => a * b, 1)];
  }

  forward(input: Signal, _ctx: ForwardContext): Signal {
    const lead = input.static ? [input.x.shape[0]!] : [input.x.shape[0]!, input.x.shape[1]!];
    return { ...input, x: tf.reshape(input.x, [...lead, this.outputShape[0]!]) };
  }

  describe(): string {
    return `flatten → ${this.outputShape[0]}`;
  }

  dispose(): void {}
}
