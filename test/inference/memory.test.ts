import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { populationSpikeEncoder } from '../../src/inference/encoders.ts';
import { EventDrivenNetwork } from '../../src/inference/engine.ts';
import { fromSequential } from '../../src/inference/fromSequential.ts';
import { createSpikingPolicy } from '../../src/inference/policy.ts';
import { Sequential } from '../../src/network/sequential.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

const T = 60;

function randomSpikes(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: T * n }, () => (rng.next() < 0.25 ? 1 : 0));
}

/** The engine's per-layer spikes [T, units] (as fired) and its output (as `step` returns it). */
function runEngine(net: EventDrivenNetwork, x: Float32Array): { layers: Float32Array[]; output: Float32Array } {
  const layers = net.layerSizes.slice(1).map((m) => new Float32Array(T * m));
  const output = new Float32Array(T * net.outputSize);
  const n = net.inputSize;
  for (let t = 0; t < T; t++) {
    const out = net.step(x.subarray(t * n, (t + 1) * n));
    for (const j of out) output[t * net.outputSize + j] = 1;
    layers.forEach((o, l) => {
      for (const j of net.spikes(l)) o[t * net.layerSizes[l + 1]! + j] = 1;
    });
  }
  return { layers, output };
}

const hidden = { type: 'dense', units: 48, weightScale: 4 };
const cases: Array<[string, Array<Record<string, unknown>>, Record<string, unknown>]> = [
  [
    'recurrent LIF',
    [
      { ...hidden, recurrent: true },
      { ...hidden, units: 32, recurrent: true, recurrentScale: 2 },
    ],
    {},
  ],
  [
    'recurrent ALIF with a learned per-neuron τ, soft reset',
    [
      { ...hidden, recurrent: true, adaptive: { beta: 0.15, tauAdapt: 12 }, learnTau: 'neuron' },
      { ...hidden, units: 32 },
    ],
    { lif: { reset: 'soft' } },
  ],
  [
    'adaptive and delayed layers, plain-spike synapse',
    [
      { ...hidden, adaptive: { beta: -0.05, tauAdapt: 5 }, delay: 2 },
      { ...hidden, units: 32, weightScale: 3, synapseInput: 'spike', learnTau: 'layer', delay: 1, lif: { tauMem: 3 } },
    ],
    { seed: 11 },
  ],
];

describe('event-driven engine with recurrent, adaptive and delayed layers', () => {
  for (const [name, layers, extra] of cases) {
    it(`fires the same spikes as Sequential.forward, every layer and the output (${name})`, () => {
      const config = {
        T,
        inputShape: [24],
        input: 'spikes',
        seed: 3,
        ...extra,
        layers: [...layers, { type: 'dense', units: 4, weightScale: 8, delay: 1 }],
      };
      const network = Sequential.fromConfig(config);
      try {
        // a trained τ is not its initial value: move the logits so the per-neuron λ differ
        for (const { name: wn, variable } of network.namedVariables()) {
          if (wn.endsWith('/decayLogit')) variable.assign(tf.add(variable, tf.linspace(-0.8, 0.8, variable.size)));
        }
        const x = randomSpikes(24, 9);
        const { traces, spikes } = network.forward(tf.tensor(x, [T, 1, 24]), { training: false, record: true });
        const got = runEngine(new EventDrivenNetwork(fromSequential(network)), x);
        traces!.forEach((tr, l) => {
          const want = tr.spikes.dataSync();
          const rate = Array.from(want).reduce((a, b) => a + b, 0) / want.length;
          expect(rate, `layer ${l} firing rate`).toBeGreaterThan(0.01);
          expect(rate).toBeLessThan(0.95);
          expect(Array.from(got.layers[l]!), `layer ${l}`).toEqual(Array.from(want));
        });
        expect(Array.from(got.output)).toEqual(Array.from(spikes.dataSync()));
        tf.dispose([spikes, ...traces!.flatMap((tr) => [tr.spikes, tr.psp, tr.membrane].filter((t): t is tf.Tensor => t !== undefined))]);
      } finally {
        network.dispose();
      }
    });
  }

  it('a recurrent layer keeps firing from its own spikes after the input stops (memory)', () => {
    const network = Sequential.fromConfig({
      T,
      inputShape: [24],
      input: 'spikes',
      seed: 4,
      layers: [{ type: 'dense', units: 48, weightScale: 4, recurrent: true, recurrentScale: 6 }],
    });
    try {
      const net = new EventDrivenNetwork(fromSequential(network));
      const x = randomSpikes(24, 5);
      for (let t = 0; t < 10; t++) net.step(x.subarray(t * 24, (t + 1) * 24));
      let late = 0;
      for (let t = 0; t < 10; t++) late += net.step(new Float32Array(24)).length;
      expect(late).toBeGreaterThan(0);
      net.reset();
      let quiet = 0;
      for (let t = 0; t < 10; t++) quiet += net.step(new Float32Array(24)).length;
      expect(quiet).toBe(0);
    } finally {
      network.dispose();
    }
  });

  it('the visualizer raster gets every layer of a recurrent policy (per-layer spike events)', () => {
    const network = Sequential.fromConfig({
      T,
      inputShape: [20],
      input: 'spikes',
      seed: 6,
      layers: [
        { type: 'dense', units: 32, weightScale: 4, recurrent: true, adaptive: { beta: 0.1, tauAdapt: 10 } },
        { type: 'dense', units: 4, weightScale: 4 },
      ],
    });
    try {
      const policy = createSpikingPolicy({
        network: new EventDrivenNetwork(fromSequential(network)),
        encoder: populationSpikeEncoder({ low: [-1.5, -1], high: [1.5, 1] }),
        substeps: 8,
      });
      expect(policy.layerSizes).toEqual([20, 32, 4]);
      const { spikes } = policy.step(Float64Array.of(0.3, -0.2));
      expect(spikes.map((s) => s.layer)).toEqual([0, 1, 2]);
      expect(spikes[1]!.neurons.length).toBeGreaterThan(0);
      for (const ev of spikes) for (const n of ev.neurons) expect(n).toBeLessThan(policy.layerSizes[ev.layer]!);
    } finally {
      network.dispose();
    }
  });

  it('rejects a spec whose recurrent weights do not fit, naming the field', () => {
    const spec = {
      layers: [
        {
          kind: 'dense' as const,
          inSize: 2,
          outSize: 3,
          W: new Float32Array(6),
          lif: { tauMem: 5, threshold: 1, reset: 'hard' as const },
          synapseInput: 'spike' as const,
          psp: { tauSyn: 3, scale: 'none' as const },
          recurrent: new Float32Array(4),
        },
      ],
    };
    expect(() => new EventDrivenNetwork(spec)).toThrow(/layers\[0\]\.recurrent must be a Float32Array of 3×3/);
    expect(() => new EventDrivenNetwork({ layers: [{ ...spec.layers[0]!, recurrent: new Float32Array(9), delay: -1 }] })).toThrow(
      /layers\[0\]\.delay/,
    );
  });
});
