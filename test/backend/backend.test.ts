import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { initBackend, parseBackendName, type BackendName } from '../../src/backend/index.ts';

async function tfjsNodeLoads(): Promise<boolean> {
  const name = '@tensorflow/tfjs-node';
  try {
    await import(name);
    return true;
  } catch {
    return false;
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('initBackend', () => {
  it('selects the requested backend, prints one line, and is idempotent', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await initBackend({ backend: 'cpu' })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend({ backend: 'cpu' })).toBe('cpu');
    const ours = log.mock.calls.filter((c) => String(c[0]).startsWith('spikeloop:'));
    expect(ours).toEqual([["spikeloop: tfjs backend 'cpu'"]]);
    expect(await initBackend({ backend: 'wasm', quiet: true })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(log.mock.calls.filter((c) => String(c[0]).startsWith('spikeloop:'))).toHaveLength(1);
  });

  it('reads SPIKELOOP_BACKEND when no option is given; the option wins over it', async () => {
    vi.stubEnv('SPIKELOOP_BACKEND', 'cpu');
    expect(await initBackend({ quiet: true })).toBe('cpu');
    expect(await initBackend({ backend: 'wasm', quiet: true })).toBe('wasm');
  });

  it('rejects unknown names from the option or the environment, naming the source', async () => {
    await expect(initBackend({ backend: 'gpu' as BackendName })).rejects.toThrow(
      /initBackend: unknown backend "gpu" \(expected one of auto, tensorflow, wasm, cpu\)/,
    );
    vi.stubEnv('SPIKELOOP_BACKEND', 'webgl');
    await expect(initBackend({ quiet: true })).rejects.toThrow(/SPIKELOOP_BACKEND: unknown backend "webgl"/);
    expect(parseBackendName('wasm')).toBe('wasm');
  });

  it("'auto' uses tfjs-node when it loads, else wasm", async () => {
    const expected = (await tfjsNodeLoads()) ? 'tensorflow' : 'wasm';
    expect(await initBackend({ backend: 'auto', quiet: true })).toBe(expected);
    expect(tf.getBackend()).toBe(expected);
  });

  it("an explicitly requested 'tensorflow' that cannot load is an error, not a fallback", async (ctx) => {
    if (await tfjsNodeLoads()) ctx.skip();
    await initBackend({ backend: 'cpu', quiet: true });
    await expect(initBackend({ backend: 'tensorflow', quiet: true })).rejects.toThrow(
      /backend 'tensorflow' was requested but failed to load/,
    );
    expect(tf.getBackend()).toBe('cpu');
  });

  it('runs the wasm backend from the .wasm files in node_modules (SIMD build computes)', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const y = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
    expect(Array.from(y.dataSync())).toEqual([19, 22, 43, 50]);
  });
});
