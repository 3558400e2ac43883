import { describe, expect, it } from 'vitest';
import { eventCount, spikeKernels, transposeIndex, type SpikeKernels } from '../../src/kernels/spikeDense.ts';
import { createRng } from '../../src/util/random.ts';

function spikes(rows: number, cols: number, p: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const S = new Float32Array(rows * cols);
  for (let i = 0; i < S.length; i++) S[i] = rng.next() < p ? 1 : 0;
  return S;
}

function uniform(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** C = A·B in float64, A [M, K], B [K, N]. */
function matMul64(A: ArrayLike<number>, B: ArrayLike<number>, M: number, K: number, N: number): Float64Array {
  const C = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let k = 0; k < K; k++) {
      const a = A[m * K + k]!;
      if (a !== 0) for (let n = 0; n < N; n++) C[m * N + n]! += a * B[k * N + n]!;
    }
  return C;
}

function transpose(A: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const T = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) T[c * rows + r] = A[r * cols + c]!;
  return T;
}

/** max |x − ref| / max(1, max |ref|): relative to the scale of the result. */
function relErr(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  expect(x.length).toBe(ref.length);
  let err = 0;
  let scale = 1;
  for (let i = 0; i < ref.length; i++) {
    err = Math.max(err, Math.abs(x[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return err / scale;
}

const wasm = spikeKernels('wasm');
const ts = spikeKernels('ts');

// Shapes: inputs/outputs not multiples of 4, width 1, wide rows past one 32-float block.
const CASES = [
  { rows: 37, cols: 29, out: 10, p: 0.2 },
  { rows: 64, cols: 130, out: 45, p: 0.05 },
  { rows: 5, cols: 3, out: 1, p: 0.5 },
  { rows: 120, cols: 64, out: 128, p: 0.1 },
];

describe.each([
  ['wasm', wasm],
  ['ts', ts],
] as Array<[string, SpikeKernels]>)('%s spike-dense kernels', (_name, k) => {
  it.each(CASES)('forward and weight gradient equal the dense products ($rows×$cols→$out, p=$p)', ({ rows, cols, out, p }) => {
    const S = spikes(rows, cols, p, rows + cols);
    // a few empty rows and one full row
    S.fill(0, 0, cols);
    S.fill(1, 2 * cols, 3 * cols);
    const W = uniform(cols * out, 1);
    const D = uniform(rows * out, 2);
    const index = k.indexSpikes(S, rows, cols)!;
    expect(eventCount(index)).toBe(S.reduce((a, b) => a + b, 0));
    expect(relErr(k.spikeForward(index, W, out), matMul64(S, W, rows, cols, out))).toBeLessThan(1e-5);
    expect(relErr(k.spikeGradW(index, D, out), matMul64(transpose(S, rows, cols), D, cols, rows, out))).toBeLessThan(1e-5);
  });

  it('all-zero input gives zero current and zero weight gradient', () => {
    const index = k.indexSpikes(new Float32Array(8 * 6), 8, 6)!;
    expect(eventCount(index)).toBe(0);
    expect(Array.from(k.spikeForward(index, uniform(6 * 5, 3), 5))).toEqual(new Array(8 * 5).fill(0));
    expect(Array.from(k.spikeGradW(index, uniform(8 * 5, 4), 5))).toEqual(new Array(6 * 5).fill(0));
  });

  it('all-one input sums every row of W', () => {
    const W = uniform(7 * 9, 5);
    const index = k.indexSpikes(new Float32Array(3 * 7).fill(1), 3, 7)!;
    const y = k.spikeForward(index, W, 9);
    const colSums = matMul64(new Float32Array(7).fill(1), W, 1, 7, 9);
    for (let r = 0; r < 3; r++) expect(relErr(y.subarray(r * 9, (r + 1) * 9), colSums)).toBeLessThan(1e-6);
  });

  it('rejects a non-binary input by returning no index', () => {
    const S = spikes(4, 9, 0.3, 6);
    S[17] = 0.5;
    expect(k.indexSpikes(S, 4, 9)).toBeUndefined();
    S[17] = 2;
    expect(k.indexSpikes(S, 4, 9)).toBeUndefined();
    S[17] = Number.NaN;
    expect(k.indexSpikes(S, 4, 9)).toBeUndefined();
    // a non-binary value after a run of zeros wider than the kernels' 16-float skip
    const wide = new Float32Array(3 * 40);
    wide[2 * 40 + 37] = 0.25;
    expect(k.indexSpikes(wide, 3, 40)).toBeUndefined();
    wide[2 * 40 + 37] = -0;
    expect(eventCount(k.indexSpikes(wide, 3, 40)!)).toBe(0);
    S[17] = 1;
    expect(k.indexSpikes(S, 4, 9)).toBeDefined();
  });

  it('matMulNT equals δ·Wᵀ', () => {
    for (const [M, N, K] of [
      [37, 29, 10],
      [9, 130, 300],
      [4, 8, 1],
      [1, 3, 5],
    ] as const) {
      const A = uniform(M * K, M);
      const B = uniform(N * K, N);
      expect(relErr(k.matMulNT(A, B, M, N, K), matMul64(A, transpose(B, N, K), M, K, N))).toBeLessThan(1e-5);
    }
  });

  it('names the wrong length', () => {
    expect(() => k.indexSpikes(new Float32Array(10), 3, 4)).toThrow(/indexSpikes: S has length 10, expected 12/);
    const index = k.indexSpikes(new Float32Array(12), 3, 4)!;
    expect(() => k.spikeForward(index, new Float32Array(7), 2)).toThrow(/spikeForward: W has length 7, expected 8/);
    expect(() => k.spikeGradW(index, new Float32Array(7), 2)).toThrow(/spikeGradW: dY has length 7, expected 6/);
  });
});

describe('WebAssembly vs TypeScript kernels', () => {
  it('the WebAssembly module is built (npm ci runs scripts/build-wasm.mjs) and used by default', () => {
    expect(wasm.kind).toBe('wasm');
    expect(spikeKernels().kind).toBe('wasm');
  });

  it('give bit-identical results', () => {
    const rows = 90,
      cols = 77,
      out = 50;
    const S = spikes(rows, cols, 0.1, 11);
    const W = uniform(cols * out, 12);
    const D = uniform(rows * out, 13);
    const iw = wasm.indexSpikes(S, rows, cols)!;
    const it_ = ts.indexSpikes(S, rows, cols)!;
    expect(Array.from(iw.ptr)).toEqual(Array.from(it_.ptr));
    expect(Array.from(iw.idx)).toEqual(Array.from(it_.idx));
    expect(Array.from(wasm.spikeForward(iw, W, out))).toEqual(Array.from(ts.spikeForward(it_, W, out)));
    expect(Array.from(wasm.spikeGradW(iw, D, out))).toEqual(Array.from(ts.spikeGradW(it_, D, out)));
    expect(Array.from(wasm.matMulNT(D, W, rows, cols, out))).toEqual(Array.from(ts.matMulNT(D, W, rows, cols, out)));
  });

  it('transposed index lists each column’s rows in ascending order', () => {
    const S = spikes(20, 6, 0.4, 14);
    const { colPtr, rowIdx } = transposeIndex(ts.indexSpikes(S, 20, 6)!);
    for (let c = 0; c < 6; c++) {
      const rowsOfC = Array.from(rowIdx.subarray(colPtr[c]!, colPtr[c + 1]!));
      const expected = [];
      for (let r = 0; r < 20; r++) if (S[r * 6 + c] === 1) expected.push(r);
      expect(rowsOfC).toEqual(expected);
    }
  });
});

describe('kernel selection', () => {
  it('falls back to the TypeScript kernels when the compiled module is missing', async () => {
    const { loadWasmSpikeKernels } = await import('../../src/kernels/spikeDenseWasm.ts');
    expect(loadWasmSpikeKernels('/nonexistent/spikeDense.wasm')).toBeUndefined();
    expect(spikeKernels('ts').kind).toBe('ts');
  });
});
