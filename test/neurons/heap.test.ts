import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { readFloat32 } from '../../src/neurons/heap.ts';
import { lifMultiStepWithState } from '../../src/neurons/lif.ts';

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
});
