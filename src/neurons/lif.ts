/**
 * Leaky integrate-and-fire neuron (ARCHITECTURE "Neuron model", DESIGN §2):
 *
 *   u[t] = λ·r(u[t−1], o[t−1]) + I[t]       λ = 1 − 1/τm, or `decay` (e.g. exp(−1/5) for the PyTorch bench model)
 *          hard reset r = u·(1 − o), soft reset r = u − θ·o
 *   o[t] = H(u[t] − θ)                       strict '>'; u[−1] = o[−1] = 0
 *   backward: ∂o/∂u ≈ σ'(u − θ) (surrogate); the reset path is detached unless `detachReset: false`
 *
 * Pure single step `lifStep` over typed arrays, and the fused multi-step op `lifMultiStep` over a
 * time-major tensor [T, ...] (one tf op with a hand-written backward; see kernels/lifScan.ts).
 *
 * Reference: Wu et al., "Spatio-temporal backpropagation for training high-performance spiking
 * neural networks", Front. Neurosci. 2018.
 */
import * as tf from '@tensorflow/tfjs-core';
import { lifBackwardScan, lifForwardScan, type LifScanParams } from '../kernels/lifScan.ts';
import { lifBackwardHeap, lifForwardHeap } from '../kernels/lifScanHeap.ts';
import { readFloat32, releaseFloat32, scratchFloat32, takeFloat32, tensorCopiesValues } from './heap.ts';
import { DEFAULT_LIF, type LifOptions } from './defaults.ts';
import { resolveSurrogate, type ResolvedSurrogate } from './surrogate.ts';

export { DEFAULT_LIF, type LifOptions } from './defaults.ts';

/** The numbers the kernels need, validated. */
export interface ResolvedLif {
  decay: number;
  threshold: number;
  reset: 'hard' | 'soft';
  detachReset: boolean;
  surrogate: ResolvedSurrogate;
}

export interface LifState {
  /** Membrane after the last integration (before its reset). */
  u: Float32Array;
  /** Spikes of the last step (0/1). */
  o: Float32Array;
}

/** Merges with `DEFAULT_LIF` and validates; an error names the bad field. */
export function resolveLif(opts: Partial<LifOptions> = {}): ResolvedLif {
  const o = { ...DEFAULT_LIF, ...opts };
  if (typeof o.tauMem !== 'number' || !Number.isFinite(o.tauMem) || o.tauMem < 1) {
    throw new Error(`lif.tauMem must be a finite number >= 1 (steps), got ${String(o.tauMem)}`);
  }
  const decay = o.decay ?? 1 - 1 / o.tauMem;
  if (typeof decay !== 'number' || !Number.isFinite(decay) || decay < 0 || decay > 1) {
    throw new Error(`lif.decay must be a finite number in [0, 1], got ${String(decay)}`);
  }
  if (typeof o.threshold !== 'number' || !Number.isFinite(o.threshold) || o.threshold <= 0) {
    throw new Error(`lif.threshold must be a finite number > 0, got ${String(o.threshold)}`);
  }
  if (o.reset !== 'hard' && o.reset !== 'soft') {
    throw new Error(`lif.reset must be 'hard' or 'soft', got ${JSON.stringify(o.reset)}`);
  }
  if (typeof o.detachReset !== 'boolean') throw new Error(`lif.detachReset must be a boolean, got ${String(o.detachReset)}`);
  return { decay, threshold: o.threshold, reset: o.reset, detachReset: o.detachReset, surrogate: resolveSurrogate(o.surrogate) };
}

/** Zero state for n neurons. */
export function initLifState(n: number): LifState {
  if (!Number.isInteger(n) || n < 0) throw new Error(`initLifState: n must be a non-negative integer, got ${n}`);
  return { u: new Float32Array(n), o: new Float32Array(n) };
}

/**
 * One LIF step for n neurons: returns the spikes and a new state (inputs are not mutated).
 * Rounds to float32 like the fused op, so a loop of steps equals `lifMultiStep` bit for bit.
 */
export function lifStep(current: Float32Array, state: LifState, opts: Partial<LifOptions> = {}): { spikes: Float32Array; state: LifState } {
  const p = resolveLif(opts);
  const n = current.length;
  if (state.u.length !== n || state.o.length !== n) {
    throw new Error(`lifStep: state has ${state.u.length} membranes and ${state.o.length} spikes, input has ${n} currents`);
  }
  const decay = Math.fround(p.decay);
  const th = Math.fround(p.threshold);
  const hard = p.reset === 'hard';
  const u = new Float32Array(n);
  const spikes = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const up = state.u[i]!;
    const r = state.o[i]! === 0 ? up : hard ? 0 : Math.fround(up - th);
    const v = Math.fround(Math.fround(decay * r) + current[i]!);
    u[i] = v;
    spikes[i] = v > th ? 1 : 0;
  }
  return { spikes, state: { u, o: spikes.slice() } };
}

