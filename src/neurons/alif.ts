/**
 * Adaptive LIF (ALIF, as in LSNN; DESIGN §6), optionally recurrent, with a per-neuron leak that
 * may be a trained tensor (parametric LIF):
 *
 *   a[t] = ρ·a[t−1] + o[t−1]            ρ = exp(−1/τa) (or `rho`); a[0] = 0
 *   θ[t] = θ0 + β·a[t]                  β > 0 adapts, β < 0 facilitates, β = 0 is plain LIF
 *   u[t] = λ·r(u[t−1], o[t−1]) + I[t] + (o[t−1]·V)     hard r = u·(1 − o), soft r = u − θ[t−1]·o
 *   o[t] = H(u[t] − θ[t])               strict '>'
 *   backward: surrogate ∂o/∂u ≈ σ'(u − θ), ∂o/∂a = −β·σ'(u − θ); the gradient flows through a
 *   (it carries the long memory) and through V; the reset path is detached unless `detachReset: false`.
 *
 * Pure single step `alifStep` over typed arrays and the fused multi-step op `alifMultiStep` (one tf
 * op over [T, ..., N] with the reverse scan of kernels/alifScan.ts as its backward).
 *
 * Reference: Bellec et al., "Long short-term memory and learning-to-learn in networks of spiking
 * neurons", NeurIPS 2018.
 */
import * as tf from '@tensorflow/tfjs-core';
import { alifBackwardScan, alifForwardScan, type AlifForward, type AlifScanParams } from '../kernels/alifScan.ts';
import { alifBackwardHeap, alifForwardHeap, type AlifHeapForward } from '../kernels/alifScanHeap.ts';
import { readFloat32, releaseFloat32, takeFloat32 } from './heap.ts';
import { DEFAULT_LIF, resolveLif, timeMajorSize, type LifOptions } from './lif.ts';

export interface AlifOptions extends LifOptions {
  /** β, threshold increase per unit of adaptation. */
  beta: number;
  /** Adaptation time constant τa in steps (> 0); sets ρ = exp(−1/τa) unless `rho` is given. */
  tauAdapt: number;
  /** ρ in [0, 1]; overrides exp(−1/tauAdapt). */
  rho?: number;
}

export const DEFAULT_ALIF: Readonly<AlifOptions> = Object.freeze({ ...DEFAULT_LIF, beta: 0.2, tauAdapt: 20 });

/** The numbers the scans need, validated, plus the leak λ used when no per-neuron tensor is given. */
export interface ResolvedAlif extends AlifScanParams {
  decay: number;
}

/** Merges with `DEFAULT_ALIF` and validates; an error names the bad field. */
export function resolveAlif(opts: Partial<AlifOptions> = {}): ResolvedAlif {
  const o = { ...DEFAULT_ALIF, ...opts };
  const lif = resolveLif(o);
  if (typeof o.beta !== 'number' || !Number.isFinite(o.beta)) throw new Error(`alif.beta must be a finite number, got ${String(o.beta)}`);
  if (typeof o.tauAdapt !== 'number' || !(o.tauAdapt > 0) || !Number.isFinite(o.tauAdapt)) {
    throw new Error(`alif.tauAdapt must be a finite number > 0 (steps), got ${String(o.tauAdapt)}`);
  }
  const rho = o.rho ?? Math.exp(-1 / o.tauAdapt);
  if (typeof rho !== 'number' || !(rho >= 0 && rho <= 1)) throw new Error(`alif.rho must be a number in [0, 1], got ${String(rho)}`);
  return { ...lif, beta: o.beta, rho };
}

export interface AlifState {
  /** Membrane after the last integration (before its reset). */
  u: Float32Array;
  /** Spikes of the last step (0/1). */
  o: Float32Array;
  /** Adaptation a of the last step. */
  a: Float32Array;
}

/** Zero state for n neurons. */
export function initAlifState(n: number): AlifState {
  if (!Number.isInteger(n) || n < 0) throw new Error(`initAlifState: n must be a non-negative integer, got ${n}`);
  return { u: new Float32Array(n), o: new Float32Array(n), a: new Float32Array(n) };
}

/** Tensors of the op that may be trained: recurrent weights and a per-neuron leak. */
export interface AlifTensors {
  /** V [N, N] (row i: neuron i's outgoing recurrent weights); none when absent. */
  recurrent?: tf.Tensor;
  /** λ per neuron [N], e.g. sigmoid of a trained variable; `opts`' scalar λ when absent. */
  decay?: tf.Tensor;
}

/** Plain-array versions of `AlifTensors` for `alifStep`. */
export interface AlifArrays {
  recurrent?: Float32Array;
  decay?: Float32Array;
}

/**
 * One step for n neurons (`state` from `initAlifState` or a previous step; inputs not mutated).
 * The first step of a sequence is the one whose state is all zeros, so a loop of steps equals
 * `alifMultiStep` (spikes bit for bit up to the order of the recurrent sum).
 */
