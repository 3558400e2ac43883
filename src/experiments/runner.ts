/**
 * Runs one classification experiment: train epoch by epoch with the `Trainer`, evaluate on the
 * test subset after each epoch (loss, accuracy, confusion, inference speed), stop at the epoch
 * count or after the epoch that crosses the time limit, and write into `outDir`:
 *
 *   results.json   config, per-epoch metrics, final/best test accuracy, images/s, wall time, backend
 *   curves.svg     loss and accuracy vs epoch            (rewritten after every epoch)
 *   confusion.csv / confusion.svg                        (of the final evaluation)
 *   checkpoint/    the final weights and training state (src/train/checkpoint.ts)
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CIFAR_CLASSES } from '../data/cifar10.ts';
import { predictFromPsp } from '../labels/classification.ts';
import { Sequential } from '../network/sequential.ts';
import { addToConfusion, confusionCsv, confusionSvg, emptyConfusion, type ConfusionMatrix } from '../report/confusion.ts';
import { learningCurvesSvg } from '../report/curves.ts';
import { earlyStopping, type TrainerCallbacks } from '../train/callbacks.ts';
import { DivergenceError, divergenceGuard } from '../train/divergence.ts';
import type { EpochMetrics } from '../train/checkpoint.ts';
import type { OptimizerSpec } from '../train/optimizers.ts';
import type { LrSchedule } from '../train/schedule.ts';
import { Trainer } from '../train/trainer.ts';
import { createRng } from '../util/random.ts';
import type { ResolvedExperiment } from './config.ts';
import { epochChunk, loadSources, PooledDataset, trainingPool, type SampleSource } from './data.ts';
import { makeObjective, NUM_CLASSES, type Objective } from './objective.ts';

export const CLASS_NAMES: Record<ResolvedExperiment['dataset'], readonly string[]> = {
  cifar10: CIFAR_CLASSES,
  nmnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

export interface RunOptions {
  /** Folder the loaders read (cifar-10-batches-bin, or the N-MNIST folder with Train/ Test/). */
  dataDir: string;
  outDir: string;
  /** One line per epoch and at the end (stdout by default). */
  log: (line: string) => void;
  /** The Trainer's progress bar. */
  progress: 'auto' | 'always' | 'never';
  /** Recorded in results.json (e.g. the CLI's argv). */
  command?: string;
  /** Save the final checkpoint into outDir/checkpoint. */
  checkpoint: boolean;
  /** Aborting stops training before the next batch (the run then rejects). */
  signal?: AbortSignal;
}

export const DEFAULT_RUN: Readonly<Omit<RunOptions, 'dataDir' | 'outDir'>> = Object.freeze({
  log: (line: string) => console.log(line),
  progress: 'auto',
  checkpoint: true,
});

export interface EpochRecord {
  epoch: number;
  step: number;
  lr: number;
  loss: number;
  accuracy?: number;
  testLoss: number;
  testAccuracy: number;
  trainSeconds: number;
  evalSeconds: number;
  trainSamples: number;
}

export interface ClassificationResult {
  name: string;
  dataset: ResolvedExperiment['dataset'];
  label: Objective['describe'];
  backend: string;
  config: Omit<ResolvedExperiment, 'resolvedNetwork'>;
  samples: { train: number; test: number; perEpoch: number };
  epochs: EpochRecord[];
  stoppedBy: 'epochs' | 'time-limit';
  final: { testAccuracy: number; testLoss: number; bestTestAccuracy: number; bestEpoch: number };
  throughput: { trainImagesPerSec: number; inferenceImagesPerSec: number };
  wallSeconds: number;
  trainSeconds: number;
  startedAt: string;
  command?: string;
  node: string;
}

interface EvalOutcome {
  loss: number;
  accuracy: number;
  confusion: ConfusionMatrix;
  forwardSeconds: number;
  seconds: number;
}

