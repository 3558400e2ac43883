import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { Optimizer } from '../../src/train/index.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** PyTorch's Adam in float64, element by element. */
function adamReference(w0: Float32Array, gradsPerStep: Float32Array[], lr: number, b1: number, b2: number, eps: number): Float64Array {
  const w = Float64Array.from(w0);
  const m = new Float64Array(w.length);
  const v = new Float64Array(w.length);
  gradsPerStep.forEach((g, s) => {
    const k = s + 1;
    for (let i = 0; i < w.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
      w[i] = w[i]! - (lr * (m[i]! / (1 - b1 ** k))) / (Math.sqrt(v[i]! / (1 - b2 ** k)) + eps);
    }
  });
  return w;
}

describe('optimizer on typed arrays', () => {
  it('Adam over a matrix for several steps matches the float64 rule within float32 rounding', () => {
    const rng = createRng(3);
    const shape = [7, 5];
    const w0 = Float32Array.from({ length: 35 }, () => rng.uniform(-1, 1));
    const grads = Array.from({ length: 4 }, () => Float32Array.from({ length: 35 }, () => rng.uniform(-2, 2)));
    const w = tf.variable(tf.tensor(w0, shape));
    const opt = new Optimizer({ kind: 'adam', lr: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
    for (const g of grads) {
      const gt = tf.tensor(g, shape);
      opt.apply([{ name: 'w', variable: w, grad: gt }], 1e-2);
      gt.dispose();
    }
    const want = adamReference(w0, grads, 1e-2, 0.9, 0.999, 1e-8);
    const got = w.dataSync();
    for (let i = 0; i < 35; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-6);
    expect(w.shape).toEqual(shape);
    // m and v come back as named slots of the variable's shape
    const state = opt.getState();
    expect(state.map((s) => s.name).sort()).toEqual(['w/m', 'w/v']);
    expect(state[0]!.shape).toEqual(shape);
    w.dispose();
  });

  it('leaves no tensors behind and resumes identically from its saved state', () => {
    const shape = [3, 4];
    const rng = createRng(9);
    const grads = Array.from({ length: 3 }, () => Float32Array.from({ length: 12 }, () => rng.uniform(-1, 1)));
    const spec = { kind: 'adamw' as const, lr: 0.05, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: 0.1 };
    const w = tf.variable(tf.ones(shape));
    const opt = new Optimizer(spec);
    const before = tf.memory().numTensors;
    const step = (o: Optimizer, v: tf.Variable, g: Float32Array) => {
      const gt = tf.tensor(g, shape);
      o.apply([{ name: 'w', variable: v, grad: gt }], spec.lr);
      gt.dispose();
    };
    step(opt, w, grads[0]!);
    expect(tf.memory().numTensors).toBe(before);
    // a second optimizer restored from the first one's state takes the same next step
    const w2 = tf.variable(tf.tensor(w.dataSync() as Float32Array, shape));
    const opt2 = new Optimizer(spec);
    opt2.setState(opt.step, opt.getState());
    step(opt, w, grads[1]!);
    step(opt2, w2, grads[1]!);
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w.dataSync()));
    w.dispose();
    w2.dispose();
  });

  it('rejects a saved slot whose values do not fill its shape, and a gradient of the wrong size', () => {
    const opt = new Optimizer({ kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
    expect(() => opt.setState(1, [{ name: 'w/m', shape: [2, 3], values: new Float32Array(5) }])).toThrow(
      /'w\/m' has 5 values, shape \[2, 3\] needs 6/,
    );
    const w = tf.variable(tf.zeros([4]));
    const g = tf.zeros([3]);
    expect(() => opt.apply([{ name: 'w', variable: w, grad: g }], 1e-3)).toThrow(/gradient of 'w' has 3 values/);
    expect(opt.step).toBe(0);
    w.dispose();
    g.dispose();
  });

  it('gives the same weights on wasm (in-place reads of the heap) as on cpu', async () => {
    const rng = createRng(5);
    const w0 = Float32Array.from({ length: 300 }, () => rng.uniform(-1, 1));
    const grads = Array.from({ length: 3 }, () => Float32Array.from({ length: 300 }, () => rng.uniform(-1, 1)));
    const run = () => {
      const pad = tf.ones([777]); // other data on the heap: offsets must be honoured
      const w = tf.variable(tf.tensor(w0, [20, 15]));
      const opt = new Optimizer({ kind: 'adam', lr: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-3 });
      for (const g of grads) {
        const gt = tf.tensor(g, [20, 15]);
        opt.apply([{ name: 'w', variable: w, grad: gt }], 1e-2);
        gt.dispose();
      }
      const out = Array.from(w.dataSync());
      tf.dispose([pad, w]);
      return out;
    };
    const cpu = run();
    await initBackend({ backend: 'wasm', quiet: true });
    try {
      expect(run()).toEqual(cpu);
    } finally {
      await initBackend({ backend: 'cpu', quiet: true });
    }
  });
});
