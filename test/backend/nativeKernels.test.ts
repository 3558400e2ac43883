import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, nativeKernelStatus } from '../../src/backend/index.ts';
import { conv2dBackpropFilterPlan, conv2dPlan } from '../../src/backend/native/convGraphs.ts';
import { installNativeKernels, uninstallNativeKernels } from '../../src/backend/native/nativeKernels.ts';
import { loadOrtRuntime, type OrtRuntime } from '../../src/backend/native/ortRuntime.ts';
import { createRng } from '../../src/util/random.ts';

// onnxruntime-node is an optional dependency that `npm ci` installs offline; where it is absent
// (an install that omitted optional packages) these comparisons are skipped and say why.
const loaded = loadOrtRuntime({ threads: 2 });
const runtime: OrtRuntime | undefined = typeof loaded === 'string' ? undefined : loaded;
const SKIP = typeof loaded === 'string' ? `native kernels skipped: ${loaded}` : '';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', native: 'off', quiet: true });
});
afterAll(async () => {
  uninstallNativeKernels();
  runtime?.dispose();
  await initBackend({ backend: 'cpu', quiet: true });
});

type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  stride: [number, number];
  pad: Pad;
  /** The forward leaves input rows unread: dW runs on the wasm fallback. */
  dwFallback?: boolean;
}

const CASES: Case[] = [
  { x: [4, 9, 7, 3], k: [3, 3], co: 5, stride: [1, 1], pad: 'same' },
  { x: [2, 9, 8, 4], k: [3, 3], co: 6, stride: [2, 2], pad: 'same' },
  { x: [3, 9, 9, 2], k: [5, 3], co: 4, stride: [2, 1], pad: 'valid' },
  { x: [3, 10, 9, 2], k: [5, 3], co: 4, stride: [2, 1], pad: 'valid', dwFallback: true },
  { x: [1, 6, 6, 1], k: [1, 1], co: 3, stride: [1, 1], pad: 'valid' },
  {
    x: [2, 7, 8, 3],
    k: [3, 2],
    co: 2,
    stride: [1, 2],
    pad: [
      [0, 0],
      [2, 1],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [5, 16, 16, 8], k: [3, 3], co: 16, stride: [1, 1], pad: 'same' },
];

function random(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  return tf.tensor(
    Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => rng.normal(0, 1)),
    shape,
  );
}

/** Forward, dx and dW of one case through whatever kernels are registered now. */
function convTriple(c: Case, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const filterShape = [...c.k, c.x[3], c.co] as [number, number, number, number];
    const x = random(c.x, seed) as tf.Tensor4D;
    const w = random(filterShape, seed + 1) as tf.Tensor4D;
    const y = tf.conv2d(x, w, c.stride, c.pad);
    const dy = random(y.shape, seed + 2) as tf.Tensor4D;
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC' };
    const dx = tf
      .engine()
      .runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const dw = tf
      .engine()
      .runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape } as unknown as tf.NamedAttrMap) as tf.Tensor;
    return [y, dx, dw].map((t) => t.dataSync() as Float32Array);
  });
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let scale = 1;
  let diff = 0;
  a.forEach((v, i) => {
    scale = Math.max(scale, Math.abs(v));
    diff = Math.max(diff, Math.abs(v - b[i]!));
  });
  return diff / scale;
}

describe('native conv kernels (onnxruntime-node) on the wasm backend', () => {
  it.for(
    CASES.map((c, i) => ({
      c,
      i,
      label: `x ${c.x.join('×')}, k ${c.k.join('×')}, stride ${c.stride.join('×')}, pad ${JSON.stringify(c.pad)}`,
    })),
  )('forward, dx and dW equal the wasm kernels ($label)', ({ c, i }, ctx) => {
    if (!runtime) return ctx.skip(SKIP);
    uninstallNativeKernels();
    const wasm = convTriple(c, 100 + i);
    installNativeKernels(runtime);
    const before = structuredClone(nativeKernelStatus()!.counts);
    const native = convTriple(c, 100 + i);
    const after = nativeKernelStatus()!.counts;
    uninstallNativeKernels();
    // each of the three ran natively, not through the fallback (unless the case says so)
    expect(after.Conv2D.native).toBeGreaterThan(before.Conv2D.native);
    expect(after.Conv2DBackpropInput.native).toBeGreaterThan(before.Conv2DBackpropInput.native);
    const dwRan = c.dwFallback ? 'fallback' : 'native';
    expect(after.Conv2DBackpropFilter[dwRan]).toBeGreaterThan(before.Conv2DBackpropFilter[dwRan]);
    ['forward', 'dx', 'dW'].forEach((name, j) => {
      expect(maxRelDiff(native[j]!, wasm[j]!), name).toBeLessThan(1e-5);
    });
  });

  it('the gradients of tf.conv2d through autograd equal the wasm ones', (ctx) => {
    if (!runtime) return ctx.skip(SKIP);
    const grads = () =>
      tf.tidy(() => {
        const x = random([3, 8, 8, 4], 7);
        const w = random([3, 3, 4, 6], 8);
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))),
        )([x, w]);
        return [gx!.dataSync() as Float32Array, gw!.dataSync() as Float32Array];
      });
    uninstallNativeKernels();
    const wasm = grads();
    installNativeKernels(runtime);
    const native = grads();
    uninstallNativeKernels();
    expect(maxRelDiff(native[0]!, wasm[0]!)).toBeLessThan(1e-5);
    expect(maxRelDiff(native[1]!, wasm[1]!)).toBeLessThan(1e-5);
  });
});

describe('native conv graphs', () => {
  it('decline NCHW data and a weight gradient that would need a crop, so the wasm kernel runs', () => {
    expect(conv2dPlan([1, 3, 8, 8], [3, 3, 3, 4], { strides: 1, pad: 'same', dataFormat: 'NCHW' })).toBeUndefined();
    // 'valid', stride 2, 8 rows, 3 taps: the forward never reads the last row
    expect(conv2dBackpropFilterPlan([1, 8, 8, 2], [1, 3, 3, 4], { strides: 2, pad: 'valid', filterShape: [3, 3, 2, 4] })).toBeUndefined();
    expect(conv2dPlan([1, 8, 8, 3], [3, 3, 3, 4], { strides: 1, pad: 'same' })?.outShape).toEqual([1, 8, 8, 4]);
  });
});
