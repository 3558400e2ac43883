/**
 * Recurrent LIF (DESIGN §6): the feed-forward LIF plus recurrent weights V (units × units) whose
 * input arrives one step late:
 *
 *   u[t] = λ·r(u[t−1], o[t−1]) + I[t] + (o[t−1]·V),    o[t] = H(u[t] − θ)
 *   backward (one reverse scan, reset detached by default):
 *     ∂L/∂o[t] = e[t] + V·g[t+1],   g[t] = ∂L/∂o[t]·σ'(u[t] − θ) + g[t+1]·∂u[t+1]/∂u[t]
 *     ∂L/∂V = Σ_t o[t]ᵀ·g[t+1],     ∂L/∂I[t] = g[t]
 *
 * It is the adaptive LIF of `alif.ts` with β = 0 (no adaptation), so both share one kernel
 * (kernels/alifScan.ts); this file gives it the plain-LIF option and state types.
 *
 * Reference: Bellec et al., "Long short-term memory and learning-to-learn in networks of spiking
 * neurons", NeurIPS 2018 (recurrent LIF networks trained with BPTT and a surrogate derivative).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { alifMultiStep, alifMultiStepWithState, alifStep } from './alif.ts';
import type { LifOptions, LifState } from './lif.ts';

/** β = 0 turns the ALIF into a LIF; τa is then unused (any positive value). */
const NO_ADAPTATION = Object.freeze({ beta: 0, tauAdapt: 1 });

/**
 * One recurrent LIF step for n neurons; V is [n, n] row-major (row i: neuron i's outgoing
 * weights). Returns the spikes and a new state (inputs not mutated); `decay` optionally per neuron.
 */
export function recurrentLifStep(
  current: Float32Array,
  state: LifState,
  V: Float32Array,
  opts: Partial<LifOptions> = {},
  decay?: Float32Array,
): { spikes: Float32Array; state: LifState } {
  const r = alifStep(
    current,
    { ...state, a: new Float32Array(current.length) },
    { ...opts, ...NO_ADAPTATION },
    { recurrent: V, ...(decay ? { decay } : {}) },
  );
  return { spikes: r.spikes, state: { u: r.state.u, o: r.state.o } };
}

/**
 * Fused multi-step recurrent LIF: spikes [T, ..., N] from currents [T, ..., N] and V [N, N], one tf
 * op differentiable w.r.t. the currents, V and (when given as a tensor) the per-neuron λ.
 * Example: `recurrentLifMultiStep(currentTB, V, {tauMem: 5})`.
 */
export function recurrentLifMultiStep(currentTB: tf.Tensor, V: tf.Tensor, opts: Partial<LifOptions> = {}, decay?: tf.Tensor): tf.Tensor {
  return alifMultiStep(currentTB, { ...opts, ...NO_ADAPTATION }, { recurrent: V, ...(decay ? { decay } : {}) });
}

/** `recurrentLifMultiStep` with the membrane trace u[t] (before reset, no gradient). */
export function recurrentLifMultiStepWithState(
  currentTB: tf.Tensor,
  V: tf.Tensor,
  opts: Partial<LifOptions> = {},
  decay?: tf.Tensor,
): { spikes: tf.Tensor; membrane: tf.Tensor } {
  const { spikes, membrane, adaptation } = alifMultiStepWithState(
    currentTB,
    { ...opts, ...NO_ADAPTATION },
    { recurrent: V, ...(decay ? { decay } : {}) },
  );
  adaptation.dispose();
  return { spikes, membrane };
}
