/**
 * Optimizers over named variables, with their state as named typed arrays (for checkpoints).
 * Update rules as PyTorch's, so that runs compare:
 *
 *   sgd:    g' = g + wd·w;  b = μ·b + g';  w ← w − lr·b                     (b = g' when μ = 0)
 *   adam:   g' = g + wd·w (L2);  m = β1·m + (1−β1)·g';  v = β2·v + (1−β2)·g'²
 *           w ← w − lr·m̂/(√v̂ + ε),  m̂ = m/(1−β1^k), v̂ = v/(1−β2^k)
 *   adamw:  w ← w·(1 − lr·wd) first (decoupled decay), then adam with g' = g
 *
 * Reference: Kingma & Ba, "Adam", ICLR 2015; Loshchilov & Hutter, "Decoupled weight decay
 * regularization", ICLR 2019.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightEntry } from '../network/sequential.ts';

export type OptimizerSpec =
  | { kind: 'sgd'; lr: number; momentum: number; weightDecay: number }
  | { kind: 'adam' | 'adamw'; lr: number; beta1: number; beta2: number; epsilon: number; weightDecay: number };

/** TSSL-BP's recipe: AdamW, lr 5e-4, weight decay 0.01. */
export const DEFAULT_OPTIMIZER: Readonly<OptimizerSpec> = Object.freeze({ kind: 'adamw', lr: 5e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 });

export interface NamedGrad {
  name: string;
  variable: tf.Variable;
  grad: tf.Tensor;
}

export class Optimizer {
  /** Updates taken so far (Adam's bias-correction count). */
  step = 0;
  private readonly slots = new Map<string, tf.Variable>();

  constructor(readonly spec: OptimizerSpec) {
    if (!(spec.lr >= 0)) throw new Error(`optimizer.lr must be >= 0, got ${spec.lr}`);
    if (!(spec.weightDecay >= 0)) throw new Error(`optimizer.weightDecay must be >= 0, got ${spec.weightDecay}`);
    if (spec.kind === 'sgd' && !(spec.momentum >= 0 && spec.momentum < 1)) throw new Error(`optimizer.momentum must be in [0, 1), got ${spec.momentum}`);
    if (spec.kind !== 'sgd') {
      if (!(spec.beta1 >= 0 && spec.beta1 < 1)) throw new Error(`optimizer.beta1 must be in [0, 1), got ${spec.beta1}`);
      if (!(spec.beta2 >= 0 && spec.beta2 < 1)) throw new Error(`optimizer.beta2 must be in [0, 1), got ${spec.beta2}`);
      if (!(spec.epsilon > 0)) throw new Error(`optimizer.epsilon must be > 0, got ${spec.epsilon}`);
    }
  }

  private slot(key: string, like: tf.Tensor): tf.Variable {
    let s = this.slots.get(key);
    if (!s) {
      s = tf.variable(tf.zerosLike(like), false);
      this.slots.set(key, s);
    }
    return s;
  }

  /** One update of every variable with learning rate `lr` (the schedule's value for this step). */
  apply(grads: readonly NamedGrad[], lr: number): void {
    this.step += 1;
    const k = this.step;
    const s = this.spec;
    tf.tidy(() => {
      for (const { name, variable: w, grad } of grads) {
        if (s.kind === 'sgd') {
          const g = s.weightDecay > 0 ? tf.add(grad, tf.mul(s.weightDecay, w)) : grad;
          let dir = g;
          if (s.momentum > 0) {
            const b = this.slot(`${name}/momentum`, w);
            dir = tf.add(tf.mul(s.momentum, b), g);
            b.assign(dir);
          }
          w.assign(tf.sub(w, tf.mul(lr, dir)));
        } else {
          const decoupled = s.kind === 'adamw';
          const g = !decoupled && s.weightDecay > 0 ? tf.add(grad, tf.mul(s.weightDecay, w)) : grad;
          const m = this.slot(`${name}/m`, w);
          const v = this.slot(`${name}/v`, w);
          m.assign(tf.add(tf.mul(s.beta1, m), tf.mul(1 - s.beta1, g)));
          v.assign(tf.add(tf.mul(s.beta2, v), tf.mul(1 - s.beta2, tf.square(g))));
          const mHat = tf.div(m, 1 - s.beta1 ** k);
          const vHat = tf.div(v, 1 - s.beta2 ** k);
          const base = decoupled && s.weightDecay > 0 ? tf.mul(w, 1 - lr * s.weightDecay) : w;
          w.assign(tf.sub(base, tf.mul(lr, tf.div(mHat, tf.add(tf.sqrt(vHat), s.epsilon)))));
        }
      }
    });
  }

  /** Slot values as named typed arrays (`<weight>/m`, `<weight>/v`, `<weight>/momentum`). */
  getState(): WeightEntry[] {
    return [...this.slots.entries()].map(([name, v]) => ({ name, shape: [...v.shape], values: new Float32Array(v.dataSync() as Float32Array) }));
  }

  /** Restores the slots and step count saved by `getState`. */
  setState(step: number, entries: readonly WeightEntry[]): void {
    if (!Number.isInteger(step) || step < 0) throw new Error(`optimizer state: step must be a non-negative integer, got ${step}`);
    this.disposeSlots();
    this.step = step;
    for (const e of entries) {
      this.slots.set(e.name, tf.variable(tf.tensor(e.values, e.shape, 'float32'), false));
    }
  }

  private disposeSlots(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }

  dispose(): void {
    this.disposeSlots();
  }
}
