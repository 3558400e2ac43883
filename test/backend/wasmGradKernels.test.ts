import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, registerWasmGradKernels } from '../../src/backend/index.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal(0, 1));
}

type Inputs = Array<{ values: Float32Array | Int32Array; shape: number[]; dtype?: 'float32' | 'int32' }>;

/** Gradients of f w.r.t. its float inputs (and the value), computed on one backend. */
async function gradsOn(backend: 'cpu' | 'wasm', inputs: Inputs, f: (...xs: tf.Tensor[]) => tf.Tensor, wrt: number[]) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32'));
    const gs = tf.grads((...ws: tf.Tensor[]) => {
      const all = xs.slice();
      wrt.forEach((k, j) => (all[k] = ws[j]!));
      return f(...all);
    })(wrt.map((k) => xs[k]!));
    return gs.map((g) => ({ shape: g.shape, values: g.dataSync().slice() }));
  });
}

async function expectSameGrads(inputs: Inputs, f: (...xs: tf.Tensor[]) => tf.Tensor, wrt: number[]) {
  const cpu = await gradsOn('cpu', inputs, f, wrt);
  const wasm = await gradsOn('wasm', inputs, f, wrt);
  expect(tf.getBackend()).toBe('wasm');
  cpu.forEach((c, j) => {
    const w = wasm[j]!;
    expect(w.shape).toEqual(c.shape);
    let scale = 1;
    for (const v of c.values) scale = Math.max(scale, Math.abs(v));
    let diff = 0;
    c.values.forEach((v, k) => (diff = Math.max(diff, Math.abs(v - w.values[k]!))));
    expect(diff / scale).toBeLessThan(1e-4);
  });
}

