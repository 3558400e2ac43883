import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, nativeKernelStatus } from '../../src/backend/index.ts';
import {
  conv2dBackpropFilterPlan,
  conv2dBackpropInputConvPlan,
  conv2dBackpropInputPlan,
  conv2dPlan,
  type ConvPlan,
} from '../../src/backend/native/convGraphs.ts';
import { conv2dBackpropFilterIm2colPlan } from '../../src/backend/native/im2colGraphs.ts';
import { installNativeKernels, nativePlan, runsNatively, uninstallNativeKernels } from '../../src/backend/native/nativeKernels.ts';
import { denseMatMul } from '../../src/kernels/denseMatMul.ts';
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
}

const CASES: Case[] = [
  { x: [4, 9, 7, 3], k: [3, 3], co: 5, stride: [1, 1], pad: 'same' },
  { x: [2, 9, 8, 9], k: [3, 3], co: 6, stride: [2, 2], pad: 'same' },
  { x: [3, 9, 9, 8], k: [5, 3], co: 4, stride: [2, 1], pad: 'valid' },
  { x: [3, 10, 9, 8], k: [5, 3], co: 4, stride: [2, 1], pad: 'valid' },
  { x: [1, 6, 6, 1], k: [1, 1], co: 3, stride: [1, 1], pad: 'valid' },
  {
    x: [2, 7, 8, 10],
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
    // each kernel ran where its plan says (native unless the graphs decline the call)
    const filterShape = [...c.k, c.x[3], c.co];
    const info = tf.backend_util.computeConv2DInfo(c.x, filterShape as [number, number, number, number], c.stride, 1, c.pad);
    const yShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
    const attrs = { strides: c.stride, pad: c.pad };
    const routes = {
      Conv2D: nativePlan('Conv2D', [c.x, filterShape], attrs) !== undefined,
      Conv2DBackpropInput: true,
      Conv2DBackpropFilter: nativePlan('Conv2DBackpropFilter', [c.x, yShape], { ...attrs, filterShape }) !== undefined,
    };
    for (const [name, isNative] of Object.entries(routes) as Array<[keyof typeof routes, boolean]>) {
      const route = isNative ? 'native' : 'fallback';
      expect(after[name][route], `${name} ${route}`).toBeGreaterThan(before[name][route]);
    }
    ['forward', 'dx', 'dW'].forEach((name, j) => {
      expect(maxRelDiff(native[j]!, wasm[j]!), name).toBeLessThan(1e-5);
    });
  });

  it.for(
    CASES.map((c, i) => ({
      c,
      i,
      label: `x ${c.x.join('×')}, k ${c.k.join('×')}, stride ${c.stride.join('×')}, pad ${JSON.stringify(c.pad)}`,
    })),
  )('each graph (im2col, transposing Conv, ConvTranspose) equals the wasm kernels where it covers the call ($label)', ({ c, i }, ctx) => {
    if (!runtime) return ctx.skip(SKIP);
    uninstallNativeKernels();
    const [y, dx, dw] = convTriple(c, 200 + i);
    const filterShape = [...c.k, c.x[3], c.co];
    const yShape = tf.backend_util.computeConv2DInfo(c.x, filterShape as [number, number, number, number], c.stride, 1, c.pad).outShape;
    const attrs = { strides: c.stride, pad: c.pad };
    // the same seeded inputs as convTriple
    const [x, w, g] = tf.tidy(() =>
      [random(c.x, 200 + i), random(filterShape, 201 + i), random(yShape, 202 + i)].map((t) => t.dataSync() as Float32Array),
    );
    const run = (plan: ConvPlan | undefined, inputs: Float32Array[], want: Float32Array, what: string): boolean => {
      if (!plan) return false;
      const out = new Float32Array(want.length);
      runtime.run(plan.graph, inputs, out);
      expect(maxRelDiff(out, want), what).toBeLessThan(1e-5);
      return true;
    };
    const ran = [
      run(conv2dPlan(c.x, filterShape, attrs), [x!, w!], y!, 'forward, Conv'),
      run(conv2dBackpropFilterIm2colPlan(c.x, yShape, { ...attrs, filterShape }), [x!, g!], dw!, 'dW, im2col'),
      run(conv2dBackpropFilterPlan(c.x, yShape, { ...attrs, filterShape }), [x!, g!], dw!, 'dW, Conv'),
      run(conv2dBackpropInputPlan(yShape, filterShape, { ...attrs, inputShape: c.x }), [g!, w!], dx!, 'dx, ConvTranspose'),
      run(conv2dBackpropInputConvPlan(yShape, filterShape, { ...attrs, inputShape: c.x }), [g!, w!], dx!, 'dx, Conv'),
    ];
    // im2col covers every case here (no negative padding)
    expect(ran[1]).toBe(true);
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

describe('native matMul (onnxruntime-node Gemm) on the wasm backend', () => {
  const MM: Array<{ m: number; k: number; n: number; tA: boolean; tB: boolean; native: boolean }> = [
    { m: 160, k: 300, n: 70, tA: false, tB: false, native: true },
    { m: 130, k: 200, n: 90, tA: true, tB: false, native: true },
    { m: 100, k: 150, n: 120, tA: false, tB: true, native: true },
    { m: 110, k: 140, n: 100, tA: true, tB: true, native: true },
    { m: 20, k: 30, n: 10, tA: false, tB: false, native: false },
  ];
  it.for(MM.map((c) => ({ ...c, label: `${c.m}×${c.k}·${c.k}×${c.n}, transposeA ${c.tA}, transposeB ${c.tB}` })))(
    'equals the wasm product and runs where its plan says ($label)',
    (c, ctx) => {
      if (!runtime) return ctx.skip(SKIP);
      const product = () =>
        tf.tidy(() => {
          const a = random(c.tA ? [c.k, c.m] : [c.m, c.k], 11);
          const b = random(c.tB ? [c.n, c.k] : [c.k, c.n], 12);
          const y = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, c.tA, c.tB);
          // a batch of one too, which keeps its rank
          const y3 = tf.matMul(tf.expandDims(a, 0) as tf.Tensor3D, tf.expandDims(b, 0) as tf.Tensor3D, c.tA, c.tB);
          expect(y.shape).toEqual([c.m, c.n]);
          expect(y3.shape).toEqual([1, c.m, c.n]);
          expect(Array.from(y3.dataSync())).toEqual(Array.from(y.dataSync()));
          return y.dataSync() as Float32Array;
        });
      uninstallNativeKernels();
      const wasm = product();
      installNativeKernels(runtime);
      const before = nativeKernelStatus()!.counts.BatchMatMul;
      const [n0, f0] = [before.native, before.fallback];
      const native = product();
      const after = nativeKernelStatus()!.counts.BatchMatMul;
      uninstallNativeKernels();
      expect(c.native ? after.native - n0 : after.fallback - f0).toBe(2);
      expect(maxRelDiff(native, wasm)).toBeLessThan(1e-5);
    },
  );
});

describe('denseMatMul on the native kernels', () => {
  it('takes ∂x as a native product with transposeB, with the same gradients', (ctx) => {
    if (!runtime) return ctx.skip(SKIP);
    const grads = () =>
      tf.tidy(() => {
        const x = random([160, 300], 21) as tf.Tensor2D;
        const w = random([300, 70], 22) as tf.Tensor2D;
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(denseMatMul(a as tf.Tensor2D, b as tf.Tensor2D))))([
          x,
          w,
        ]);
        return [gx!.dataSync() as Float32Array, gw!.dataSync() as Float32Array];
      });
    uninstallNativeKernels();
    expect(
      runsNatively(
        'BatchMatMul',
        [
          [160, 70],
          [300, 70],
        ],
        { transposeB: true },
      ),
    ).toBe(false);
    const wasm = grads();
    installNativeKernels(runtime);
    expect(
      runsNatively(
        'BatchMatMul',
        [
          [160, 70],
          [300, 70],
        ],
        { transposeB: true },
      ),
    ).toBe(true);
    expect(
      runsNatively(
        'BatchMatMul',
        [
          [16, 7],
          [30, 7],
        ],
        { transposeB: true },
      ),
    ).toBe(false); // too small: wasm
    const native = grads();
    uninstallNativeKernels();
    expect(maxRelDiff(native[0]!, wasm[0]!)).toBeLessThan(1e-5);
    expect(maxRelDiff(native[1]!, wasm[1]!)).toBeLessThan(1e-5);
  });
});

describe('native conv graphs', () => {
  it('decline NCHW data, a weight gradient that would need a crop and a thin first layer, so the wasm kernel runs', () => {
    expect(conv2dPlan([1, 3, 8, 8], [3, 3, 3, 4], { strides: 1, pad: 'same', dataFormat: 'NCHW' })).toBeUndefined();
    // 'valid', stride 2, 8 rows, 3 taps: the forward never reads the last row
    expect(conv2dBackpropFilterPlan([1, 8, 8, 2], [1, 3, 3, 4], { strides: 2, pad: 'valid', filterShape: [3, 3, 2, 4] })).toBeUndefined();
    // an image's first layer (3 channels) stays on XNNPACK; 8 channels go native
    expect(conv2dPlan([1, 8, 8, 3], [3, 3, 3, 4], { strides: 1, pad: 'same' })).toBeUndefined();
    expect(conv2dPlan([1, 8, 8, 8], [3, 3, 8, 4], { strides: 1, pad: 'same' })?.outShape).toEqual([1, 8, 8, 4]);
  });
});
