/**
 * Event-driven spike-dense kernels (src/kernels) vs tfjs-wasm's dense matMul, on the synaptic
 * shapes of the nmnist-mlp and control-mlp training workloads (/work/shared/bench/torch_snn.py):
 *
 *   forward  I  = S·W     [R, in]·[in, out]      R = T·B rows, S Bernoulli(p) spikes
 *   ∂W       dW = Sᵀ·δ    [in, R]·[R, out]
 *   ∂S       dS = δ·Wᵀ    [R, out]·[out, in]     dense (hidden layers only)
 *
 * GFLOP/s counts the nominal dense work (2·R·in·out) so that the columns compare with GEMM;
 * G adds/s counts what the event-driven kernel really does (events × out). Hidden-layer spike
 * rates are assumptions (stated in the table), the input rates are the workloads'.
 * Table 1: the typed-array kernels alone. Table 2: the tfjs op (`spikeDense`, including the
 * event-list pass and the copies in and out) vs tf.matMul, forward and forward + ∂W. Table 3: a
 * whole training step (src/network + src/train, bench/workloads' measureFused) with the
 * dense synapses on spikeDense vs on tf.matMul. Table 4: a non-binary dense product (cifar-conv's
 * flatten → dense 4096→256, R = T·B = 160) forward + both gradients, tf.matMul vs denseMatMul.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend/index.ts';
import { eventCount, spikeKernels, type SpikeIndex, type SpikeKernels } from '../src/kernels/spikeDense.ts';
import { denseMatMul } from '../src/kernels/denseMatMul.ts';
import { spikeDense, useSpikeKernels } from '../src/kernels/spikeDenseOp.ts';
import { createRng } from '../src/util/random.ts';
import type { BenchSuite, BenchTable } from './types.ts';
import { measureFused, WORKLOADS, type WorkloadName } from './workloads/index.ts';

interface Shape {
  name: string;
  rows: number;
  inputs: number;
  outputs: number;
  p: number;
  /** Whether the layer needs ∂S (false for a first layer, whose input is data). */
  inputGrad: boolean;
}

const SHAPES: Shape[] = [
  { name: 'nmnist-mlp L1 (input p=0.05)', rows: 30 * 64, inputs: 2312, outputs: 800, p: 0.05, inputGrad: false },
  { name: 'nmnist-mlp L2 (hidden p=0.1 assumed)', rows: 30 * 64, inputs: 800, outputs: 10, p: 0.1, inputGrad: true },
  { name: 'control-mlp L1 (input p=0.1)', rows: 200 * 16, inputs: 64, outputs: 128, p: 0.1, inputGrad: false },
  { name: 'control-mlp L2 (hidden p=0.1 assumed)', rows: 200 * 16, inputs: 128, outputs: 128, p: 0.1, inputGrad: true },
  { name: 'control-mlp L3 (hidden p=0.1 assumed)', rows: 200 * 16, inputs: 128, outputs: 8, p: 0.1, inputGrad: true },
];

function data(s: Shape) {
  const rng = createRng(42);
  const S = Float32Array.from({ length: s.rows * s.inputs }, () => (rng.next() < s.p ? 1 : 0));
  const W = Float32Array.from({ length: s.inputs * s.outputs }, () => rng.uniform(-0.1, 0.1));
  const D = Float32Array.from({ length: s.rows * s.outputs }, () => rng.uniform(-1, 1));
  return { S, W, D };
}

/**
 * Best wall time (ms) of `iters` calls after `warmup` calls (V8 tiers wasm up after the first
 * calls). The best, not the median: on a shared 2-core machine the median mostly measures the
 * other processes.
 */
function timeMs(f: () => void, iters: number, warmup = 2): number {
  for (let i = 0; i < warmup; i++) f();
  const t: number[] = [];
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return Math.min(...t);
}

const fmt = (x: number, d = 1): string => x.toFixed(d);

