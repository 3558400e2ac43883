import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { heapKernels, type EmscriptenHeap } from '../../src/kernels/spikeDenseHeap.ts';
import { isBinarySpikes, spikeDense, useSpikeKernels } from '../../src/kernels/spikeDenseOp.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterEach(() => {
  useSpikeKernels('auto');
});
afterAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function spikes(rows: number, cols: number, p: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const S = new Float32Array(rows * cols);
  for (let i = 0; i < S.length; i++) S[i] = rng.next() < p ? 1 : 0;
  return S;
}

function uniform(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

function relErr(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  expect(x.length).toBe(ref.length);
  let err = 0;
  let scale = 1e-30;
  for (let i = 0; i < ref.length; i++) {
    err = Math.max(err, Math.abs(x[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return err / scale;
}

interface Products {
  y: Float32Array;
  dS: Float32Array;
  dW: Float32Array;
}

/** Value of f(S, W) and the gradients of Σ f(S, W)·G, read back as arrays. */
function products(
  f: (S: tf.Tensor2D, W: tf.Tensor2D) => tf.Tensor2D,
  S: Float32Array,
  W: Float32Array,
  G: Float32Array,
  rows: number,
  cols: number,
  out: number,
): Products {
  return tf.tidy(() => {
    const s = tf.tensor2d(S, [rows, cols]);
    const w = tf.tensor2d(W, [cols, out]);
    const g = tf.tensor2d(G, [rows, out]);
    const y = f(s, w);
    const [dS, dW] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D), g)))([s, w]);
    return { y: y.dataSync() as Float32Array, dS: dS!.dataSync() as Float32Array, dW: dW!.dataSync() as Float32Array };
  });
}

const matMul = (s: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D => tf.matMul(s, w);

describe.each(['wasm', 'cpu'] as const)('spikeDense on the %s backend', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, quiet: true });
  });

  it.each([
    { rows: 60, cols: 45, out: 30, p: 0.1, pattern: 'random' },
    { rows: 70, cols: 50, out: 32, p: 0.1, pattern: 'random' },
    { rows: 33, cols: 20, out: 7, p: 0.3, pattern: 'empty and full rows' },
    { rows: 12, cols: 9, out: 5, p: 0, pattern: 'all zero' },
    { rows: 12, cols: 9, out: 5, p: 1, pattern: 'all one' },
  ])('forward, ∂S and ∂W equal tf.matMul’s ($pattern, $rows×$cols→$out)', ({ rows, cols, out, p, pattern }) => {
    const S = spikes(rows, cols, p, rows * out);
    if (pattern === 'empty and full rows') {
      S.fill(0, 0, 3 * cols);
      S.fill(1, 5 * cols, 6 * cols);
    }
    const W = uniform(cols * out, 1);
    const G = uniform(rows * out, 2);
    const before = tf.memory().numTensors;
    const ours = products(spikeDense, S, W, G, rows, cols, out);
    expect(tf.memory().numTensors).toBe(before);
    const ref = products(matMul, S, W, G, rows, cols, out);
    expect(relErr(ours.y, ref.y)).toBeLessThan(1e-5);
    expect(relErr(ours.dS, ref.dS)).toBeLessThan(1e-5);
    expect(relErr(ours.dW, ref.dW)).toBeLessThan(1e-5);
  });

  it.runIf(backend === 'wasm')('runs in place on the wasm backend heap (widths that are multiples of 4)', () => {
    expect(heapKernels((tf.engine().backend as unknown as { wasm: EmscriptenHeap }).wasm)).toBeDefined();
  });

  it('a non-binary input falls back to the dense product (value and gradients of tf.matMul)', () => {
    const S = spikes(20, 16, 0.3, 3);
    S[5] = 0.5;
    const W = uniform(16 * 6, 4);
    const G = uniform(20 * 6, 5);
    expect(isBinarySpikes(tf.tensor2d(S, [20, 16]))).toBe(false);
    const ours = products(spikeDense, S, W, G, 20, 16, 6);
    const ref = products(matMul, S, W, G, 20, 16, 6);
    expect(Array.from(ours.y)).toEqual(Array.from(ref.y));
    expect(relErr(ours.dS, ref.dS)).toBeLessThan(1e-5);
    expect(relErr(ours.dW, ref.dW)).toBeLessThan(1e-5);
  });

  it('the WebAssembly and TypeScript kernels give bit-identical values and gradients', () => {
    const S = spikes(50, 70, 0.08, 6);
    const W = uniform(70 * 20, 7);
    const G = uniform(50 * 20, 8);
    expect(useSpikeKernels('wasm')).toBe('wasm');
    const w = products(spikeDense, S, W, G, 50, 70, 20);
    expect(useSpikeKernels('ts')).toBe('ts');
    const t = products(spikeDense, S, W, G, 50, 70, 20);
    expect(Array.from(w.y)).toEqual(Array.from(t.y));
    expect(Array.from(w.dW)).toEqual(Array.from(t.dW));
    expect(Array.from(w.dS)).toEqual(Array.from(t.dS));
  });
});

describe('spikeDense gradient work', () => {
  it('the weight gradient alone runs the sparse kernel and no dense matMul (the input gradient is skipped)', async () => {
    const s = tf.tensor2d(spikes(40, 30, 0.1, 9), [40, 30]);
    const w = tf.variable(tf.tensor2d(uniform(30 * 8, 10), [30, 8]));
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(spikeDense(s, w))) as tf.Scalar, [w]);
      value.dispose();
      Object.values(grads).forEach((g) => g.dispose());
    });
    expect(profile.kernelNames).toContain('SpikeDense');
    expect(profile.kernelNames).toContain('SpikeDenseGradW');
    expect(profile.kernelNames).not.toContain('BatchMatMul');
    s.dispose();
    w.dispose();
  });

  it("mode 'matmul' is plain tf.matMul", async () => {
    useSpikeKernels('matmul');
    const s = tf.tensor2d(spikes(10, 12, 0.2, 11), [10, 12]);
    const w = tf.tensor2d(uniform(12 * 3, 12), [12, 3]);
    const profile = await tf.profile(() => spikeDense(s, w).dispose());
    expect(profile.kernelNames).toEqual(['BatchMatMul']);
    tf.dispose([s, w]);
  });

  it('names bad shapes and dtypes', () => {
    const s = tf.zeros([4, 5]) as tf.Tensor2D;
    expect(() => spikeDense(s, tf.zeros([6, 2]) as tf.Tensor2D)).toThrow(/spikeDense: S has 5 inputs but W has 6 rows/);
    expect(() => spikeDense(tf.zeros([4, 5], 'int32') as tf.Tensor2D, tf.zeros([5, 2]) as tf.Tensor2D)).toThrow(
      /must be float32, got int32/,
    );
    expect(() => spikeDense(tf.zeros([2, 4, 5]) as unknown as tf.Tensor2D, tf.zeros([5, 2]) as tf.Tensor2D)).toThrow(/must be rank 2/);
  });
});