export function alifStep(
  current: Float32Array,
  state: AlifState,
  opts: Partial<AlifOptions> = {},
  arrays: AlifArrays = {},
): { spikes: Float32Array; state: AlifState } {
  const p = resolveAlif(opts);
  const n = current.length;
  if (state.u.length !== n || state.o.length !== n || state.a.length !== n) {
    throw new Error(`alifStep: state has ${state.u.length}/${state.o.length}/${state.a.length} values, input has ${n} currents`);
  }
  const decay = arrays.decay ?? new Float32Array(n).fill(p.decay);
  const V = arrays.recurrent;
  if (decay.length !== n) throw new Error(`alifStep: decay has ${decay.length} values, input has ${n} currents`);
  if (V !== undefined && V.length !== n * n) throw new Error(`alifStep: recurrent has ${V.length} values, expected ${n}·${n}`);
  const th0 = Math.fround(p.threshold);
  const beta = Math.fround(p.beta);
  const rho = Math.fround(p.rho);
  const hard = p.reset === 'hard';
  const rec = new Float64Array(n);
  if (V !== undefined) {
    for (let i = 0; i < n; i++) {
      if (state.o[i] === 0) continue;
      for (let j = 0; j < n; j++) rec[j] += V[i * n + j]!;
    }
  }
  const u = new Float32Array(n);
  const a = new Float32Array(n);
  const spikes = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    const oPrev = state.o[j]!;
    const aPrev = state.a[j]!;
    const uPrev = state.u[j]!;
    const adapt = Math.fround(Math.fround(rho * aPrev) + oPrev);
    const r = oPrev === 0 ? uPrev : hard ? 0 : Math.fround(uPrev - Math.fround(th0 + Math.fround(beta * aPrev)));
    let v = Math.fround(Math.fround(Math.fround(decay[j]! * r) + current[j]!));
    if (V !== undefined) v = Math.fround(v + Math.fround(rec[j]!));
    u[j] = v;
    a[j] = adapt;
    spikes[j] = v > Math.fround(th0 + Math.fround(beta * adapt)) ? 1 : 0;
  }
  return { spikes, state: { u, o: spikes.slice(), a } };
}

function sizes(x: tf.Tensor, op: string): { T: number; R: number; N: number } {
  const { T } = timeMajorSize(x, op);
  const N = x.shape[x.rank - 1]!;
  return { T, N, R: T === 0 || N === 0 ? 0 : x.size / (T * N) };
}

function checkTensors(N: number, t: AlifTensors, op: string): void {
  if (t.recurrent !== undefined && (t.recurrent.rank !== 2 || t.recurrent.shape[0] !== N || t.recurrent.shape[1] !== N)) {
    throw new Error(`${op}: recurrent weights must be [${N}, ${N}], got [${t.recurrent.shape.join(', ')}]`);
  }
  if (t.decay !== undefined && (t.decay.rank !== 1 || t.decay.shape[0] !== N)) {
    throw new Error(`${op}: decay must be [${N}] (one λ per neuron), got [${t.decay.shape.join(', ')}]`);
  }
}

const f32 = (t: tf.Tensor): tf.Tensor => (t.dtype === 'float32' ? t : tf.cast(t, 'float32'));