function kernelRows(s: Shape, k: SpikeKernels, iters: number): Array<Array<string | number>> {
  const { S, W, D } = data(s);
  let index: SpikeIndex | undefined;
  const tIndex = timeMs(() => (index = k.indexSpikes(S, s.rows, s.inputs)), iters);
  const ev = eventCount(index!);
  const flop = 2 * s.rows * s.inputs * s.outputs;
  const adds = ev * s.outputs;
  const rows: Array<Array<string | number>> = [[s.name, k.kind, 'event lists', fmt(tIndex, 2), '', '']];
  const tF = timeMs(() => k.spikeForward(index!, W, s.outputs), iters);
  rows.push([s.name, k.kind, 'forward S·W', fmt(tF, 2), fmt(flop / tF / 1e6), fmt(adds / tF / 1e6, 2)]);
  const tW = timeMs(() => k.spikeGradW(index!, D, s.outputs), iters);
  rows.push([s.name, k.kind, '∂W = Sᵀ·δ', fmt(tW, 2), fmt(flop / tW / 1e6), fmt(adds / tW / 1e6, 2)]);
  if (s.inputGrad) {
    const tS = timeMs(() => k.matMulNT(D, W, s.rows, s.inputs, s.outputs), iters);
    rows.push([s.name, k.kind, '∂S = δ·Wᵀ (dense)', fmt(tS, 2), fmt(flop / tS / 1e6), '']);
  }
  return rows;
}

function matMulRows(s: Shape, iters: number): Array<Array<string | number>> {
  const { S, W, D } = data(s);
  const flop = 2 * s.rows * s.inputs * s.outputs;
  const [st, wt, dt] = [tf.tensor2d(S, [s.rows, s.inputs]), tf.tensor2d(W, [s.inputs, s.outputs]), tf.tensor2d(D, [s.rows, s.outputs])];
  const run = (f: () => tf.Tensor) =>
    timeMs(() => {
      const y = f();
      y.dataSync();
      y.dispose();
    }, iters);
  const rows: Array<Array<string | number>> = [];
  const tF = run(() => tf.matMul(st, wt));
  rows.push([s.name, 'tf.matMul', 'forward S·W', fmt(tF, 2), fmt(flop / tF / 1e6), '']);
  const tW = run(() => tf.matMul(st, dt, true, false));
  rows.push([s.name, 'tf.matMul', '∂W = Sᵀ·δ', fmt(tW, 2), fmt(flop / tW / 1e6), '']);
  if (s.inputGrad) {
    const tS = run(() => tf.matMul(dt, wt, false, true));
    rows.push([s.name, 'tf.matMul', '∂S = δ·Wᵀ (dense)', fmt(tS, 2), fmt(flop / tS / 1e6), '']);
  }
  tf.dispose([st, wt, dt]);
  return rows;
}

/** The tfjs op end to end (fresh S tensor each call, so the event lists are rebuilt as in training). */
function opRows(s: Shape, iters: number): Array<Array<string | number>> {
  const { S, W, D } = data(s);
  const wt = tf.variable(tf.tensor2d(W, [s.inputs, s.outputs]));
  const dt = tf.tensor2d(D, [s.rows, s.outputs]);
  const rows: Array<Array<string | number>> = [];
  for (const mode of ['matmul', 'auto'] as const) {
    const kind = useSpikeKernels(mode);
    const fwd = timeMs(() => {
      // (a tidy must not return the typed array: it would walk it element by element)
      tf.tidy(() => {
        spikeDense(tf.tensor2d(S, [s.rows, s.inputs]), wt).dataSync();
      });
    }, iters);
    const step = timeMs(() => {
      tf.tidy(() => {
        const st = tf.tensor2d(S, [s.rows, s.inputs]);
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(spikeDense(st, wt), dt)) as tf.Scalar, [wt]);
        value.dataSync();
        grads[wt.name]!.dataSync();
      });
    }, iters);
    rows.push([s.name, kind === 'matmul' ? 'tf.matMul' : `spikeDense (${kind})`, fmt(fwd, 2), fmt(step, 2)]);
  }
  useSpikeKernels('auto');
  tf.dispose([wt, dt]);
  return rows;
}

