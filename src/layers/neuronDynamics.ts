/**
 * The neuron part of a dense layer when it has memory beyond the feed-forward LIF (DESIGN §6):
 * recurrent weights V, an adaptive threshold (ALIF) and/or a trained leak. All three run in the
 * one fused op of `src/neurons/alif.ts`:
 *
 *   u[t] = λ·r(u[t−1], o[t−1]) + I[t] + (o[t−1]·V),   o[t] = H(u[t] − θ0 − β·a[t]),   a[t] = ρ·a[t−1] + o[t−1]
 *   λ = sigmoid(w) with w trained, per layer ([1], broadcast) or per neuron ([units]), initialised
 *   from the layer's λ0 = 1 − 1/τm (parametric LIF), so λ stays in (0, 1).
 *
 * Weights: `<layer>/recurrent` [units, units] (row i: neuron i's outgoing weights; Kaiming-uniform
 * with fan-in = units, times `recurrentScale`), `<layer>/decayLogit` [1] or [units].
 * Reference: Bellec et al., LSNN, NeurIPS 2018; Fang et al., "Incorporating learnable membrane time
 * constant to enhance learning of spiking neural networks" (PLIF), ICCV 2021.
 */
import * as tf from '@tensorflow/tfjs-core';
import { alifMultiStep, alifMultiStepWithState, type AlifOptions, type AlifTensors } from '../neurons/alif.ts';
import type { Rng } from '../util/random.ts';
import { kaimingUniform } from './init.ts';
import type { LifResult } from './neuronOps.ts';
import type { ResolvedLif } from './neuronOptions.ts';
import type { NamedVariable } from './types.ts';

export interface AdaptationOptions {
  /** β, threshold increase per unit of adaptation (> 0 adapts, < 0 facilitates). */
  beta: number;
  /** Adaptation time constant τa in steps; ρ = exp(−1/τa). */
  tauAdapt: number;
}

export interface NeuronDynamicsOptions {
  recurrent: boolean;
  /** Multiplies the Kaiming bound of V. */
  recurrentScale: number;
  adaptive?: AdaptationOptions | undefined;
  /** Train λ = sigmoid(w), one per layer or one per neuron. */
  learnTau?: 'layer' | 'neuron' | undefined;
}

/** True when a dense layer's options need this part instead of the plain fused LIF. */
export function needsDynamics(o: {
  recurrent?: boolean | undefined;
  adaptive?: object | undefined;
  learnTau?: string | undefined;
}): boolean {
  return o.recurrent === true || o.adaptive !== undefined || o.learnTau !== undefined;
}

/** logit(λ): the trained variable's value for a leak λ in (0, 1). */
export function decayLogit(decay: number): number {
  if (!(decay > 0 && decay < 1)) throw new Error(`learnTau needs a leak λ in (0, 1) to start from, got ${decay} (set lif.tauMem > 1)`);
  return Math.log(decay / (1 - decay));
}

export class NeuronDynamics {
  readonly weights: readonly NamedVariable[];
  private readonly V?: tf.Variable;
  private readonly logit?: tf.Variable;
  private readonly opts: Partial<AlifOptions>;

  constructor(
    name: string,
    private readonly units: number,
    lif: ResolvedLif,
    private readonly o: NeuronDynamicsOptions,
    rng: Rng,
  ) {
    if (!(o.recurrentScale > 0)) throw new Error(`recurrentScale must be > 0, got ${o.recurrentScale}`);
    const adapt = o.adaptive;
    if (adapt && !(adapt.tauAdapt > 0)) throw new Error(`adaptive.tauAdapt must be > 0 steps, got ${adapt.tauAdapt}`);
    if (adapt && !Number.isFinite(adapt.beta)) throw new Error(`adaptive.beta must be finite, got ${adapt.beta}`);
    this.opts = {
      tauMem: 1,
      decay: lif.decay,
      threshold: lif.threshold,
      reset: lif.reset,
      detachReset: lif.detachReset,
      surrogate: lif.surrogate,
      beta: adapt?.beta ?? 0,
      tauAdapt: adapt?.tauAdapt ?? 1,
    };
    const weights: NamedVariable[] = [];
    if (o.recurrent) {
      this.V = tf.variable(kaimingUniform([units, units], units, o.recurrentScale, rng), true);
      weights.push({ name: `${name}/recurrent`, variable: this.V });
    }
    if (o.learnTau) {
      const n = o.learnTau === 'neuron' ? units : 1;
      this.logit = tf.variable(tf.fill([n], decayLogit(lif.decay)), true);
      weights.push({ name: `${name}/decayLogit`, variable: this.logit });
    }
    this.weights = weights;
  }

  /** Spikes (and, when asked, the membrane, kept out of any tidy) of currents [T, B, units]. */
  run(currentTB: tf.Tensor, withMembrane: boolean): LifResult {
    const tensors: AlifTensors = {};
    if (this.V) tensors.recurrent = this.V;
    if (this.logit) {
      const lam = tf.sigmoid(this.logit);
      tensors.decay = this.logit.size === this.units ? lam : tf.broadcastTo(lam, [this.units]);
    }
    if (!withMembrane) return { spikes: alifMultiStep(currentTB, this.opts, tensors) };
    const { spikes, membrane, adaptation } = alifMultiStepWithState(currentTB, this.opts, tensors);
    adaptation.dispose();
    return { spikes, membrane: tf.keep(membrane) };
  }

  describe(): string {
    const parts = [
      ...(this.o.recurrent ? ['recurrent'] : []),
      ...(this.o.adaptive ? [`adaptive β=${this.opts.beta} τa=${this.opts.tauAdapt}`] : []),
      ...(this.o.learnTau ? [`learned τ per ${this.o.learnTau}`] : []),
    ];
    return parts.join(', ');
  }
}

/**
 * Axonal delay of k whole steps along axis 0 of `[T, ...]`: out[t] = x[t − k], zeros for t < k
 * (what arrives later than T is lost). Differentiable (slice + concat).
 */
export function delaySteps(xTB: tf.Tensor, k: number): tf.Tensor {
  if (!Number.isInteger(k) || k < 0) throw new Error(`delay must be a non-negative integer number of steps, got ${k}`);
  if (k === 0) return xTB;
  const [T, ...rest] = xTB.shape;
  return tf.tidy(() => {
    if (k >= T!) return tf.zerosLike(xTB);
    return tf.concat([tf.zeros([k, ...rest]), tf.slice(xTB, 0, T! - k)], 0);
  });
}