/** Test-set pass in inference mode; times the forward + readout apart from decoding. */
export function evaluateClassifier(net: Sequential, data: PooledDataset, objective: Objective, batchSize: number): EvalOutcome {
  const t0 = performance.now();
  const confusion = emptyConfusion(NUM_CLASSES);
  let lossSum = 0;
  let batches = 0;
  let forwardMs = 0;
  for (let start = 0; start < data.size; start += batchSize) {
    const idx = Int32Array.from({ length: Math.min(batchSize, data.size - start) }, (_, i) => start + i);
    const b = data.batch(idx);
    try {
      const f0 = performance.now();
      const { spikes } = net.forward(b.inputs, { training: false });
      const pred = predictFromPsp(spikes, objective.readoutPsp);
      forwardMs += performance.now() - f0;
      const l = tf.tidy(() => objective.loss(spikes, b.targets));
      lossSum += l.dataSync()[0]!;
      l.dispose();
      spikes.dispose();
      addToConfusion(confusion, b.labels!, pred);
      batches += 1;
    } finally {
      b.inputs.dispose();
      b.targets.dispose();
    }
  }
  let diag = 0;
  confusion.forEach((row, i) => (diag += row[i]!));
  return {
    loss: lossSum / batches,
    accuracy: diag / data.size,
    confusion,
    forwardSeconds: forwardMs / 1000,
    seconds: (performance.now() - t0) / 1000,
  };
}

export function optimizerSpec(o: ResolvedExperiment['train']['optimizer']): OptimizerSpec {
  if (o.kind === 'sgd') return { kind: 'sgd', lr: o.lr, momentum: o.momentum ?? 0, weightDecay: o.weightDecay ?? 0 };
  return {
    kind: o.kind,
    lr: o.lr,
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.999,
    epsilon: o.epsilon ?? 1e-8,
    weightDecay: o.weightDecay ?? (o.kind === 'adamw' ? 0.01 : 0),
  };
}

