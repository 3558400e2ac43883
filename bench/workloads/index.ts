/**
 * The three training workloads of the PyTorch reference (/work/shared/bench/torch_snn.py), built
 * with spikeloop: `Sequential.fromConfig`, `spikeSequenceLoss`, the `Trainer`'s Adam. Same model
 * as the reference's docstring: LIF decay exp(−1/5), θ = 1, soft reset with the reset term
 * detached, fast-sigmoid surrogate 1/(1 + 10·|u − θ|)², spike synapses without bias, Kaiming-
 * uniform init × per-layer gain, loss mean((ε∗o − ε∗d)²) with α = exp(−1/5) (c = 1), desired
 * train = target neuron fires at t % 3 == 1, Adam lr 1e-3.
 *
 * One training step = forward + loss + backward + Adam update (`Trainer.trainStep`), timed
 * after warm-up steps like the reference (2 warm-up, 10 timed by default).
 */
import * as tf from '@tensorflow/tfjs-core';
import { lifMultiStepReference, pspFilterReference, stopGradient } from '../../src/neurons/reference.ts';
import { spikeFn } from '../../src/neurons/surrogate.ts';
import { Optimizer, type NamedGrad } from '../../src/train/optimizers.ts';
import {
  buildProblem,
  spikeRates,
  stepTrainer,
  timeSteps,
  TORCH_ADAM,
  TORCH_LIF,
  TORCH_LOSS_PSP,
  type Problem,
  type StepProblemSpec,
  type TimingOptions,
} from '../stepTiming.ts';

export type { TimingOptions } from '../stepTiming.ts';

export type WorkloadName = 'nmnist-mlp' | 'cifar-conv' | 'control-mlp';
export const WORKLOAD_NAMES: readonly WorkloadName[] = ['nmnist-mlp', 'cifar-conv', 'control-mlp'];

/** A synaptic layer for the nominal FLOP count: dense [in, out] or 3×3 conv at H×W. */
type SynapticShape = { kind: 'dense'; nin: number; nout: number } | { kind: 'conv'; cin: number; cout: number; h: number; w: number };