/** Checks a time-major input and returns T and N = (product of the other axes). */
export function timeMajorSize(x: tf.Tensor, op: string): { T: number; N: number } {
  if (!(x instanceof tf.Tensor)) throw new Error(`${op}: input must be a tf.Tensor`);
  if (x.rank < 2)
    throw new Error(`${op}: input must be time-major [T, ...] with rank >= 2, got rank ${x.rank} (shape [${x.shape.join(', ')}])`);
  if (x.dtype === 'string' || x.dtype === 'complex64') throw new Error(`${op}: input dtype ${x.dtype} is not supported`);
  const T = x.shape[0]!;
  return { T, N: T === 0 ? 0 : x.size / T };
}

function scanParams(p: ResolvedLif): LifScanParams {
  return { decay: p.decay, threshold: p.threshold, reset: p.reset, detachReset: p.detachReset, surrogate: p.surrogate };
}

/**
 * Fused multi-step LIF with its membrane trace: `spikes` (differentiable w.r.t. the current,
 * surrogate backward) and `membrane` u[t] before reset (no gradient). Both have the input's shape.
 * The input is read in place (a heap view on wasm) and each result copied in; the backward likewise.
 */
export function lifMultiStepWithState(currentTB: tf.Tensor, opts: Partial<LifOptions> = {}): { spikes: tf.Tensor; membrane: tf.Tensor } {
  const { T, N } = timeMajorSize(currentTB, 'lifMultiStep');
  const p = scanParams(resolveLif(opts));
  const shape = currentTB.shape;
  return tf.tidy(() => {
    const x = currentTB.dtype === 'float32' ? currentTB : tf.cast(currentTB, 'float32');
    const { spikes, u } = lifForwardScan(readFloat32(x), T, N, p);
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      void args;
      return {
        value: tf.tensor(spikes, shape, 'float32'),
        gradFunc: (dy: tf.Tensor) => tf.tensor(lifBackwardScan(readFloat32(dy), u, spikes, T, N, p), shape, 'float32'),
      };
    });
    return { spikes: op(x), membrane: tf.tensor(u, shape, 'float32') };
  });
}

/**
 * Fused multi-step LIF: spikes [T, ...] from input currents [T, ...] (any trailing shape), as one
 * tf op whose backward is the membrane reverse iteration. Example:
 * `lifMultiStep(currentTB, {tauMem: 5, reset: 'soft', surrogate: arctan()})`.
 */
export function lifMultiStep(currentTB: tf.Tensor, opts: Partial<LifOptions> = {}): tf.Tensor {
  const { T, N } = timeMajorSize(currentTB, 'lifMultiStep');
  const p = scanParams(resolveLif(opts));
  const shape = currentTB.shape;
  return tf.tidy(() => {
    const x = currentTB.dtype === 'float32' ? currentTB : tf.cast(currentTB, 'float32');
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const onHeap = lifForwardHeap(args[0] as tf.Tensor, T, N, p.decay, p.threshold, p.reset);
      if (onHeap) {
        (args[1] as tf.GradSaveFunc)([onHeap.u, onHeap.spikes]);
        return {
          value: onHeap.spikes,
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
            const grad = dy.dtype === 'float32' ? lifBackwardHeap(dy, saved[0]!, saved[1]!, T, N, p) : undefined;
            if (grad) return grad;
            // three heap views, read before anything allocates (the heap may move)
            const g = lifBackwardScan(
              readFloat32(tf.cast(dy, 'float32')),
              readFloat32(saved[0]!),
              readFloat32(saved[1]!),
              T,
              N,
              p,
              scratchFloat32(T * N),
            );
            return tf.tensor(g, shape, 'float32');
          },
        };
      }
      // The backward of a soft, detached reset never reads the spikes: when tf.tensor copies them
      // at once (wasm) they can go through a reused buffer, one large allocation less per call.
      const reuse = tensorCopiesValues() && p.reset === 'soft' && p.detachReset;
      const { spikes, u } = lifForwardScan(
        readFloat32(args[0] as tf.Tensor),
        T,
        N,
        p,
        reuse ? scratchFloat32(T * N) : undefined,
        takeFloat32(T * N),
      );
      let released = false;
      return {
        value: tf.tensor(spikes, shape, 'float32'),
        // The membranes stay in this closure (not saved as tensors): no copy back out of the backend.
        // With `reuse` the spike buffer is stale by then; u stands in for it (same length, unread).
        gradFunc: (dy: tf.Tensor) => {
          if (released) throw new Error('lifMultiStep: this forward pass was already differentiated once');
          const out = tensorCopiesValues() ? scratchFloat32(T * N) : undefined;
          const grad = tf.tensor(lifBackwardScan(readFloat32(dy), u, reuse ? u : spikes, T, N, p, out), shape, 'float32');
          // the membranes are dead now: the next forward of this size reuses them (a forward that is
          // never differentiated leaves its array to the GC)
          released = true;
          releaseFloat32(u);
          return grad;
        },
      };
    });
    return op(x);
  });
}
