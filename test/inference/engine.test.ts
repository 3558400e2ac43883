import { describe, expect, it } from 'vitest';
import { EventDrivenNetwork } from '../../src/inference/engine.ts';
import type { DenseLayerSpec } from '../../src/inference/spec.ts';
import { createRng } from '../../src/util/random.ts';
import { denseReference, randomSpec } from './fixtures.ts';

function runEngine(net: EventDrivenNetwork, inputs: Float32Array, T: number): Uint8Array[] {
  const outs = net.layerSizes.slice(1).map((m) => new Uint8Array(T * m));
  const n = net.inputSize;
  for (let t = 0; t < T; t++) {
    net.step(inputs.subarray(t * n, (t + 1) * n));
    outs.forEach((o, l) => {
      const m = net.layerSizes[l + 1]!;
      for (const j of net.spikes(l)) o[t * m + j] = 1;
    });
  }
  return outs;
}

function randomInputs(T: number, n: number, seed: number, kind: 'spikes' | 'currents'): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: T * n }, () =>
    kind === 'spikes' ? (rng.next() < 0.2 ? 1 : 0) : rng.next() < 0.5 ? 0 : rng.uniform(0, 1.5),
  );
}

describe('event-driven inference engine', () => {
  it('golden values: one PSP-synapse LIF neuron, hand-computed membrane and spikes', () => {
    // α = 0.5, c = 1 ('none', τs = 2); λ = 0.5 (τm = 2); θ = 1; W = 0.8; input spikes at t = 0, 1
    const layer: DenseLayerSpec = {
      kind: 'dense',
      inSize: 1,
      outSize: 1,
      W: Float32Array.from([0.8]),
      lif: { tauMem: 2, threshold: 1, reset: 'hard' },
      synapseInput: 'psp',
      psp: { tauSyn: 2, scale: 'none' },
    };
    const net = new EventDrivenNetwork({ layers: [layer] });
    // t0: a=1, I=0.8, u=0.8            t1: a=1.5, I=1.2, u=0.4+1.2=1.6 → spike
    // t2: a=0.75, I=0.6, u=0 (reset)+0.6  t3: a=0.375, I=0.3, u=0.3+0.3=0.6
    const expectU = [0.8, 1.6, 0.6, 0.6];
    const expectS = [0, 1, 0, 0];
    [1, 1, 0, 0].forEach((x, t) => {
      const s = net.step([x]);
      expect(net.membrane(0)[0]).toBeCloseTo(expectU[t]!, 6);
      expect(s.length).toBe(expectS[t]);
    });
    net.reset();
    expect(net.time).toBe(0);
    expect(net.membrane(0)[0]).toBe(0);
  });

  const cases: Array<[string, Parameters<typeof randomSpec>[2], 'spikes' | 'currents']> = [
    ['psp synapses, hard reset, spike inputs', {}, 'spikes'],
    ['psp synapses, soft reset, real-valued inputs, bias', { lif: { tauMem: 4, threshold: 1, reset: 'soft' }, bias: true }, 'currents'],
    [
      'plain-spike synapses, hard reset, given decay and alpha',
      { synapseInput: 'spike', lif: { tauMem: 5, decay: Math.exp(-1 / 5), threshold: 0.7, reset: 'hard' } },
      'spikes',
    ],
    [
      'psp synapses with alpha given and no scale',
      { psp: { tauSyn: 4, alpha: 0.6, scale: 'none' }, weightStd: 1.2, weightMean: 0 },
      'currents',
    ],
  ];
  for (const [name, opts, kind] of cases) {
    it(`fires exactly the spikes of the float32 dense reference (${name})`, () => {
      const sizes = [40, 64, 48, 4];
      const spec = randomSpec(sizes, 11, opts);
      const T = 120;
      const inputs = randomInputs(T, sizes[0]!, 5, kind);
      const ref = denseReference(spec, inputs, T);
      const got = runEngine(new EventDrivenNetwork(spec), inputs, T);
      got.forEach((g, l) => {
        const rate = g.reduce((s, v) => s + v, 0) / g.length;
        expect(rate, `layer ${l} should be neither silent nor saturated`).toBeGreaterThan(0.01);
        expect(rate).toBeLessThan(0.9);
        expect(g).toEqual(ref.spikes[l]);
      });
    });
  }

  it('rejects mis-sized specs and inputs naming the layer and field', () => {
    const spec = randomSpec([4, 3, 2], 1);
    const bad = { layers: [spec.layers[0]!, { ...spec.layers[1]!, inSize: 5, W: new Float32Array(10) }] };
    expect(() => new EventDrivenNetwork(bad)).toThrow(/layers\[1\]\.inSize 5 != layers\[0\]\.outSize 3/);
    expect(() => new EventDrivenNetwork({ layers: [{ ...spec.layers[0]!, W: new Float32Array(3) }] })).toThrow(
      /layers\[0\]\.W must be a Float32Array of 4×3/,
    );
    expect(() => new EventDrivenNetwork(spec).step([1, 0])).toThrow(/input has 2 values, the network expects 4/);
  });
});
