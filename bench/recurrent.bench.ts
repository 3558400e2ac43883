/**
 * Training-step time of layers with memory against the feed-forward layer of the same size
 * (issue #11's target: recurrent ≤ 2× feed-forward). The control-mlp shape of layers.bench.ts
 * (64 Bernoulli inputs, two hidden layers of 128, 8 outputs), with the hidden layers plain,
 * recurrent, recurrent + adaptive, or with a learned per-neuron τ; one step = forward +
 * spike-sequence loss + backward + Adam, on tfjs-wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend/index.ts';
import { classSpikeTrains } from '../src/labels/classification.ts';
import { spikeSequenceLoss } from '../src/loss/index.ts';
import { Sequential } from '../src/network/sequential.ts';
import { Trainer } from '../src/train/trainer.ts';
import { createRng } from '../src/util/random.ts';
import type { BenchSuite, BenchTable } from './types.ts';

const T = 100;
const BATCH = 16;
const INPUTS = 64;
const lif = { tauMem: 5, threshold: 1, reset: 'soft', detachReset: true, surrogate: { kind: 'fastSigmoid', slope: 10 } };

const VARIANTS: Array<[string, Record<string, unknown>]> = [
  ['feed-forward', {}],
  ['recurrent', { recurrent: true }],
  ['recurrent + adaptive', { recurrent: true, adaptive: { beta: 0.2, tauAdapt: 20 } }],
  ['learned τ per neuron', { learnTau: 'neuron' }],
];

interface Bench {
  /** One training step: wall and process CPU milliseconds (CPU time is what a loaded machine distorts least). */
  step(): { wall: number; cpu: number };
  rates: number[];
  dispose(): void;
}

function build(hidden: Record<string, unknown>): Bench {
  const layer = { type: 'dense', units: 128, weightScale: 4, synapseInput: 'spike', ...hidden };
  const net = Sequential.fromConfig({
    T,
    inputShape: [INPUTS],
    input: 'spikes',
    lif,
    layers: [layer, layer, { type: 'dense', units: 8, weightScale: 4, synapseInput: 'spike' }],
  });
  const rng = createRng(0);
  const x = tf.tensor(
    Float32Array.from({ length: T * BATCH * INPUTS }, () => (rng.next() < 0.1 ? 1 : 0)),
    [T, BATCH, INPUTS],
  );
  const labels = Int32Array.from({ length: BATCH }, () => rng.int(8));
  const d = classSpikeTrains(labels, { T, numClasses: 8, pattern: Array.from({ length: T }, (_, t) => (t % 3 === 1 ? 1 : 0)) });
  const trainer = new Trainer(net, {
    loss: (o, t) => spikeSequenceLoss(o, t, { psp: { tauSyn: 5, alpha: Math.exp(-1 / 5), scale: 'none' }, reduction: 'mean' }),
    optimizer: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
    progress: 'never',
  });
  const rec = net.forward(x, { training: false, record: true });
  const rates = rec.traces!.map((t) => tf.mean(t.spikes).dataSync()[0]!);
  rec.traces!.forEach((t) => [t.spikes, t.psp, t.membrane].forEach((v) => v?.dispose()));
  rec.spikes.dispose();
  trainer.trainStep({ inputs: x, targets: d }); // warm-up
  return {
    rates,
    step: () => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      trainer.trainStep({ inputs: x, targets: d });
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      return { wall, cpu: (c.user + c.system) / 1000 };
    },
    dispose: () => {
      trainer.dispose();
      net.dispose();
      tf.dispose([x, d]);
    },
  };
}

const suite: BenchSuite = async ({ quick }) => {
  await initBackend({ backend: 'wasm', quiet: true });
  const iters = quick ? 2 : 20;
  const benches = VARIANTS.map(([, hidden]) => build(hidden));
  // interleaved (one step of each variant per round), so that a change of machine load hits all alike
  const times = benches.map(() => [] as number[]);
  const cpus = benches.map(() => [] as number[]);
  for (let i = 0; i < iters; i++) {
    benches.forEach((b, v) => {
      const { wall, cpu } = b.step();
      times[v]!.push(wall);
      cpus[v]!.push(cpu);
    });
  }
  benches.forEach((b) => b.dispose());
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  const base = { min: Math.min(...times[0]!), median: median(times[0]!), cpu: median(cpus[0]!) };
  const rows = VARIANTS.map(([name], v) => {
    const t = times[v]!;
    return [
      name,
      T,
      BATCH,
      iters,
      median(t),
      Math.min(...t),
      median(t) / base.median,
      Math.min(...t) / base.min,
      median(cpus[v]!),
      median(cpus[v]!) / base.cpu,
      benches[v]!.rates.map((r) => r.toFixed(3)).join(' '),
    ];
  });
  const table: BenchTable = {
    title: `Training step with memory layers (64 → 128 → 128 → 8, T=${T}, B=${BATCH}, wasm)`,
    columns: [
      'hidden layers',
      'T',
      'B',
      'iters',
      'median ms',
      'min ms',
      '× feed-forward (median)',
      '× feed-forward (min)',
      'median CPU ms',
      '× feed-forward (CPU median)',
      'spike rates@init',
    ],
    rows,
    notes: [
      "Target (issue #11): the recurrent layer's training step ≤ 2× the feed-forward one. One warm-up step each, then the variants' steps interleaved. CPU ms: the process's user + system time per step (one thread), which a loaded machine inflates far less than the wall clock.",
    ],
  };
  return [table];
};

export default suite;
