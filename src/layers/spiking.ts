/**
 * The part every spiking layer shares, after its synaptic product (DESIGN §2):
 *
 *   I[t] = ε∗(W·o)[t] + b   ('psp' synapse: spike-sequence STBP, the filter moved after the product)
 *   I[t] = (W·o)[t] + b     ('spike' synapse: rate STBP)
 *   I    ← BN_t(I)          optional per-timestep batch norm (BNTT)
 *   o'   = LIF(I)           one fused op over all T steps (or the layer's own `neuron`, e.g. recurrent)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TimeBatchNorm } from './batchNorm.ts';
import { lifTB, pspTB, type LifResult } from './neuronOps.ts';
import type { ResolvedLif, ResolvedPsp } from './neuronOptions.ts';
import { repeatOverTime } from './reshape.ts';
import type { ForwardContext, Signal } from './types.ts';

export interface SpikingParts {
  name: string;
  synapseInput: 'psp' | 'spike';
  lif: ResolvedLif;
  psp: ResolvedPsp;
  /** A trained PSP decay α (one value in (0, 1)), replacing psp.alpha. */
  pspAlpha?: () => tf.Tensor;
  bias?: tf.Variable;
  batchNorm?: TimeBatchNorm;
  /** Replaces the fused LIF when the neurons have more state (recurrence, adaptation, a trained leak). */
  neuron?: (currentTB: tf.Tensor, withMembrane: boolean) => LifResult;
}

/** Turns the synaptic product of `input` (static `[B, ...]` or `[T, B, ...]`) into output spikes. */
export function spikingOutput(product: tf.Tensor, input: Signal, parts: SpikingParts, ctx: ForwardContext): Signal {
  let current = input.static ? repeatOverTime(product, ctx.T) : product;
  if (parts.synapseInput === 'psp' && !input.filtered) current = pspTB(current, parts.psp, parts.pspAlpha?.());
  if (parts.bias) current = tf.add(current, parts.bias);
  if (parts.batchNorm) current = parts.batchNorm.apply(current, ctx.training);
  const record = ctx.traces !== undefined;
  const { spikes, membrane } = parts.neuron ? parts.neuron(current, record) : lifTB(current, parts.lif, record);
  if (ctx.traces) {
    ctx.traces.push({
      name: parts.name,
      spikes: tf.keep(spikes),
      psp: tf.keep(tf.tidy(() => pspTB(spikes, parts.psp, parts.pspAlpha?.()))),
      ...(membrane ? { membrane } : {}),
    });
  }
  return { x: spikes, filtered: false, static: false, binary: true };
}
