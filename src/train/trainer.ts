/**
 * Mini-batch training of a `Sequential` SNN:
 *
 *   per epoch: permute the examples (seeded), then per batch
 *     out = net.forward(x, training) → L = loss(out, target) → g = ∂L/∂W (fused-op backward)
 *     stop if L or any g is NaN/Inf (naming the step and the tensor)
 *     g ← g·min(1, c/‖g‖₂) (global-norm clip)  →  optimizer update with lr(step)  →  W ← clamp(W, ±w)
 *   after the epoch: metrics (loss, accuracy when the batches carry labels), optional evaluation,
 *   optional checkpoint (weights, optimizer slots, epoch/step, both generator states, history);
 *   with `checkpointEverySteps` also inside the epoch (the position and the partial sums go along)
 *
 * Everything random is seeded (init: the network config; order: `seed`; dropout: the network's
 * generator), and a run resumed from a checkpoint continues exactly as the uninterrupted run.
 * Reference: Zhang & Li, TSSL-BP, NeurIPS 2020 (AdamW, clip 1, clamp ±4).
 */
import * as tf from '@tensorflow/tfjs-core';
import { predictFromPsp } from '../labels/classification.ts';
import type { LayerPspOptions } from '../layers/neuronOptions.ts';
import type { Sequential } from '../network/sequential.ts';
import { createProgress, type ProgressMode } from '../util/progress.ts';
import { createRng, shuffleInPlace, type Rng } from '../util/random.ts';
import type { BatchLogs, FitContext, FitResult, TrainerCallbacks } from './callbacks.ts';
import {
  loadCheckpoint,
  restoreNetwork,
  saveCheckpoint,
  type EpochMetrics,
  type EpochProgress,
  type SaveCheckpointOptions,
} from './checkpoint.ts';
import { DEFAULT_OPTIMIZER, Optimizer, type NamedGrad, type OptimizerSpec } from './optimizers.ts';
import { DEFAULT_SCHEDULE, learningRate, type LrSchedule } from './schedule.ts';

export interface Batch {
  /** `[T, B, ...]` or static `[B, ...]`. */
  inputs: tf.Tensor;
  /** Whatever the loss compares the output with (desired trains, rates, counts). */
  targets: tf.Tensor;
  /** Class labels, when the task is classification (enables accuracy). */
  labels?: ArrayLike<number>;
}

/** Examples addressed by index; the trainer disposes the tensors of each batch it asks for. */
export interface Dataset {
  readonly size: number;
  batch(indices: Int32Array): Batch;
}

export type LossFn = (outSpikes: tf.Tensor, targets: tf.Tensor) => tf.Scalar;

export interface TrainerOptions {
  loss: LossFn;
  optimizer: OptimizerSpec;
  schedule: LrSchedule;
  batchSize: number;
  /** Global gradient-norm limit; undefined = no clipping. */
  clipGradNorm?: number;
  /** Weights are clamped to [−w, w] after each update; undefined = no clamp. */
  weightClamp?: number;
  /** Seed of the example order. */
  seed: number;
  shuffle: boolean;
  /** PSP of the classification readout (argmax of summed PSP). */
  readoutPsp: Partial<LayerPspOptions>;
  /** A bar over the whole run with its ETA: 'auto' on a TTY stderr only; 'always' also one line per epoch off a TTY. */
  progress: ProgressMode;
  /** Where to write a checkpoint after every `checkpointEvery` epochs (and after the last one). */
  checkpointDir?: string;
  checkpointEvery: number;
  /** Also checkpoint every this many optimizer steps inside an epoch; undefined = only at epoch ends. */
  checkpointEverySteps?: number;
}

export const DEFAULT_TRAINER: Readonly<Omit<TrainerOptions, 'loss'>> = Object.freeze({
  optimizer: DEFAULT_OPTIMIZER,
  schedule: DEFAULT_SCHEDULE,
  batchSize: 32,
  seed: 0,
  shuffle: true,
  readoutPsp: Object.freeze({}),
  progress: 'auto',
  checkpointEvery: 1,
});

