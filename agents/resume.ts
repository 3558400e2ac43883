/**
 * Helpers of `trainController` for the controller folder: the side files saved with it, and taking
 * over a saved controller for `--resume` (kept out of recipe.ts so the recipe reads as its steps).
 */
import type { Sequential } from '../src/network/sequential.ts';
import type { Trainer } from '../src/train/trainer.ts';
import type { ControllerSpec } from './controller.ts';
import type { RoundRecord } from './recipe.ts';
import type { ResumeState } from './controllerFolder.ts';
import { recordedMetric, TRAINING_PLOT_FILE, trainingRoundsSvg, type PlottedRound } from './trainingPlot.ts';

/** The files that travel with a saved controller besides its checkpoint and controller.json. */
export function controllerFolderFiles(spec: ControllerSpec, rounds: readonly PlottedRound[]): Record<string, string> {
  const best = typeof spec.training?.bestRound === 'number' ? spec.training.bestRound : undefined;
  return { [TRAINING_PLOT_FILE]: trainingRoundsSvg(spec.env, spec.label, rounds, best, recordedMetric(spec)) };
}

/** The round record a resumed run starts from: round −1, the saved controller's score. */
export type ResumedRound = RoundRecord;

/**
 * Puts the saved controller's weights and optimiser state into the learner; returns the record
 * (round −1, its saved score) that later rounds must beat before the folder is replaced.
 */
export function resumeLearner(
  learner: { network: Sequential; trainer: Trainer },
  state: ResumeState,
  log: (line: string) => void,
): ResumedRound {
  learner.network.setWeights(state.weights);
  if (state.optimizer) learner.trainer.optimizer.setState(state.optimizer.step, state.optimizer.state);
  log(
    `resumed from ${state.path}: ${learner.trainer.step} optimiser steps, ${state.roundsDone} rounds, score ${state.bestScore.toFixed(2)} to beat`,
  );
  return { round: -1, steps: learner.trainer.step, trajectories: 0, windows: 0, meanLoss: NaN, score: state.bestScore, seconds: 0 };
}
