/**
 * Plain-TypeScript spike-dense kernels on typed arrays: the fallback when build/kernels is
 * missing, and the oracle the WebAssembly kernels (asm/spikeDense.ts) are tested against.
 * Same algorithms and the same summation order (index order, one float32 sum per column), so
 * both give bit-identical results.
 *
 *   indexSpikes:  S [R, in] binary → per-row lists of active inputs (CSR)
 *   spikeForward: I [R, out] = S·W,   I[r, :]  = Σ_{i: S[r,i]=1} W[i, :]
 *   spikeGradW:   dW [in, out] = Sᵀ·δ, dW[i, :] = Σ_{r: S[r,i]=1} δ[r, :]
 *   matMulNT:     C [M, N] = A [M, K] · Bᵀ, B [N, K]   (dS = δ·Wᵀ)
 */

/** The events of a binary matrix S [rows, cols], listed per row: row r's inputs are idx[ptr[r]..ptr[r+1]). */
export interface SpikeIndex {
  rows: number;
  cols: number;
  /** rows + 1 offsets into idx. */
  ptr: Int32Array;
  /** Active column of each event, ascending within a row. */
  idx: Int32Array;
}

/** Number of events of an index. */
export function eventCount(index: SpikeIndex): number {
  return index.ptr[index.rows]!;
}

export function checkDims(op: string, dims: Record<string, number>): void {
  for (const [name, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: ${name} must be a non-negative integer, got ${v}`);
  }
}

export function checkLength(op: string, name: string, a: ArrayLike<number>, expected: number): void {
  if (a.length !== expected) throw new Error(`${op}: ${name} has length ${a.length}, expected ${expected}`);
}

/** Lists the events of S [rows, cols]; undefined when S holds a value other than 0 and 1. */
export function indexSpikesTs(S: Float32Array, rows: number, cols: number): SpikeIndex | undefined {
  checkDims('indexSpikes', { rows, cols });
  checkLength('indexSpikes', 'S', S, rows * cols);
  const ptr = new Int32Array(rows + 1);
  let idx = new Int32Array(Math.max(16, Math.ceil(S.length / 16)));
  let nnz = 0;
  for (let r = 0; r < rows; r++) {
    ptr[r] = nnz;
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const x = S[base + c]!;
      if (x === 0) continue;
      if (x !== 1) return undefined;
      if (nnz === idx.length) {
        const grown = new Int32Array(idx.length * 2);
        grown.set(idx);
        idx = grown;
      }
      idx[nnz++] = c;
    }
  }
  ptr[rows] = nnz;
  return { rows, cols, ptr, idx: idx.slice(0, nnz) };
}

/** The same events listed per column (CSC): column c's rows are rowIdx[colPtr[c]..colPtr[c+1]), ascending. */
export function transposeIndex(index: SpikeIndex): { colPtr: Int32Array; rowIdx: Int32Array } {
  const { rows, cols, ptr, idx } = index;
  const nnz = eventCount(index);
  const colPtr = new Int32Array(cols + 1);
  for (let k = 0; k < nnz; k++) colPtr[idx[k]! + 1]!++;
  for (let c = 0; c < cols; c++) colPtr[c + 1]! += colPtr[c]!;
  const cursor = colPtr.slice(0, cols);
  const rowIdx = new Int32Array(nnz);
  for (let r = 0; r < rows; r++) {
    for (let k = ptr[r]!; k < ptr[r + 1]!; k++) rowIdx[cursor[idx[k]!]!++] = r;
  }
  return { colPtr, rowIdx };
}

/** Y[n, :] = Σ_k X[idx[k], :] for k in [ptr[n], ptr[n+1]), float32 sums in index order. */
function gatherSums(count: number, width: number, ptr: Int32Array, idx: Int32Array, X: Float32Array): Float32Array {
  const Y = new Float32Array(count * width);
  for (let n = 0; n < count; n++) {
    const acc = Y.subarray(n * width, (n + 1) * width);
    for (let k = ptr[n]!; k < ptr[n + 1]!; k++) {
      const base = idx[k]! * width;
      for (let j = 0; j < width; j++) acc[j]! += X[base + j]!;
    }
  }
  return Y;
}

/** I [rows, out] = S·W for W [cols, out]. */
export function spikeForwardTs(index: SpikeIndex, W: Float32Array, out: number): Float32Array {
  checkDims('spikeForward', { out });
  checkLength('spikeForward', 'W', W, index.cols * out);
  return gatherSums(index.rows, out, index.ptr, index.idx, W);
}

/** dW [cols, out] = Sᵀ·δ for δ [rows, out]. */
export function spikeGradWTs(index: SpikeIndex, dY: Float32Array, out: number): Float32Array {
  checkDims('spikeGradW', { out });
  checkLength('spikeGradW', 'dY', dY, index.rows * out);
  const { colPtr, rowIdx } = transposeIndex(index);
  return gatherSums(index.cols, out, colPtr, rowIdx, dY);
}

/** C [M, N] = A [M, K] · Bᵀ for B [N, K]; each C[m, n] is a float32 sum over ascending k. */
export function matMulNTTs(A: Float32Array, B: Float32Array, M: number, N: number, K: number): Float32Array {
  checkDims('matMulNT', { M, N, K });
  checkLength('matMulNT', 'A', A, M * K);
  checkLength('matMulNT', 'B', B, N * K);
  const C = new Float32Array(M * N);
  for (let m = 0; m < M; m++) {
    const a = m * K;
    for (let n = 0; n < N; n++) {
      const b = n * K;
      let s = 0;
      for (let k = 0; k < K; k++) s = Math.fround(s + Math.fround(A[a + k]! * B[b + k]!));
      C[m * N + n] = s;
    }
  }
  return C;
}
