/**
 * The WebAssembly scans of the recurrent / adaptive LIF (asm/alifScan.ts, built into
 * build/kernels/alifScan.wasm at `npm ci`), run in place on the tfjs wasm backend's heap: they read
 * the currents, V and λ where their tensors live and write spikes, membranes, adaptation and the
 * gradients straight into new tensors, with the recurrent products inside the scan. The results
 * equal the TypeScript scans of alifScan.ts bit for bit (test/kernels/alifScanHeap.test.ts):
 * float32 forward, float64 backward with Gu stored as float32, the same float32 summation order in
 * the recurrent products.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { AlifScanParams } from './alifScan.ts';
import { asmSurrogate, heapModule, heapOffset, heapOutput, wasmHeapBackend, withScratch } from './heapModule.ts';

interface AlifAsm {
  alifForward(
    T: number,
    R: number,
    N: number,
    I: number,
    V: number,
    D: number,
    lam: number,
    U: number,
    O: number,
    A: number,
    th0: number,
    beta: number,
    rho: number,
    soft: number,
  ): void;
  transposePadded(N: number, V: number, Vt: number, stride: number): void;
  alifBackward(
    T: number,
    R: number,
    N: number,
    G: number,
    U: number,
    O: number,
    A: number,
    D: number,
    lam: number,
    Vt: number,
    stride: number,
    C: number,
    GA: number,
    GD: number,
    DD: number,
    DI: number,
    th0: number,
    beta: number,
    rho: number,
    hard: number,
    keep: number,
    full: number,
    kind: number,
    sa: number,
    sc: number,
  ): void;
  alifWeightGrad(T: number, R: number, N: number, O: number, DI: number, DV: number): void;
}

const alifKernel = heapModule<AlifAsm>('alifScan');

/** True when the in-heap ALIF scans run on the current backend. */
export function alifHeapAvailable(): boolean {
  const backend = wasmHeapBackend();
  return backend !== undefined && alifKernel(backend) !== undefined;
}

export interface AlifHeapForward {
  spikes: tf.Tensor;
  /** Membranes u[t], before reset. */
  u: tf.Tensor;
  /** Adaptation a[t]; absent when β = 0 (all zeros). */
  a?: tf.Tensor;
}

/**
 * Forward scan of float32 currents [T, R, N] (any shape of that size) with optional V [N, N]
 * and per-neuron λ [N] tensors (else `lam` for every neuron), computed on the wasm heap;
 * undefined off wasm or without the kernel (callers then use the TypeScript scan).
 */
export function alifForwardHeap(
  I: tf.Tensor,
  V: tf.Tensor | undefined,
  decay: tf.Tensor | undefined,
  lam: number,
  T: number,
  R: number,
  N: number,
  p: AlifScanParams,
): AlifHeapForward | undefined {
  const backend = wasmHeapBackend();
  if (!backend || [I, V, decay].some((t) => t !== undefined && t.dtype !== 'float32')) return undefined;
  const asm = alifKernel(backend);
  if (!asm || [I, V, decay].some((t) => t !== undefined && heapOffset(backend, t) === undefined)) return undefined;
  const shape = I.shape.slice();
  const spikes = heapOutput(backend, shape);
  const u = heapOutput(backend, shape);
  const a = p.beta !== 0 ? heapOutput(backend, shape) : undefined;
  // offsets, not views: each allocation may have grown (and so moved) the heap buffer
  const at = (t: tf.Tensor | undefined): number => (t === undefined ? 0 : heapOffset(backend, t)!);
  asm.alifForward(
    T,
    R,
    N,
    at(I),
    at(V),
    at(decay),
    Math.fround(lam),
    at(u),
    at(spikes),
    at(a),
    Math.fround(p.threshold),
    Math.fround(p.beta),
    Math.fround(p.rho),
    p.reset === 'soft' ? 1 : 0,
  );
  return { spikes, u, ...(a ? { a } : {}) };
}

export interface AlifHeapGrads {
  I: tf.Tensor;
  V?: tf.Tensor;
  decay?: tf.Tensor;
}

/**
 * ∂L/∂I (and ∂L/∂V with V, ∂L/∂λ when `wantDecay`) from ∂L/∂o and the heap forward's tensors,
 * or undefined off wasm / without the kernel.
 */
export function alifBackwardHeap(
  dy: tf.Tensor,
  fwd: AlifHeapForward,
  V: tf.Tensor | undefined,
  decay: tf.Tensor | undefined,
  lam: number,
  T: number,
  R: number,
  N: number,
  p: AlifScanParams,
  wantDecay: boolean,
): AlifHeapGrads | undefined {
  const backend = wasmHeapBackend();
  if (!backend || dy.dtype !== 'float32') return undefined;
  const asm = alifKernel(backend);
  const inputs = [dy, fwd.u, fwd.spikes, fwd.a, V, decay];
  if (!asm || inputs.some((t) => t !== undefined && heapOffset(backend, t) === undefined)) return undefined;
  const gI = heapOutput(backend, dy.shape.slice());
  const gV = V ? heapOutput(backend, [N, N]) : undefined;
  const gD = wantDecay ? heapOutput(backend, [N]) : undefined;
  const at = (t: tf.Tensor | undefined): number => (t === undefined ? 0 : heapOffset(backend, t)!);
  const sg = asmSurrogate(p.surrogate);
  const keep = !p.detachReset;
  const full = !(p.beta === 0 && !keep && !wantDecay);
  const stride = (N + 3) & ~3;
  const scratch = [V ? N * stride * 4 : 0, V ? R * stride * 4 : 0, full ? R * N * 8 : 0, wantDecay ? N * 8 : 0];
  withScratch(backend, scratch, ([vt, c, ga, gd]) => {
    if (V) asm.transposePadded(N, at(V), vt!, stride);
    asm.alifBackward(
      T,
      R,
      N,
      at(dy),
      at(fwd.u),
      at(fwd.spikes),
      at(fwd.a),
      at(decay),
      Math.fround(lam),
      V ? vt! : 0,
      stride,
      V ? c! : 0,
      full ? ga! : 0,
      wantDecay ? gd! : 0,
      at(gD),
      at(gI),
      p.threshold,
      p.beta,
      p.rho,
      p.reset === 'hard' ? 1 : 0,
      keep ? 1 : 0,
      full ? 1 : 0,
      sg.kind,
      sg.a,
      sg.c,
    );
  });
  if (gV) asm.alifWeightGrad(T, R, N, at(fwd.spikes), at(gI), at(gV));
  return { I: gI, ...(gV ? { V: gV } : {}), ...(gD ? { decay: gD } : {}) };
}
