/**
 * The Oxford bench: one network config trained twice from the same initial weights, each for the
 * same wall-clock budget, once per objective, then scored against the target raster beside
 * SLAYER's released output:
 *
 *   spike-seq:  L = spike-sequence loss(output raster, target raster)   (timing matters)
 *   rate:       L = rate loss(output counts / T, target counts / T)     (only counts matter)
 *
 * The loop is the trainer's single step `trainStep` on the one example, repeated until the budget
 * is spent (checked before each step) or `maxEpochs`; metric snapshots pause the clock. Output
 * folder:
 *
 *   results.json           config, per objective: metrics, epochs, seconds, loss curve, snapshots
 *   results.md             the table (ours spike-seq, ours rate, SLAYER)
 *   oxford.png             target, ours spike-seq, ours rate, SLAYER as rasters, one above the other (2 steps per pixel)
 *   <objective>.bs1        our output rasters (1 ms steps), readable by SLAYER's tools
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { rasterToEvents, writeBs1, type SpikeRaster } from '../../data/bs1.ts';
import { rateLoss, spikeSequenceLoss } from '../../loss/index.ts';
import { Sequential } from '../../network/sequential.ts';
import { rasterFigurePng } from '../../report/rasterFigure.ts';
import { spikeMetrics, type SpikeMetrics } from '../../report/spikeMetrics.ts';
import { learningRate, type LrSchedule } from '../../train/schedule.ts';
import { Trainer, type LossFn } from '../../train/trainer.ts';
import { optimizerSpec } from '../runner.ts';
import type { ResolvedOxfordConfig } from './config.ts';
import { loadOxford, type OxfordData } from './data.ts';
import { oxfordTable } from './table.ts';

export type OxfordObjective = 'spike-seq' | 'rate';

export interface OxfordRunOptions {
  /** Folder with input.bs1, output.bs1 and (optionally) slayer_output.npy. */
  dataDir: string;
  outDir: string;
  objectives: readonly OxfordObjective[];
  log: (line: string) => void;
  /** Recorded in results.json and results.md. */
  command?: string;
  /** A line about the machine, recorded beside the figures (the load averages are recorded anyway). */
  machine?: string;
}

export const DEFAULT_OXFORD_RUN: Readonly<Omit<OxfordRunOptions, 'dataDir' | 'outDir'>> = Object.freeze({
  objectives: Object.freeze(['spike-seq', 'rate']) as readonly OxfordObjective[],
  log: (line: string) => console.log(line),
});

export interface Snapshot {
  epoch: number;
  trainSeconds: number;
  lr: number;
  metrics: SpikeMetrics;
}

export interface ObjectiveRun {
  objective: OxfordObjective;
  metrics: SpikeMetrics;
  epochs: number;
  trainSeconds: number;
  stoppedBy: 'budget' | 'max-epochs';
  /** The longest single step: the budget is overshot by less than this (the clock is checked before each step). */
  maxStepSeconds: number;
  /** Loss of every 2^k-th epoch and the last one (a compact curve). */
  loss: { epoch: number; loss: number }[];
  snapshots: Snapshot[];
}

export interface OxfordResult {
  name: string;
  config: Omit<ResolvedOxfordConfig, 'resolvedNetwork'>;
  backend: string;
  target: { spikes: number; T: number; neurons: number };
  runs: ObjectiveRun[];
  slayer?: SpikeMetrics;
  wallSeconds: number;
  startedAt: string;
  /** OS load averages (1, 5, 15 min) when the run started and ended: a shared machine's figures need them. */
  load: { start: number[]; end: number[] };
  command?: string;
  machine?: string;
  node: string;
}

function lossFor(cfg: ResolvedOxfordConfig, objective: OxfordObjective): LossFn {
  if (objective === 'rate') {
    const reduction = cfg.rate?.reduction ?? 'sum';
    return (out, targets) => rateLoss(out, targets, { reduction });
  }
  const s = cfg.spikeSeq;
  return (out, targets) =>
    spikeSequenceLoss(out, targets, { psp: s.psp, kernel: s.kernel ?? 'first-order', reduction: s.reduction ?? 'sum' });
}

