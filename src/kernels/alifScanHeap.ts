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
import { asmSurrogate, heapMemory, heapModule, heapOffset, heapOutput, wasmHeapBackend, withScratch } from './heapModule.ts';
import { CACHE_LINE_FLOATS, ELEMENTWISE_PER_THREAD, parallelFor } from './kernelPool.ts';

interface AlifAsm {
  alifForward(
    T: number,
    R: number,
    Rs: number,
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
    P: number,
    X: number,
  ): void;
  transposePadded(N: number, V: number, Vt: number, stride: number): void;
  alifBackward(
    T: number,
    R: number,
    Rs: number,
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
  alifDecayRows(R: number, N: number, GD: number, DD: number): void;
  alifSpikeLists(rows: number, N: number, O: number, P: number, X: number): void;
  alifWeightGrad(T: number, R: number, N: number, cols: number, P: number, X: number, DI: number, DV: number): void;
}

// parameter counts of the row-band signatures: an older build (whole calls only) counts as missing
const alifKernel = heapModule<AlifAsm>('alifScan', {
  alifForward: 17,
  alifBackward: 25,
  alifWeightGrad: 8,
  alifSpikeLists: 5,
  alifDecayRows: 4,
});

/** Rows per band such that no two threads write one cache line (rows are N floats). */
const rowAlign = (N: number): number => CACHE_LINE_FLOATS / gcd(N, CACHE_LINE_FLOATS);
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

/**
 * The least rows worth a thread for a scan over T steps of N neurons: a row costs about T·N
 * elements of the LIF scan, times ~N/8 more with the recurrent product (the event-driven gather
 * in the forward, a gemm row in the backward), times 4 in the float64 backward
 * (bench/notes/2026-12-02d-recperf.md).
 */
function minRows(T: number, N: number, recurrent: boolean, backward: boolean): number {
  const perRow = T * N * (recurrent ? 1 + N / 8 : 1) * (backward ? 4 : 1);
  return Math.max(1, Math.ceil(ELEMENTWISE_PER_THREAD / Math.max(1, perRow)));
}

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
  const [pI, pV, pD, pU, pO, pA] = [at(I), at(V), at(decay), at(u), at(spikes), at(a)];
  const [l, th0, beta, rho, soft] = [
    Math.fround(lam),
    Math.fround(p.threshold),
    Math.fround(p.beta),
    Math.fround(p.rho),
    p.reset === 'soft' ? 1 : 0,
  ];
  const rowB = 4 * N;
  // the recurrent gather's spike lists: per band, ptr at 2·b0 (room for its rows + 1) and idx at
  // b0·(N + 3) (room for its rows' N indices each, plus the 3 past the end that alifSpikeLists writes)
  const scratch = V ? [8 * R + 4, 4 * R * (N + 3)] : [0, 0];
  withScratch(backend, scratch, ([ptr, idx]) => {
    const band = (b0: number, b1: number): number[] => {
      const o = b0 * rowB;
      const lists = V ? [ptr! + 8 * b0, idx! + 4 * b0 * (N + 3)] : [0, 0];
      return [T, b1 - b0, R, N, pI + o, pV, pD, l, pU + o, pO + o, pA === 0 ? 0 : pA + o, th0, beta, rho, soft, ...lists];
    };
    const key = `alifScan.alifForward${V ? '+V' : ''}`;
    parallelFor(
      heapMemory(backend)!,
      'alifScan',
      'alifForward',
      asm.alifForward,
      R,
      minRows(T, N, V !== undefined, false),
      rowAlign(N),
      band,
      key,
    );
  });
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
  const scratch = [V ? N * stride * 4 : 0, V ? R * stride * 4 : 0, full ? R * N * 8 : 0, wantDecay ? R * N * 8 : 0];
  const memory = heapMemory(backend)!;
  withScratch(backend, scratch, ([vt, c, ga, gd]) => {
    if (V) asm.transposePadded(N, at(V), vt!, stride);
    const [pG, pU, pO, pA, pD, pI] = [at(dy), at(fwd.u), at(fwd.spikes), at(fwd.a), at(decay), at(gI)];
    const flags = [p.reset === 'hard' ? 1 : 0, keep ? 1 : 0, full ? 1 : 0, sg.kind, sg.a, sg.c];
    const rowB = 4 * N;
    // a band of rows: its rows of every [T, R, N] operand, of C (rows `stride` floats) and of the float64 GA and GD
    const band = (b0: number, b1: number): number[] => {
      const o = b0 * rowB;
      const d = 8 * b0 * N;
      return [
        T,
        b1 - b0,
        R,
        N,
        pG + o,
        pU + o,
        pO + o,
        pA === 0 ? 0 : pA + o,
        pD,
        Math.fround(lam),
        V ? vt! : 0,
        stride,
        V ? c! + 4 * b0 * stride : 0,
        full ? ga! + d : 0,
        wantDecay ? gd! + d : 0,
        pI + o,
        p.threshold,
        p.beta,
        p.rho,
        ...flags,
      ];
    };
    // bands of whole 4-row blocks, so that the per-step gemm keeps its 4-row micro-kernel
    const align = lcm(rowAlign(N), 4);
    const key = `alifScan.alifBackward${V ? '+V' : ''}`;
    parallelFor(memory, 'alifScan', 'alifBackward', asm.alifBackward, R, minRows(T, N, V !== undefined, true), align, band, key);
    if (gD) asm.alifDecayRows(R, N, gd!, at(gD));
  });
  if (gV) {
    // ∂V's columns are independent sums over the spikes of (t, b): bands of them, over spike
    // lists built once. Work per column ≈ N·R·T/4 adds at the usual spike rates.
    const rows = Math.max(0, T - 1) * R;
    withScratch(backend, [4 * (rows + 1), 4 * (rows * N + 3)], ([ptr, idx]) => {
      const [pI, pV] = [at(gI), at(gV)];
      asm.alifSpikeLists(rows, N, at(fwd.spikes), ptr!, idx!);
      const cols = Math.max(1, Math.ceil(ELEMENTWISE_PER_THREAD / Math.max(1, (N * R * T) / 4)));
      parallelFor(memory, 'alifScan', 'alifWeightGrad', asm.alifWeightGrad, N, cols, CACHE_LINE_FLOATS, (c0, c1) => [
        T,
        R,
        N,
        c1 - c0,
        ptr!,
        idx!,
        pI + 4 * c0,
        pV + 4 * c0,
      ]);
    });
  }
  return { I: gI, ...(gV ? { V: gV } : {}), ...(gD ? { decay: gD } : {}) };
}
