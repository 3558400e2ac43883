/**
 * Training-step time of layers with memory against the feed-forward layer of the same size
 * (issue #11's target: recurrent ≤ 2× feed-forward). The control-mlp shape of layers.bench.ts
 * (64 Bernoulli inputs, two hidden layers of 128, 8 outputs), with the hidden layers plain,
 * recurrent, recurrent + adaptive, or with a learned per-neuron τ; one step = forward +
 * spike-sequence loss + backward + Adam, on tfjs-wasm.
 */
import { initBackend } from '../src/backend/index.ts';
import { splitTimings } from '../src/kernels/kernelPool.ts';
import { buildProblem, spikeRates, stepTrainer, timeStep } from './stepTiming.ts';
import type { BenchSuite, BenchTable } from './types.ts';

const T = 100;
const BATCH = 16;
const INPUTS = 64;
const WARMUP = 10;
const lif = { tauMem: 5, threshold: 1, reset: 'soft', detachReset: true, surrogate: { kind: 'fastSigmoid', slope: 10 } };

const VARIANTS: Array<[string, Record<string, unknown>]> = [
  ['feed-forward', {}],
  ['recurrent', { recurrent: true }],
  ['recurrent + adaptive', { recurrent: true, adaptive: { beta: 0.2, tauAdapt: 20 } }],
  ['learned τ per neuron', { learnTau: 'neuron' }],
];

interface Bench {
  /** One training step: wall and process CPU milliseconds (CPU time is what a loaded machine distorts least). */
  step(): { wallMs: number; cpuMs: number };
  rates: number[];
  dispose(): void;
}

function build(hidden: Record<string, unknown>): Bench {
  const layer = { type: 'dense', units: 128, weightScale: 4, synapseInput: 'spike', ...hidden };
  const pb = buildProblem({
    T,
    batch: BATCH,
    inputShape: [INPUTS],
    input: 'bernoulli',
    p: 0.1,
    lif,
    layers: [layer, layer, { type: 'dense', units: 8, weightScale: 4, synapseInput: 'spike' }],
  });
  const { trainer, step } = stepTrainer(pb);
  const rates = spikeRates(pb.net, pb.inputs);
  // Several warm-up steps: the first ones compile, grow the heap and settle the GC, and with one
  // warm-up step the feed-forward median still caught them (2026-12-02c: 20 iters after 1 warm-up
  // gave × 1.5–1.7, 80 after the same gave × 2.2 on the idle machine).
  for (let i = 0; i < WARMUP; i++) step();
  return {
    rates,
    step: () => timeStep(step),
    dispose: () => {
      trainer.dispose();
      pb.dispose();
    },
  };
}

const suite: BenchSuite = async ({ quick }) => {
  await initBackend({ backend: 'wasm', quiet: true });
  const iters = quick ? 2 : 80;
  const benches = VARIANTS.map(([, hidden]) => build(hidden));
  // interleaved (one step of each variant per round), so that a change of machine load hits all alike
  const times = benches.map(() => [] as number[]);
  const cpus = benches.map(() => [] as number[]);
  for (let i = 0; i < iters; i++) {
    benches.forEach((b, v) => {
      const { wallMs, cpuMs } = b.step();
      times[v]!.push(wallMs);
      cpus[v]!.push(cpuMs);
    });
  }
  benches.forEach((b) => b.dispose());
  // which way the kernel pool's adaptive policy ran the scans (split between threads or whole)
  const pool = Object.entries(splitTimings())
    .filter(([k]) => k.startsWith('alifScan') || k.startsWith('lifScan'))
    .map(
      ([k, t]) =>
        `${k} ${t.splitNsPerElement < t.wholeNsPerElement ? 'split' : 'whole'} (${t.splitNsPerElement.toFixed(0)} vs ${t.wholeNsPerElement.toFixed(0)} ns per element)`,
    );
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
      `Target (issue #11): the recurrent layer's training step ≤ 2× the feed-forward one. ${WARMUP} warm-up steps each, then the variants' steps interleaved. CPU ms: the process's user + system time per step (all its threads), which a loaded machine inflates far less than the wall clock.`,
      ...(pool.length > 0
        ? [
            `Kernel pool at the end (split vs whole; elements are rows for the ALIF scans, columns for ∂V and the LIF scans): ${pool.join('; ')}.`,
          ]
        : []),
    ],
  };
  return [table];
};

export default suite;