/** The loss's targets: the raster `[T, 1, N]` (spike-seq) or per-neuron target rates `[1, N]` (rate). */
function targetsFor(objective: OxfordObjective, target: SpikeRaster): tf.Tensor {
  if (objective === 'spike-seq') return tf.tensor3d(Float32Array.from(target.data), [target.T, 1, target.neurons]);
  const rates = new Float32Array(target.neurons);
  for (let k = 0; k < target.data.length; k++) rates[k % target.neurons]! += target.data[k]! / target.T;
  return tf.tensor2d(rates, [1, target.neurons]);
}

/** The network's output raster for the input, inference mode. */
export function outputRaster(net: Sequential, input: tf.Tensor, T: number, neurons: number): SpikeRaster {
  const { spikes } = net.forward(input, { training: false });
  const values = spikes.dataSync();
  spikes.dispose();
  return { T, neurons, data: Uint8Array.from(values) };
}

/**
 * Cosine over the budget: the trainer reads `schedule.totalSteps` at every step, so keeping it at
 * steps-so-far / elapsed-share makes its step-based cosine follow the elapsed share of the budget.
 */
function budgetSchedule(cfg: ResolvedOxfordConfig): { schedule: LrSchedule; track: (steps: number, share: number) => void } {
  const s = cfg.train.schedule;
  if (!s || s.kind === 'constant') return { schedule: { kind: 'constant' }, track: () => {} };
  const schedule: LrSchedule = { kind: 'cosine', totalSteps: Number.MAX_SAFE_INTEGER, minLr: s.minLr };
  return {
    schedule,
    track: (steps, share) => {
      if (schedule.kind === 'cosine' && share > 0) schedule.totalSteps = Math.max(1, Math.round(steps / Math.min(1, share)));
    },
  };
}

/** Trains one objective within the budget and scores its output raster. */
export function trainObjective(
  cfg: ResolvedOxfordConfig,
  data: OxfordData,
  objective: OxfordObjective,
  log: (line: string) => void,
): { run: ObjectiveRun; output: SpikeRaster } {
  const tr = cfg.train;
  const { T } = data.target;
  const net = Sequential.fromConfig(cfg.network);
  const { schedule, track } = budgetSchedule(cfg);
  const trainer = new Trainer(net, {
    loss: lossFor(cfg, objective),
    optimizer: optimizerSpec(tr.optimizer),
    schedule,
    batchSize: 1,
    shuffle: false,
    progress: 'never',
    ...(tr.clipGradNorm !== undefined ? { clipGradNorm: tr.clipGradNorm } : {}),
  });
  const batch = {
    inputs: tf.tensor3d(Float32Array.from(data.input.data), [T, 1, data.input.neurons]),
    targets: targetsFor(objective, data.target),
  };
  const score = (): SpikeMetrics => spikeMetrics(data.target, outputRaster(net, batch.inputs, T, data.target.neurons), cfg.metrics ?? {});
  const budgetMs = tr.budgetSec * 1000;
  const maxEpochs = tr.maxEpochs ?? Number.POSITIVE_INFINITY;
  const loss: ObjectiveRun['loss'] = [];
  const snapshots: Snapshot[] = [];
  let trainMs = 0;
  let maxStepMs = 0;
  let epochs = 0;
  let nextSnapshotMs = tr.snapshotEverySec !== undefined ? tr.snapshotEverySec * 1000 : Number.POSITIVE_INFINITY;
  let lastLoss = Number.NaN;
  try {
    while (trainMs < budgetMs && epochs < maxEpochs) {
      track(epochs, trainMs / budgetMs);
      const t0 = performance.now();
      lastLoss = trainer.trainStep(batch).loss;
      const stepMs = performance.now() - t0;
      trainMs += stepMs;
      maxStepMs = Math.max(maxStepMs, stepMs);
      epochs += 1;
      if ((epochs & (epochs - 1)) === 0) loss.push({ epoch: epochs, loss: lastLoss });
      if (trainMs >= nextSnapshotMs) {
        const lr = learningRate(schedule, tr.optimizer.lr, epochs);
        const m = score();
        snapshots.push({ epoch: epochs, trainSeconds: trainMs / 1000, lr, metrics: m });
        log(
          `${objective}: ${(trainMs / 1000).toFixed(0)} s, epoch ${epochs}, loss ${lastLoss.toPrecision(5)}, lr ${lr.toExponential(2)}: ${metricLine(m)}`,
        );
        nextSnapshotMs += tr.snapshotEverySec! * 1000;
      }
    }
    if (loss.at(-1)?.epoch !== epochs) loss.push({ epoch: epochs, loss: lastLoss });
    const output = outputRaster(net, batch.inputs, T, data.target.neurons);
    const metrics = spikeMetrics(data.target, output, cfg.metrics ?? {});
    log(`${objective}: done after ${epochs} epochs in ${(trainMs / 1000).toFixed(1)} s: ${metricLine(metrics)}`);
    return {
      run: {
        objective,
        metrics,
        epochs,
        trainSeconds: trainMs / 1000,
        stoppedBy: epochs >= maxEpochs ? 'max-epochs' : 'budget',
        maxStepSeconds: maxStepMs / 1000,
        loss,
        snapshots,
      },
      output,
    };
  } finally {
    batch.inputs.dispose();
    batch.targets.dispose();
    trainer.dispose();
    net.dispose();
  }
}

