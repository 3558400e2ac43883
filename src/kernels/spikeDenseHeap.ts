/**
 * The WebAssembly spike-dense kernels run in place on the tfjs wasm backend's own heap: the
 * module is instantiated a second time with that backend's `WebAssembly.Memory`, so that it reads
 * S, W and δ where the tensors live and writes I and dW straight into output tensors. This saves
 * the copies in and out of spikeDenseWasm.ts (for nmnist-mlp's first layer ~50 MB per step).
 * Scratch space (event lists) comes from the backend's own malloc and is freed before returning.
 * Row strides are the tensors' own widths, so the products need `out % 4 === 0` (whole f32x4
 * vectors per row); other widths take the copying path.
 */
import type { SpikeIndex } from './spikeDenseTs.ts';
import { instantiateSpikeDense, type AsmExports } from './spikeDenseWasm.ts';
import { ELEMENTWISE_PER_THREAD, parallelFor } from './kernelPool.ts';

/** Float additions per extra thread below which a gather stays whole (they run ~4 per ns). */
const GATHER_ADDS_PER_THREAD = 4 * ELEMENTWISE_PER_THREAD;

/** What the tfjs wasm backend's Emscripten module offers (tfjs-backend-wasm 4.x). */
export interface EmscriptenHeap {
  asm?: { memory?: unknown };
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

export interface HeapKernels {
  /** Event lists of the binary matrix at byte offset `s` ([rows, cols]); undefined when not binary. */
  indexSpikes(s: number, rows: number, cols: number): SpikeIndex | undefined;
  /** Y [rows, out] = S·W, W at byte offset `w` ([cols, out]), Y at `y`. */
  spikeForward(index: SpikeIndex, w: number, out: number, y: number): void;
  /** dW [cols, out] = Sᵀ·δ, δ at byte offset `dy` ([rows, out]), dW at `dw`. */
  spikeGradW(index: SpikeIndex, dy: number, out: number, dw: number): void;
}

function bindHeap(asm: AsmExports, memory: WebAssembly.Memory, heap: EmscriptenHeap): HeapKernels {
  const scratch = <T>(sizes: number[], f: (ptrs: number[]) => T): T => {
    const ptrs = sizes.map((bytes) => heap._malloc(Math.max(16, bytes)) >>> 0);
    try {
      if (ptrs.some((p) => p === 0)) throw new Error('spikeDense (wasm heap): out of memory');
      return f(ptrs);
    } finally {
      for (const p of ptrs) if (p !== 0) heap._free(p);
    }
  };
  // Y[n, :] = Σ X[idx[k], :] for n < count: every column's sums are independent, so column bands
  // (multiples of 32 floats, the kernel's block) are split between the kernel threads
  // (kernelPool.ts). Bands, not row ranges: each thread then reads only its own columns of X
  // (row ranges made both threads stream all of X: twice the cache traffic, twice the CPU time).
  const gather = (count: number, out: number, ptr: number, idx: number, x: number, y: number, nnz: number): void => {
    const gatherCols = (asm as Partial<AsmExports>).gatherCols;
    if (!gatherCols) return asm.gatherSums(count, out, ptr, idx, x, y); // a build from before gatherCols
    const colsPerThread = Math.ceil(GATHER_ADDS_PER_THREAD / Math.max(1, nnz));
    parallelFor(memory, 'spikeDense', 'gatherCols', gatherCols, out, colsPerThread, 32, (c0, c1) => [
      count,
      c1 - c0,
      out,
      ptr,
      idx,
      x + 4 * c0,
      y + 4 * c0,
    ]);
  };
  // views are made after the mallocs: a malloc may grow (and so replace) the buffer
  const ints = (at: number, src: Int32Array): void => new Int32Array(memory.buffer, at, src.length).set(src);
  const putIndex = (index: SpikeIndex, ptr: number, idx: number): void => {
    ints(ptr, index.ptr);
    ints(idx, index.idx);
  };
  return {
    indexSpikes(s, rows, cols) {
      return scratch([(rows + 1) * 4, rows * cols * 4], ([ptr, idx]) => {
        const nnz = asm.indexRows(s, rows, cols, cols, ptr!, idx!);
        if (nnz < 0) return undefined;
        return {
          rows,
          cols,
          ptr: new Int32Array(memory.buffer, ptr!, rows + 1).slice(),
          idx: new Int32Array(memory.buffer, idx!, nnz).slice(),
        };
      });
    },
    spikeForward(index, w, out, y) {
      if (out % 4 !== 0) throw new Error(`spikeDense (wasm heap): out must be a multiple of 4, got ${out}`);
      scratch([index.ptr.length * 4, index.idx.length * 4], ([ptr, idx]) => {
        putIndex(index, ptr!, idx!);
        gather(index.rows, out, ptr!, idx!, w, y, index.idx.length);
      });
    },
    spikeGradW(index, dy, out, dw) {
      if (out % 4 !== 0) throw new Error(`spikeDense (wasm heap): out must be a multiple of 4, got ${out}`);
      const nnz = index.idx.length;
      scratch([index.ptr.length * 4, nnz * 4, (index.cols + 1) * 4, nnz * 4], ([ptr, idx, tptr, tidx]) => {
        putIndex(index, ptr!, idx!);
        asm.transpose(index.rows, index.cols, ptr!, idx!, tptr!, tidx!);
        gather(index.cols, out, tptr!, tidx!, dy, dw, nnz);
      });
    },
  };
}

const bound = new WeakMap<object, HeapKernels | null>();

/** The kernels bound to a tfjs wasm backend's heap, or undefined when that is not possible. */
export function heapKernels(heap: EmscriptenHeap): HeapKernels | undefined {
  let k = bound.get(heap);
  if (k === undefined) {
    const memory = heap.asm?.memory;
    const asm = memory instanceof WebAssembly.Memory ? instantiateSpikeDense(memory) : undefined;
    k = asm && memory instanceof WebAssembly.Memory ? bindHeap(asm, memory, heap) : null;
    bound.set(heap, k);
  }
  return k ?? undefined;
}
