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
import * as tf from '@tensorflow/tfjs-core';
import { readFloat32, scratchFloat32, tensorCopiesValues } from '../neurons/heap.ts';
import type { WeightEntry } from '../network/sequential.ts';
import { heapMemory, heapModule, heapOffset, heapOutput, wasmHeapBackend } from '../kernels/heapModule.ts';
import { CACHE_LINE_FLOATS, ELEMENTWISE_PER_THREAD, parallelFor } from '../kernels/kernelPool.ts';

interface OptimizerAsm {
  adamUpdate(
    n: number,
    W: number,
    G: number,
    M: number,
    V: number,
    OUT: number,
    lr: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    bc1: number,
    bc2: number,
    eps: number,
    l2: number,
    shrink: number,
  ): void;
  sgdUpdate(n: number, W: number, G: number, B: number, OUT: number, lr: number, mu: number, wd: number): void;
}

/** asm/optimizer.ts: the same update rules in one float64 SIMD pass, in place on the wasm heap (bit-identical). */
const optimizerKernel = heapModule<OptimizerAsm>('optimizer');

export type OptimizerSpec =
  | { kind: 'sgd'; lr: number; momentum: number; weightDecay: number }
  | { kind: 'adam' | 'adamw'; lr: number; beta1: number; beta2: number; epsilon: number; weightDecay: number };

/** TSSL-BP's recipe: AdamW, lr 5e-4, weight decay 0.01. */
export const DEFAULT_OPTIMIZER: Readonly<OptimizerSpec> = Object.freeze({
  kind: 'adamw',
  lr: 5e-4,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0.01,
});

export interface NamedGrad {
  name: string;
  variable: tf.Variable;
  grad: tf.Tensor;
}

/**
 * One moment array: JS values, or (on wasm, with the kernel) a kept tensor on the heap that the
 * WebAssembly update rewrites in place. It moves between the two when the path changes.
 */
interface Slot {
  shape: number[];
  values?: Float32Array;
  tensor?: tf.Tensor;
}

export interface OptimizerOptions {
  /** 'auto' (default): the WebAssembly update in place on the heap when the backend is wasm and the kernel is built; 'ts': the TypeScript loop. */
  kernel?: 'auto' | 'ts';
}

export class Optimizer {
  /** Updates taken so far (Adam's bias-correction count). */
  step = 0;
  // Moments live in JS typed arrays (one fused loop per variable instead of a dozen backend ops:
  // on wasm those cost ~100 ms per step for nmnist-mlp's 1.85 M weights), or on wasm with the
  // kernel built in kept heap tensors that one WebAssembly pass per variable updates in place.
  private readonly slots = new Map<string, Slot>();

  constructor(
    readonly spec: OptimizerSpec,
    private readonly options: OptimizerOptions = {},
  ) {
    if (!(spec.lr >= 0)) throw new Error(`optimizer.lr must be >= 0, got ${spec.lr}`);
    if (!(spec.weightDecay >= 0)) throw new Error(`optimizer.weightDecay must be >= 0, got ${spec.weightDecay}`);
    if (spec.kind === 'sgd' && !(spec.momentum >= 0 && spec.momentum < 1))
      throw new Error(`optimizer.momentum must be in [0, 1), got ${spec.momentum}`);
    if (spec.kind !== 'sgd') {
      if (!(spec.beta1 >= 0 && spec.beta1 < 1)) throw new Error(`optimizer.beta1 must be in [0, 1), got ${spec.beta1}`);
      if (!(spec.beta2 >= 0 && spec.beta2 < 1)) throw new Error(`optimizer.beta2 must be in [0, 1), got ${spec.beta2}`);
      if (!(spec.epsilon > 0)) throw new Error(`optimizer.epsilon must be > 0, got ${spec.epsilon}`);
    }
  }

