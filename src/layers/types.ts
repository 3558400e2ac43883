/**
 * What flows between layers: a time-major tensor `[T, B, ...]` (or a static `[B, ...]` repeated
 * over T, for direct-current input), and whether it is already PSP-filtered (ε∗o) rather than
 * raw spikes. Because the PSP filter is linear in time, every linear, time-invariant layer
 * (synapse, average pool, flatten, dropout with a mask shared over time) commutes with it, so a
 * PSP synapse filters its current after the product: W·(ε∗o) = ε∗(W·o).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/random.ts';

export interface Signal {
  x: tf.Tensor;
  /** True once ε∗ has been applied (e.g. by a pool `on: 'psp'`): a PSP synapse must not filter again. */
  filtered: boolean;
  /** True when x is `[B, ...]`, the same at every step. */
  static: boolean;
  /** True when every value is 0 or 1 (spikes): lets the synapse use an event-driven product. */
  binary: boolean;
}

/** Per-layer record of a forward pass (all `[T, B, ...]`; the caller disposes them). */
export interface LayerTrace {
  name: string;
  spikes: tf.Tensor;
  psp?: tf.Tensor;
  membrane?: tf.Tensor;
}

export interface ForwardContext {
  T: number;
  training: boolean;
  /** Source of dropout masks. */
  rng: Rng;
  /** When given, spiking layers push their trace here. */
  traces?: LayerTrace[];
}

export interface NamedVariable {
  /** Stable logical name, e.g. `dense_0/kernel` (the tf variable's own name is unique per instance). */
  name: string;
  variable: tf.Variable;
  /** False for state that is saved but not optimised (e.g. running statistics); default true. */
  trainable?: boolean;
}

export interface SnnLayer {
  readonly name: string;
  readonly type: string;
  /** Per-sample output shape (no T, no B). */
  readonly outputShape: readonly number[];
  readonly weights: readonly NamedVariable[];
  forward(input: Signal, ctx: ForwardContext): Signal;
  /** One line for `summary()`. */
  describe(): string;
  dispose(): void;
}
