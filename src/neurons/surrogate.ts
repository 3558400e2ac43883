/**
 * Surrogate gradients for the spike nonlinearity o = H(x), x = u − θ. The forward pass is always
 * the Heaviside step (strict: H(0) = 0); the backward pass uses the derivative σ'(x) of a smooth
 * function σ that approximates the step:
 *
 *   kind          parameter        σ(x)                                 σ'(x)
 *   rectangular   width w = 1      clamp(x/w + 1/2, 0, 1)               1/w · [|x| < w/2]
 *   sigmoid       alpha α = 5      1 / (1 + e^(−αx))                    α·σ(x)·(1 − σ(x))
 *   arctan        alpha α = 2      atan(π/2·α·x)/π + 1/2                (α/2) / (1 + (π/2·α·x)²)
 *   fastSigmoid   slope k = 10     x / (1 + k|x|)                       1 / (1 + k|x|)²
 *
 * Citations (one per kind):
 *   rectangular — Wu et al., "Spatio-temporal backpropagation for training high-performance SNNs", Front. Neurosci. 2018.
 *   sigmoid     — Neftci, Mostafa & Zenke, "Surrogate gradient learning in SNNs", IEEE Signal Process. Mag. 2019.
 *   arctan      — Fang et al., "Incorporating learnable membrane time constant to enhance learning of SNNs", ICCV 2021.
 *   fastSigmoid — Zenke & Ganguli, "SuperSpike: supervised learning in multilayer SNNs", Neural Comput. 2018.
 *
 * The parameter defaults (and the default surrogate, sigmoid α = 5) live in `defaults.ts`, the one
 * source of neuron defaults.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  DEFAULT_ARCTAN,
  DEFAULT_FAST_SIGMOID,
  DEFAULT_RECTANGULAR,
  DEFAULT_SIGMOID,
  type ResolvedSurrogate,
  type SurrogateSpec,
} from './defaults.ts';

export type { ResolvedSurrogate, SurrogateKind, SurrogateSpec } from './defaults.ts';
export { DEFAULT_ARCTAN, DEFAULT_FAST_SIGMOID, DEFAULT_RECTANGULAR, DEFAULT_SIGMOID, DEFAULT_SURROGATE } from './defaults.ts';

function positive(kind: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new Error(`surrogate ${kind}: ${name} must be a finite number > 0, got ${String(v)}`);
  }
  return v;
}

/** Rectangular window of width `w` (STBP). Example: `rectangular({width: 0.5})`. */
export function rectangular(opts: { width?: number } = {}): { kind: 'rectangular'; width: number } {
  const o = { ...DEFAULT_RECTANGULAR, ...opts };
  return { kind: 'rectangular', width: positive('rectangular', 'width', o.width) };
}

/** Logistic sigmoid with steepness α. Example: `sigmoid({alpha: 5})`. */
export function sigmoid(opts: { alpha?: number } = {}): { kind: 'sigmoid'; alpha: number } {
  const o = { ...DEFAULT_SIGMOID, ...opts };
  return { kind: 'sigmoid', alpha: positive('sigmoid', 'alpha', o.alpha) };
}

/** Arctangent (SpikingJelly's ATan) with width parameter α. Example: `arctan({alpha: 2})`. */
export function arctan(opts: { alpha?: number } = {}): { kind: 'arctan'; alpha: number } {
  const o = { ...DEFAULT_ARCTAN, ...opts };
  return { kind: 'arctan', alpha: positive('arctan', 'alpha', o.alpha) };
}

/** SuperSpike fast sigmoid with slope k. Example: `fastSigmoid({slope: 25})`. */
export function fastSigmoid(opts: { slope?: number } = {}): { kind: 'fastSigmoid'; slope: number } {
  const o = { ...DEFAULT_FAST_SIGMOID, ...opts };
  return { kind: 'fastSigmoid', slope: positive('fastSigmoid', 'slope', o.slope) };
}

