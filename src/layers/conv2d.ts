/**
 * Spiking 2-D convolution over channels-last `[T, B, H, W, C]` → `[T, B, H', W', filters]`.
 *
 *   I[t] = ε∗(K ⋆ o_in)[t] + b   ('psp') or  K ⋆ o_in[t] + b  ('spike');  o[t] = LIF(I)[t]
 *   H' = ⌈H/s⌉ ('same'), ⌊(H − k)/s⌋ + 1 ('valid'), ⌊(H + 2p − k)/s⌋ + 1 (padding p)
 *
 * All T steps are one `tf.conv2d` on `[T·B, H, W, C]`; a static input is convolved once.
 * Kernel layout `[kh, kw, inChannels, filters]` (tfjs).
 * Reference: Zhang & Li, TSSL-BP, NeurIPS 2020 (conv SNN with PSP synapses).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/random.ts';
import { TimeBatchNorm, type BatchNormOptions } from './batchNorm.ts';
import { biasUniform, kaimingUniform } from './init.ts';
import { learnedPspAlpha } from './pspAlpha.ts';
import { resolveLif, resolvePsp, type LayerLifOptions, type LayerPspOptions } from './neuronOptions.ts';
import { mapSamples } from './reshape.ts';
import { spikingOutput, type SpikingParts } from './spiking.ts';
import type { ForwardContext, NamedVariable, Signal, SnnLayer } from './types.ts';

export type Padding = 'same' | 'valid' | number;

export interface Conv2dOptions {
  filters: number;
  kernelSize: number | [number, number];
  stride: number | [number, number];
  padding: Padding;
  bias: boolean;
  weightScale: number;
  synapseInput: 'psp' | 'spike';
  lif: LayerLifOptions;
  psp: LayerPspOptions;
  /** Per-timestep batch norm of the current (needs the network's T). */
  batchNorm?: BatchNormOptions & { T: number };
  /** Train the PSP decay α = sigmoid(w), one per layer (pspAlpha.ts). */
  learnPspAlpha?: boolean;
}

export const DEFAULT_CONV2D: Readonly<Omit<Conv2dOptions, 'filters' | 'kernelSize' | 'lif' | 'psp'>> = Object.freeze({
  stride: 1,
  padding: 'same',
  bias: false,
  weightScale: 1,
  synapseInput: 'psp',
});

export function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

/** Output length of one spatial axis. */
export function convOutSize(n: number, k: number, s: number, padding: Padding): number {
  if (padding === 'same') return Math.ceil(n / s);
  const p = padding === 'valid' ? 0 : padding;
  return Math.floor((n + 2 * p - k) / s) + 1;
}

export class Conv2d implements SnnLayer {
  readonly type = 'conv2d';
  readonly outputShape: readonly number[];
  readonly weights: readonly NamedVariable[];
  private readonly kernel: tf.Variable;
  private readonly parts: SpikingParts;
  private readonly stride: [number, number];

  constructor(
    readonly name: string,
    inputShape: readonly number[],
    private readonly opts: Conv2dOptions,
    rng: Rng,
  ) {
    if (inputShape.length !== 3) {
      throw new Error(`${name}: conv2d input must be [H, W, C], got [${inputShape.join(', ')}]`);
    }
    const [H, W, C] = inputShape as [number, number, number];
    const [kh, kw] = pair(opts.kernelSize);
    this.stride = pair(opts.stride);
    const oh = convOutSize(H, kh, this.stride[0], opts.padding);
    const ow = convOutSize(W, kw, this.stride[1], opts.padding);
    if (oh < 1 || ow < 1) throw new Error(`${name}: kernel ${kh}×${kw} does not fit input ${H}×${W} with padding ${opts.padding}`);
    this.outputShape = [oh, ow, opts.filters];
    const fanIn = kh * kw * C;
    this.kernel = tf.variable(kaimingUniform([kh, kw, C, opts.filters], fanIn, opts.weightScale, rng), true);
    const bias = opts.bias ? tf.variable(biasUniform(opts.filters, fanIn, rng), true) : undefined;
    const bn = opts.batchNorm ? new TimeBatchNorm(name, opts.batchNorm.T, opts.filters, opts.batchNorm) : undefined;
    const psp = resolvePsp(opts.psp);
    const learned = opts.learnPspAlpha ? learnedPspAlpha(name, psp) : undefined;
    this.weights = [
      { name: `${name}/kernel`, variable: this.kernel },
      ...(bias ? [{ name: `${name}/bias`, variable: bias }] : []),
      ...(bn ? bn.weights : []),
      ...(learned ? [learned.weight] : []),
    ];
    this.parts = {
      name,
      synapseInput: opts.synapseInput,
      lif: resolveLif(opts.lif),
      psp,
      ...(learned ? { pspAlpha: learned.alpha } : {}),
      ...(bias ? { bias } : {}),
      ...(bn ? { batchNorm: bn } : {}),
    };
  }

  forward(input: Signal, ctx: ForwardContext): Signal {
    const product = mapSamples(input, (x) => tf.conv2d(x as tf.Tensor4D, this.kernel as tf.Tensor4D, this.stride, this.opts.padding));
    return spikingOutput(product, input, this.parts, ctx);
  }

  describe(): string {
    const [kh, kw] = pair(this.opts.kernelSize);
    return `conv2d ${kh}×${kw}×${this.kernel.shape[2]}→${this.opts.filters}, stride ${this.stride.join('×')}, padding ${this.opts.padding}, ${this.opts.synapseInput} synapse${this.opts.bias ? ', bias' : ''}${this.opts.batchNorm ? ', batch norm per step' : ''}${this.opts.learnPspAlpha ? ', learned PSP α' : ''}`;
  }

  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