  private slotEntry(key: string, like: tf.Tensor): Slot {
    let s = this.slots.get(key);
    if (!s) {
      s = { shape: [...like.shape] };
      this.slots.set(key, s);
    }
    const size = s.values?.length ?? s.tensor?.size ?? like.size;
    if (size !== like.size) throw new Error(`optimizer slot '${key}' has ${size} values, the variable has ${like.size}`);
    return s;
  }

  /** The slot as JS values (taken back from the heap when it was there). */
  private slot(key: string, like: tf.Tensor): Float32Array {
    const s = this.slotEntry(key, like);
    if (!s.values) {
      s.values = s.tensor ? Float32Array.from(s.tensor.dataSync() as Float32Array) : new Float32Array(like.size);
      s.tensor?.dispose();
      delete s.tensor;
    }
    return s.values;
  }

  /** The slot as a kept tensor on the wasm heap (zeros, or the JS values moved there). */
  private slotTensor(key: string, like: tf.Tensor): tf.Tensor {
    const s = this.slotEntry(key, like);
    if (!s.tensor) {
      s.tensor = tf.keep(s.values ? tf.tensor(s.values, s.shape, 'float32') : tf.zeros(s.shape, 'float32'));
      delete s.values;
    }
    return s.tensor;
  }

  /** The update of one variable by the WebAssembly kernel on the heap; false when it cannot run. */
  private applyOnHeap(name: string, w: tf.Variable, grad: tf.Tensor, lr: number, k: number): boolean {
    if (this.options.kernel === 'ts') return false;
    const backend = wasmHeapBackend();
    const asm = backend ? optimizerKernel(backend) : undefined;
    if (!backend || !asm || heapOffset(backend, w) === undefined || heapOffset(backend, grad) === undefined) return false;
    const s = this.spec;
    const slots =
      s.kind === 'sgd'
        ? s.momentum > 0
          ? [this.slotTensor(`${name}/momentum`, w)]
          : []
        : [this.slotTensor(`${name}/m`, w), this.slotTensor(`${name}/v`, w)];
    if (slots.some((t) => heapOffset(backend, t) === undefined)) return false;
    // assign inside tidy: the new value's tensor object is released, its data stays with the variable
    tf.tidy(() => {
      const out = heapOutput(backend, w.shape.slice());
      // offsets after the allocation, which may have moved the heap
      const at = (t: tf.Tensor): number => heapOffset(backend, t)!;
      const [pW, pG, pOut] = [at(w), at(grad), at(out)];
      // every value's update is independent: split them between the kernel threads
      const split = (fn: 'sgdUpdate' | 'adamUpdate', args: (from: number, to: number) => number[]): void =>
        parallelFor(heapMemory(backend)!, 'optimizer', fn, asm[fn], w.size, ELEMENTWISE_PER_THREAD, CACHE_LINE_FLOATS, args);
      if (s.kind === 'sgd') {
        const pB = slots.length ? at(slots[0]!) : 0;
        split('sgdUpdate', (i0, i1) => [
          i1 - i0,
          pW + 4 * i0,
          pG + 4 * i0,
          pB === 0 ? 0 : pB + 4 * i0,
          pOut + 4 * i0,
          lr,
          s.momentum,
          s.weightDecay,
        ]);
      } else {
        const decoupled = s.kind === 'adamw';
        const { beta1: b1, beta2: b2, epsilon: eps } = s;
        const [pM, pV] = [at(slots[0]!), at(slots[1]!)];
        split('adamUpdate', (i0, i1) => [
          i1 - i0,
          pW + 4 * i0,
          pG + 4 * i0,
          pM + 4 * i0,
          pV + 4 * i0,
          pOut + 4 * i0,
          lr,
          b1,
          1 - b1,
          b2,
          1 - b2,
          1 - b1 ** k,
          1 - b2 ** k,
          eps,
          decoupled ? 0 : s.weightDecay,
          decoupled ? 1 - lr * s.weightDecay : 1,
        ]);
      }
      w.assign(out);
    });
    return true;
  }

