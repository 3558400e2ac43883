/**
 * Loader and memory manager of the WebAssembly spike-dense kernels (asm/spikeDense.ts, built
 * into build/kernels/spikeDense.wasm at `npm ci`). One `WebAssembly.Memory` per process, grown
 * as needed; each call copies its operands in (rows padded to a multiple of 4 floats, the
 * kernels' vector width), runs, and copies the result out. Same results as spikeDenseTs.ts,
 * bit for bit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { packagePath } from '../util/packageRoot.ts';
import { checkDims, checkLength, eventCount, type SpikeIndex } from './spikeDenseTs.ts';
import { isSharedMemory, kernelModule } from './kernelPool.ts';

export interface AsmExports {
  indexRows(S: number, rows: number, cols: number, stride: number, ptr: number, idx: number): number;
  transpose(rows: number, cols: number, ptr: number, idx: number, tptr: number, tidx: number): void;
  gatherSums(count: number, stride: number, ptr: number, idx: number, X: number, Y: number): void;
  gatherCols(count: number, cols: number, stride: number, ptr: number, idx: number, X: number, Y: number): void;
  gemm(M: number, N: number, K: number, A: number, lda: number, B: number, ldb: number, C: number, ldc: number): void;
}

/** Where `npm ci` puts the compiled kernels (shipped in the package's `build/kernels/`). */
export const SPIKE_DENSE_WASM_PATH = packagePath('build', 'kernels', 'spikeDense.wasm');

const PAGE = 65536;
// The kernels have no static data, but the first page stays unused so that no operand sits at 0.
const BASE = PAGE;

const pad4 = (n: number): number => (n + 3) & ~3;
const align16 = (bytes: number): number => (bytes + 15) & ~15;

/** A bump allocator over the kernel memory, reset by every call. */
class Arena {
  private top = BASE;
  constructor(private readonly memory: WebAssembly.Memory) {}
  reset(): this {
    this.top = BASE;
    return this;
  }
  /** Reserves `bytes` (16-byte aligned) and returns the offset; grows the memory when needed. */
  take(bytes: number): number {
    const at = this.top;
    this.top = align16(at + bytes);
    const have = this.memory.buffer.byteLength;
    if (this.top > have) this.memory.grow(Math.ceil((this.top - have) / PAGE));
    return at;
  }
  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, length);
  }
  i32(offset: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, offset, length);
  }
}

/** Copies rows of `width` floats into the arena with a row stride of pad4(width) (zero padding). */
function putRows(arena: Arena, src: Float32Array, rows: number, width: number): { at: number; stride: number } {
  const stride = pad4(width);
  const at = arena.take(rows * stride * 4);
  const dst = arena.f32(at, rows * stride);
  if (stride === width) dst.set(src);
  else {
    for (let r = 0; r < rows; r++) {
      dst.set(src.subarray(r * width, (r + 1) * width), r * stride);
      dst.fill(0, r * stride + width, (r + 1) * stride);
    }
  }
  return { at, stride };
}

/** Copies `rows` rows of `width` floats out of a strided arena matrix. */
function getRows(arena: Arena, at: number, rows: number, width: number, stride: number): Float32Array {
  const src = arena.f32(at, rows * stride);
  if (stride === width) return src.slice();
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(src.subarray(r * stride, r * stride + width), r * width);
  return out;
}

function putInts(arena: Arena, src: Int32Array): number {
  const at = arena.take(Math.max(4, src.length * 4));
  arena.i32(at, src.length).set(src);
  return at;
}

/** The WebAssembly kernels with the signatures of their TypeScript twins. */
export interface WasmSpikeKernels {
  indexSpikes(S: Float32Array, rows: number, cols: number): SpikeIndex | undefined;
  spikeForward(index: SpikeIndex, W: Float32Array, out: number): Float32Array;
  spikeGradW(index: SpikeIndex, dY: Float32Array, out: number): Float32Array;
  matMulNT(A: Float32Array, B: Float32Array, M: number, N: number, K: number): Float32Array;
}

