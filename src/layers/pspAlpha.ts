/**
 * A layer's trained PSP decay (issue #11): α = sigmoid(w), one value per layer, so α stays in
 * (0, 1) whatever the update; w starts at logit(α0) of the layer's configured kernel. The
 * synaptic filter a[t] = α·a[t−1] + c·x[t] keeps its configured gain c.
 * Weight: `<layer>/pspAlphaLogit` [1].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedPsp } from './neuronOptions.ts';
import type { NamedVariable } from './types.ts';

export interface LearnedPspAlpha {
  weight: NamedVariable;
  /** α = sigmoid(w), a [1] tensor (differentiable in w). */
  alpha: () => tf.Tensor;
}

/** The trained α of layer `name`, starting from its resolved PSP options' α (must be in (0, 1)). */
export function learnedPspAlpha(name: string, psp: ResolvedPsp): LearnedPspAlpha {
  const a = psp.alpha;
  if (!(a > 0 && a < 1))
    throw new Error(`${name}.learnPspAlpha needs a PSP decay α in (0, 1) to start from, got ${a} (set psp.tauSyn > 1)`);
  const variable = tf.variable(tf.tensor1d([Math.log(a / (1 - a))]), true);
  return { weight: { name: `${name}/pspAlphaLogit`, variable }, alpha: () => tf.sigmoid(variable) };
}
