/**
 * Evaluation summaries: mean/std return over seeded episodes plus each env's success measure
 * (cartpole: episodes that reach the step limit; reacher: final fingertip distance relative to the
 * arm's reach; walker: forward distance and falls). Plain functions over `EpisodeOutcome`s so the
 * teacher and the SNN are reported the same way.
 */
import { REACHER_PARAMS } from '../envs/index.ts';
import type { EpisodeOutcome } from './rollout.ts';

export interface EvalSummary {
  env: string;
  episodes: number;
  meanReturn: number;
  stdReturn: number;
  minReturn: number;
  /** Env-specific success measure, in words (e.g. '97/100 reach 500 steps'). */
  success: string;
  /** The number the env's target is judged by (see `success`). */
  metric: number;
}

const REACH_M = REACHER_PARAMS.link1M + REACHER_PARAMS.link2M;
/** Reacher target: final distance under this share of the reach. */
export const REACHER_SUCCESS_SHARE = 0.05;

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: readonly number[]): number => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) * (b - m), 0) / v.length);
};

export function summarize(envId: string, outcomes: readonly EpisodeOutcome[]): EvalSummary {
  if (outcomes.length === 0) throw new Error('summarize: no episodes');
  const returns = outcomes.map((o) => o.return);
  const n = outcomes.length;
  const base = { env: envId, episodes: n, meanReturn: mean(returns), stdReturn: std(returns), minReturn: Math.min(...returns) };
  switch (envId) {
    case 'CartPoleContinuous-v1': {
      const full = outcomes.filter((o) => !o.terminated).length;
      return { ...base, metric: base.meanReturn, success: `${full}/${n} balance to the step limit` };
    }
    case 'Reacher-v1': {
      const d = outcomes.map((o) => Number(o.info.distance));
      const ok = d.filter((x) => x < REACHER_SUCCESS_SHARE * REACH_M).length;
      return { ...base, metric: ok / n, success: `${ok}/${n} end < ${(REACHER_SUCCESS_SHARE * 100).toFixed(0)}% of reach; mean final distance ${(mean(d) / REACH_M * 100).toFixed(2)}% of reach` };
    }
    case 'Walker-v1': {
      const x = outcomes.map((o) => Number(o.info.x));
      const falls = outcomes.filter((o) => o.terminated).length;
      return { ...base, metric: mean(x), success: `mean forward distance ${mean(x).toFixed(2)} m, ${falls}/${n} falls` };
    }
    default:
      return { ...base, metric: base.meanReturn, success: `worst return ${base.minReturn.toFixed(1)}` };
  }
}

/** A Markdown table, one row per summary. */
export function formatSummaries(rows: ReadonlyArray<{ name: string; summary: EvalSummary }>): string {
  const lines = ['| controller | env | episodes | mean return | std | outcome |', '|---|---|---|---|---|---|'];
  for (const { name, summary: s } of rows) {
    lines.push(`| ${name} | ${s.env} | ${s.episodes} | ${s.meanReturn.toFixed(1)} | ${s.stdReturn.toFixed(1)} | ${s.success} |`);
  }
  return lines.join('\n');
}
