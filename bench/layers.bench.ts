/**
 * Training-step time of the PyTorch reference workloads (/work/shared/bench/torch_snn.py, same
 * shapes, LIF, loss and Adam) built from `src/network` configs and trained with `src/train`:
 * one step = forward + spike-sequence loss + backward (fused LIF/PSP ops) + Adam update.
 * Backends: tfjs 'cpu' (plain JS) and 'wasm' (XNNPACK, one thread, with src/backend's training kernels).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend/index.ts';
import { classSpikeTrains } from '../src/labels/classification.ts';
import { spikeSequenceLoss } from '../src/loss/index.ts';
import { Sequential } from '../src/network/sequential.ts';
import { Trainer } from '../src/train/trainer.ts';
import { createRng } from '../src/util/random.ts';
import type { BenchSuite, BenchTable } from './types.ts';

const BETA = Math.exp(-1 / 5);
const lif = { tauMem: 5, decay: BETA, threshold: 1, reset: 'soft', detachReset: true, surrogate: { kind: 'fastSigmoid', slope: 10 } };

interface Workload {
  name: string;
  T: number;
  batch: number;
  inputShape: number[];
  input: 'bernoulli' | 'static';
  p?: number;
  layers: unknown[];
  /** 3 × forward FLOPs of all synaptic layers, per step (torch_snn.py's nominal count). */
  nominalGflop: number;
}

const dense = (units: number, gain: number) => ({ type: 'dense', units, weightScale: gain, synapseInput: 'spike' });
const conv = (filters: number, gain: number) => ({
  type: 'conv2d',
  filters,
  kernelSize: 3,
  padding: 'same',
  weightScale: gain,
  synapseInput: 'spike',
});

const WORKLOADS: Workload[] = [
  {
    name: 'nmnist-mlp',
    T: 30,
    batch: 64,
    inputShape: [2312],
    input: 'bernoulli',
    p: 0.05,
    layers: [dense(800, 8), dense(10, 4)],
    nominalGflop: (3 * 2 * (2312 * 800 + 800 * 10) * 30 * 64) / 1e9,
  },
  {
    name: 'cifar-conv',
    T: 5,
    batch: 32,
    inputShape: [32, 32, 3],
    input: 'static',
    layers: [
      conv(32, 3),
      { type: 'avgpool', poolSize: 2 },
      conv(64, 3),
      { type: 'avgpool', poolSize: 2 },
      { type: 'flatten' },
      dense(256, 3),
      dense(10, 3),
    ],
    nominalGflop: (3 * 2 * (3 * 32 * 9 * 32 * 32 + 32 * 64 * 9 * 16 * 16 + 4096 * 256 + 256 * 10) * 5 * 32) / 1e9,
  },
  {
    name: 'control-mlp',
    T: 200,
    batch: 16,
    inputShape: [64],
    input: 'bernoulli',
    p: 0.1,
    layers: [dense(128, 4), dense(128, 4), dense(8, 4)],
    nominalGflop: (3 * 2 * (64 * 128 + 128 * 128 + 128 * 8) * 200 * 16) / 1e9,
  },
];

function inputs(w: Workload): tf.Tensor {
  const rng = createRng(0);
  const shape = w.input === 'static' ? [w.batch, ...w.inputShape] : [w.T, w.batch, ...w.inputShape];
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = w.input === 'static' ? rng.next() : rng.next() < w.p! ? 1 : 0;
  return tf.tensor(v, shape);
}

async function measure(w: Workload, iters: number): Promise<{ ms: number; min: number; rates: number[] }> {
  const net = Sequential.fromConfig({
    T: w.T,
    inputShape: w.inputShape,
    input: w.input === 'static' ? 'current' : 'spikes',
    lif,
    layers: w.layers,
  });
  const x = inputs(w);
  const rng = createRng(1);
  const nOut = net.outputShape[0]!;
  const labels = Int32Array.from({ length: w.batch }, () => rng.int(nOut));
  const d = classSpikeTrains(labels, { T: w.T, numClasses: nOut, pattern: Array.from({ length: w.T }, (_, t) => (t % 3 === 1 ? 1 : 0)) });
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
  const times: number[] = [];
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    trainer.trainStep({ inputs: x, targets: d });
    times.push(performance.now() - t0);
  }
  trainer.dispose();
  net.dispose();
  x.dispose();
  d.dispose();
  return { ms: times.reduce((a, b) => a + b, 0) / iters, min: Math.min(...times), rates };
}

const suite: BenchSuite = async ({ quick }) => {
  const rows: Array<Array<string | number>> = [];
  for (const backend of ['wasm', 'cpu']) {
    await initBackend({ backend: backend as 'wasm' | 'cpu', quiet: true });
    for (const w of WORKLOADS) {
      if (backend === 'cpu' && w.name === 'cifar-conv') {
        rows.push([
          w.name,
          backend,
          w.T,
          w.batch,
          0,
          'skipped',
          '',
          '',
          'tfjs-cpu conv backprop: 204.5 s for one step (bench/notes/2026-11-29-round1-layers.md)',
        ]);
        continue;
      }
      // the plain-JS backend needs tens of seconds per nmnist/cifar step: one timed step there
      const iters = quick || backend === 'cpu' ? 1 : 3;
      let r: Awaited<ReturnType<typeof measure>>;
      try {
        r = await measure(w, iters);
      } catch (e) {
        rows.push([w.name, backend, w.T, w.batch, 0, 'n/a', 'n/a', 'n/a', (e as Error).message.slice(0, 70)]);
        continue;
      }
      rows.push([
        w.name,
        backend,
        w.T,
        w.batch,
        iters,
        r.ms,
        r.min,
        w.nominalGflop / (r.ms / 1e3),
        r.rates.map((v) => v.toFixed(3)).join(' '),
      ]);
    }
  }
  const table: BenchTable = {
    title: 'Training step (forward + loss + backward + Adam), src/network + src/train, torch_snn.py workloads',
    columns: ['workload', 'backend', 'T', 'B', 'iters', 'ms/iter', 'min ms', 'nominal GFLOP/s', 'spike rates@init'],
    rows,
    notes: ["One warm-up step first. Nominal GFLOP/s uses torch_snn.py's count (3 × forward synaptic FLOPs)."],
  };
  return [table];
};

export default suite;