function run(
  currentTB: tf.Tensor,
  opts: Partial<AlifOptions>,
  tensors: AlifTensors,
  withState: boolean,
): { spikes: tf.Tensor; membrane?: tf.Tensor; adaptation?: tf.Tensor } {
  const { T, R, N } = sizes(currentTB, 'alifMultiStep');
  checkTensors(N, tensors, 'alifMultiStep');
  const p = resolveAlif(opts);
  const shape = currentTB.shape;
  return tf.tidy(() => {
    const inputs: tf.Tensor[] = [f32(currentTB)];
    if (tensors.recurrent) inputs.push(f32(tensors.recurrent));
    if (tensors.decay) inputs.push(f32(tensors.decay));
    let traces: AlifForward | undefined;
    let heapTraces: AlifHeapForward | undefined;
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const xs = args.slice(0, inputs.length) as tf.Tensor[];
      const Vt = tensors.recurrent ? xs[1]! : undefined;
      const Dt = tensors.decay ? xs[inputs.length - 1]! : undefined;
      // on wasm: the WebAssembly scans, in place on the heap (same results as the scans below)
      const onHeap = alifForwardHeap(xs[0]!, Vt, Dt, p.decay, T, R, N, p);
      if (onHeap) {
        // the traces outlive this kernel's scope only when kept (the outer tidy returns them)
        if (withState) heapTraces = { ...onHeap, u: tf.keep(tf.clone(onHeap.u)), ...(onHeap.a ? { a: tf.keep(tf.clone(onHeap.a)) } : {}) };
        const hasA = onHeap.a !== undefined;
        (args[inputs.length] as tf.GradSaveFunc)([onHeap.u, onHeap.spikes, ...(hasA ? [onHeap.a!] : []), ...xs.slice(1)]);
        return {
          value: onHeap.spikes,
          gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
            const [u, spikes] = saved as [tf.Tensor, tf.Tensor];
            const a = hasA ? saved[2] : undefined;
            const rest = saved.slice(hasA ? 3 : 2);
            const V = Vt ? rest[0] : undefined;
            const decay = Dt ? rest[rest.length - 1] : undefined;
            const fwd: AlifHeapForward = { u, spikes, ...(a ? { a } : {}) };
            const g = alifBackwardHeap(dy as tf.Tensor, fwd, V, decay, p.decay, T, R, N, p, decay !== undefined);
            if (g) return [g.I, ...(g.V ? [g.V] : []), ...(g.decay ? [g.decay] : [])];
            // not float32 (or off the heap): the TypeScript scan on copies of the same tensors
            const arrays: AlifForward = {
              u: readFloat32(u).slice(),
              spikes: readFloat32(spikes).slice(),
              a: a ? readFloat32(a).slice() : new Float32Array(T * R * N),
            };
            const Va = V ? readFloat32(V).slice() : undefined;
            const Da = decay ? readFloat32(decay).slice() : new Float32Array(N).fill(p.decay);
            const gs = alifBackwardScan(readFloat32(tf.cast(dy as tf.Tensor, 'float32')).slice(), arrays, { decay: Da, V: Va }, T, R, N, {
              ...p,
              skipDecayGrad: !decay,
            });
            const out = [tf.tensor(gs.I, shape, 'float32')];
            if (V) out.push(tf.tensor(gs.V!, [N, N], 'float32'));
            if (decay) out.push(tf.tensor(gs.decay, [N], 'float32'));
            return out;
          },
        };
      }
      // heap views on wasm: the scan reads them before any tensor is created
      const I = readFloat32(xs[0]!);
      const V = tensors.recurrent ? Float32Array.from(readFloat32(xs[1]!)) : undefined;
      const decay = tensors.decay ? Float32Array.from(readFloat32(xs[inputs.length - 1]!)) : new Float32Array(N).fill(p.decay);
      // the membranes live until the backward, then go back to the pool (as lifMultiStep's do)
      const fwd = alifForwardScan({ I, decay, V }, T, R, N, p, withState ? undefined : takeFloat32(T * R * N));
      traces = fwd;
      let released = false;
      return {
        value: tf.tensor(fwd.spikes, shape, 'float32'),
        gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
          if (released) throw new Error('alifMultiStep: this forward pass was already differentiated once');
          const g = alifBackwardScan(readFloat32(dy as tf.Tensor), fwd, { decay, V }, T, R, N, { ...p, skipDecayGrad: !tensors.decay });
          if (!withState) {
            released = true;
            releaseFloat32(fwd.u);
          }
          const out = [tf.tensor(g.I, shape, 'float32')];
          if (tensors.recurrent) out.push(tf.tensor(g.V!, [N, N], 'float32'));
          if (tensors.decay) out.push(tf.tensor(g.decay, [N], 'float32'));
          return out;
        },
      };
    });
    const spikes = op(...inputs);
    if (!withState) return { spikes };
    if (heapTraces) {
      const { u, a } = heapTraces;
      return { spikes, membrane: u, adaptation: a ?? tf.zeros(shape) };
    }
    return { spikes, membrane: tf.tensor(traces!.u, shape, 'float32'), adaptation: tf.tensor(traces!.a, shape, 'float32') };
  });
}

/**
 * Fused multi-step ALIF with its traces: `spikes` (differentiable w.r.t. the current, V and the
 * per-neuron λ), and the membrane u[t] and adaptation a[t] (no gradient), all [T, ..., N].
 */
export function alifMultiStepWithState(
  currentTB: tf.Tensor,
  opts: Partial<AlifOptions> = {},
  tensors: AlifTensors = {},
): { spikes: tf.Tensor; membrane: tf.Tensor; adaptation: tf.Tensor } {
  const r = run(currentTB, opts, tensors, true);
  return { spikes: r.spikes, membrane: r.membrane!, adaptation: r.adaptation! };
}

/**
 * Fused multi-step ALIF: spikes [T, ..., N] from currents [T, ..., N] (N = last axis), one tf op
 * whose backward is the reverse scan. Example:
 * `alifMultiStep(currentTB, {beta: 0.2, tauAdapt: 20}, {recurrent: V, decay: tf.sigmoid(w)})`.
 */
export function alifMultiStep(currentTB: tf.Tensor, opts: Partial<AlifOptions> = {}, tensors: AlifTensors = {}): tf.Tensor {
  return run(currentTB, opts, tensors, false).spikes;
}
