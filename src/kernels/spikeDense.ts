/**
 * Event-driven synaptic kernels of a dense layer with binary (spike) input, on typed arrays:
 *
 *   indexSpikes:  S [R, in] → per-row lists of the inputs that fired (built once per forward)
 *   spikeForward: I = S·W,   I[r, :]  = Σ_{i: S[r,i]=1} W[i, :]
 *   spikeGradW:   dW = Sᵀ·δ, dW[i, :] = Σ_{r: S[r,i]=1} δ[r, :]
 *   matMulNT:     dS = δ·Wᵀ (dense)
 *
 * Two implementations with bit-identical results: WebAssembly with SIMD (asm/spikeDense.ts, the
 * default when build/kernels holds it) and plain TypeScript (spikeDenseTs.ts, the fallback).
 * DESIGN §3 has the measured reason: ~10× more adds/s with f32x4 than a TypeScript loop.
 */
import { indexSpikesTs, matMulNTTs, spikeForwardTs, spikeGradWTs } from './spikeDenseTs.ts';
import { loadWasmSpikeKernels, SPIKE_DENSE_WASM_PATH, type WasmSpikeKernels } from './spikeDenseWasm.ts';

export { eventCount, transposeIndex, type SpikeIndex } from './spikeDenseTs.ts';

export type SpikeKernelKind = 'wasm' | 'ts';

export interface SpikeKernels extends WasmSpikeKernels {
  readonly kind: SpikeKernelKind;
}

const TS_KERNELS: SpikeKernels = Object.freeze({
  kind: 'ts' as const,
  indexSpikes: indexSpikesTs,
  spikeForward: spikeForwardTs,
  spikeGradW: spikeGradWTs,
  matMulNT: matMulNTTs,
});

/**
 * The kernels of the requested kind: 'auto' (default) is WebAssembly when its module is built
 * and loads, else TypeScript; 'wasm' throws when the module is missing, naming the build step.
 * Example: `const k = spikeKernels(); const I = k.spikeForward(k.indexSpikes(S, R, n)!, W, out);`
 */
export function spikeKernels(kind: SpikeKernelKind | 'auto' = 'auto'): SpikeKernels {
  if (kind === 'ts') return TS_KERNELS;
  const wasm = loadWasmSpikeKernels();
  if (wasm) return { kind: 'wasm', ...wasm };
  if (kind === 'wasm') {
    throw new Error(
      'spikeKernels: build/kernels/spikeDense.wasm is missing or does not load (run `npm ci` or `node scripts/build-wasm.mjs`)',
    );
  }
  warnFallback();
  return TS_KERNELS;
}

let warned = false;

/**
 * Says once per process, on stderr, that the spike kernels run as TypeScript: the results are the
 * same but training is several times slower, and a missing build is otherwise invisible.
 */
function warnFallback(): void {
  if (warned) return;
  warned = true;
  console.error(
    `spikeloop: warning: the WebAssembly spike kernels are not available (${SPIKE_DENSE_WASM_PATH} is missing or does not load); ` +
      'using the slower TypeScript kernels. Rebuild them with `node scripts/build-wasm.mjs` in a checkout, or reinstall spikeloop.',
  );
}

export type { WasmSpikeKernels };
