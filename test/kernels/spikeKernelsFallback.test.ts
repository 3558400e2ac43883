import { afterEach, describe, expect, it, vi } from 'vitest';

// The compiled module "missing": what an install without build/kernels/ sees.
vi.mock('../../src/kernels/spikeDenseWasm.ts', async (original) => ({
  ...(await original<typeof import('../../src/kernels/spikeDenseWasm.ts')>()),
  loadWasmSpikeKernels: () => undefined,
}));

const { spikeKernels } = await import('../../src/kernels/spikeDense.ts');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('spike kernels without the WebAssembly module', () => {
  it("'auto' falls back to the TypeScript kernels with one visible warning on stderr per process", () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(spikeKernels().kind).toBe('ts');
    expect(spikeKernels('auto').kind).toBe('ts');
    expect(err).toHaveBeenCalledTimes(1);
    expect(String(err.mock.calls[0]![0])).toMatch(
      /warning: the WebAssembly spike kernels are not available .*spikeDense\.wasm.*slower TypeScript kernels/,
    );
  });

  it("an explicit 'wasm' is an error naming the build step, and 'ts' is chosen silently", () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => spikeKernels('wasm')).toThrow(
      /spikeDense\.wasm is missing or does not load \(run `npm ci` or `node scripts\/build-wasm\.mjs`\)/,
    );
    expect(spikeKernels('ts').kind).toBe('ts');
    expect(err).not.toHaveBeenCalled();
  });
});