function scheduleSpec(s: ResolvedExperiment['train']['schedule'], plannedSteps: number): LrSchedule {
  if (!s || s.kind === 'constant') return { kind: 'constant' };
  if (s.kind === 'step') return s;
  return { kind: 'cosine', totalSteps: s.totalSteps ?? Math.max(1, plannedSteps), minLr: s.minLr ?? 0 };
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** The data side of a run: label objective, train pool (chunked per epoch) and test subset. */
interface RunData {
  objective: Objective;
  pool: Int32Array;
  perEpoch: number;
  testPool: Int32Array;
  trainData: PooledDataset;
  testData: PooledDataset;
}

function prepareData(exp: ResolvedExperiment, dataDir: string): RunData {
  const tr = exp.train;
  const seed = tr.seed ?? 0;
  const objective = makeObjective(exp.label, exp.network.T);
  const { train: trainSrc, test: testSrc }: { train: SampleSource; test: SampleSource } = loadSources(exp, dataDir);
  const pool = trainingPool(trainSrc.size, tr.trainLimit, seed);
  const perEpoch = Math.min(tr.epochSamples ?? pool.length, pool.length);
  const testPool = Int32Array.from({ length: Math.min(tr.testLimit ?? testSrc.size, testSrc.size) }, (_, i) => i);
  const augment = exp.dataset === 'cifar10' && exp.data?.augment ? createRng(seed).fork() : undefined;
  return {
    objective,
    pool,
    perEpoch,
    testPool,
    trainData: new PooledDataset(trainSrc, pool, objective, augment),
    testData: new PooledDataset(testSrc, testPool, objective),
  };
}

function buildTrainer(exp: ResolvedExperiment, net: Sequential, data: RunData, progress: RunOptions['progress']): Trainer {
  const tr = exp.train;
  const plannedSteps = tr.epochs * Math.ceil(data.perEpoch / tr.batchSize);
  return new Trainer(net, {
    loss: data.objective.loss,
    optimizer: optimizerSpec(tr.optimizer),
    schedule: scheduleSpec(tr.schedule, plannedSteps),
    batchSize: tr.batchSize,
    ...(tr.clipGradNorm !== undefined ? { clipGradNorm: tr.clipGradNorm } : {}),
    ...(tr.weightClamp !== undefined ? { weightClamp: tr.weightClamp } : {}),
    seed: tr.seed ?? 0,
    shuffle: true,
    readoutPsp: data.objective.readoutPsp,
    progress,
  });
}

/** What the run has measured so far; `result()` turns it into results.json. */
class RunRecord {
  readonly epochs: EpochRecord[] = [];
  last: EvalOutcome | undefined;
  trainSeconds = 0;
  forwardSeconds = 0;
  evaluated = 0;
  stoppedBy: ClassificationResult['stoppedBy'] = 'epochs';
  private readonly started = new Date();
  private readonly wall0 = performance.now();

  constructor(
    private readonly exp: ResolvedExperiment,
    private readonly data: RunData,
    private readonly command: string | undefined,
  ) {}

  add(m: EpochMetrics, ev: EvalOutcome): EpochRecord {
    this.last = ev;
    this.trainSeconds += m.seconds;
    this.forwardSeconds += ev.forwardSeconds;
    this.evaluated += this.data.testPool.length;
    const rec: EpochRecord = {
      epoch: m.epoch,
      step: m.step,
      lr: m.lr,
      loss: m.loss,
      ...(m.accuracy !== undefined ? { accuracy: m.accuracy } : {}),
      testLoss: ev.loss,
      testAccuracy: ev.accuracy,
      trainSeconds: m.seconds,
      evalSeconds: ev.seconds,
      trainSamples: this.data.trainData.size,
    };
    this.epochs.push(rec);
    return rec;
  }

  result(): ClassificationResult {
    const { exp, data, epochs, last } = this;
    const { resolvedNetwork: _resolved, ...config } = exp;
    const best = epochs.reduce((b, e) => (e.testAccuracy > b.testAccuracy ? e : b), epochs[0]!);
    const trained = epochs.reduce((a, e) => a + e.trainSamples, 0);
    return {
      name: exp.name,
      dataset: exp.dataset,
      label: data.objective.describe,
      backend: tf.getBackend(),
      config,
      samples: { train: data.pool.length, test: data.testPool.length, perEpoch: data.perEpoch },
      epochs,
      stoppedBy: this.stoppedBy,
      final: { testAccuracy: last!.accuracy, testLoss: last!.loss, bestTestAccuracy: best.testAccuracy, bestEpoch: best.epoch },
      throughput: { trainImagesPerSec: trained / this.trainSeconds, inferenceImagesPerSec: this.evaluated / this.forwardSeconds },
      wallSeconds: (performance.now() - this.wall0) / 1000,
      trainSeconds: this.trainSeconds,
      startedAt: this.started.toISOString(),
      ...(this.command !== undefined ? { command: this.command } : {}),
      node: process.version,
    };
  }
}

/**
 * The per-epoch side of a run as trainer callbacks: the epoch's chunk of the pool before it, the
 * test pass, the log line and the rewritten results.json / curves.svg after it.
 */
function epochCallbacks(exp: ResolvedExperiment, net: Sequential, data: RunData, record: RunRecord, o: RunOptions): TrainerCallbacks {
  const tr = exp.train;
  return {
    onEpochBegin(epoch) {
      data.trainData.pool = epochChunk(data.pool, tr.epochSamples, epoch - 1);
    },
    onEpochEnd(_epoch, m) {
      const rec = record.add(m, evaluateClassifier(net, data.testData, data.objective, tr.batchSize));
      const acc = rec.accuracy !== undefined ? `, train acc ${(100 * rec.accuracy).toFixed(2)}%` : '';
      o.log(
        `epoch ${rec.epoch}/${tr.epochs}: loss ${rec.loss.toPrecision(4)}${acc}, test loss ${rec.testLoss.toPrecision(4)}, test acc ${(100 * rec.testAccuracy).toFixed(2)}% (train ${rec.trainSeconds.toFixed(1)} s, eval ${rec.evalSeconds.toFixed(1)} s)`,
      );
      writeAtomic(join(o.outDir, 'results.json'), `${JSON.stringify(record.result(), null, 2)}\n`);
      writeAtomic(join(o.outDir, 'curves.svg'), learningCurvesSvg(record.epochs, `${exp.name} (${data.objective.type} labels)`));
    },
  };
}

/** Confusion of the last evaluation, the checkpoint and the final results.json. */
function finishRun(exp: ResolvedExperiment, trainer: Trainer, data: RunData, record: RunRecord, o: RunOptions): ClassificationResult {
  const names = CLASS_NAMES[exp.dataset];
  writeAtomic(join(o.outDir, 'confusion.csv'), confusionCsv(record.last!.confusion, names));
  writeAtomic(
    join(o.outDir, 'confusion.svg'),
    confusionSvg(record.last!.confusion, names, `${exp.name}, ${data.objective.type} labels, test`),
  );
  if (o.checkpoint) trainer.saveCheckpoint(join(o.outDir, 'checkpoint'));
  const r = record.result();
  writeAtomic(join(o.outDir, 'results.json'), `${JSON.stringify(r, null, 2)}\n`);
  o.log(
    `final test accuracy ${(100 * r.final.testAccuracy).toFixed(2)}% (best ${(100 * r.final.bestTestAccuracy).toFixed(2)}% at epoch ${r.final.bestEpoch}); ` +
      `train ${r.throughput.trainImagesPerSec.toFixed(1)} images/s, inference ${r.throughput.inferenceImagesPerSec.toFixed(1)} images/s; wall ${r.wallSeconds.toFixed(0)} s`,
  );
  return r;
}

/** Saves the last healthy epoch's weights (never the diverged ones) and says where they are. */
function keepLastGood(err: DivergenceError, net: Sequential, trainer: Trainer, o: RunOptions): string {
  if (!o.checkpoint || !err.lastGood) return `${err.message} Nothing was saved.`;
  const dir = join(o.outDir, 'checkpoint');
  net.setWeights(err.lastGood.weights);
  trainer.saveCheckpoint(dir);
  return `${err.message} They were saved to ${dir}.`;
}

/**
 * Trains and evaluates one experiment: data → network and trainer → `fit` over all epochs with
 * the per-epoch test pass as a callback and the time limit as an `earlyStopping` budget → report.
 */
export async function runClassification(
  exp: ResolvedExperiment,
  options: Partial<RunOptions> & Pick<RunOptions, 'dataDir' | 'outDir'>,
): Promise<ClassificationResult> {
  const o = { ...DEFAULT_RUN, ...options };
  const tr = exp.train;
  const data = prepareData(exp, o.dataDir);
  mkdirSync(o.outDir, { recursive: true });
  const net = Sequential.fromConfig({ ...exp.network, seed: exp.network.seed ?? tr.seed ?? 0 });
  const trainer = buildTrainer(exp, net, data, o.progress);
  const record = new RunRecord(exp, data, o.command);
  // the budget counts training time only (the epochs' seconds), as results.json reports it
  const budget = tr.timeLimitMin !== undefined ? earlyStopping({ patience: Infinity, maxSeconds: tr.timeLimitMin * 60 }) : undefined;
  // a blown-up loss or unbounded weights stop the run; the last healthy epoch's weights are what gets saved
  const guard = divergenceGuard(net);
  try {
    try {
      await trainer.fit(data.trainData, {
        epochs: tr.epochs,
        callbacks: [guard, epochCallbacks(exp, net, data, record, o), ...(budget ? [budget] : [])],
        ...(o.signal ? { signal: o.signal } : {}),
      });
    } catch (err) {
      if (!(err instanceof DivergenceError)) throw err;
      throw new Error(keepLastGood(err, net, trainer, o), { cause: err });
    }
    if (budget?.stoppedBy === 'time-budget') {
      record.stoppedBy = 'time-limit';
      o.log(
        `time limit of ${tr.timeLimitMin} min reached after epoch ${budget.stoppedEpoch} (${(record.trainSeconds / 60).toFixed(1)} min of training)`,
      );
    }
    return finishRun(exp, trainer, data, record, o);
  } finally {
    trainer.dispose();
    net.dispose();
  }
}
