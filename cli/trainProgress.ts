/**
 * Progress of `train-controller` / `demo` from the first second, drawn by src/util/progress.ts: on a
 * TTY one bar over the run's optimiser steps (total known up front, ETA from the step rate so far,
 * phase and round in its label); off a TTY (logs, CI) a line at each phase or round change and at
 * each tenth of the steps, each ending in the same ETA, so a piped log also shows how far it is.
 */
import { createProgress, type Progress, type ProgressOptions } from '../src/util/progress.ts';
import type { RecipeProgress } from '../agents/recipe.ts';

export type TrainProgressOptions = Pick<ProgressOptions, 'stream' | 'now'>;

/** A `progress` hook for `trainController` and a `stop` to call when it returns or throws. */
export function trainProgress(opts: TrainProgressOptions = {}): { update: (p: RecipeProgress) => void; stop: () => void } {
  // started at the first report: the total is known from then, and a resumed run starts part-way
  let progress: Progress | undefined;
  return {
    update(p) {
      const payload = {
        phase: p.phase,
        round: p.round,
        rounds: p.rounds,
        detail: p.bestScore !== undefined ? `, best score ${p.bestScore.toFixed(2)}` : '',
      };
      progress ??= createProgress(
        {
          ...opts,
          mode: 'always',
          total: p.totalSteps,
          label: '{phase}: round {round}/{rounds}',
          unit: 'optimiser steps',
          statusLines: 10,
        },
        p.steps,
        payload,
      );
      progress.update(p.steps, payload);
    },
    stop: () => progress?.stop(),
  };
}
