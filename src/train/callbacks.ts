/**
 * Training callbacks in the tfjs-layers style (`model.fit(x, y, {callbacks})`): hooks the trainer
 * awaits at the start and end of the run, of every epoch and after every batch, and
 * `earlyStopping`, tfjs's EarlyStopping plus a training-time budget.
 *
 * A callback ends the run with `ctx.stop(reason)`; the trainer honours it at the end of the current
 * epoch, so every recorded epoch is whole and a checkpoint never holds half an epoch's metrics. To
 * stop at once, abort the `signal` passed to `fit` instead.
 *
 * Reference: TensorFlow.js `tf.callbacks.earlyStopping` (tfjs-layers/src/callbacks.ts).
 */
import type { EpochMetrics } from './checkpoint.ts';

type Awaitable = void | Promise<void>;

/** What a callback sees of the run, and how it ends it. */
export interface FitContext {
  /** The epoch count `fit` trains up to. */
  readonly epochs: number;
  /** Ends the run after the current epoch (the first reason given is kept). */
  stop(reason: string): void;
  /** The reason passed to `stop`, once a callback has asked. */
  readonly stopReason: string | undefined;
}

export interface BatchLogs {
  /** 1-based epoch the batch belongs to. */
  epoch: number;
  /** 0-based batch index within the epoch. */
  batch: number;
  /** Batches in this epoch. */
  batches: number;
  /** Examples in the batch. */
  size: number;
  loss: number;
  /** Optimizer steps taken so far. */
  step: number;
}

/** What `fit` resolves with. */
export interface FitResult {
  /** The epochs trained by this call (a resumed trainer's earlier epochs are in `trainer.history`). */
  history: EpochMetrics[];
  /** Set when a callback ended the run before `epochs`. */
  stopped?: { epoch: number; reason: string };
}

/**
 * Hooks awaited by `Trainer.fit`, each optional; epochs are 1-based (`EpochMetrics.epoch`).
 * An error thrown (or a promise rejected) in a hook ends `fit` with that error.
 */
export interface TrainerCallbacks {
  onTrainBegin?(ctx: FitContext): Awaitable;
  /** Before the epoch's order is drawn: a callback may still change the dataset (e.g. its pool). */
  onEpochBegin?(epoch: number, ctx: FitContext): Awaitable;
  onBatchEnd?(batch: number, logs: BatchLogs, ctx: FitContext): Awaitable;
  onEpochEnd?(epoch: number, logs: EpochMetrics, ctx: FitContext): Awaitable;
  onTrainEnd?(result: FitResult, ctx: FitContext): Awaitable;
}

export type Monitor = 'loss' | 'accuracy' | 'evalLoss' | 'evalAccuracy';

export interface EarlyStoppingOptions {
  /** The epoch metric watched. */
  monitor: Monitor;
  /** 'auto': minimise losses, maximise accuracies. */
  mode: 'auto' | 'min' | 'max';
  /** A change smaller than this does not count as an improvement. */
  minDelta: number;
  /** Epochs without improvement before stopping (0: stop at the first one; Infinity: never, e.g. a time budget alone). */
  patience: number;
  /** Training-time budget in seconds (sum of the epochs' `seconds`): stop after the epoch that reaches it. */
  maxSeconds?: number;
}

export const DEFAULT_EARLY_STOPPING: Readonly<EarlyStoppingOptions> = Object.freeze({
  monitor: 'loss',
  mode: 'auto',
  minDelta: 0,
  patience: 0,
});

const MONITORS: readonly Monitor[] = ['loss', 'accuracy', 'evalLoss', 'evalAccuracy'];

/** Stops when the monitored metric has not improved for `patience` epochs, or at a time budget. */
export class EarlyStopping implements TrainerCallbacks {
  readonly options: Readonly<EarlyStoppingOptions>;
  /** Best value of the monitored metric so far. */
  best = Number.NaN;
  bestEpoch = 0;
  /** Epochs since the last improvement. */
  wait = 0;
  /** Training seconds counted against `maxSeconds`. */
  seconds = 0;
  /** Why this callback stopped the run, if it did. */
  stoppedBy: 'patience' | 'time-budget' | undefined;
  stoppedEpoch = 0;

  constructor(opts: Partial<EarlyStoppingOptions> = {}) {
    const o = { ...DEFAULT_EARLY_STOPPING, ...opts };
    if (!MONITORS.includes(o.monitor))
      throw new Error(`earlyStopping.monitor must be one of ${MONITORS.join(', ')}, got ${JSON.stringify(o.monitor)}`);
    if (o.mode !== 'auto' && o.mode !== 'min' && o.mode !== 'max')
      throw new Error(`earlyStopping.mode must be auto, min or max, got ${JSON.stringify(o.mode)}`);
    if (!(o.minDelta >= 0)) throw new Error(`earlyStopping.minDelta must be >= 0, got ${o.minDelta}`);
    if (!((Number.isInteger(o.patience) && o.patience >= 0) || o.patience === Infinity))
      throw new Error(`earlyStopping.patience must be an integer >= 0 or Infinity, got ${o.patience}`);
    if (o.maxSeconds !== undefined && !(o.maxSeconds > 0)) throw new Error(`earlyStopping.maxSeconds must be > 0, got ${o.maxSeconds}`);
    this.options = Object.freeze(o);
  }

  private get minimise(): boolean {
    const { mode, monitor } = this.options;
    return mode === 'auto' ? monitor === 'loss' || monitor === 'evalLoss' : mode === 'min';
  }

  onTrainBegin(): void {
    this.best = Number.NaN;
    this.bestEpoch = 0;
    this.wait = 0;
    this.seconds = 0;
    this.stoppedBy = undefined;
    this.stoppedEpoch = 0;
  }

  onEpochEnd(epoch: number, logs: EpochMetrics, ctx: FitContext): void {
    const { monitor, minDelta, patience, maxSeconds } = this.options;
    const value = logs[monitor];
    if (value === undefined) {
      throw new Error(
        `earlyStopping: the epoch metrics have no '${monitor}'${monitor.startsWith('eval') ? ' (pass evalData to fit)' : ' (the batches carry no labels)'}`,
      );
    }
    const improved = Number.isNaN(this.best) || (this.minimise ? value < this.best - minDelta : value > this.best + minDelta);
    if (improved) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
    } else {
      this.wait += 1;
    }
    this.seconds += logs.seconds;
    if (epoch >= ctx.epochs) return; // the run ends here anyway: nothing was cut short
    if (!improved && this.wait >= patience) {
      this.stoppedBy = 'patience';
      this.stoppedEpoch = epoch;
      ctx.stop(
        `early stopping: ${monitor} did not improve by more than ${minDelta} for ${this.wait} epoch(s) (best ${this.best.toPrecision(4)} at epoch ${this.bestEpoch})`,
      );
    } else if (maxSeconds !== undefined && this.seconds >= maxSeconds) {
      this.stoppedBy = 'time-budget';
      this.stoppedEpoch = epoch;
      ctx.stop(`time budget of ${maxSeconds} s reached after epoch ${epoch} (${this.seconds.toFixed(1)} s of training)`);
    }
  }
}

/** tfjs-style factory: `callbacks: [earlyStopping({monitor: 'evalLoss', patience: 3})]`. */
export function earlyStopping(opts: Partial<EarlyStoppingOptions> = {}): EarlyStopping {
  return new EarlyStopping(opts);
}
