import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { readFloat32, releaseFloat32, takeFloat32 } from '../../src/neurons/heap.ts';
import { lifMultiStep, lifMultiStepWithState } from '../../src/neurons/lif.ts';

afterAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('readFloat32 reads tensors in place', () => {
  it('on wasm returns a view of the heap holding the same values as dataSync, without a copy', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const x = tf.tensor([0.5, -1, 2.25, 3, 7, -0.125], [2, 3]);
    const a = readFloat32(x);
    expect(Array.from(a)).toEqual(Array.from(x.dataSync()));
    // a view, not a copy: two reads share the backend's buffer
    expect(readFloat32(x).buffer).toBe(a.buffer);
    expect(a.buffer).not.toBe((x.dataSync() as Float32Array).buffer);
    x.dispose();
  });

  it('refuses a non-float32 tensor with a message naming its dtype', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const i = tf.tensor([1, 2], [2], 'int32');
    expect(() => readFloat32(i)).toThrow(/dtype is int32/);
    i.dispose();
  });

  it('the fused LIF reading its input in place gives the cpu membranes and spikes, with several live tensors', async () => {
    const I = Float32Array.from({ length: 6 * 40 }, (_, k) => Math.sin(k * 0.37) * 1.3 + 0.4);
    const run = () => {
      const filler = tf.ones([1000]); // other tensors on the heap: offsets must be honoured
      const x = tf.tensor(I, [6, 40]);
      const { spikes, membrane } = lifMultiStepWithState(x, { tauMem: 5, reset: 'soft' });
      const out = { s: Array.from(spikes.dataSync()), u: Array.from(membrane.dataSync()) };
      tf.dispose([filler, x, spikes, membrane]);
      return out;
    };
    await initBackend({ backend: 'cpu', quiet: true });
    const cpu = run();
    await initBackend({ backend: 'wasm', quiet: true });
    const wasm = run();
    expect(wasm.s).toEqual(cpu.s);
    expect(wasm.u).toEqual(cpu.u);
  });

  it('two fused LIF layers sharing the reused spike/gradient buffer train as on cpu (soft, detached)', async () => {
    const I = Float32Array.from({ length: 8 * 30 }, (_, k) => Math.cos(k * 0.71) * 1.6 + 0.5);
    const W = Float32Array.from({ length: 8 * 30 }, (_, k) => Math.sin(k * 1.3) * 0.8);
    const lif = { tauMem: 5, reset: 'soft' as const, detachReset: true };
    const run = () => {
      const x = tf.tensor(I, [8, 30]);
      const w = tf.tensor(W, [8, 30]);
      const f = (wt: tf.Tensor) => {
        const s1 = lifMultiStep(x, lif);
        // elementwise only: the same float32 operations on both backends
        const s2 = lifMultiStep(tf.add(tf.mul(s1, wt), x), lif);
        return tf.sum(tf.mul(s2, tf.linspace(-1, 1, 30)));
      };
      const g = tf.grad(f)(w);
      const out = { y: f(w).dataSync()[0]!, g: Array.from(g.dataSync()) };
      tf.dispose([x, w, g]);
      return out;
    };
    await initBackend({ backend: 'cpu', quiet: true });
    const cpu = run();
    await initBackend({ backend: 'wasm', quiet: true });
    const wasm = run();
    // the second run takes the membrane arrays the first one's backward handed back
    expect(run()).toEqual(wasm);
    expect(wasm.y).toBeCloseTo(cpu.y, 5);
    wasm.g.forEach((v, k) => expect(Math.abs(v - cpu.g[k]!)).toBeLessThan(1e-6));
    expect(cpu.g.some((v) => v !== 0)).toBe(true);
  });

  it('the array pool hands back released arrays of the same length only, never views', () => {
    const a = takeFloat32(1234);
    expect(a.length).toBe(1234);
    releaseFloat32(a);
    expect(takeFloat32(1234)).toBe(a);
    expect(takeFloat32(1234)).not.toBe(a); // taken once only
    const big = new Float32Array(100);
    releaseFloat32(big.subarray(0, 50));
    expect(takeFloat32(50).buffer).not.toBe(big.buffer);
  });
});