export function metricLine(m: SpikeMetrics): string {
  return `hits ${(100 * m.hitShare).toFixed(1)}%, unmatched ${(100 * m.unmatchedShare).toFixed(1)}%, van Rossum ${m.vanRossum.toFixed(3)}, ${m.outputSpikes} spikes (per-neuron count error ${m.perNeuronCountError.toFixed(3)})`;
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

const TITLES: Record<OxfordObjective, string> = { 'spike-seq': 'ours, spike-seq loss', rate: 'ours, rate loss' };

function panelTitle(name: string, m: SpikeMetrics): string {
  return `${name}: hits ${(100 * m.hitShare).toFixed(1)}%, unmatched ${(100 * m.unmatchedShare).toFixed(1)}%, van Rossum ${m.vanRossum.toFixed(3)}`;
}

/** Runs the bench; writes results.json, results.md, oxford.png and our output rasters into `outDir`. */
export function runOxford(
  cfg: ResolvedOxfordConfig,
  options: Partial<OxfordRunOptions> & Pick<OxfordRunOptions, 'dataDir' | 'outDir'>,
): OxfordResult {
  const o = { ...DEFAULT_OXFORD_RUN, ...options };
  const started = new Date();
  const loadStart = loadavg();
  const wall0 = performance.now();
  const data = loadOxford(o.dataDir, { T: cfg.network.T, inputNeurons: cfg.inputNeurons, outputNeurons: cfg.outputNeurons });
  mkdirSync(o.outDir, { recursive: true });
  const slayer = data.slayer ? spikeMetrics(data.target, data.slayer, cfg.metrics ?? {}) : undefined;
  if (slayer) o.log(`SLAYER's released output: ${metricLine(slayer)}`);
  const panels = [{ title: `target: ${data.target.data.reduce((a, b) => a + b, 0)} spikes`, raster: data.target as SpikeRaster }];
  const runs: ObjectiveRun[] = [];
  for (const objective of o.objectives) {
    o.log(
      `training ${objective} for ${cfg.train.budgetSec} s${cfg.train.maxEpochs !== undefined ? ` (at most ${cfg.train.maxEpochs} epochs)` : ''}`,
    );
    const { run, output } = trainObjective(cfg, data, objective, o.log);
    runs.push(run);
    panels.push({ title: panelTitle(TITLES[objective], run.metrics), raster: output });
    writeBs1(join(o.outDir, `${objective}.bs1`), rasterToEvents(output));
  }
  if (data.slayer && slayer) panels.push({ title: panelTitle('SLAYER, released output', slayer), raster: data.slayer });
  writeAtomic(join(o.outDir, 'oxford.png'), rasterFigurePng(panels));
  const { resolvedNetwork: _r, ...config } = cfg;
  const result: OxfordResult = {
    name: cfg.name,
    config,
    backend: tf.getBackend(),
    target: { spikes: data.target.data.reduce((a, b) => a + b, 0), T: data.target.T, neurons: data.target.neurons },
    runs,
    ...(slayer ? { slayer } : {}),
    wallSeconds: (performance.now() - wall0) / 1000,
    startedAt: started.toISOString(),
    load: { start: loadStart, end: loadavg() },
    ...(o.command !== undefined ? { command: o.command } : {}),
    ...(o.machine !== undefined ? { machine: o.machine } : {}),
    node: process.version,
  };
  writeAtomic(join(o.outDir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeAtomic(join(o.outDir, 'results.md'), oxfordTable(result));
  return result;
}