/** Forward + ∂x + ∂W of a non-binary product [R, in]·[in, out]: tf.matMul's gradient vs denseMatMul's. */
function denseRows(iters: number): Array<Array<string | number>> {
  const rows: Array<Array<string | number>> = [];
  for (const [name, R, nIn, out] of [
    ['cifar-conv dense 4096→256', 160, 4096, 256],
    ['control-mlp L2 shape, non-binary', 3200, 128, 128],
  ] as const) {
    const rng = createRng(5);
    const x = tf.tensor2d(
      Float32Array.from({ length: R * nIn }, () => rng.next()),
      [R, nIn],
    );
    const w = tf.tensor2d(
      Float32Array.from({ length: nIn * out }, () => rng.uniform(-0.1, 0.1)),
      [nIn, out],
    );
    const g = tf.tensor2d(
      Float32Array.from({ length: R * out }, () => rng.uniform(-1, 1)),
      [R, out],
    );
    const flop = 3 * 2 * R * nIn * out;
    for (const [label, f] of [
      ['tf.matMul', (a: tf.Tensor2D, b: tf.Tensor2D) => tf.matMul(a, b)],
      ['denseMatMul', denseMatMul],
    ] as const) {
      const ms = timeMs(() => {
        tf.tidy(() => {
          const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D), g)))([x, w]);
          dx!.dataSync();
          dw!.dataSync();
        });
      }, iters);
      rows.push([name, label, fmt(ms, 2), fmt(flop / ms / 1e6)]);
    }
    tf.dispose([x, w, g]);
  }
  return rows;
}

// the dense workloads of torch_snn.py (bench/workloads): a training step's synapse products are all spike × dense
const STEP_WORKLOADS: readonly WorkloadName[] = ['nmnist-mlp', 'control-mlp'];

function stepRows(iters: number): Array<Array<string | number>> {
  const rows: Array<Array<string | number>> = [];
  for (const name of STEP_WORKLOADS) {
    for (const mode of ['matmul', 'auto'] as const) {
      const kind = useSpikeKernels(mode);
      // tf.matMul's ∂W (transposeA) takes seconds on the nmnist shape: fewer steps there
      const r = measureFused(WORKLOADS[name], {
        warmup: 2,
        iters: mode === 'matmul' && name === 'nmnist-mlp' ? Math.min(iters, 2) : iters,
      });
      rows.push([
        name,
        kind === 'matmul' ? 'tf.matMul' : `spikeDense (${kind})`,
        fmt(r.msMin),
        fmt(r.msPerIter),
        r.spikeRates.map((v) => v.toFixed(3)).join(' '),
      ]);
    }
  }
  useSpikeKernels('auto');
  return rows;
}

const suite: BenchSuite = async ({ quick }) => {
  const backend = await initBackend({ backend: 'wasm', quiet: true });
  const iters = quick ? 3 : 10;
  const wasm = spikeKernels('wasm');
  const ts = spikeKernels('ts');
  const kernels: Array<Array<string | number>> = [];
  const ops: Array<Array<string | number>> = [];
  for (const s of SHAPES) {
    kernels.push(...kernelRows(s, wasm, iters));
    // the TypeScript twin is ~10× slower: fewer runs on the big shape
    kernels.push(...kernelRows(s, ts, s.rows * s.inputs > 1e6 ? 2 : iters));
    kernels.push(...matMulRows(s, iters));
    ops.push(...opRows(s, iters));
  }
  const tables: BenchTable[] = [
    {
      title: `spike-dense kernels on typed arrays vs tf.matMul (tfjs backend ${backend}), best of ${iters}`,
      columns: ['shape', 'impl', 'product', 'ms', 'nominal GFLOP/s', 'G adds/s'],
      rows: kernels,
    },
    {
      title: 'tfjs op spikeDense vs tf.matMul (forward; forward + ∂W, the first-layer training step)',
      columns: ['shape', 'op', 'forward ms', 'forward+∂W ms'],
      rows: ops,
    },
    {
      title: 'training step (forward + loss + backward + Adam), wasm backend, dense synapses on spikeDense vs tf.matMul',
      columns: ['workload', 'synapse product', 'best ms', 'mean ms', 'spike rates@init'],
      rows: stepRows(quick ? 2 : 5),
    },
    {
      title: 'non-binary dense product, forward + ∂x + ∂W (tf.matMul’s gradient uses transposed products)',
      columns: ['shape', 'op', 'ms', 'GFLOP/s (3 × 2·R·in·out)'],
      rows: denseRows(iters),
    },
  ];
  return tables;
};

export default suite;
