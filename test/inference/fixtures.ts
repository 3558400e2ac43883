/**
 * Test helpers: a random dense SNN spec and a literal float32 implementation of the spec's
 * equations in the tensor path's order (filter the inputs, then the dense product), used as the
 * oracle for the event-driven engine.
 */
import type { DenseLayerSpec, EventNetworkSpec, LifParams } from '../../src/inference/spec.ts';
import { createRng } from '../../src/util/random.ts';

export function randomSpec(
  sizes: readonly number[],
  seed: number,
  layer: Partial<Pick<DenseLayerSpec, 'synapseInput' | 'psp' | 'lif'>> & { weightMean?: number; weightStd?: number; bias?: boolean } = {},
): EventNetworkSpec {
  const rng = createRng(seed);
  const lif: LifParams = layer.lif ?? { tauMem: 5, threshold: 1, reset: 'hard' };
  const layers: DenseLayerSpec[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inSize = sizes[l]!;
    const outSize = sizes[l + 1]!;
    const W = new Float32Array(inSize * outSize);
    const std = (layer.weightStd ?? 2.5) / Math.sqrt(inSize);
    for (let k = 0; k < W.length; k++) W[k] = rng.normal(layer.weightMean ?? 0.3 / Math.sqrt(inSize), std);
    const bias = layer.bias ? Float32Array.from({ length: outSize }, () => rng.normal(0, 0.05)) : undefined;
    layers.push({
      kind: 'dense',
      inSize,
      outSize,
      W,
      ...(bias ? { bias } : {}),
      lif,
      synapseInput: layer.synapseInput ?? 'psp',
      psp: layer.psp ?? { tauSyn: 3, scale: 'unit-area' },
    });
  }
  return { layers };
}

/** Runs `[T, in]` inputs through the spec in float32; returns each layer's `[T, out]` 0/1 spikes and membranes. */
export function denseReference(
  spec: EventNetworkSpec,
  inputs: Float32Array,
  T: number,
): { spikes: Uint8Array[]; membranes: Float32Array[] } {
  const f = Math.fround;
  const spikes: Uint8Array[] = [];
  const membranes: Float32Array[] = [];
  let x = inputs;
  for (const L of spec.layers) {
    const { inSize: n, outSize: m } = L;
    const filtered = L.synapseInput === 'psp';
    const alpha = f(L.psp.alpha ?? 1 - 1 / L.psp.tauSyn);
    const c = f(L.psp.scale === 'unit-area' ? 1 / L.psp.tauSyn : 1);
    const decay = f(L.lif.decay ?? 1 - 1 / L.lif.tauMem);
    const th = f(L.lif.threshold);
    const a = new Float32Array(n);
    const u = new Float32Array(m);
    const o = new Float32Array(m);
    const out = new Uint8Array(T * m);
    const mem = new Float32Array(T * m);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < n; i++) a[i] = filtered ? f(f(alpha * a[i]!) + f(c * x[t * n + i]!)) : x[t * n + i]!;
      for (let j = 0; j < m; j++) {
        let I = 0;
        for (let i = 0; i < n; i++) I = f(I + f(a[i]! * L.W[i * m + j]!));
        if (L.bias) I = f(I + L.bias[j]!);
        const r = L.lif.reset === 'hard' ? f(u[j]! * f(1 - o[j]!)) : f(u[j]! - f(th * o[j]!));
        u[j] = f(f(decay * r) + I);
        o[j] = u[j]! > th ? 1 : 0;
        out[t * m + j] = o[j]!;
        mem[t * m + j] = u[j]!;
      }
    }
    spikes.push(out);
    membranes.push(mem);
    x = Float32Array.from(out);
  }
  return { spikes, membranes };
}
