/**
 * The one definition of the neuron parameters: their types, frozen defaults and JSON schema, shared
 * by the ops (`lifMultiStep`, `pspFilter`), the layers and network configs, the losses, the labels,
 * the encoders/decoders and the event-driven engine (ARCHITECTURE "Neuron model", DESIGN §2):
 *
 *   a[t] = α·a[t−1] + c·x[t]          PSP; α = 1 − 1/τs (or `alpha`); c = 1 ('none') or 1/τs ('unit-area')
 *   u[t] = λ·r(u[t−1], o[t−1]) + I[t]  λ = 1 − 1/τm (or `decay`); hard r = u·(1 − o), soft r = u − θ·o
 *   o[t] = H(u[t] − θ)                 strict '>'
 *   backward: ∂o/∂u ≈ σ'(u − θ)        surrogate; the reset path detached unless `detachReset: false`
 *
 * Why these values: the classification configs (configs/*.json) give no surrogate, so they train
 * with the layers' sigmoid α = 5, and the committed checkpoints record theirs (sigmoid α = 5,
 * τs = 3 'unit-area'): these stay the defaults everywhere. The motor decoder's slower trace
 * (τs = 5) is a separate, named default, `DEFAULT_MOTOR_PSP`, recorded in every controller.json.
 * This module imports nothing but zod (no tfjs), so typed-array code can use it.
 *
 * Reference: Wu et al., "Spatio-temporal backpropagation for training high-performance spiking
 * neural networks", Front. Neurosci. 2018 (STBP); Zhang & Li, TSSL-BP, NeurIPS 2020 (PSP).
 */
import { z } from 'zod';

/** Surrogate derivative σ'(x) at x = u − θ, chosen by kind; a missing parameter takes its default below. */
export type SurrogateSpec =
  | { kind: 'rectangular'; width?: number }
  | { kind: 'sigmoid'; alpha?: number }
  | { kind: 'arctan'; alpha?: number }
  | { kind: 'fastSigmoid'; slope?: number };

export type SurrogateKind = SurrogateSpec['kind'];

/** A spec with every parameter present (what the factories return). */
export type ResolvedSurrogate =
  | { kind: 'rectangular'; width: number }
  | { kind: 'sigmoid'; alpha: number }
  | { kind: 'arctan'; alpha: number }
  | { kind: 'fastSigmoid'; slope: number };

export const DEFAULT_RECTANGULAR = Object.freeze({ width: 1 });
export const DEFAULT_SIGMOID = Object.freeze({ alpha: 5 });
export const DEFAULT_ARCTAN = Object.freeze({ alpha: 2 });
/** The slope of the PyTorch bench model (shared/bench/torch_snn.py). */
export const DEFAULT_FAST_SIGMOID = Object.freeze({ slope: 10 });

/** The surrogate of a neuron that names none. */
export const DEFAULT_SURROGATE: Readonly<ResolvedSurrogate> = Object.freeze({ kind: 'sigmoid', ...DEFAULT_SIGMOID });

export interface LifOptions {
  /** Membrane time constant τm in steps (≥ 1); sets λ = 1 − 1/τm unless `decay` is given. */
  tauMem: number;
  /** λ in [0, 1]; overrides 1 − 1/tauMem (e.g. exp(−1/5) for the PyTorch bench model). */
  decay?: number;
  /** θ, firing threshold (> 0). */
  threshold: number;
  reset: 'hard' | 'soft';
  /** Cut the gradient through the reset term (DESIGN default). */
  detachReset: boolean;
  surrogate: SurrogateSpec;
}

export const DEFAULT_LIF: Readonly<LifOptions> = Object.freeze({
  tauMem: 5,
  threshold: 1,
  reset: 'hard',
  detachReset: true,
  surrogate: DEFAULT_SURROGATE,
});

export interface PspOptions {
  /** Synaptic time constant τs in steps (≥ 1). */
  tauSyn: number;
  /** α in [0, 1); overrides 1 − 1/tauSyn. */
  alpha?: number;
  /** 'unit-area' multiplies the input by 1/τs, so a steady rate r spikes/step gives a PSP of r. */
  scale: 'none' | 'unit-area';
}

/** The synaptic trace of layers, spike-sequence losses, label readouts and the `pspFilter` op. */
export const DEFAULT_PSP: Readonly<PspOptions> = Object.freeze({ tauSyn: 3, scale: 'unit-area' });

/** The slower trace that turns motor spikes into commands (decoder, sigma-delta labels, actuators). */
export const DEFAULT_MOTOR_PSP: Readonly<PspOptions> = Object.freeze({ tauSyn: 5, scale: 'unit-area' });

/** The PSP filter's numbers, with the options they came from. */
export interface ResolvedPsp {
  alpha: number;
  /** Input scale c. */
  c: number;
  tauSyn: number;
  scale: 'none' | 'unit-area';
  /** Σ_k ε[k] = c / (1 − α): the PSP of one spike per step, held forever. */
  area: number;
}

/** Merges with `DEFAULT_PSP` and validates; an error names the bad field. */
export function resolvePsp(opts: Partial<PspOptions> = {}): ResolvedPsp {
  const o = { ...DEFAULT_PSP, ...opts };
  if (typeof o.tauSyn !== 'number' || !Number.isFinite(o.tauSyn) || o.tauSyn < 1) {
    throw new Error(`psp.tauSyn must be a finite number >= 1 (steps), got ${String(o.tauSyn)}`);
  }
  const alpha = o.alpha ?? 1 - 1 / o.tauSyn;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0 || alpha >= 1) {
    throw new Error(`psp.alpha must be a finite number in [0, 1), got ${String(alpha)}`);
  }
  if (o.scale !== 'none' && o.scale !== 'unit-area') {
    throw new Error(`psp.scale must be 'none' or 'unit-area', got ${JSON.stringify(o.scale)}`);
  }
  const c = o.scale === 'unit-area' ? 1 / o.tauSyn : 1;
  return { alpha, c, tauSyn: o.tauSyn, scale: o.scale, area: c / (1 - alpha) };
}

// JSON schemas of the same options (network and experiment configs); every field optional where
// the configs may leave it to the defaults above.
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
