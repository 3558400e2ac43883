import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Sequential } from '../../src/network/sequential.ts';
import { fromSequential, type SequentialLike } from '../../src/inference/fromSequential.ts';
import { EventDrivenNetwork } from '../../src/inference/engine.ts';
import { createRng } from '../../src/util/random.ts';

const T = 60;

function randomInput(n: number, seed: number, kind: 'spikes' | 'current'): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: T * n }, () =>
    kind === 'spikes' ? (rng.next() < 0.25 ? 1 : 0) : rng.next() < 0.3 ? 0 : rng.uniform(0, 2),
  );
}

/** Runs the engine over `[T, n]` inputs and returns each layer's `[T, units]` 0/1 spikes. */
function engineSpikes(net: EventDrivenNetwork, x: Float32Array): Float32Array[] {
  const outs = net.layerSizes.slice(1).map((m) => new Float32Array(T * m));
  const n = net.inputSize;
  for (let t = 0; t < T; t++) {
    net.step(x.subarray(t * n, (t + 1) * n));
    outs.forEach((o, l) => {
      for (const j of net.spikes(l)) o[t * net.layerSizes[l + 1]! + j] = 1;
    });
  }
  return outs;
}

const configs: Array<[string, Record<string, unknown>, 'spikes' | 'current']> = [
  [
    'psp synapses, hard reset, spike input, dropout and bias',
    {
      T,
      inputShape: [24],
      input: 'spikes',
      seed: 3,
      layers: [
        { type: 'dense', units: 64, weightScale: 4 },
        { type: 'dropout', rate: 0.2 },
        { type: 'dense', units: 48, bias: true, weightScale: 4 },
        { type: 'dense', units: 4, weightScale: 4 },
      ],
    },
    'spikes',
  ],
  [
    'soft reset, per-layer overrides, plain-spike synapse, current input through flatten',
    {
      T,
      inputShape: [4, 6],
      input: 'current',
      seed: 5,
      lif: { tauMem: 4, reset: 'soft' },
      psp: { tauSyn: 4 },
      layers: [
        { type: 'flatten' },
        { type: 'dense', units: 40, weightScale: 3 },
        { type: 'dense', units: 32, synapseInput: 'spike', weightScale: 3, lif: { threshold: 0.8, decay: 0.8 } },
        { type: 'dense', units: 2, weightScale: 4, psp: { tauSyn: 2, scale: 'none' } },
      ],
    },
    'current',
  ],
];

describe('fromSequential: event-driven engine vs the tensor path', () => {
  for (const [name, config, kind] of configs) {
    it(`fires bit-exactly the same spikes as Sequential.forward on random inputs (${name})`, () => {
      const network = Sequential.fromConfig(config);
      try {
        const asLike: SequentialLike = network;
        const spec = fromSequential(asLike);
        const n = spec.layers[0]!.inSize;
        const x = randomInput(n, 9, kind);
        const { traces, spikes } = network.forward(tf.tensor(x, [T, 1, ...(config.inputShape as number[])]), {
          training: false,
          record: true,
        });
        const tensorLayers = traces!.map((tr) => tr.spikes.dataSync() as Float32Array);
        const got = engineSpikes(new EventDrivenNetwork(spec), x);
        expect(got.length).toBe(tensorLayers.length);
        got.forEach((g, l) => {
          const rate = g.reduce((a, b) => a + b, 0) / g.length;
          expect(rate, `layer ${l} firing rate`).toBeGreaterThan(0.01);
          expect(rate).toBeLessThan(0.95);
          expect(Array.from(g)).toEqual(Array.from(tensorLayers[l]!));
        });
        spikes.dispose();
        for (const tr of traces!) [tr.spikes, tr.psp, tr.membrane].forEach((t) => t?.dispose());
      } finally {
        network.dispose();
      }
    });
  }

  it('refuses convolutional networks naming the layer', () => {
    const network = Sequential.fromConfig({
      T: 4,
      inputShape: [6, 6, 1],
      layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'flatten' }, { type: 'dense', units: 2 }],
    });
    try {
      expect(() => fromSequential(network)).toThrow(/layer 0 'conv2d_0' is conv2d/);
    } finally {
      network.dispose();
    }
  });
});