function bind(asm: AsmExports, memory: WebAssembly.Memory): WasmSpikeKernels {
  const arena = new Arena(memory);
  return {
    indexSpikes(S, rows, cols) {
      checkDims('indexSpikes', { rows, cols });
      checkLength('indexSpikes', 'S', S, rows * cols);
      arena.reset();
      const s = arena.take(S.length * 4);
      arena.f32(s, S.length).set(S);
      const ptr = arena.take((rows + 1) * 4);
      const idx = arena.take(Math.max(4, S.length * 4));
      const nnz = asm.indexRows(s, rows, cols, cols, ptr, idx);
      if (nnz < 0) return undefined;
      return { rows, cols, ptr: arena.i32(ptr, rows + 1).slice(), idx: arena.i32(idx, nnz).slice() };
    },
    spikeForward(index, W, out) {
      checkDims('spikeForward', { out });
      checkLength('spikeForward', 'W', W, index.cols * out);
      arena.reset();
      const w = putRows(arena, W, index.cols, out);
      const ptr = putInts(arena, index.ptr);
      const idx = putInts(arena, index.idx.subarray(0, eventCount(index)));
      const y = arena.take(index.rows * w.stride * 4);
      asm.gatherSums(index.rows, w.stride, ptr, idx, w.at, y);
      return getRows(arena, y, index.rows, out, w.stride);
    },
    spikeGradW(index, dY, out) {
      checkDims('spikeGradW', { out });
      checkLength('spikeGradW', 'dY', dY, index.rows * out);
      arena.reset();
      const d = putRows(arena, dY, index.rows, out);
      const nnz = eventCount(index);
      const ptr = putInts(arena, index.ptr);
      const idx = putInts(arena, index.idx.subarray(0, nnz));
      const tptr = arena.take((index.cols + 1) * 4);
      const tidx = arena.take(Math.max(4, nnz * 4));
      asm.transpose(index.rows, index.cols, ptr, idx, tptr, tidx);
      const y = arena.take(index.cols * d.stride * 4);
      asm.gatherSums(index.cols, d.stride, tptr, tidx, d.at, y);
      return getRows(arena, y, index.cols, out, d.stride);
    },
    matMulNT(A, B, M, N, K) {
      checkDims('matMulNT', { M, N, K });
      checkLength('matMulNT', 'A', A, M * K);
      checkLength('matMulNT', 'B', B, N * K);
      arena.reset();
      const a = arena.take(Math.max(4, A.length * 4));
      arena.f32(a, A.length).set(A);
      // Bᵀ [K, pad4(N)], so that the micro-kernel reads contiguous vectors of C's columns.
      const ldb = pad4(N);
      const b = arena.take(Math.max(4, K * ldb * 4));
      const bt = arena.f32(b, K * ldb);
      bt.fill(0);
      for (let n = 0; n < N; n++) {
        const row = n * K;
        for (let k = 0; k < K; k++) bt[k * ldb + n] = B[row + k]!;
      }
      const c = arena.take(Math.max(4, M * ldb * 4));
      if (K === 0) arena.f32(c, M * ldb).fill(0);
      else asm.gemm(M, N, K, a, K, b, ldb, c, ldb);
      return getRows(arena, c, M, N, ldb);
    },
  };
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * The kernels instantiated on a given memory (which must allow at most 65536 pages), or
 * undefined when the module is not built or this runtime cannot compile or link it.
 */
export function instantiateSpikeDense(memory: WebAssembly.Memory): AsmExports | undefined {
  if (compiled === undefined) {
    try {
      compiled = existsSync(SPIKE_DENSE_WASM_PATH) ? new WebAssembly.Module(readFileSync(SPIKE_DENSE_WASM_PATH)) : null;
    } catch (e) {
      if (!(e instanceof WebAssembly.CompileError)) throw e;
      compiled = null;
    }
  }
  // a shared heap (src/kernels/kernelPool.ts) takes the build that imports shared memory
  const module = isSharedMemory(memory) ? kernelModule('spikeDense', true) : compiled;
  if (!module) return undefined;
  try {
    return new WebAssembly.Instance(module, { env: { memory, abort: abortFromWasm } }).exports as unknown as AsmExports;
  } catch (e) {
    if (!(e instanceof WebAssembly.LinkError)) throw e;
    return undefined;
  }
}

let loaded: WasmSpikeKernels | null | undefined;

/**
 * The WebAssembly kernels, or undefined when the compiled module is missing (no `npm ci` build)
 * or this runtime lacks WebAssembly SIMD. Compiled once, synchronously (Node allows it).
 */
export function loadWasmSpikeKernels(path = SPIKE_DENSE_WASM_PATH): WasmSpikeKernels | undefined {
  if (path === SPIKE_DENSE_WASM_PATH && loaded !== undefined) return loaded ?? undefined;
  let result: WasmSpikeKernels | undefined;
  if (existsSync(path)) {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536 });
    try {
      const module = new WebAssembly.Module(readFileSync(path));
      const instance = new WebAssembly.Instance(module, { env: { memory, abort: abortFromWasm } });
      result = bind(instance.exports as unknown as AsmExports, memory);
    } catch (e) {
      if (!(e instanceof WebAssembly.CompileError || e instanceof WebAssembly.LinkError)) throw e;
      result = undefined;
    }
  }
  if (path === SPIKE_DENSE_WASM_PATH) loaded = result ?? null;
  return result;
}

function abortFromWasm(): never {
  throw new Error('spikeDense.wasm: abort called (kernel assertion failed)');
}
