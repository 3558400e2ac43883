/**
 * Unfused reference of the adaptive, recurrent LIF (`alif.ts`, `recurrentLif.ts`): a loop of
 * per-step tf ops under autograd, the oracle the fused op's forward and gradients are tested
 * against (DESIGN §3, §6). Same equations:
 *
 *   a[t] = ρ·a[t−1] + o[t−1],  θ[t] = θ0 + β·a[t]
 *   u[t] = λ·r(u[t−1], o[t−1]) + I[t] + o[t−1]·V,  o[t] = spikeFn(u[t] − θ[t])
 *          r = u·(1 − o) or u − θ[t−1]·o; when detached, o (hard) or θ[t−1]·o (soft) is behind a stop-gradient
 *
 * Reference: Bellec et al., LSNN, NeurIPS 2018.
 */
import * as tf from '@tensorflow/tfjs-core';
import { resolveAlif, type AlifOptions, type AlifTensors } from './alif.ts';
import { timeMajorSize } from './lif.ts';
import { stopGradient } from './reference.ts';
import { spikeFn } from './surrogate.ts';

/** Spikes [T, ..., N] of the ALIF recurrence, step by step with autograd (V and λ differentiable too). */
export function alifMultiStepReference(currentTB: tf.Tensor, opts: Partial<AlifOptions> = {}, tensors: AlifTensors = {}): tf.Tensor {
  const { T } = timeMajorSize(currentTB, 'alifMultiStepReference');
  const p = resolveAlif(opts);
  const shape = currentTB.shape;
  const N = shape[shape.length - 1]!;
  return tf.tidy(() => {
    const x = currentTB.dtype === 'float32' ? currentTB : tf.cast(currentTB, 'float32');
    if (T === 0) return tf.zerosLike(x);
    const rows = x.size / (T * N);
    const steps = tf.unstack(tf.reshape(x, [T, rows, N]), 0);
    const decay = tensors.decay ?? tf.scalar(p.decay);
    const th0 = tf.scalar(p.threshold);
    const out: tf.Tensor[] = [];
    let u: tf.Tensor | undefined;
    let o: tf.Tensor | undefined;
    let a: tf.Tensor = tf.zeros([rows, N]);
    let th: tf.Tensor = tf.add(th0, tf.mul(p.beta, a));
    for (const I of steps) {
      if (u === undefined || o === undefined) {
        u = I;
      } else {
        // detached: no gradient through the reset term, including the θ it subtracts (soft reset)
        const oReset = p.detachReset ? stopGradient(o) : o;
        const softCut = p.detachReset ? stopGradient(tf.mul(th, o)) : tf.mul(th, o);
        const r = p.reset === 'hard' ? tf.mul(u, tf.sub(1, oReset)) : tf.sub(u, softCut);
        a = tf.add(tf.mul(p.rho, a), o);
        th = tf.add(th0, tf.mul(p.beta, a));
        u = tf.add(tf.mul(decay, r), I);
        if (tensors.recurrent) u = tf.add(u, tf.matMul(o, tensors.recurrent));
      }
      o = spikeFn(tf.sub(u, th), p.surrogate);
      out.push(o);
    }
    return tf.reshape(tf.stack(out, 0), shape);
  });
}
