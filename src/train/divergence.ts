/**
 * Divergence guard: a trainer callback that stops a run whose loss blows up or whose weights grow
 * without bound while every value is still finite (the NaN guard in trainer.ts cannot see it).
 * With `--lr 10` the loss went 69 → 2483 and weights reached 3.9e31, and the run saved them and
 * exited 0.
 *
 *   ema_t = β·ema_{t−1} + (1−β)·loss_t   (after `warmupBatches`)
 *   diverged when ema_t > lossFactor · min_{s<t} ema_s, or max |w| > maxAbsWeight (checked every
 *   `weightCheckEvery` batches and at each epoch end)
 *
 * The weights at the end of each healthy epoch are kept (`lastGood`), so the caller can save those
 * instead of the diverged ones. The guard throws `DivergenceError` naming the step, the numbers and
 * where the last good weights are from.
 */
import type { WeightEntry } from '../network/sequential.ts';
import type { BatchLogs, TrainerCallbacks } from './callbacks.ts';

export interface DivergenceOptions {
  /** The loss EMA may grow to this multiple of its lowest value. */
  lossFactor: number;
  /** EMA smoothing of the per-batch loss. */
  emaBeta: number;
  /** Batches before the loss test starts (the first losses of a run are noisy). */
  warmupBatches: number;
  /** Largest |weight| allowed. */
  maxAbsWeight: number;
  weightCheckEvery: number;
}

export const DEFAULT_DIVERGENCE: Readonly<DivergenceOptions> = Object.freeze({
  lossFactor: 10,
  emaBeta: 0.9,
  warmupBatches: 5,
  maxAbsWeight: 1e4,
  weightCheckEvery: 20,
});

export class DivergenceError extends Error {
  constructor(
    message: string,
    /** Weights at the end of the last healthy epoch, if one completed. */
    readonly lastGood: { epoch: number; step: number; weights: WeightEntry[] } | undefined,
  ) {
    super(message);
    this.name = 'DivergenceError';
  }
}

export interface DivergenceGuard extends TrainerCallbacks {
  readonly lastGood: { epoch: number; step: number; weights: WeightEntry[] } | undefined;
}

/** The guard for `network` (anything with `getWeights`); options are validated and named. */
export function divergenceGuard(network: { getWeights(): WeightEntry[] }, options: Partial<DivergenceOptions> = {}): DivergenceGuard {
  const o = { ...DEFAULT_DIVERGENCE, ...options };
  if (!(o.lossFactor > 1)) throw new Error(`divergence: lossFactor must be > 1, got ${o.lossFactor}`);
  if (!(o.emaBeta >= 0 && o.emaBeta < 1)) throw new Error(`divergence: emaBeta must be in [0, 1), got ${o.emaBeta}`);
  if (!(Number.isInteger(o.warmupBatches) && o.warmupBatches >= 0))
    throw new Error(`divergence: warmupBatches must be an integer >= 0, got ${o.warmupBatches}`);
  if (!(o.maxAbsWeight > 0)) throw new Error(`divergence: maxAbsWeight must be > 0, got ${o.maxAbsWeight}`);
  if (!(Number.isInteger(o.weightCheckEvery) && o.weightCheckEvery >= 1))
    throw new Error(`divergence: weightCheckEvery must be a positive integer, got ${o.weightCheckEvery}`);
  let seen = 0;
  let ema: number | undefined;
  let bestEma = Infinity;
  let lastGood: DivergenceGuard['lastGood'];
  const where = (logs: { epoch: number; step: number }): string => `epoch ${logs.epoch}, step ${logs.step}`;
  const stop = (what: string): never => {
    const kept = lastGood
      ? `the last good weights are from the end of epoch ${lastGood.epoch} (step ${lastGood.step})`
      : 'no epoch completed before it, so there are no good weights to keep';
    throw new DivergenceError(`training diverged at ${what}; ${kept}. Lower the learning rate.`, lastGood);
  };
  const checkWeights = (weights: WeightEntry[], at: { epoch: number; step: number }): void => {
    for (const w of weights) {
      let m = 0;
      for (let i = 0; i < w.values.length; i++) m = Math.max(m, Math.abs(w.values[i]!));
      if (m > o.maxAbsWeight) stop(`${where(at)}: |${w.name}| reaches ${m.toPrecision(3)} (limit ${o.maxAbsWeight})`);
    }
  };
  return {
    get lastGood() {
      return lastGood;
    },
    onBatchEnd(_b: number, logs: BatchLogs) {
      seen++;
      ema = ema === undefined ? logs.loss : o.emaBeta * ema + (1 - o.emaBeta) * logs.loss;
      if (seen > o.warmupBatches) {
        if (ema > o.lossFactor * bestEma)
          stop(
            `${where(logs)}: the loss (EMA ${ema.toPrecision(4)}) is ${(ema / bestEma).toFixed(1)}× its lowest ${bestEma.toPrecision(4)} (limit ${o.lossFactor}×)`,
          );
        bestEma = Math.min(bestEma, ema);
      }
      if (seen % o.weightCheckEvery === 0) checkWeights(network.getWeights(), logs);
    },
    onEpochEnd(epoch, m) {
      const weights = network.getWeights();
      checkWeights(weights, { epoch, step: m.step });
      lastGood = { epoch, step: m.step, weights };
    },
  };
}
