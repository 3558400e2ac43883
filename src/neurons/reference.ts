/**
 * Unfused references of the fused neuron ops: loops of per-step tf ops under autograd, the test
 * oracle and the speed baseline (DESIGN §3). Same equations as lif.ts and psp.ts:
 *
 *   u[t] = λ·r(u[t−1], o[t−1]) + I[t],  o[t] = spikeFn(u[t] − θ)   r = u·(1 − o) or u − θ·o,
 *          with o inside r wrapped in a stop-gradient when the reset is detached
 *   a[t] = α·a[t−1] + c·x[t]
 *
 * Each step costs several tf ops, so a sequence of T steps records O(T) tape nodes; the fused
 * ops record one.
 *
 * Reference: Wu et al., STBP, Front. Neurosci. 2018; Zhang & Li, TSSL-BP, NeurIPS 2020.
 */
import * as tf from '@tensorflow/tfjs-core';
import { resolveLif, timeMajorSize, type LifOptions } from './lif.ts';
import { resolvePsp, type PspOptions } from './psp.ts';
import { spikeFn } from './surrogate.ts';

/** Identity forward, zero gradient (tfjs has no stopGradient op). */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xin = args[0] as tf.Tensor;
    return { value: tf.clone(xin), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  });
  return f(x);
}

/** Spikes [T, ...] of the LIF recurrence, computed step by step with autograd. */
export function lifMultiStepReference(currentTB: tf.Tensor, opts: Partial<LifOptions> = {}): tf.Tensor {
  const { T } = timeMajorSize(currentTB, 'lifMultiStepReference');
  const p = resolveLif(opts);
  return tf.tidy(() => {
    const x = currentTB.dtype === 'float32' ? currentTB : tf.cast(currentTB, 'float32');
    if (T === 0) return tf.zerosLike(x);
    const steps = tf.unstack(x, 0);
    const decay = tf.scalar(p.decay);
    const th = tf.scalar(p.threshold);
    const out: tf.Tensor[] = [];
    let u: tf.Tensor | undefined;
    let o: tf.Tensor | undefined;
    for (const I of steps) {
      if (u === undefined || o === undefined) {
        u = I;
      } else {
        const oReset = p.detachReset ? stopGradient(o) : o;
        const r = p.reset === 'hard' ? tf.mul(u, tf.sub(1, oReset)) : tf.sub(u, tf.mul(th, oReset));
        u = tf.add(tf.mul(decay, r), I);
      }
      o = spikeFn(tf.sub(u, th), p.surrogate);
      out.push(o);
    }
    return tf.stack(out, 0);
  });
}

/** PSP trace [T, ...] of x, computed step by step with autograd. */
export function pspFilterReference(xTB: tf.Tensor, opts: Partial<PspOptions> = {}): tf.Tensor {
  const { T } = timeMajorSize(xTB, 'pspFilterReference');
  const { alpha, c } = resolvePsp(opts);
  return tf.tidy(() => {
    const x = xTB.dtype === 'float32' ? xTB : tf.cast(xTB, 'float32');
    if (T === 0) return tf.zerosLike(x);
    const out: tf.Tensor[] = [];
    let a: tf.Tensor | undefined;
    for (const xt of tf.unstack(x, 0)) {
      const input = tf.mul(c, xt);
      a = a === undefined ? input : tf.add(tf.mul(alpha, a), input);
      out.push(a);
    }
    return tf.stack(out, 0);
  });
}
