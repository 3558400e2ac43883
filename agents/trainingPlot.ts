/**
 * `training.svg` of a controller folder: the closed-loop score and the mean training loss of each
 * round (round 0 = training on the teacher's data, then one per DAgger round), best round marked,
 * so a user sees at a glance whether DAgger helped and whether the loss and the score agree.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { panelsSvg } from '../src/report/curves.ts';
import type { ControllerSpec } from './controller.ts';

export const TRAINING_PLOT_FILE = 'training.svg';

/** The fields of a round record the plot needs. */
export interface PlottedRound {
  round: number;
  meanLoss: number;
  score: number;
}

/** What the score means per env (the number `controllerScore` returns); a threshold metric is a share of episodes. */
export function scoreName(envId: string, metric?: string): string {
  const threshold = metric ? /^(return|info\.(.+?))([<>])(.+)$/.exec(metric) : null;
  if (threshold) return `share of episodes with ${threshold[2] ?? 'return'} ${threshold[3]} ${threshold[4]}`;
  if (envId === 'Walker-v1') return 'forward distance (m)';
  if (envId === 'Reacher-v1') return '− final distance (m)';
  return 'mean return';
}

export function trainingRoundsSvg(
  envId: string,
  label: string,
  rounds: readonly PlottedRound[],
  bestRound?: number,
  metric?: string,
): string {
  const finite = rounds.filter((r) => Number.isFinite(r.score) && Number.isFinite(r.meanLoss));
  const best = finite.filter((r) => r.round === bestRound);
  return panelsSvg(`${envId} SNN (${label} labels): per training round`, 'round (0 = teacher data, then DAgger)', [
    {
      title: 'closed-loop score (held-out seeds)',
      yLabel: scoreName(envId, metric),
      series: [
        { name: 'score', color: '#2ca02c', points: finite.map((r) => [r.round, r.score]) },
        { name: 'best (kept)', color: '#d62728', points: best.map((r) => [r.round, r.score]) },
      ],
    },
    {
      title: 'mean training loss',
      yLabel: 'loss',
      series: [{ name: 'loss', color: '#1f77b4', points: finite.map((r) => [r.round, r.meanLoss]) }],
    },
  ]);
}

/** The score metric a controller's training record names, if any. */
export function recordedMetric(spec: Pick<ControllerSpec, 'training'>): string | undefined {
  const m = (spec.training?.recipe as { scoreMetric?: unknown } | undefined)?.scoreMetric;
  return typeof m === 'string' ? m : undefined;
}

/** Writes `training.svg` into the controller folder (temp file + rename). */
export function writeTrainingPlot(
  dir: string,
  spec: Pick<ControllerSpec, 'env' | 'label' | 'training'>,
  rounds: readonly PlottedRound[],
): void {
  const best = typeof spec.training?.bestRound === 'number' ? spec.training.bestRound : undefined;
  const tmp = join(dir, `${TRAINING_PLOT_FILE}.tmp`);
  writeFileSync(tmp, trainingRoundsSvg(spec.env, spec.label, rounds, best, recordedMetric(spec)));
  renameSync(tmp, join(dir, TRAINING_PLOT_FILE));
}