export class NonFiniteError extends Error {
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly tensor: string,
  ) {
    super(`training stopped at epoch ${epoch}, step ${step}: ${tensor} is not finite (NaN or Inf)`);
    this.name = 'NonFiniteError';
  }
}

export interface FitOptions {
  /** Total epochs to reach (a resumed trainer continues from its epoch count). */
  epochs: number;
  /** Evaluated after every epoch (`evalLoss`, `evalAccuracy` in the metrics). */
  evalData?: Dataset;
  /** Awaited hooks (tfjs-layers style), e.g. `[earlyStopping({monitor: 'evalLoss', patience: 3})]`. */
  callbacks?: TrainerCallbacks | readonly TrainerCallbacks[];
  /** Aborting stops before the next batch; `fit` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Passed to `saveCheckpoint` (crash-simulation hook for tests). */
  checkpoint?: SaveCheckpointOptions;
}

export interface EvalResult {
  loss: number;
  accuracy?: number;
}

export class Trainer {
  readonly options: TrainerOptions;
  readonly optimizer: Optimizer;
  /** Epochs completed. */
  epoch = 0;
  readonly history: EpochMetrics[] = [];
  private shuffleRng: Rng;
  /** Set when resumed from a checkpoint taken inside an epoch. */
  private inEpoch: EpochProgress | undefined;

