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

/** Pendulum success: the rod ends within this angle of upright (rad); the teacher ends at 0.000 rad on nominal episodes. */
export const PENDULUM_SUCCESS_RAD = 0.2;

/**
 * A round or selection score for a log line: four significant digits, so a walker's 8.12 m, a
 * pendulum's −157.4 and a reacher's −0.03123 m all show how runs differ.
 */
export function formatScore(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}

/**
 * Whether one episode met its env's task: cart-pole balanced to the step limit; pendulum ends
 * within `PENDULUM_SUCCESS_RAD` of upright; reacher ends within `REACHER_SUCCESS_SHARE` of the
 * reach from the target; walker did not fall.
 */
export function episodeSuccess(envId: string, o: EpisodeOutcome): boolean {
  switch (envId) {
    case 'CartPoleContinuous-v1':
    case 'CartPole-v1':
    case 'Walker-v1':
      return !o.terminated;
    case 'Pendulum-v1':
      return Math.abs(Number(o.info.theta)) < PENDULUM_SUCCESS_RAD;
    case 'Reacher-v1':
      return Number(o.info.distance) < REACHER_SUCCESS_SHARE * REACH_M;
    default:
      throw new Error(`episodeSuccess: no success measure for '${envId}'`);
  }
}

/** Two-sided 97.5% standard normal quantile (95% intervals). */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval of a success rate k/n (Wilson 1927): keeps inside [0, 1] and stays sound at
 * 0/n and n/n, where the normal interval collapses to a point.
 */
export function wilsonInterval(k: number, n: number, z = Z95): [number, number] {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(k) && k >= 0 && k <= n))
    throw new Error(`wilsonInterval: need integers 0 <= k <= n, n >= 1; got k=${k}, n=${n}`);
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Student-t 97.5% quantile for ν degrees of freedom: exact for ν <= 5, else the Cornish–Fisher expansion around the normal (within 0.06% for ν >= 6). */
export function t975(nu: number): number {
  if (!(nu >= 1)) throw new Error(`t975: degrees of freedom must be >= 1, got ${nu}`);
  if (nu === 1) return 12.706204736;
  if (nu === 2) return 4.30265273;
  if (nu === 3) return 3.182446305;
  if (nu === 4) return 2.776445105;
  if (nu === 5) return 2.570581836;
  const z = Z95;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * nu) + (5 * z5 + 16 * z3 + 3 * z) / (96 * nu * nu) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * nu ** 3);
}

/** 95% confidence interval of the mean (Student t, sample standard deviation); a point for n = 1. */
export function meanInterval(values: readonly number[]): [number, number] {
  const n = values.length;
  if (n === 0) throw new Error('meanInterval: no values');
  const m = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return [m, m];
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - m) * (b - m), 0) / (n - 1));
  const half = (t975(n - 1) * sd) / Math.sqrt(n);
  return [m - half, m + half];
}

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
      return {
        ...base,
        metric: ok / n,
        success: `${ok}/${n} end < ${(REACHER_SUCCESS_SHARE * 100).toFixed(0)}% of reach; mean final distance ${((mean(d) / REACH_M) * 100).toFixed(2)}% of reach`,
      };
    }
    case 'Walker-v1': {
      const x = outcomes.map((o) => Number(o.info.x));
      const falls = outcomes.filter((o) => o.terminated).length;
      return { ...base, metric: mean(x), success: `mean forward distance ${mean(x).toFixed(2)} m, ${falls}/${n} falls` };
    }
    default: {
      // an env of the user's: no task-specific measure, so how many episodes ran to the time limit
      const full = outcomes.filter((o) => !o.terminated).length;
      return { ...base, metric: base.meanReturn, success: `${full}/${n} not terminated; worst return ${base.minReturn.toFixed(1)}` };
    }
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
