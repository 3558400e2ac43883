/**
 * The three products of the recurrent LIF (DESIGN §6) beyond its scan, on the AssemblyScript SIMD
 * kernels of asm/spikeDense.ts (f32x4) when they are built, else as typed-array loops:
 *
 *   forward, per step:   rec[b, :] = Σ_{i: o[t−1][b, i] = 1} V[i, :]     event-driven (gatherSums)
 *   backward, per step:  C [R, N] = Gu[t+1] · Vᵀ                        dense (gemm)
 *   backward, once:      ∂V[i, :] = Σ_{(t, b): o[t−1][b, i] ≠ 0} o·Gu[t][b, :]   event-driven (gatherSums)
 *
 * The per-step products cannot be batched over time (step t needs step t ± 1), so they are T
 * small calls; with the operands in the kernel's own memory the scan reads and writes them in
 * place. Rows are padded to a multiple of 4 floats (the vector width); padding stays zero. All
 * views are valid until the next call of any function here (one memory, reused).
 */
import { instantiateSpikeDense, type AsmExports } from './spikeDenseWasm.ts';

export type ProductMode = 'auto' | 'ts';

const PAGE = 65536;
const pad4 = (n: number): number => (n + 3) & ~3;

let memory: WebAssembly.Memory | undefined;
let asm: AsmExports | null | undefined;

function kernel(mode: ProductMode): { asm: AsmExports; memory: WebAssembly.Memory } | undefined {
  if (mode === 'ts') return undefined;
  if (asm === undefined) {
    memory = new WebAssembly.Memory({ initial: 2, maximum: 65536 });
    asm = instantiateSpikeDense(memory) ?? null;
  }
  return asm && memory ? { asm, memory } : undefined;
}

/** Bump allocation in the kernel memory (first page unused), all sizes known up front. */
function layout(mem: WebAssembly.Memory, sizes: number[]): number[] {
  let at = PAGE;
  const out = sizes.map((n) => {
    const o = at;
    at += (n * 4 + 15) & ~15;
    return o;
  });
  if (at > mem.buffer.byteLength) mem.grow(Math.ceil((at - mem.buffer.byteLength) / PAGE));
  return out;
}

export interface RecurrentForward {
  readonly stride: number;
  /** rec [R, stride] after `step`. */
  readonly rec: Float32Array;
  /** rec ← o·V for the R rows of spikes o = spikes[offset .. offset + R·N). */
  step(spikes: Float32Array, offset: number): void;
}

/** The forward's recurrent input for R rows of N neurons, V [N, N] row-major. */
export function recurrentForward(V: Float32Array, R: number, N: number, mode: ProductMode = 'auto'): RecurrentForward {
  if (V.length !== N * N) throw new Error(`recurrentForward: V has length ${V.length}, expected N·N = ${N * N}`);
  const stride = pad4(N);
  const k = kernel(mode);
  if (k) {
    const [vAt, yAt, pAt, iAt] = layout(k.memory, [N * stride, R * stride, R + 1, R * N]) as [number, number, number, number];
    const Vp = new Float32Array(k.memory.buffer, vAt, N * stride).fill(0);
    for (let i = 0; i < N; i++) Vp.set(V.subarray(i * N, (i + 1) * N), i * stride);
    const rec = new Float32Array(k.memory.buffer, yAt, R * stride);
    const ptr = new Int32Array(k.memory.buffer, pAt, R + 1);
    const idx = new Int32Array(k.memory.buffer, iAt, R * N);
    const fns = k.asm;
    return {
      stride,
      rec,
      step(spikes, offset) {
        let n = 0;
        for (let b = 0; b < R; b++) {
          ptr[b] = n;
          const s0 = offset + b * N;
          for (let i = 0; i < N; i++) if (spikes[s0 + i] !== 0) idx[n++] = i;
        }
        ptr[R] = n;
        fns.gatherSums(R, stride, pAt, iAt, vAt, yAt);
      },
    };
  }
  const rec = new Float32Array(R * stride);
  const acc = new Float64Array(N);
  return {
    stride,
    rec,
    step(spikes, offset) {
      for (let b = 0; b < R; b++) {
        acc.fill(0);
        const s0 = offset + b * N;
        for (let i = 0; i < N; i++) {
          if (spikes[s0 + i] === 0) continue;
          const row = i * N;
          for (let j = 0; j < N; j++) acc[j] += V[row + j]!;
        }
        for (let j = 0; j < N; j++) rec[b * stride + j] = acc[j]!;
      }
    },
  };
}

export interface RecurrentProduct {
  /** Row stride of G and C (N rounded up to a multiple of 4). */
  readonly stride: number;
  /** G [R, stride]: the scan writes Gu[t+1] here. */
  readonly G: Float32Array;
  /** C [R, stride]: `run` writes G·Vᵀ here. */
  readonly C: Float32Array;
  run(): void;
}