  constructor(
    readonly network: Sequential,
    opts: Partial<TrainerOptions> & Pick<TrainerOptions, 'loss'>,
  ) {
    this.options = { ...DEFAULT_TRAINER, ...opts };
    const o = this.options;
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1)
      throw new Error(`trainer.batchSize must be a positive integer, got ${o.batchSize}`);
    if (o.clipGradNorm !== undefined && !(o.clipGradNorm > 0)) throw new Error(`trainer.clipGradNorm must be > 0, got ${o.clipGradNorm}`);
    if (o.weightClamp !== undefined && !(o.weightClamp > 0)) throw new Error(`trainer.weightClamp must be > 0, got ${o.weightClamp}`);
    this.optimizer = new Optimizer(o.optimizer);
    this.shuffleRng = createRng(o.seed);
  }

  /** Optimizer steps taken. */
  get step(): number {
    return this.optimizer.step;
  }

  /** Rebuilds network, optimizer state, counters and generators from a checkpoint folder. */
  static fromCheckpoint(
    dir: string,
    opts: Partial<TrainerOptions> & Pick<TrainerOptions, 'loss'>,
  ): { network: Sequential; trainer: Trainer } {
    const ckpt = loadCheckpoint(dir);
    const network = restoreNetwork(ckpt);
    const trainer = new Trainer(network, { ...(ckpt.optimizer ? { optimizer: ckpt.optimizer.spec } : {}), ...opts });
    if (ckpt.optimizer) {
      if (ckpt.optimizer.spec.kind !== trainer.options.optimizer.kind) {
        network.dispose();
        throw new Error(
          `checkpoint ${ckpt.path}: optimizer state is for '${ckpt.optimizer.spec.kind}', the trainer uses '${trainer.options.optimizer.kind}'`,
        );
      }
      trainer.optimizer.setState(ckpt.optimizer.step, ckpt.optimizer.state);
    }
    if (ckpt.trainer) {
      trainer.epoch = ckpt.trainer.epoch;
      trainer.shuffleRng = createRng(ckpt.trainer.shuffleRng);
      network.setRngState(ckpt.trainer.dropoutRng);
      trainer.inEpoch = ckpt.trainer.inEpoch;
    }
    trainer.history.push(...ckpt.metrics);
    return { network, trainer };
  }

  /** Saves the whole training state to `dir` (atomically). */
  saveCheckpoint(dir: string, opts: SaveCheckpointOptions = {}, inEpoch: EpochProgress | undefined = undefined): void {
    saveCheckpoint(
      dir,
      {
        network: this.network.config,
        weights: this.network.getWeights(),
        optimizer: { spec: this.options.optimizer, step: this.optimizer.step, state: this.optimizer.getState() },
        trainer: {
          epoch: this.epoch,
          step: this.optimizer.step,
          shuffleRng: this.shuffleRng.state(),
          dropoutRng: this.network.rngState(),
          ...(inEpoch ? { inEpoch } : {}),
        },
        metrics: this.history,
      },
      opts,
    );
  }

  /** One update on one batch; returns the loss and the batch's correct predictions (if labelled). */
  trainStep(batch: Batch): { loss: number; correct?: number } {
    const named = this.network.namedVariables();
    const byVarName = new Map(named.map((n) => [n.variable.name, n]));
    let correct: number | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const { spikes } = this.network.forward(batch.inputs, { training: true });
      if (batch.labels) correct = countCorrect(predictFromPsp(spikes, this.options.readoutPsp), batch.labels);
      return this.options.loss(spikes, batch.targets);
    }, this.network.trainableVariables);
    const stepNo = this.optimizer.step + 1;
    try {
      const loss = value.dataSync()[0]!;
      if (!Number.isFinite(loss)) throw new NonFiniteError(this.epoch + 1, stepNo, 'the loss');
      const list: NamedGrad[] = Object.entries(grads).map(([vn, grad]) => {
        const n = byVarName.get(vn)!;
        return { name: n.name, variable: n.variable, grad };
      });
      const sq = tf.tidy(() => tf.stack(list.map((g) => tf.sum(tf.square(g.grad)))).dataSync());
      list.forEach((g, i) => {
        if (!Number.isFinite(sq[i]!)) throw new NonFiniteError(this.epoch + 1, stepNo, `the gradient of '${g.name}'`);
      });
      const norm = Math.sqrt(Array.from(sq).reduce((a, b) => a + b, 0));
      const clip = this.options.clipGradNorm;
      const scaled = clip !== undefined && norm > clip ? list.map((g) => ({ ...g, grad: tf.mul(g.grad, clip / norm) })) : list;
      this.optimizer.apply(scaled, learningRate(this.options.schedule, this.options.optimizer.lr, this.optimizer.step));
      if (scaled !== list) scaled.forEach((g) => g.grad.dispose());
      const w = this.options.weightClamp;
      if (w !== undefined) {
        // assign inside tidy: the new value's tensor object is released, its data stays with the variable
        tf.tidy(() => {
          for (const { variable } of named.filter((n) => n.trainable !== false)) variable.assign(tf.clipByValue(variable, -w, w));
        });
      }
      return correct === undefined ? { loss } : { loss, correct };
    } finally {
      value.dispose();
      Object.values(grads).forEach((g) => g.dispose());
    }
  }

  /**
   * Trains until `epochs` epochs are complete (a resumed trainer continues from its epoch count),
   * yielding to the event loop after every batch, so a server or a UI stays responsive meanwhile.
   * Callbacks are awaited at the start and end of the run and of each epoch, and after each batch;
   * one of them (e.g. `earlyStopping`) may end the run after the current epoch. Aborting `signal`
   * stops before the next batch: with a `checkpointDir` the position is saved first (a resumed run
   * continues exactly), then `fit` rejects with the signal's reason.
   *
   *   const { history } = await trainer.fit(ds, { epochs: 20, callbacks: [earlyStopping({ patience: 3 })] });
   */
  async fit(train: Dataset, opts: FitOptions): Promise<FitResult> {
    const o = this.options;
    if (train.size < 1) throw new Error('fit: the training set is empty');
    if (!(Number.isInteger(opts.epochs) && opts.epochs >= 0)) throw new Error(`fit: epochs must be an integer >= 0, got ${opts.epochs}`);
    if (o.checkpointEverySteps !== undefined && !(Number.isInteger(o.checkpointEverySteps) && o.checkpointEverySteps >= 1)) {
      throw new Error(`trainer.checkpointEverySteps must be a positive integer, got ${o.checkpointEverySteps}`);
    }
    const callbacks =
      opts.callbacks === undefined ? [] : Array.isArray(opts.callbacks) ? opts.callbacks : [opts.callbacks as TrainerCallbacks];
    let stopReason: string | undefined;
    const ctx: FitContext = {
      epochs: opts.epochs,
      stop: (reason) => {
        stopReason ??= reason;
      },
      get stopReason() {
        return stopReason;
      },
    };
    const result: FitResult = { history: [] };
    const batchesNow = () => Math.ceil(train.size / o.batchSize);
    const firstEpoch = this.epoch;
    const progress = createProgress(
      { mode: o.progress, total: Math.max(0, opts.epochs - firstEpoch) * batchesNow(), label: 'epoch {epoch}/{epochs}', unit: 'batches' },
      this.inEpoch?.batch ?? 0,
      { epoch: firstEpoch + 1, epochs: opts.epochs },
    );
    let done = this.inEpoch?.batch ?? 0;
    try {
      for (const c of callbacks) await c.onTrainBegin?.(ctx);
      while (this.epoch < opts.epochs && stopReason === undefined) {
        for (const c of callbacks) await c.onEpochBegin?.(this.epoch + 1, ctx);
        const batches = batchesNow();
        progress.setTotal(done - (this.inEpoch?.batch ?? 0) + (opts.epochs - this.epoch) * batches);
        const m = await this.runEpoch(train, opts, batches, callbacks, ctx, (b, loss) => {
          done += 1;
          progress.update(done, { epoch: this.epoch + 1, epochs: opts.epochs, detail: `  loss ${loss.toPrecision(4)}` });
        });
        result.history.push(m);
        const acc = m.accuracy !== undefined ? `, accuracy ${m.accuracy.toFixed(4)}` : '';
        const ev =
          m.evalLoss !== undefined
            ? `, eval loss ${m.evalLoss.toPrecision(4)}${m.evalAccuracy !== undefined ? `, eval accuracy ${m.evalAccuracy.toFixed(4)}` : ''}`
            : '';
        progress.line(`epoch ${m.epoch}/${opts.epochs}: loss ${m.loss.toPrecision(4)}${acc}${ev} (${m.seconds.toFixed(1)} s)`);
        for (const c of callbacks) await c.onEpochEnd?.(m.epoch, m, ctx);
        const last = this.epoch === opts.epochs || stopReason !== undefined;
        if (o.checkpointDir && (this.epoch % o.checkpointEvery === 0 || last)) this.saveCheckpoint(o.checkpointDir, opts.checkpoint);
      }
    } finally {
      progress.stop();
    }
    if (stopReason !== undefined && this.epoch < opts.epochs) result.stopped = { epoch: this.epoch, reason: stopReason };
    for (const c of callbacks) await c.onTrainEnd?.(result, ctx);
    return result;
  }

  /** One epoch (or the rest of a resumed one): batches in seeded order, metrics, optional evaluation. */
  private async runEpoch(
    train: Dataset,
    opts: FitOptions,
    batches: number,
    callbacks: readonly TrainerCallbacks[],
    ctx: FitContext,
    onBatch: (b: number, meanLoss: number) => void,
  ): Promise<EpochMetrics> {
    const o = this.options;
    const t0 = performance.now();
    // a run resumed inside an epoch regenerates that epoch's order and skips the trained batches
    const resumed = this.inEpoch;
    this.inEpoch = undefined;
    const orderRng = resumed ? createRng(resumed.orderRng) : this.shuffleRng;
    const orderRngState = orderRng.state();
    const order = Int32Array.from({ length: train.size }, (_, i) => i);
    if (o.shuffle) shuffleInPlace(order, orderRng);
    const first = resumed?.batch ?? 0;
    let lossSum = resumed?.lossSum ?? 0;
    let correct = resumed?.correct ?? 0;
    let labelled = resumed?.labelled ?? 0;
    const secondsBefore = resumed?.seconds ?? 0;
    const position = (b: number): EpochProgress => ({
      batch: b,
      orderRng: orderRngState,
      lossSum,
      correct,
      labelled,
      seconds: secondsBefore + (performance.now() - t0) / 1000,
    });
    for (let b = first; b < batches; b++) {
      if (opts.signal?.aborted) {
        if (o.checkpointDir) this.saveCheckpoint(o.checkpointDir, opts.checkpoint, position(b));
        this.inEpoch = position(b);
        throw opts.signal.reason ?? new DOMException('fit was aborted', 'AbortError');
      }
      const idx = order.subarray(b * o.batchSize, Math.min(train.size, (b + 1) * o.batchSize));
      const batch = train.batch(idx);
      let loss: number;
      try {
        const r = this.trainStep(batch);
        loss = r.loss;
        lossSum += r.loss;
        if (r.correct !== undefined) {
          correct += r.correct;
          labelled += idx.length;
        }
      } finally {
        batch.inputs.dispose();
        batch.targets.dispose();
      }
      onBatch(b, lossSum / (b + 1));
      const every = o.checkpointEverySteps;
      if (o.checkpointDir && every !== undefined && this.optimizer.step % every === 0 && b + 1 < batches) {
        this.saveCheckpoint(o.checkpointDir, opts.checkpoint, position(b + 1));
      }
      const logs: BatchLogs = { epoch: this.epoch + 1, batch: b, batches, size: idx.length, loss, step: this.optimizer.step };
      for (const c of callbacks) await c.onBatchEnd?.(b, logs, ctx);
      // let timers, sockets and an abort() in between batches run
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.epoch += 1;
    const m: EpochMetrics = {
      epoch: this.epoch,
      step: this.optimizer.step,
      lr: learningRate(o.schedule, o.optimizer.lr, this.optimizer.step - 1),
      loss: lossSum / batches,
      ...(labelled > 0 ? { accuracy: correct / labelled } : {}),
      seconds: 0,
    };
    if (opts.evalData) {
      const ev = this.evaluate(opts.evalData);
      m.evalLoss = ev.loss;
      if (ev.accuracy !== undefined) m.evalAccuracy = ev.accuracy;
    }
    m.seconds = secondsBefore + (performance.now() - t0) / 1000;
    this.history.push(m);
    return m;
  }

  /** Mean loss and accuracy (if labelled) over a dataset, inference mode, in `batchSize` chunks. */
  evaluate(data: Dataset): EvalResult {
    const o = this.options;
    let lossSum = 0;
    let correct = 0;
    let labelled = 0;
    let batches = 0;
    for (let start = 0; start < data.size; start += o.batchSize) {
      const idx = Int32Array.from({ length: Math.min(o.batchSize, data.size - start) }, (_, i) => start + i);
      const batch = data.batch(idx);
      try {
        const { spikes } = this.network.forward(batch.inputs, { training: false });
        const l = tf.tidy(() => o.loss(spikes, batch.targets));
        lossSum += l.dataSync()[0]!;
        l.dispose();
        if (batch.labels) {
          correct += countCorrect(predictFromPsp(spikes, o.readoutPsp), batch.labels);
          labelled += idx.length;
        }
        spikes.dispose();
        batches += 1;
      } finally {
        batch.inputs.dispose();
        batch.targets.dispose();
      }
    }
    return labelled > 0 ? { loss: lossSum / batches, accuracy: correct / labelled } : { loss: lossSum / batches };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

function countCorrect(pred: Int32Array, labels: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) c++;
  return c;
}

/** A dataset over in-memory tensors `[T, N, ...]` (or static `[N, ...]`) and targets `[..., N, ...]`. */
export function tensorDataset(
  inputs: tf.Tensor,
  targets: tf.Tensor,
  opts: { timeMajorInputs: boolean; timeMajorTargets: boolean; labels?: ArrayLike<number> },
): Dataset {
  const axisIn = opts.timeMajorInputs ? 1 : 0;
  const axisT = opts.timeMajorTargets ? 1 : 0;
  const size = inputs.shape[axisIn]!;
  if (targets.shape[axisT] !== size) throw new Error(`tensorDataset: ${size} inputs but ${targets.shape[axisT]} targets`);
  if (opts.labels && opts.labels.length !== size) throw new Error(`tensorDataset: ${size} inputs but ${opts.labels.length} labels`);
  return {
    size,
    batch(indices: Int32Array): Batch {
      const idx = tf.tensor1d(indices, 'int32');
      const b: Batch = { inputs: tf.gather(inputs, idx, axisIn), targets: tf.gather(targets, idx, axisT) };
      idx.dispose();
      if (opts.labels) b.labels = Array.from(indices, (i) => opts.labels![i]!);
      return b;
    },
  };
}
