/**
 * Neuron and synapse options as layers and network configs carry them (plain JSON data), and
 * their resolution to the numbers the fused ops need (ARCHITECTURE "Neuron model"):
 *
 *   a[t] = α·a[t−1] + c·x[t]                   PSP; α = 1 − 1/τs (or given); c = 1 ('none') or 1/τs ('unit-area')
 *   u[t] = λ·r(u[t−1], o[t−1]) + I[t]           λ = 1 − 1/τm (or given, e.g. exp(−1/5))
 *           hard r = u·(1 − o), soft r = u − θ·o
 *   o[t] = H(u[t] − θ)                          strict '>'
 *   backward: ∂o/∂u ≈ σ'(u − θ) (surrogate); reset path detached unless `detachReset: false`
 *
 * Reference: Wu et al., "Spatio-temporal backpropagation for training high-performance spiking
 * neural networks", Front. Neurosci. 2018 (STBP).
 */
import { z } from 'zod';
import { resolveSurrogate, type SurrogateSpec } from '../neurons/surrogate.ts';

/** Surrogate derivative σ'(x), x = u − θ: `SurrogateSpec` of `src/neurons/surrogate.ts`. */
export type LayerSurrogate = SurrogateSpec;

export interface LayerLifOptions {
  /** Membrane time constant in steps. */
  tauMem: number;
  /** Leak per step λ; when absent, 1 − 1/tauMem. */
  decay?: number;
  threshold: number;
  reset: 'hard' | 'soft';
  surrogate: LayerSurrogate;
  /** Detach the reset path from the backward pass (DESIGN default). */
  detachReset: boolean;
}

export interface LayerPspOptions {
  /** Synaptic time constant in steps. */
  tauSyn: number;
  /** Decay per step α; when absent, 1 − 1/tauSyn. */
  alpha?: number;
  scale: 'none' | 'unit-area';
}

export const DEFAULT_LAYER_LIF: Readonly<LayerLifOptions> = Object.freeze({
  tauMem: 5,
  threshold: 1,
  reset: 'hard',
  surrogate: Object.freeze({ kind: 'sigmoid', alpha: 5 }) as LayerSurrogate,
  detachReset: true,
});

export const DEFAULT_LAYER_PSP: Readonly<LayerPspOptions> = Object.freeze({ tauSyn: 3, scale: 'unit-area' });

export const surrogateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rectangular'), width: z.number().positive().optional() }).strict(),
  z.object({ kind: z.literal('sigmoid'), alpha: z.number().positive().optional() }).strict(),
  z.object({ kind: z.literal('arctan'), alpha: z.number().positive().optional() }).strict(),
  z.object({ kind: z.literal('fastSigmoid'), slope: z.number().positive().optional() }).strict(),
]);

export const lifSchema = z
  .object({
    tauMem: z.number().min(1),
    decay: z.number().min(0).max(1).optional(),
    threshold: z.number().positive(),
    reset: z.enum(['hard', 'soft']),
    surrogate: surrogateSchema,
    detachReset: z.boolean(),
  })
  .strict();

export const pspSchema = z
  .object({
    tauSyn: z.number().min(1),
    alpha: z.number().min(0).lt(1).optional(),
    scale: z.enum(['none', 'unit-area']),
  })
  .strict();

/** The two numbers of the PSP filter, with the options they came from. */
export interface ResolvedPsp {
  alpha: number;
  c: number;
  tauSyn: number;
  scale: 'none' | 'unit-area';
}

export interface ResolvedLif {
  decay: number;
  threshold: number;
  reset: 'hard' | 'soft';
  detachReset: boolean;
  surrogate: LayerSurrogate;
}

export function resolvePsp(opts: Partial<LayerPspOptions> = {}): ResolvedPsp {
  const o = { ...DEFAULT_LAYER_PSP, ...opts };
  if (!(o.tauSyn >= 1)) throw new Error(`psp.tauSyn must be >= 1 step, got ${o.tauSyn}`);
  const alpha = o.alpha ?? 1 - 1 / o.tauSyn;
  if (!(alpha >= 0 && alpha < 1)) throw new Error(`psp.alpha must be in [0, 1), got ${alpha}`);
  return { alpha, c: o.scale === 'unit-area' ? 1 / o.tauSyn : 1, tauSyn: o.tauSyn, scale: o.scale };
}

export function resolveLif(opts: Partial<LayerLifOptions> = {}): ResolvedLif {
  const o = { ...DEFAULT_LAYER_LIF, ...opts };
  if (!(o.tauMem >= 1)) throw new Error(`lif.tauMem must be >= 1 step, got ${o.tauMem}`);
  const decay = o.decay ?? 1 - 1 / o.tauMem;
  if (!(decay >= 0 && decay <= 1)) throw new Error(`lif.decay must be in [0, 1], got ${decay}`);
  if (!(o.threshold > 0)) throw new Error(`lif.threshold must be > 0, got ${o.threshold}`);
  resolveSurrogate(o.surrogate); // a bad surrogate fails when the layer is built, not at the first step
  return { decay, threshold: o.threshold, reset: o.reset, detachReset: o.detachReset, surrogate: o.surrogate };
}
