/**
 * Progress of `train-controller` / `demo` from the first second: on a TTY a cli-progress bar over
 * the run's optimiser steps (total known up front, ETA from the step rate so far, phase and round
 * beside it); off a TTY (logs, CI) one line per phase change and per tenth of the steps, each with
 * the same ETA, so a piped log also shows how far it is.
 */
import { SingleBar } from 'cli-progress';
import type { RecipeProgress } from '../agents/recipe.ts';

export interface TrainProgressOptions {
  /** Where lines and the bar go (default stderr). */
  stream: NodeJS.WriteStream;
  /** Bar on a TTY, lines otherwise ('auto'); force one or the other. */
  mode: 'auto' | 'bar' | 'lines';
  now: () => number;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

/** Estimated seconds left: the elapsed time per optimiser step so far, times the steps left (rollouts and scoring included in the rate). */
export function etaSeconds(p: Pick<RecipeProgress, 'steps' | 'totalSteps'>, elapsedS: number): number {
  if (p.steps <= 0) return NaN;
  return (elapsedS / p.steps) * Math.max(0, p.totalSteps - p.steps);
}

/** One status line (the off-TTY form). */
export function progressLine(p: RecipeProgress, elapsedS: number): string {
  const pct = p.totalSteps > 0 ? Math.floor((100 * p.steps) / p.totalSteps) : 0;
  const best = p.bestScore !== undefined ? `, best score ${p.bestScore.toFixed(2)}` : '';
  return `[${formatSeconds(elapsedS)}] ${p.phase}: round ${p.round}/${p.rounds}, ${p.steps}/${p.totalSteps} optimiser steps (${pct}%)${best}, ETA ${formatSeconds(etaSeconds(p, elapsedS))}`;
}

/** A `progress` hook for `trainController` and a `stop` to call when it returns or throws. */
export function trainProgress(opts: Partial<TrainProgressOptions> = {}): { update: (p: RecipeProgress) => void; stop: () => void } {
  const o: TrainProgressOptions = { stream: process.stderr, mode: 'auto', now: () => performance.now(), ...opts };
  const t0 = o.now();
  const bar = o.mode === 'bar' || (o.mode === 'auto' && o.stream.isTTY === true);
  if (bar) {
    const b = new SingleBar({
      format: '{bar} {value}/{total} optimiser steps | {phase}, round {round}/{rounds} | {elapsed} elapsed, ETA {eta}',
      stream: o.stream,
      etaBuffer: 50,
    });
    let started = false;
    return {
      update(p) {
        const elapsed = (o.now() - t0) / 1000;
        const payload = {
          phase: p.phase,
          round: p.round,
          rounds: p.rounds,
          elapsed: formatSeconds(elapsed),
          eta: formatSeconds(etaSeconds(p, elapsed)),
        };
        if (!started) {
          b.start(p.totalSteps, p.steps, payload);
          started = true;
        } else b.update(p.steps, payload);
      },
      stop: () => {
        if (started) b.stop();
      },
    };
  }
  let lastPhase = '';
  let lastTenth = -1;
  return {
    update(p) {
      const tenth = p.totalSteps > 0 ? Math.floor((10 * p.steps) / p.totalSteps) : 0;
      const key = `${p.phase}/${p.round}`;
      if (key === lastPhase && tenth === lastTenth) return;
      lastPhase = key;
      lastTenth = tenth;
      o.stream.write(`${progressLine(p, (o.now() - t0) / 1000)}\n`);
    },
    stop: () => {},
  };
}