  /** One update of every variable with learning rate `lr` (the schedule's value for this step). */
  apply(grads: readonly NamedGrad[], lr: number): void {
    for (const { name, variable: w, grad } of grads) {
      if (grad.size !== w.size) throw new Error(`optimizer: gradient of '${name}' has ${grad.size} values, the variable has ${w.size}`);
      if (grad.dtype !== 'float32' || w.dtype !== 'float32')
        throw new Error(`optimizer: '${name}' and its gradient must be float32, got ${w.dtype} and ${grad.dtype}`);
    }
    this.step += 1;
    const k = this.step;
    const s = this.spec;
    for (const { name, variable: w, grad } of grads) {
      if (this.applyOnHeap(name, w, grad, lr, k)) continue;
      // in-place views (wasm): read before the assign below allocates; the weights are never
      // written in place, as backends cache packed weights per tensor (XNNPACK operators)
      // on wasm tf.tensor copies `next` at once, so a reused buffer spares the GC a weight-sized array
      const next = tensorCopiesValues() ? scratchFloat32(w.size) : new Float32Array(w.size);
      const g = readFloat32(grad);
      const cur = readFloat32(w);
      const n = next.length;
      const wd = s.weightDecay;
      if (s.kind === 'sgd') {
        const mu = s.momentum;
        const b = mu > 0 ? this.slot(`${name}/momentum`, w) : undefined;
        for (let i = 0; i < n; i++) {
          const wi = cur[i]!;
          let d = g[i]! + wd * wi;
          if (b) {
            d = mu * b[i]! + d;
            b[i] = d;
          }
          next[i] = wi - lr * d;
        }
      } else {
        const decoupled = s.kind === 'adamw';
        const l2 = decoupled ? 0 : wd;
        const shrink = decoupled ? 1 - lr * wd : 1;
        const m = this.slot(`${name}/m`, w);
        const v = this.slot(`${name}/v`, w);
        const { beta1: b1, beta2: b2, epsilon: eps } = s;
        const bc1 = 1 - b1 ** k;
        const bc2 = 1 - b2 ** k;
        for (let i = 0; i < n; i++) {
          const wi = cur[i]!;
          const gi = g[i]! + l2 * wi;
          const mi = (m[i] = b1 * m[i]! + (1 - b1) * gi);
          const vi = (v[i] = b2 * v[i]! + (1 - b2) * gi * gi);
          next[i] = wi * shrink - (lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + eps);
        }
      }
      // assign inside tidy: the new value's tensor object is released, its data stays with the variable
      tf.tidy(() => w.assign(tf.tensor(next, w.shape, 'float32')));
    }
  }

  /** Slot values as named typed arrays (`<weight>/m`, `<weight>/v`, `<weight>/momentum`). */
  getState(): WeightEntry[] {
    return [...this.slots.entries()].map(([name, v]) => ({
      name,
      shape: [...v.shape],
      values: Float32Array.from(v.values ?? (v.tensor!.dataSync() as Float32Array)),
    }));
  }

  /** Restores the slots and step count saved by `getState`. */
  setState(step: number, entries: readonly WeightEntry[]): void {
    if (!Number.isInteger(step) || step < 0) throw new Error(`optimizer state: step must be a non-negative integer, got ${step}`);
    for (const e of entries) {
      const n = e.shape.reduce((a, b) => a * b, 1);
      if (e.values.length !== n)
        throw new Error(`optimizer state: '${e.name}' has ${e.values.length} values, shape [${e.shape.join(', ')}] needs ${n}`);
    }
    this.disposeSlots();
    this.step = step;
    for (const e of entries) this.slots.set(e.name, { shape: [...e.shape], values: new Float32Array(e.values) });
  }

  private disposeSlots(): void {
    for (const s of this.slots.values()) s.tensor?.dispose();
    this.slots.clear();
  }

  dispose(): void {
    this.disposeSlots();
  }
}