/** Fills defaults and validates; an unknown kind or a bad parameter is an error naming it. */
export function resolveSurrogate(spec: SurrogateSpec): ResolvedSurrogate {
  if (spec === null || typeof spec !== 'object') throw new Error(`surrogate must be an object {kind, ...}, got ${String(spec)}`);
  switch (spec.kind) {
    case 'rectangular':
      return rectangular(spec);
    case 'sigmoid':
      return sigmoid(spec);
    case 'arctan':
      return arctan(spec);
    case 'fastSigmoid':
      return fastSigmoid(spec);
    default:
      throw new Error(
        `surrogate: unknown kind ${JSON.stringify((spec as { kind?: unknown }).kind)} (expected rectangular, sigmoid, arctan or fastSigmoid)`,
      );
  }
}

/** σ'(x) at x = u − θ, as a plain function (used by the typed-array kernels). */
export function surrogateGrad(spec: SurrogateSpec): (x: number) => number {
  const s = resolveSurrogate(spec);
  switch (s.kind) {
    case 'rectangular': {
      const w = s.width;
      const h = w / 2;
      const v = 1 / w;
      return (x) => (Math.abs(x) < h ? v : 0);
    }
    case 'sigmoid': {
      const a = s.alpha;
      return (x) => {
        const y = 1 / (1 + Math.exp(-a * x));
        return a * y * (1 - y);
      };
    }
    case 'arctan': {
      const a = s.alpha;
      const c = (Math.PI / 2) * a;
      return (x) => a / 2 / (1 + c * x * c * x);
    }
    case 'fastSigmoid': {
      const k = s.slope;
      return (x) => {
        const d = 1 + k * Math.abs(x);
        return 1 / (d * d);
      };
    }
  }
}

/** σ(x), the smooth function whose derivative is the surrogate (for gradient tests). */
export function surrogateSmooth(spec: SurrogateSpec): (x: number) => number {
  const s = resolveSurrogate(spec);
  switch (s.kind) {
    case 'rectangular': {
      const w = s.width;
      return (x) => Math.min(1, Math.max(0, x / w + 0.5));
    }
    case 'sigmoid': {
      const a = s.alpha;
      return (x) => 1 / (1 + Math.exp(-a * x));
    }
    case 'arctan': {
      const c = (Math.PI / 2) * s.alpha;
      return (x) => Math.atan(c * x) / Math.PI + 0.5;
    }
    case 'fastSigmoid': {
      const k = s.slope;
      return (x) => x / (1 + k * Math.abs(x));
    }
  }
}

/** σ'(x) elementwise on a tensor (the backward of `spikeFn`). */
export function surrogateGradTensor(x: tf.Tensor, spec: SurrogateSpec): tf.Tensor {
  const s = resolveSurrogate(spec);
  return tf.tidy(() => {
    switch (s.kind) {
      case 'rectangular':
        return tf.mul(tf.cast(tf.less(tf.abs(x), s.width / 2), 'float32'), 1 / s.width);
      case 'sigmoid': {
        const y = tf.sigmoid(tf.mul(x, s.alpha));
        return tf.mul(tf.mul(y, tf.sub(1, y)), s.alpha);
      }
      case 'arctan': {
        const c = (Math.PI / 2) * s.alpha;
        return tf.div(s.alpha / 2, tf.add(1, tf.square(tf.mul(x, c))));
      }
      case 'fastSigmoid':
        return tf.reciprocal(tf.square(tf.add(1, tf.mul(tf.abs(x), s.slope))));
    }
  });
}

/**
 * Heaviside spike with surrogate backward, as a tf op: forward `x > 0 ? 1 : 0`, backward
 * `dy · σ'(x)`. Used by the unfused reference (`reference.ts`). Example:
 * `spikeFn(tf.sub(u, threshold), fastSigmoid())`.
 */
export function spikeFn(uMinusTh: tf.Tensor | tf.TensorLike, spec: SurrogateSpec): tf.Tensor {
  const s = resolveSurrogate(spec);
  const x = uMinusTh instanceof tf.Tensor ? uMinusTh : tf.tensor(uMinusTh);
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xin = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([xin]);
    return {
      value: tf.cast(tf.greater(xin, 0), 'float32'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, surrogateGradTensor(saved[0]!, s)),
    };
  });
  return f(x.dtype === 'float32' ? x : tf.cast(x, 'float32'));
}
