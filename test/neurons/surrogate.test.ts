import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import {
  arctan,
  fastSigmoid,
  rectangular,
  resolveSurrogate,
  sigmoid,
  spikeFn,
  surrogateGrad,
  surrogateGradTensor,
  surrogateSmooth,
  type SurrogateSpec,
} from '../../src/neurons/surrogate.ts';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

/** The smooth functions as tf ops, for autograd (independent of the hand-written derivatives). */
function smoothTf(spec: SurrogateSpec): (x: tf.Tensor) => tf.Tensor {
  const s = resolveSurrogate(spec);
  switch (s.kind) {
    case 'rectangular':
      return (x) => tf.clipByValue(tf.add(tf.div(x, s.width), 0.5), 0, 1);
    case 'sigmoid':
      return (x) => tf.sigmoid(tf.mul(x, s.alpha));
    case 'arctan':
      return (x) => tf.add(tf.div(tf.atan(tf.mul(x, (Math.PI / 2) * s.alpha)), Math.PI), 0.5);
    case 'fastSigmoid':
      return (x) => tf.div(x, tf.add(1, tf.mul(tf.abs(x), s.slope)));
  }
}

const SPECS: SurrogateSpec[] = [rectangular({ width: 0.8 }), sigmoid({ alpha: 3 }), arctan({ alpha: 2 }), fastSigmoid({ slope: 10 })];
// Points away from the rectangular window's edges (±0.4) and from the kink of |x| at 0.
const XS = [-2.1, -0.9, -0.3, -0.05, 0.02, 0.17, 0.35, 0.55, 1.3, 3];

describe('surrogate derivatives', () => {
  for (const spec of SPECS) {
    it(`${spec.kind}: hand gradient equals central finite differences of its smooth function`, () => {
      const g = surrogateGrad(spec);
      const f = surrogateSmooth(spec);
      const h = 1e-6;
      for (const x of XS) {
        const fd = (f(x + h) - f(x - h)) / (2 * h);
        expect(Math.abs(g(x) - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    });

    it(`${spec.kind}: hand gradient equals tf autograd of the smooth function and surrogateGradTensor`, () => {
      const x = tf.tensor1d(XS);
      const auto = tf.grad(smoothTf(spec))(x).dataSync();
      const tensor = surrogateGradTensor(x, spec).dataSync();
      const g = surrogateGrad(spec);
      XS.forEach((v, i) => {
        expect(auto[i]!).toBeCloseTo(g(v), 5);
        expect(tensor[i]!).toBeCloseTo(g(v), 5);
      });
    });

    it(`${spec.kind}: spikeFn is a strict Heaviside forward with dy·σ' backward`, () => {
      const xs = [...XS, 0];
      const x = tf.tensor1d(xs);
      expect(Array.from(spikeFn(x, spec).dataSync())).toEqual(xs.map((v) => (v > 0 ? 1 : 0)));
      const dy = tf.tensor1d(xs.map((_, i) => i - 3));
      const grad = tf
        .grad((t: tf.Tensor) => tf.sum(tf.mul(spikeFn(t, spec), dy)))(x)
        .dataSync();
      const g = surrogateGrad(spec);
      xs.forEach((v, i) => expect(grad[i]!).toBeCloseTo((i - 3) * g(v), 5));
    });
  }

  it('the surrogate peaks at the threshold with the documented height', () => {
    expect(surrogateGrad(rectangular({ width: 0.5 }))(0)).toBe(2);
    expect(surrogateGrad(sigmoid({ alpha: 4 }))(0)).toBeCloseTo(1, 12);
    expect(surrogateGrad(arctan({ alpha: 2 }))(0)).toBeCloseTo(1, 12);
    expect(surrogateGrad(fastSigmoid())(0)).toBe(1);
    // fastSigmoid default slope 10 is the PyTorch bench model's: 1/(1 + 10·0.1)² = 0.25.
    expect(surrogateGrad(fastSigmoid())(0.1)).toBeCloseTo(0.25, 12);
  });
});

describe('surrogate factories', () => {
  it('fill defaults and keep given parameters', () => {
    expect(rectangular()).toEqual({ kind: 'rectangular', width: 1 });
    expect(sigmoid()).toEqual({ kind: 'sigmoid', alpha: 5 });
    expect(arctan({ alpha: 3 })).toEqual({ kind: 'arctan', alpha: 3 });
    expect(fastSigmoid()).toEqual({ kind: 'fastSigmoid', slope: 10 });
    expect(resolveSurrogate({ kind: 'sigmoid' })).toEqual({ kind: 'sigmoid', alpha: 5 });
  });

  it('reject non-positive or non-finite parameters and unknown kinds, naming them', () => {
    expect(() => rectangular({ width: 0 })).toThrow(/rectangular: width/);
    expect(() => sigmoid({ alpha: Number.NaN })).toThrow(/sigmoid: alpha/);
    expect(() => arctan({ alpha: Infinity })).toThrow(/arctan: alpha/);
    expect(() => fastSigmoid({ slope: -1 })).toThrow(/fastSigmoid: slope/);
    expect(() => surrogateGrad({ kind: 'triangle' } as unknown as SurrogateSpec)).toThrow(/unknown kind "triangle"/);
  });
});