/** The backward's per-step product G·Vᵀ for R rows and N neurons, V [N, N] row-major. */
export function recurrentProduct(V: Float32Array, R: number, N: number, mode: ProductMode = 'auto'): RecurrentProduct {
  if (V.length !== N * N) throw new Error(`recurrentProduct: V has length ${V.length}, expected N·N = ${N * N}`);
  const stride = pad4(N);
  const k = kernel(mode);
  if (k) {
    // B = Vᵀ [N, stride], so that C = G·B
    const [bAt, gAt, cAt] = layout(k.memory, [N * stride, R * stride, R * stride]) as [number, number, number];
    const B = new Float32Array(k.memory.buffer, bAt, N * stride).fill(0);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) B[j * stride + i] = V[i * N + j]!;
    const G = new Float32Array(k.memory.buffer, gAt, R * stride).fill(0);
    const C = new Float32Array(k.memory.buffer, cAt, R * stride).fill(0);
    const fns = k.asm;
    return { stride, G, C, run: () => fns.gemm(R, stride, N, gAt, stride, bAt, stride, cAt, stride) };
  }
  const G = new Float32Array(R * stride);
  const C = new Float32Array(R * stride);
  return {
    stride,
    G,
    C,
    run: () => {
      for (let b = 0; b < R; b++) {
        const g0 = b * stride;
        for (let i = 0; i < N; i++) {
          const row = i * N;
          let s0 = 0,
            s1 = 0,
            s2 = 0,
            s3 = 0;
          let j = 0;
          for (; j + 3 < N; j += 4) {
            s0 += V[row + j]! * G[g0 + j]!;
            s1 += V[row + j + 1]! * G[g0 + j + 1]!;
            s2 += V[row + j + 2]! * G[g0 + j + 2]!;
            s3 += V[row + j + 3]! * G[g0 + j + 3]!;
          }
          for (; j < N; j++) s0 += V[row + j]! * G[g0 + j]!;
          C[g0 + i] = s0 + s1 + s2 + s3;
        }
      }
    },
  };
}

/**
 * ∂V [N, N] = Σ_{t ≥ 1} o[t−1]ᵀ·Gu[t] from spikes and Gu, both [T, R, N]. With binary spikes it
 * is event-driven; a spike value other than 0 or 1 (a test's smooth forward) takes the loop.
 */
export function recurrentWeightGrad(
  spikes: Float32Array,
  gu: Float32Array,
  T: number,
  R: number,
  N: number,
  mode: ProductMode = 'auto',
): Float32Array {
  const out = new Float32Array(N * N);
  if (T < 2) return out;
  const rows = (T - 1) * R;
  let binary = true;
  for (let k = 0; k < rows * N && binary; k++) binary = spikes[k] === 0 || spikes[k] === 1;
  const k = binary ? kernel(mode) : undefined;
  if (k) {
    const stride = pad4(N);
    let nnz = 0;
    const count = new Int32Array(N + 1);
    for (let q = 0; q < rows * N; q++) {
      if (spikes[q] === 0) continue;
      count[(q % N) + 1]!++;
      nnz++;
    }
    const [xAt, pAt, iAt, yAt] = layout(k.memory, [rows * stride, N + 1, Math.max(1, nnz), N * stride]) as [number, number, number, number];
    const X = new Float32Array(k.memory.buffer, xAt, rows * stride);
    if (stride === N) X.set(gu.subarray(R * N, T * R * N));
    else for (let r = 0; r < rows; r++) X.set(gu.subarray((R + r) * N, (R + r + 1) * N), r * stride);
    const ptr = new Int32Array(k.memory.buffer, pAt, N + 1);
    for (let i = 0; i < N; i++) count[i + 1]! += count[i]!;
    ptr.set(count);
    const idx = new Int32Array(k.memory.buffer, iAt, Math.max(1, nnz));
    const fill = count.slice(0, N);
    // row r of X is Gu[t][b] with r = (t − 1)·R + b; spike q = ((t − 1)·R + b)·N + i
    for (let q = 0; q < rows * N; q++) if (spikes[q] !== 0) idx[fill[q % N]!++] = (q / N) | 0;
    k.asm.gatherSums(N, stride, pAt, iAt, xAt, yAt);
    const Y = new Float32Array(k.memory.buffer, yAt, N * stride);
    for (let i = 0; i < N; i++) out.set(Y.subarray(i * stride, i * stride + N), i * N);
    return out;
  }
  const acc = new Float64Array(N * N);
  for (let r = 0; r < rows; r++) {
    const g0 = (R + r) * N;
    for (let i = 0; i < N; i++) {
      const oi = spikes[r * N + i]!;
      if (oi === 0) continue;
      const row = i * N;
      for (let j = 0; j < N; j++) acc[row + j] += oi * gu[g0 + j]!;
    }
  }
  out.set(acc);
  return out;
}
