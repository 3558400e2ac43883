/**
 * What every training-step benchmark shares (bench/workloads, layers, kernels, recurrent): the
 * PyTorch reference's model constants (/work/shared/bench/torch_snn.py's docstring: LIF decay
 * exp(−1/5), θ = 1, soft reset with the reset term detached, fast-sigmoid 10; loss
 * mean((ε∗o − ε∗d)²) with α = exp(−1/5); Adam lr 1e-3), a network on fixed seeded inputs with the
 * desired trains (the target neuron fires at t % 3 == 1), its spike rates, and the timing of
 * steps in wall and process CPU time (CPU time is what a loaded machine distorts least).
 */
import * as tf from '@tensorflow/tfjs-core';
import { classSpikeTrains } from '../src/labels/classification.ts';
import { spikeSequenceLoss } from '../src/loss/index.ts';
import { Sequential } from '../src/network/sequential.ts';
import type { OptimizerSpec } from '../src/train/optimizers.ts';
import { Trainer } from '../src/train/trainer.ts';
import { createRng } from '../src/util/random.ts';

export const TORCH_LIF = Object.freeze({
  tauMem: 5,
  decay: Math.exp(-1 / 5),
  threshold: 1,
  reset: 'soft' as const,
  detachReset: true,
  surrogate: Object.freeze({ kind: 'fastSigmoid' as const, slope: 10 }),
});
export const TORCH_LOSS_PSP = Object.freeze({ tauSyn: 5, alpha: Math.exp(-1 / 5), scale: 'none' as const });
export const TORCH_ADAM: Readonly<OptimizerSpec> = Object.freeze({
  kind: 'adam',
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
});

export function torchLoss(out: tf.Tensor, desired: tf.Tensor): tf.Scalar {
  return spikeSequenceLoss(out, desired, { psp: TORCH_LOSS_PSP, reduction: 'mean' });
}

/** A network and its fixed input: Bernoulli(p) spikes [T, B, ...] or a static current [B, ...]. */
export interface StepProblemSpec {
  T: number;
  batch: number;
  inputShape: number[];
  input: 'bernoulli' | 'static';
  /** Firing probability of the Bernoulli input. */
  p: number;
  layers: unknown[];
  /** Default: TORCH_LIF. */
  lif?: object;
}

export interface Problem {
  net: Sequential;
  inputs: tf.Tensor;
  targets: tf.Tensor;
  dispose(): void;
}

/** Network, fixed input and desired trains (seeded; only speed matters). */
export function buildProblem(w: StepProblemSpec, seed = 0): Problem {
  const net = Sequential.fromConfig({
    T: w.T,
    seed,
    inputShape: w.inputShape,
    input: w.input === 'static' ? 'current' : 'spikes',
    lif: w.lif ?? TORCH_LIF,
    layers: w.layers,
  });
  const rng = createRng(seed + 1);
  const shape = w.input === 'static' ? [w.batch, ...w.inputShape] : [w.T, w.batch, ...w.inputShape];
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = w.input === 'static' ? rng.next() : rng.next() < w.p ? 1 : 0;
  const inputs = tf.tensor(v, shape, 'float32');
  const nOut = net.outputShape[0]!;
  const labels = Int32Array.from({ length: w.batch }, () => rng.int(nOut));
  const targets = classSpikeTrains(labels, {
    T: w.T,
    numClasses: nOut,
    pattern: Array.from({ length: w.T }, (_, t) => (t % 3 === 1 ? 1 : 0)),
  });
  return {
    net,
    inputs,
    targets,
    dispose() {
      net.dispose();
      inputs.dispose();
      targets.dispose();
    },
  };
}

/** The reference's trainer (torchLoss, Adam lr 1e-3) on a problem's network; `step()` runs one training step and returns its loss. */
export function stepTrainer(pb: Problem): { trainer: Trainer; step: () => number } {
  const trainer = new Trainer(pb.net, { loss: torchLoss, optimizer: { ...TORCH_ADAM }, progress: 'never' });
  return { trainer, step: () => trainer.trainStep({ inputs: pb.inputs, targets: pb.targets }).loss };
}

/** Spike rate of every spiking layer on `x`, before training. */
export function spikeRates(net: Sequential, x: tf.Tensor): number[] {
  const rec = net.forward(x, { training: false, record: true });
  const rates = rec.traces!.map((t) => tf.tidy(() => tf.mean(t.spikes).dataSync()[0]!));
  rec.traces!.forEach((t) => [t.spikes, t.psp, t.membrane].forEach((v) => v?.dispose()));
  rec.spikes.dispose();
  return rates;
}

/** Runs `step` once: its result, wall ms and this process's CPU ms (user + system). */
export function timeStep<R>(step: () => R): { result: R; wallMs: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = step();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { result, wallMs, cpuMs: (c.user + c.system) / 1e3 };
}

export interface TimingOptions {
  warmup: number;
  iters: number;
}

/** `warmup` untimed steps, then `iters` timed ones: each step's wall ms, the whole loop's wall and CPU ms, every step's loss. */
export function timeSteps(step: () => number, t: TimingOptions): { times: number[]; total: number; cpuMs: number; losses: number[] } {
  const losses: number[] = [];
  for (let i = 0; i < t.warmup; i++) losses.push(step());
  const times: number[] = [];
  const loop = timeStep(() => {
    for (let i = 0; i < t.iters; i++) {
      const s = timeStep(step);
      losses.push(s.result);
      times.push(s.wallMs);
    }
  });
  return { times, total: loop.wallMs, cpuMs: loop.cpuMs, losses };
}

/**
 * Variables of the given shapes and gradients for them, drawn by `draw(n, seed)` (seeds 10 + i and
 * 20 + i; gradients scaled by `gradScale`), as one Adam update's inputs; `dispose` frees them all.
 */
export function adamProblem(
  shapes: readonly number[][],
  draw: (n: number, seed: number) => Float32Array,
  gradScale: number,
): { named: Array<{ name: string; variable: tf.Variable; grad: tf.Tensor }>; size: number; dispose: () => void } {
  const vars = shapes.map((s, i) =>
    tf.variable(
      tf.tensor(
        draw(
          s.reduce((a, b) => a * b, 1),
          10 + i,
        ),
        s,
      ),
    ),
  );
  const grads = vars.map((v, i) =>
    tf.tensor(
      draw(v.size, 20 + i).map((x) => x * gradScale),
      v.shape,
    ),
  );
  return {
    named: vars.map((variable, i) => ({ name: `w${i}`, variable, grad: grads[i]! })),
    size: vars.reduce((a, v) => a + v.size, 0),
    dispose: () => tf.dispose([...vars, ...grads]),
  };
}