describe('wasm training kernels', () => {
  it('registers the missing kernels once and only for wasm', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    expect(registerWasmGradKernels()).toEqual([]);
  });

  const cases: Array<{ stride: 1 | 2; pad: 'same' | 'valid'; k: number; hw: [number, number] }> = [
    { stride: 1, pad: 'same', k: 3, hw: [7, 6] },
    { stride: 1, pad: 'valid', k: 3, hw: [7, 6] },
    { stride: 2, pad: 'same', k: 3, hw: [8, 7] },
    { stride: 2, pad: 'valid', k: 5, hw: [9, 8] },
  ];
  for (const { stride, pad, k, hw } of cases) {
    it(`conv2d gradients (input and filter) equal cpu's: stride ${stride}, '${pad}', ${k}x${k}`, async () => {
      const [H, W] = hw;
      const xShape = [3, H, W, 4];
      const fShape = [k, k, 4, 5];
      const inputs: Inputs = [
        {
          values: randomArray(
            xShape.reduce((a, b) => a * b),
            1,
          ),
          shape: xShape,
        },
        {
          values: randomArray(
            fShape.reduce((a, b) => a * b),
            2,
          ),
          shape: fShape,
        },
      ];
      const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad)));
      await expectSameGrads(inputs, f, [0, 1]);
    });
  }

  it('conv2d filter gradient with explicit padding equals cpu', async () => {
    const inputs: Inputs = [
      { values: randomArray(2 * 6 * 6 * 2, 3), shape: [2, 6, 6, 2] },
      { values: randomArray(3 * 3 * 2 * 3, 4), shape: [3, 3, 2, 3] },
    ];
    const padding: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ];
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [2, 1], padding)));
    await expectSameGrads(inputs, f, [0, 1]);
  });

  for (const pad of ['same', 'valid'] as const) {
    for (const [size, stride] of [
      [2, 2],
      [3, 2],
      [2, 1],
    ] as const) {
      const inputs: Inputs = [{ values: randomArray(2 * 7 * 7 * 3, 5), shape: [2, 7, 7, 3] }];
      const w = randomArray(2 * 7 * 7 * 3, 6);
      const weight = (y: tf.Tensor) => tf.sum(tf.mul(y, tf.tensor(w.subarray(0, y.size), y.shape)));
      it(`avgPool gradient equals cpu's ('${pad}', ${size}x${size} stride ${stride})`, async () => {
        await expectSameGrads(inputs, (x) => weight(tf.avgPool(x as tf.Tensor4D, size, stride, pad)), [0]);
      });
      it(`maxPool gradient equals cpu's ('${pad}', ${size}x${size} stride ${stride}, 3 channels)`, async () => {
        await expectSameGrads(inputs, (x) => weight(tf.maxPool(x as tf.Tensor4D, size, stride, pad)), [0]);
      });
    }
  }

  it('maxPool gradient goes to the greatest element of each channel and of border-clipped windows', async () => {
    await tf.setBackend('wasm');
    // 1×3×3×2, 'same' 2×2 stride 2: windows rows 0–1 × cols 0–1, rows 0–1 × col 2, row 2 × cols 0–1, (2,2).
    // channel 0: 0 1 5 / 2 7 6 / 3 4 8 → maxima at (1,1), (1,2), (2,1), (2,2)
    // channel 1: 9 −1 −2 / −3 1 −4 / −5 −6 −7 → maxima at (0,0), (0,2), (2,0), (2,2)
    const ch0 = [0, 1, 5, 2, 7, 6, 3, 4, 8];
    const ch1 = [9, -1, -2, -3, 1, -4, -5, -6, -7];
    const x = tf.tensor4d(
      ch0.flatMap((v, k) => [v, ch1[k]!]),
      [1, 3, 3, 2],
    );
    const g = tf
      .grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'same')))(x)
      .dataSync();
    const expected = new Array<number>(18).fill(0);
    for (const [r, c, ch] of [
      [1, 1, 0],
      [1, 2, 0],
      [2, 1, 0],
      [2, 2, 0],
      [0, 0, 1],
      [0, 2, 1],
      [2, 0, 1],
      [2, 2, 1],
    ] as const) {
      expected[(r * 3 + c) * 2 + ch] = 1;
    }
    expect(Array.from(g)).toEqual(expected);
  });

  it('gather (UnsortedSegmentSum) and matMul gradients equal cpu', async () => {
    const inputs: Inputs = [
      { values: randomArray(5 * 3, 7), shape: [5, 3] },
      { values: Int32Array.of(4, 0, 4, 2, 4, 1), shape: [6], dtype: 'int32' },
      { values: randomArray(3 * 2, 8), shape: [3, 2] },
    ];
    const f = (x: tf.Tensor, idx: tf.Tensor, w: tf.Tensor) =>
      tf.sum(tf.square(tf.matMul(tf.gather(x, idx) as tf.Tensor2D, w as tf.Tensor2D)));
    await expectSameGrads(inputs, f, [0, 2]);
  });

  it('Identity and a same-type Cast share the data: the copy outlives its source, and no buffer leaks', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory();
    const x = tf.tensor([1.5, -2, 3], [3]);
    const c = tf.clone(x);
    const k = tf.cast(x, 'float32');
    const f = tf.tensor([1.7, -2.2], [2]);
    const i = tf.cast(f, 'int32');
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers + 3); // x's, shared by c and k; f's; i's
    f.dispose();
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual([1.5, -2, 3]);
    expect(Array.from(k.dataSync())).toEqual([1.5, -2, 3]);
    expect(Array.from(i.dataSync())).toEqual([1, -2]);
    tf.dispose([c, k, i]);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });

  it('does not leak tensors or wasm buffers in the registered kernels', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(randomArray(2 * 6 * 6 * 3, 9), [2, 6, 6, 3]) as tf.Tensor4D;
    const w = tf.tensor(randomArray(3 * 3 * 3 * 4, 10), [3, 3, 3, 4]) as tf.Tensor4D;
    const before = tf.memory();
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, w]);
        tf.grad((a: tf.Tensor) => tf.sum(tf.gather(a, [1, 1, 0])))(w);
      });
    }
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(after.numBytes).toBe(before.numBytes);
    // The inputs survive the kernels' extra references.
    expect(x.dataSync().length).toBe(2 * 6 * 6 * 3);
  });
});
