/**
 * Robustness evaluation: several controllers (the teacher and spiking controllers) under a list of
 * perturbation conditions, every controller on the same seeds in every condition, so each
 * episode is paired across controllers (same start, pushes, noise and body; envs/perturb). Per
 * cell: mean return with a 95% t interval, success k/n with a 95% Wilson interval
 * (`episodeSuccess`), and the paired mean return difference to the first controller (the reference).
 */
import type { SuiteCondition } from '../envs/index.ts';
import { evaluateActor, type Actor, type EpisodeOutcome } from './rollout.ts';
import { episodeSuccess, meanInterval, summarize, wilsonInterval } from './report.ts';

export interface NamedActor {
  readonly name: string;
  readonly actor: Actor;
}

export interface CellResult {
  controller: string;
  episodes: number;
  meanReturn: number;
  returnCI: [number, number];
  successes: number;
  successRate: number;
  successCI: [number, number];
  /** The env's own outcome in words (agents/report.ts `summarize`). */
  outcome: string;
  /** Paired mean of (this − reference) return over the same seeds, with its 95% interval; absent for the reference. */
  returnVsReference?: { mean: number; ci: [number, number] };
}

export interface ConditionResult {
  condition: string;
  perturb: string;
  cells: CellResult[];
}

export interface RobustnessOptions {
  episodes: number;
  /** Episodes use seeds seed..seed+episodes−1 in every condition and for every controller. */
  seed: number;
  /** Called after every episode with the episodes done of all cells (conditions × controllers × episodes), e.g. for a progress bar. */
  onEpisode?: (done: number, cell: { condition: string; controller: string }) => void;
}

function cell(envId: string, name: string, outcomes: readonly EpisodeOutcome[], reference?: readonly EpisodeOutcome[]): CellResult {
  const returns = outcomes.map((o) => o.return);
  const n = outcomes.length;
  const k = outcomes.filter((o) => episodeSuccess(envId, o)).length;
  const c: CellResult = {
    controller: name,
    episodes: n,
    meanReturn: returns.reduce((a, b) => a + b, 0) / n,
    returnCI: meanInterval(returns),
    successes: k,
    successRate: k / n,
    successCI: wilsonInterval(k, n),
    outcome: summarize(envId, outcomes).success,
  };
  if (reference) {
    const d = outcomes.map((o, i) => o.return - reference[i]!.return);
    c.returnVsReference = { mean: d.reduce((a, b) => a + b, 0) / n, ci: meanInterval(d) };
  }
  return c;
}

/** Every actor under every condition on the same seeds; the first actor is the reference of the paired differences. */
export function evaluateRobustness(
  envId: string,
  actors: readonly NamedActor[],
  conditions: readonly SuiteCondition[],
  opts: RobustnessOptions,
): ConditionResult[] {
  if (actors.length === 0) throw new Error('evaluateRobustness: no controllers');
  if (conditions.length === 0) throw new Error('evaluateRobustness: no conditions');
  let done = 0;
  return conditions.map((cond) => {
    const runs = actors.map((a) =>
      evaluateActor(envId, a.actor, opts.episodes, opts.seed, cond.perturb, () =>
        opts.onEpisode?.(++done, { condition: cond.name, controller: a.name }),
      ),
    );
    return {
      condition: cond.name,
      perturb: cond.perturb,
      cells: runs.map((r, i) => cell(envId, actors[i]!.name, r, i === 0 ? undefined : runs[0])),
    };
  });
}

const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);

/** A Markdown table: one row per condition and controller. */
export function formatRobustness(results: readonly ConditionResult[]): string {
  const lines = [
    '| condition | perturbation | controller | mean return [95% CI] | Δ return vs ref. [95% CI] | success | rate [95% CI] | outcome |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    for (const c of r.cells) {
      const d = c.returnVsReference
        ? `${f1(c.returnVsReference.mean)} [${f1(c.returnVsReference.ci[0])}, ${f1(c.returnVsReference.ci[1])}]`
        : '(ref.)';
      lines.push(
        `| ${r.condition} | ${r.perturb} | ${c.controller} | ${f1(c.meanReturn)} [${f1(c.returnCI[0])}, ${f1(c.returnCI[1])}] | ${d} | ${c.successes}/${c.episodes} | ${f2(c.successRate)} [${f2(c.successCI[0])}, ${f2(c.successCI[1])}] | ${c.outcome} |`,
      );
    }
  }
  return lines.join('\n');
}
