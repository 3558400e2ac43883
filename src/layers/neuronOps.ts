/**
 * The two fused time ops the layers need, over time-major tensors `[T, ...]`, taken from
 * `src/neurons` (one tf op each, with the hand-written backward of DESIGN §2):
 *
 *   pspTB:  a[t] = α·a[t−1] + c·x[t]                      backward: the error filtered backwards in time
 *   lifTB:  u[t] = λ·r(u[t−1], o[t−1]) + I[t], o[t] = H(u[t] − θ)
 *           backward: δ[t] = ∂o[t]·σ'(u[t] − θ) + δ[t+1]·λ·(1 − o[t]) (hard) or + δ[t+1]·λ (soft)
 *
 * This file is the seam between layers and neurons: layers hold resolved options (validated when
 * the network is built) and call only these two functions.
 * Reference: Wu et al., STBP, Front. Neurosci. 2018; Zhang & Li, TSSL-BP, NeurIPS 2020 (PSP kernel).
 */
import * as tf from '@tensorflow/tfjs-core';
import { lifMultiStep, lifMultiStepWithState, pspFilter, type LifOptions, type PspOptions } from '../neurons/index.ts';
import type { ResolvedLif, ResolvedPsp } from './neuronOptions.ts';

function pspOptions(p: ResolvedPsp): PspOptions {
  return { tauSyn: p.tauSyn, alpha: p.alpha, scale: p.scale };
}

function lifOptions(l: ResolvedLif): LifOptions {
  // tauMem is not used when decay is given; 1 is its smallest valid value
  return { tauMem: 1, decay: l.decay, threshold: l.threshold, reset: l.reset, detachReset: l.detachReset, surrogate: l.surrogate };
}

/**
 * PSP filter ε∗x along axis 0 of a time-major tensor. Linear, so ε∗(W·x) = W·(ε∗x).
 * `alpha` (a one-element tensor in (0, 1)) replaces psp.alpha and is trained with x.
 * Example: `pspTB(spikesTB, resolvePsp({tauSyn: 3}))`.
 */
export function pspTB(xTB: tf.Tensor, psp: ResolvedPsp, alpha?: tf.Tensor): tf.Tensor {
  return pspFilter(xTB, pspOptions(psp), alpha);
}

export interface LifResult {
  spikes: tf.Tensor;
  /** Membrane u[t] after integration, before reset (not differentiable); only when asked for. */
  membrane?: tf.Tensor;
}

/**
 * Fused multi-step LIF over `[T, ...]` currents: spikes (with surrogate backward) and, when
 * `withMembrane`, the membrane trace (kept out of any enclosing tidy: the caller disposes it).
 */
export function lifTB(currentTB: tf.Tensor, lif: ResolvedLif, withMembrane = false): LifResult {
  if (!withMembrane) return { spikes: lifMultiStep(currentTB, lifOptions(lif)) };
  const { spikes, membrane } = lifMultiStepWithState(currentTB, lifOptions(lif));
  return { spikes, membrane: tf.keep(membrane) };
}
