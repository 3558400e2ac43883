import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { useSpikeKernels, type SpikeDenseMode } from '../../src/kernels/spikeDenseOp.ts';
import { Dense } from '../../src/layers/dense.ts';
import { lifTB, pspTB } from '../../src/layers/neuronOps.ts';
import { resolveLif, resolvePsp, type LayerLifOptions, type LayerPspOptions } from '../../src/layers/neuronOptions.ts';
import type { LayerTrace } from '../../src/layers/types.ts';
import { Sequential } from '../../src/network/sequential.ts';
import { createRng } from '../../src/util/random.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterEach(() => {
  useSpikeKernels('auto');
});
afterAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

function bernoulli(shape: number[], p: number, seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => (rng.next() < p ? 1 : 0)),
    shape,
  );
}

function relErr(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  expect(x.length).toBe(ref.length);
  let err = 0;
  let scale = 1e-30;
  for (let i = 0; i < ref.length; i++) {
    err = Math.max(err, Math.abs(x[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return err / scale;
}

interface Run {
  spikes: number[][];
  membranes: Float32Array[];
  grads: Float32Array[];
}

/** Every layer's spikes and membranes, and the gradients of a loss on the output PSP, under one mode. */
function run(net: Sequential, x: tf.Tensor, mode: SpikeDenseMode): Run {
  useSpikeKernels(mode);
  const { spikes, traces } = net.forward(x, { training: true, record: true });
  const out: Run = {
    spikes: traces!.map((t) => Array.from(t.spikes.dataSync())),
    membranes: traces!.map((t) => t.membrane!.dataSync() as Float32Array),
    grads: [],
  };
  tf.dispose([spikes, ...traces!.flatMap((t: LayerTrace) => [t.spikes, t.psp, t.membrane])]);
  const { value, grads } = tf.variableGrads(() => {
    const { traces: tr } = net.forward(x, { training: true, record: true });
    const loss = tf.sum(tf.square(tf.sub(tr!.at(-1)!.psp!, 0.3))) as tf.Scalar;
    tf.dispose(tr!.flatMap((t) => [t.spikes, t.psp, t.membrane]));
    return loss;
  }, net.trainableVariables);
  out.grads = net.trainableVariables.map((v) => grads[v.name]!.dataSync() as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

describe('dense layers on spike input', () => {
  it.each(['psp', 'spike'] as const)('outputs, membranes and gradients are those of the plain matMul path (%s synapse)', (synapseInput) => {
    const net = Sequential.fromConfig({
      T: 12,
      inputShape: [50],
      input: 'spikes',
      seed: 3,
      layers: [
        { type: 'dense', units: 40, weightScale: 6, synapseInput },
        { type: 'dense', units: 30, weightScale: 6, synapseInput, bias: true },
        { type: 'dense', units: 6, weightScale: 5, synapseInput },
      ],
    });
    const x = bernoulli([12, 4, 50], 0.2, 5);
    const ref = run(net, x, 'matmul');
    // the hidden layers must really spike, or the second and third products test nothing
    for (const s of ref.spikes.slice(0, 2)) expect(s.reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
    for (const mode of ['wasm', 'ts'] as const) {
      const ours = run(net, x, mode);
      expect(ours.spikes).toEqual(ref.spikes);
      ours.membranes.forEach((m, i) => expect(relErr(m, ref.membranes[i]!)).toBeLessThan(1e-5));
      ours.grads.forEach((g, i) => expect(relErr(g, ref.grads[i]!)).toBeLessThan(1e-5));
    }
    x.dispose();
    net.dispose();
  });

  it('a PSP synapse filters the narrow product: LIF(ε∗(S·W)) equals LIF((ε∗S)·W) within float tolerance', () => {
    const lif: LayerLifOptions = { tauMem: 5, threshold: 1, reset: 'hard', surrogate: { kind: 'sigmoid', alpha: 5 }, detachReset: true };
    const psp: LayerPspOptions = { tauSyn: 3, scale: 'unit-area' };
    const T = 15,
      B = 3,
      nIn = 80,
      units = 25;
    const layer = new Dense('d', [nIn], { units, bias: false, weightScale: 8, synapseInput: 'psp', lif, psp }, createRng(7));
    const x = bernoulli([T, B, nIn], 0.15, 8);
    const traces: LayerTrace[] = [];
    const out = layer.forward({ x, filtered: false, static: false, binary: true }, { T, training: false, rng: createRng(1), traces });
    const W = layer.weights[0]!.variable as tf.Tensor2D;
    // filter first, on the wide input, then a dense product: the textbook order of DESIGN §2
    const filtered = pspTB(x, resolvePsp(psp));
    const current = tf.reshape(tf.matMul(tf.reshape(filtered, [T * B, nIn]) as tf.Tensor2D, W), [T, B, units]);
    const ref = lifTB(current, resolveLif(lif), true);
    expect(relErr(traces[0]!.membrane!.dataSync(), ref.membrane!.dataSync())).toBeLessThan(1e-5);
    expect(Array.from(out.x.dataSync())).toEqual(Array.from(ref.spikes.dataSync()));
    expect(out.x.sum().dataSync()[0]).toBeGreaterThan(10);
    tf.dispose([x, out.x, filtered, current, ref.spikes, ref.membrane!, ...traces.flatMap((t) => [t.spikes, t.psp, t.membrane])]);
    layer.dispose();
  });
});