export interface Workload extends StepProblemSpec {
  name: WorkloadName;
  synapses: SynapticShape[];
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

export const WORKLOADS: Readonly<Record<WorkloadName, Workload>> = Object.freeze({
  'nmnist-mlp': {
    name: 'nmnist-mlp',
    T: 30,
    batch: 64,
    inputShape: [2312],
    input: 'bernoulli',
    p: 0.05,
    layers: [dense(800, 8), dense(10, 4)],
    synapses: [
      { kind: 'dense', nin: 2312, nout: 800 },
      { kind: 'dense', nin: 800, nout: 10 },
    ],
  },
  'cifar-conv': {
    name: 'cifar-conv',
    T: 5,
    batch: 32,
    // NHWC (tfjs); the reference's 3×32×32 NCHW
    inputShape: [32, 32, 3],
    input: 'static',
    p: 0,
    layers: [
      conv(32, 3),
      { type: 'avgpool', poolSize: 2 },
      conv(64, 3),
      { type: 'avgpool', poolSize: 2 },
      { type: 'flatten' },
      dense(256, 3),
      dense(10, 3),
    ],
    synapses: [
      { kind: 'conv', cin: 3, cout: 32, h: 32, w: 32 },
      { kind: 'conv', cin: 32, cout: 64, h: 16, w: 16 },
      { kind: 'dense', nin: 4096, nout: 256 },
      { kind: 'dense', nin: 256, nout: 10 },
    ],
  },
  'control-mlp': {
    name: 'control-mlp',
    T: 200,
    batch: 16,
    inputShape: [64],
    input: 'bernoulli',
    p: 0.1,
    layers: [dense(128, 4), dense(128, 4), dense(8, 4)],
    synapses: [
      { kind: 'dense', nin: 64, nout: 128 },
      { kind: 'dense', nin: 128, nout: 128 },
      { kind: 'dense', nin: 128, nout: 8 },
    ],
  },
});

export function workload(name: string): Workload {
  const w = (WORKLOADS as Record<string, Workload>)[name];
  if (!w) throw new Error(`unknown workload '${name}' (known: ${WORKLOAD_NAMES.join(', ')})`);
  return w;
}

/** torch_snn.py's nominal count: 3 × forward FLOPs (2 × MACs) of every synaptic layer, per step. */
export function nominalGflopPerIter(w: Workload): number {
  let macs = 0;
  for (const s of w.synapses) macs += s.kind === 'dense' ? s.nin * s.nout : s.cin * s.cout * 9 * s.h * s.w;
  return (3 * 2 * macs * w.T * w.batch) / 1e9;
}

export const DEFAULT_TIMING: Readonly<TimingOptions> = Object.freeze({ warmup: 2, iters: 10 });

/**
 * fused: the library's path (time-batched synapses, one fused op per LIF layer and for the loss's
 * PSP filter). unfused: the same synapses, LIF and PSP as per-step tf ops under autograd.
 * per-step: the textbook loop (PyTorch's 'step' mode): every synaptic product and LIF update step
 * by step under autograd.
 */
export type MeasurePath = 'fused' | 'unfused' | 'per-step';

export interface TrainingMeasurement {
  workload: WorkloadName;
  path: MeasurePath;
  T: number;
  batch: number;
  iters: number;
  msPerIter: number;
  msMin: number;
  msMedian: number;
  /** CPU time (user + system) of this process per timed step: less sensitive to other jobs than wall time. */
  cpuMsPerIter: number;
  samplesPerS: number;
  nominalGflopPerIter: number;
  gflops: number;
  /** Spike rate of every spiking layer before training (same role as the reference's). */
  spikeRates: number[];
  lossFirst: number;
  lossLast: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function summarise(
  w: Workload,
  path: MeasurePath,
  times: number[],
  total: number,
  cpuMs: number,
  rates: number[],
  losses: number[],
): TrainingMeasurement {
  const ms = total / times.length;
  const gflop = nominalGflopPerIter(w);
  return {
    workload: w.name,
    path,
    T: w.T,
    batch: w.batch,
    iters: times.length,
    msPerIter: ms,
    msMin: Math.min(...times),
    msMedian: median(times),
    cpuMsPerIter: cpuMs / times.length,
    samplesPerS: w.batch / (ms / 1e3),
    nominalGflopPerIter: gflop,
    gflops: gflop / (ms / 1e3),
    spikeRates: rates,
    lossFirst: losses[0]!,
    lossLast: losses[losses.length - 1]!,
  };
}

/** Times `Trainer.trainStep` (fused LIF/PSP ops) on a workload. */
export function measureFused(w: Workload, timing: Partial<TimingOptions> = {}): TrainingMeasurement {
  const t = { ...DEFAULT_TIMING, ...timing };
  const pb = buildProblem(w);
  const { trainer, step } = stepTrainer(pb);
  try {
    const rates = spikeRates(pb.net, pb.inputs);
    const r = timeSteps(step, t);
    return summarise(w, 'fused', r.times, r.total, r.cpuMs, rates, r.losses);
  } finally {
    trainer.dispose();
    pb.dispose();
  }
}

function spikeMlpKernels(w: Workload, pb: Problem): Array<{ name: string; variable: tf.Variable }> {
  if (w.synapses.some((x) => x.kind !== 'dense') || w.input !== 'bernoulli') {
    throw new Error(`unfused paths: ${w.name} is not a spike-input MLP`);
  }
  return pb.net.namedVariables().map((n) => ({ name: n.name, variable: n.variable }));
}

/** Output spikes [T, B, out] with LIF and synapses computed step by step (textbook BPTT). */
function perStepForward(x: tf.Tensor, kernels: readonly tf.Variable[]): tf.Tensor {
  const decay = tf.scalar(TORCH_LIF.decay);
  const u: Array<tf.Tensor | undefined> = kernels.map(() => undefined);
  const o: Array<tf.Tensor | undefined> = kernels.map(() => undefined);
  const outs: tf.Tensor[] = [];
  for (const xt of tf.unstack(x, 0)) {
    let h = xt;
    kernels.forEach((W, l) => {
      const I = tf.matMul(h, W);
      const prev = u[l];
      u[l] = prev === undefined ? I : tf.add(tf.mul(decay, tf.sub(prev, tf.mul(TORCH_LIF.threshold, stopGradient(o[l]!)))), I);
      o[l] = spikeFn(tf.sub(u[l]!, TORCH_LIF.threshold), TORCH_LIF.surrogate);
      h = o[l]!;
    });
    outs.push(h);
  }
  return tf.stack(outs, 0);
}

/**
 * The training step without the fused ops (see `MeasurePath`), on the spike-input MLPs, with the
 * same loss maths and the same Adam from `src/train`.
 */
export function measureUnfused(
  w: Workload,
  timing: Partial<TimingOptions> = {},
  path: Exclude<MeasurePath, 'fused'> = 'unfused',
): TrainingMeasurement {
  const t = { ...DEFAULT_TIMING, ...timing };
  const pb = buildProblem(w);
  const named = spikeMlpKernels(w, pb);
  const kernels = named.map((n) => n.variable);
  const opt = new Optimizer({ ...TORCH_ADAM });
  const forward = (): tf.Tensor => {
    if (path === 'per-step') return perStepForward(pb.inputs, kernels);
    let h = pb.inputs;
    for (const W of kernels) {
      const [nin, nout] = W.shape as [number, number];
      const I = tf.reshape(tf.matMul(tf.reshape(h, [w.T * w.batch, nin]), W), [w.T, w.batch, nout]);
      h = lifMultiStepReference(I, TORCH_LIF);
    }
    return h;
  };
  const step = (): number => {
    const { value, grads } = tf.variableGrads(() => {
      const diff = pspFilterReference(tf.sub(forward(), pb.targets), TORCH_LOSS_PSP);
      return tf.mean(tf.square(diff)) as tf.Scalar;
    }, kernels);
    const loss = value.dataSync()[0]!;
    opt.apply(
      named.map((n): NamedGrad => ({ ...n, grad: grads[n.variable.name]! })),
      TORCH_ADAM.lr,
    );
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    return loss;
  };
  try {
    const rates = spikeRates(pb.net, pb.inputs);
    const r = timeSteps(step, t);
    return summarise(w, path, r.times, r.total, r.cpuMs, rates, r.losses);
  } finally {
    opt.dispose();
    pb.dispose();
  }
}
