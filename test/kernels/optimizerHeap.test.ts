import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { Optimizer, type OptimizerSpec } from '../../src/train/optimizers.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const SPECS: OptimizerSpec[] = [
  { kind: 'adam', lr: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
  { kind: 'adam', lr: 3e-3, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.05 },
  { kind: 'adamw', lr: 5e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
  { kind: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 1e-3 },
  { kind: 'sgd', lr: 0.05, momentum: 0, weightDecay: 0 },
];

/** Runs `steps` updates of two variables (odd and even sizes) with one kernel; returns weights and slots. */
function train(spec: OptimizerSpec, kernel: 'auto' | 'ts', steps: number) {
  const rng = createRng(9);
  const shapes = [
    [7, 5],
    [4, 16],
  ];
  const vars = shapes.map((s) =>
    tf.variable(
      tf.tensor(
        Float32Array.from({ length: s[0]! * s[1]! }, () => rng.uniform(-1, 1)),
        s,
      ),
    ),
  );
  const opt = new Optimizer(spec, { kernel });
  for (let k = 0; k < steps; k++) {
    const grads = vars.map((v) =>
      tf.tensor(
        Float32Array.from({ length: v.size }, () => rng.uniform(-2, 2)),
        v.shape,
      ),
    );
    opt.apply(
      vars.map((v, i) => ({ name: `w${i}`, variable: v, grad: grads[i]! })),
      spec.lr * (1 - 0.1 * k), // a schedule's changing lr
    );
    tf.dispose(grads);
  }
  const out = { w: vars.map((v) => Array.from(v.dataSync())), state: opt.getState().map((e) => ({ ...e, values: Array.from(e.values) })) };
  return { out, opt, vars };
}

describe('the WebAssembly optimizer update on the heap', () => {
  for (const spec of SPECS) {
    const label = spec.kind === 'sgd' ? `sgd, momentum ${spec.momentum}` : `${spec.kind}, weight decay ${spec.weightDecay}`;
    it(`gives the TypeScript loop's weights and slots bit for bit (${label}, 5 steps)`, () => {
      const heap = train(spec, 'auto', 5);
      const ts = train(spec, 'ts', 5);
      expect(heap.out.w).toEqual(ts.out.w);
      expect(heap.out.state).toEqual(ts.out.state);
      // the weights moved
      const start = train(spec, 'ts', 0).out.w;
      expect(heap.out.w[0]).not.toEqual(start[0]);
      for (const r of [heap, ts]) {
        r.opt.dispose();
        tf.dispose(r.vars);
      }
    });
  }

  it('keeps slots across setState (moved onto the heap) and leaks no tensor', () => {
    const spec = SPECS[0]!;
    const a = train(spec, 'auto', 3);
    const b = train(spec, 'ts', 3);
    // continue b's run on the heap from its saved state, a's in place
    const c = new Optimizer(spec);
    c.setState(b.opt.step, b.opt.getState());
    const before = tf.memory().numTensors;
    const rng = createRng(5);
    for (let k = 0; k < 2; k++) {
      const grads = a.vars.map((v) =>
        tf.tensor(
          Float32Array.from({ length: v.size }, () => rng.uniform(-1, 1)),
          v.shape,
        ),
      );
      a.opt.apply(
        a.vars.map((v, i) => ({ name: `w${i}`, variable: v, grad: grads[i]! })),
        1e-2,
      );
      c.apply(
        b.vars.map((v, i) => ({ name: `w${i}`, variable: v, grad: grads[i]! })),
        1e-2,
      );
      tf.dispose(grads);
    }
    // c created its four slot tensors on the heap at its first update; nothing else stays
    expect(tf.memory().numTensors).toBe(before + 4);
    expect(a.vars.map((v) => Array.from(v.dataSync()))).toEqual(b.vars.map((v) => Array.from(v.dataSync())));
    expect(c.getState()).toEqual(a.opt.getState());
    const n = tf.memory().numTensors;
    c.dispose();
    expect(tf.memory().numTensors).toBe(n - 4);
    for (const r of [a, b]) {
      r.opt.dispose();
      tf.dispose(r.vars);
    }
  });
});
