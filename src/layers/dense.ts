/**
 * Spiking dense layer: synapse + LIF neurons over `[T, B, in]` → `[T, B, units]`.
 *
 *   I[t] = ε∗(o_in·W)[t] + b    ('psp') or  o_in[t]·W + b  ('spike');  o[t] = LIF(I)[t]
 *   optional: recurrent V, adaptive threshold, trained leak (neuronDynamics.ts); output delayed by k steps
 *
 * The product of all T steps is one `denseSynapse` call on `[T·B, in]`; a static input
 * (direct current) is multiplied once and repeated over T.
 * Reference: Wu et al., STBP, Front. Neurosci. 2018.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/random.ts';
import { TimeBatchNorm, type BatchNormOptions } from './batchNorm.ts';
import { biasUniform, kaimingUniform } from './init.ts';
import { learnedPspAlpha } from './pspAlpha.ts';
import { resolveLif, resolvePsp, type LayerLifOptions, type LayerPspOptions } from './neuronOptions.ts';
import { mapSamples } from './reshape.ts';
import { spikingOutput, type SpikingParts } from './spiking.ts';
import { delaySteps, NeuronDynamics, needsDynamics, type AdaptationOptions } from './neuronDynamics.ts';
import { denseSynapse } from './synapse.ts';
import type { ForwardContext, NamedVariable, Signal, SnnLayer } from './types.ts';

export interface DenseOptions {
  units: number;
  bias: boolean;
  weightScale: number;
  synapseInput: 'psp' | 'spike';
  lif: LayerLifOptions;
  psp: LayerPspOptions;
  /** Per-timestep batch norm of the current (needs the network's T). */
  batchNorm?: BatchNormOptions & { T: number };
  /** Recurrent weights V: the layer's spikes of step t feed its own input at t + 1. */
  recurrent?: boolean;
  /** Multiplies the Kaiming bound of V (default 1). */
  recurrentScale?: number;
  /** Adaptive threshold (ALIF). */
  adaptive?: AdaptationOptions;
  /** Train the leak λ = sigmoid(w), per layer or per neuron. */
  learnTau?: 'layer' | 'neuron';
  /** Axonal delay of the layer's output spikes, in whole steps (default 0). */
  delay?: number;
  /** Train the PSP decay α = sigmoid(w), one per layer (pspAlpha.ts). */
  learnPspAlpha?: boolean;
}

export const DEFAULT_DENSE: Readonly<Omit<DenseOptions, 'units' | 'lif' | 'psp'>> = Object.freeze({
  bias: false,
  weightScale: 1,
  synapseInput: 'psp',
});

export class Dense implements SnnLayer {
  readonly type = 'dense';
  readonly outputShape: readonly number[];
  readonly weights: readonly NamedVariable[];
  private readonly kernel: tf.Variable;
  private readonly parts: SpikingParts;
  private readonly dynamics?: NeuronDynamics;

  constructor(
    readonly name: string,
    inputShape: readonly number[],
    private readonly opts: DenseOptions,
    rng: Rng,
  ) {
    if (inputShape.length !== 1) {
      throw new Error(`${name}: dense input must be flat [features], got [${inputShape.join(', ')}] (add a flatten layer)`);
    }
    if (!Number.isInteger(opts.units) || opts.units < 1) throw new Error(`${name}.units must be a positive integer, got ${opts.units}`);
    const fanIn = inputShape[0]!;
    this.outputShape = [opts.units];
    this.kernel = tf.variable(kaimingUniform([fanIn, opts.units], fanIn, opts.weightScale, rng), true);
    const bias = opts.bias ? tf.variable(biasUniform(opts.units, fanIn, rng), true) : undefined;
    const bn = opts.batchNorm ? new TimeBatchNorm(name, opts.batchNorm.T, opts.units, opts.batchNorm) : undefined;
    if (opts.delay !== undefined && !(Number.isInteger(opts.delay) && opts.delay >= 0))
      throw new Error(`${name}.delay must be a non-negative integer (steps), got ${opts.delay}`);
    const lif = resolveLif(opts.lif);
    const dyn = needsDynamics(opts)
      ? new NeuronDynamics(
          name,
          opts.units,
          lif,
          {
            recurrent: opts.recurrent === true,
            recurrentScale: opts.recurrentScale ?? 1,
            adaptive: opts.adaptive,
            learnTau: opts.learnTau,
          },
          rng,
        )
      : undefined;
    const psp = resolvePsp(opts.psp);
    const learned = opts.learnPspAlpha ? learnedPspAlpha(name, psp) : undefined;
    this.weights = [
      { name: `${name}/kernel`, variable: this.kernel },
      ...(bias ? [{ name: `${name}/bias`, variable: bias }] : []),
      ...(bn ? bn.weights : []),
      ...(dyn ? dyn.weights : []),
      ...(learned ? [learned.weight] : []),
    ];
    if (dyn) this.dynamics = dyn;
    this.parts = {
      name,
      synapseInput: opts.synapseInput,
      lif,
      ...(dyn ? { neuron: (c: tf.Tensor, m: boolean) => dyn.run(c, m) } : {}),
      psp,
      ...(learned ? { pspAlpha: learned.alpha } : {}),
      ...(bias ? { bias } : {}),
      ...(bn ? { batchNorm: bn } : {}),
    };
  }

  forward(input: Signal, ctx: ForwardContext): Signal {
    const product = mapSamples(input, (x) => denseSynapse(x as tf.Tensor2D, this.kernel as tf.Tensor2D, { binary: input.binary }));
    const out = spikingOutput(product, input, this.parts, ctx);
    return this.opts.delay ? { ...out, x: delaySteps(out.x, this.opts.delay) } : out;
  }

  describe(): string {
    return `dense ${this.kernel.shape[0]}→${this.opts.units}, ${this.opts.synapseInput} synapse${this.opts.bias ? ', bias' : ''}${this.opts.batchNorm ? ', batch norm per step' : ''}${this.dynamics ? `, ${this.dynamics.describe()}` : ''}${this.opts.delay ? `, delay ${this.opts.delay}` : ''}${this.opts.learnPspAlpha ? ', learned PSP α' : ''}`;
  }

  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
