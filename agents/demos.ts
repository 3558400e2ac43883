/**
 * Recorded demonstrations: what a user who has a good controller (or only its recordings) gives
 * spikeloop to train a spiking controller by behaviour cloning.
 *
 * JSONL, one step per line (episode boundaries: a new `episode` value starts a new episode; steps of
 * an episode are consecutive):
 *
 *   {"episode": 0, "observation": [0.01, -0.02, 0.03, 0.0], "action": [0.42]}
 *
 * CSV, with a header naming the columns: `episode`, then `obs_0 … obs_{n−1}`, then `act_0 … act_{m−1}`:
 *
 *   episode,obs_0,obs_1,obs_2,obs_3,act_0
 *   0,0.01,-0.02,0.03,0.0,0.42
 *
 * `action` is in the env's own units (what `env.step` takes), as a teacher would output it; the
 * recipe turns it into its label command exactly as for teacher rollouts (`toCommand`).
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { makeEnv, type Action } from '../envs/index.ts';
import { createRng } from '../src/util/random.ts';
import type { Teacher } from './teachers/teacher.ts';
import { actionNoise, toCommand, type BoxAction, type Trajectory } from './rollout.ts';

export interface DemoStep {
  observation: Float64Array;
  action: Float64Array;
}

/** One recorded episode: its steps in order. */
export interface DemoEpisode {
  episode: number;
  steps: DemoStep[];
}

function finiteArray(where: string, field: string, v: unknown): Float64Array {
  if (!Array.isArray(v) || v.length === 0) throw new Error(`${where}: '${field}' must be a non-empty array of numbers`);
  const out = Float64Array.from(v as number[]);
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new Error(`${where}: '${field}'[${i}] must be a finite number, got ${JSON.stringify(x)}`);
  });
  return out;
}

/** Groups steps into episodes, checking that every step has the same sizes and that episodes are contiguous. */
function groupEpisodes(file: string, rows: Array<{ line: number; episode: number; step: DemoStep }>): DemoEpisode[] {
  if (rows.length === 0) throw new Error(`${file}: no demonstration steps`);
  const nObs = rows[0]!.step.observation.length;
  const nAct = rows[0]!.step.action.length;
  const episodes: DemoEpisode[] = [];
  const seen = new Set<number>();
  for (const { line, episode, step } of rows) {
    if (step.observation.length !== nObs)
      throw new Error(`${file}:${line}: observation has ${step.observation.length} values, the first step has ${nObs}`);
    if (step.action.length !== nAct)
      throw new Error(`${file}:${line}: action has ${step.action.length} values, the first step has ${nAct}`);
    const last = episodes[episodes.length - 1];
    if (last && last.episode === episode) last.steps.push(step);
    else {
      if (seen.has(episode))
        throw new Error(
          `${file}:${line}: episode ${episode} appears again after another episode (steps of an episode must be consecutive)`,
        );
      seen.add(episode);
      episodes.push({ episode, steps: [step] });
    }
  }
  return episodes;
}

function episodeId(where: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new Error(`${where}: 'episode' must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

function parseJsonl(file: string, text: string): DemoEpisode[] {
  const rows: Array<{ line: number; episode: number; step: DemoStep }> = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (err) {
      throw new Error(`${file}:${line}: not valid JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
      throw new Error(`${file}:${line}: each line must be an object {episode, observation, action}`);
    const o = obj as Record<string, unknown>;
    const where = `${file}:${line}`;
    rows.push({
      line,
      episode: episodeId(where, o.episode),
      step: { observation: finiteArray(where, 'observation', o.observation), action: finiteArray(where, 'action', o.action) },
    });
  });
  return groupEpisodes(file, rows);
}

function parseCsv(file: string, text: string): DemoEpisode[] {
  const lines = text.split('\n').map((l) => l.trim());
  const header = lines[0]?.split(',').map((h) => h.trim()) ?? [];
  if (header[0] !== 'episode') throw new Error(`${file}:1: the header must start with 'episode', got '${header[0] ?? ''}'`);
  const obsCols = header.filter((h) => /^obs_\d+$/.test(h)).length;
  const actCols = header.filter((h) => /^act_\d+$/.test(h)).length;
  const expected = [
    'episode',
    ...Array.from({ length: obsCols }, (_, i) => `obs_${i}`),
    ...Array.from({ length: actCols }, (_, i) => `act_${i}`),
  ];
  if (obsCols === 0 || actCols === 0 || header.join(',') !== expected.join(',')) {
    throw new Error(`${file}:1: the header must be episode,obs_0..obs_{n-1},act_0..act_{m-1}; got '${header.join(',')}'`);
  }
  const rows: Array<{ line: number; episode: number; step: DemoStep }> = [];
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (raw === '') return;
    const cells = raw.split(',');
    if (cells.length !== header.length) throw new Error(`${file}:${line}: ${cells.length} columns, the header has ${header.length}`);
    const nums = cells.map((c, k) => {
      const x = Number(c);
      if (c.trim() === '' || !Number.isFinite(x))
        throw new Error(`${file}:${line}: column '${header[k]}' must be a finite number, got '${c}'`);
      return x;
    });
    const where = `${file}:${line}`;
    rows.push({
      line,
      episode: episodeId(where, nums[0]),
      step: { observation: Float64Array.from(nums.slice(1, 1 + obsCols)), action: Float64Array.from(nums.slice(1 + obsCols)) },
    });
  });
  return groupEpisodes(file, rows);
}

/** Reads a demonstrations file (`.jsonl` or `.csv`, by extension); errors name the file, line and field. */
export function readDemos(file: string): DemoEpisode[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read demonstrations ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (file.endsWith('.jsonl')) return parseJsonl(file, text);
  if (file.endsWith('.csv')) return parseCsv(file, text);
  throw new Error(`demonstrations ${file}: unknown format (use a .jsonl or .csv file)`);
}

/** Writes episodes as JSONL or CSV (by extension), through a temp file and a rename. */
export function writeDemos(file: string, episodes: readonly DemoEpisode[]): void {
  const text = demoText(file, episodes, { header: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * The lines of a demonstrations file for these episodes, in the format of `file`'s extension;
 * `header: false` leaves out the CSV header (for appending to a file that has one).
 */
export function demoText(file: string, episodes: readonly DemoEpisode[], opts: { header: boolean }): string {
  if (file.endsWith('.jsonl')) {
    return (
      episodes
        .flatMap((e) =>
          e.steps.map((s) => JSON.stringify({ episode: e.episode, observation: Array.from(s.observation), action: Array.from(s.action) })),
        )
        .join('\n') + '\n'
    );
  }
  if (file.endsWith('.csv')) {
    const first = episodes[0]?.steps[0];
    if (!first) throw new Error(`writeDemos: no steps to write to ${file}`);
    const header = ['episode', ...Array.from(first.observation, (_, i) => `obs_${i}`), ...Array.from(first.action, (_, i) => `act_${i}`)];
    const rows = episodes.flatMap((e) => e.steps.map((s) => [e.episode, ...s.observation, ...s.action].join(',')));
    return [...(opts.header ? [header.join(',')] : []), ...rows].join('\n') + '\n';
  }
  throw new Error(`writeDemos: ${file}: use a .jsonl or .csv file`);
}

export interface RecordOptions {
  episodes: number;
  /** Episode e is reset with seed `seed + e`. */
  seed: number;
  /** Cap on steps per episode (the env's time limit applies too). */
  maxSteps: number;
  /**
   * Std of Gaussian noise added to the action the env executes, as a share of the action bound
   * (Box actions only; 0 = none). The file still records the teacher's own action, so the
   * demonstrations show how the teacher recovers from states its clean runs never visit (DART,
   * Laskey et al. 2017; the recipe's noisy teacher rollouts do the same).
   */
  noise?: number;
  /** Step-to-step correlation of that noise in [0, 1) (agents/rollout.ts `actionNoise`; 0 = white). */
  noiseCorrelation?: number;
  /** Perturbation conditions (envs/perturb specs, 'none' = nominal) that episode e runs under, cycling: e mod their count. */
  perturbations?: readonly string[];
}

/** Runs a teacher (any observation → action controller) and records its episodes. */
export function recordTeacher(envName: string, teacher: Teacher, opts: RecordOptions): DemoEpisode[] {
  const level = opts.noise ?? 0;
  if (!(level >= 0)) throw new Error(`record: noise must be >= 0, got ${level}`);
  const conditions = opts.perturbations && opts.perturbations.length > 0 ? opts.perturbations : ['none'];
  const envs = conditions.map((p) => (p === 'none' ? makeEnv(envName) : makeEnv(envName, { perturb: p })));
  try {
    const space = envs[0]!.actionSpace;
    if (level > 0 && space.kind !== 'box') throw new Error(`record: noise needs a Box action space; ${envs[0]!.id}'s is discrete`);
    const channels = space.kind === 'box' ? space.shape[0]! : 1;
    const noise = actionNoise(channels, opts.noiseCorrelation ?? 0, createRng(opts.seed ^ 0x5eed));
    // the executed action: the teacher's plus noise, kept inside the space
    const executed = (action: Float64Array): Action => {
      if (space.kind !== 'box') return action[0]!;
      if (level === 0) return action;
      const n = noise.next();
      return Float64Array.from(action, (a, c) => {
        const lo = space.low[c]!;
        const hi = space.high[c]!;
        return Math.min(hi, Math.max(lo, a + level * ((hi - lo) / 2) * n[c]!));
      });
    };
    const episodes: DemoEpisode[] = [];
    for (let e = 0; e < opts.episodes; e++) {
      const env = envs[e % envs.length]!;
      let obs = env.reset({ seed: opts.seed + e }).observation;
      teacher.reset(opts.seed + e);
      noise.reset();
      const steps: DemoStep[] = [];
      for (let t = 0; t < opts.maxSteps; t++) {
        const action = Float64Array.from(teacher.act(obs));
        steps.push({ observation: Float64Array.from(obs), action });
        const r = env.step(executed(action));
        obs = r.observation;
        if (r.terminated || r.truncated) break;
      }
      episodes.push({ episode: e, steps });
    }
    return episodes;
  } finally {
    envs.forEach((env) => env.close());
  }
}

/**
 * Demonstrations as the recipe's trajectories: each action becomes its label command exactly as a
 * teacher's would (`toCommand`: action / (bound·commandScale), clipped, companded).
 */
export function demoTrajectories(
  episodes: readonly DemoEpisode[],
  box: Pick<BoxAction, 'scale'>,
  o: { commandScale: number; commandExponent: number },
): Trajectory[] {
  const channels = box.scale.length;
  return episodes.map((e) => ({
    observations: e.steps.map((s) => Float64Array.from(s.observation)),
    commands: e.steps.map((s, t) => {
      if (s.action.length !== channels)
        throw new Error(
          `demonstrations: episode ${e.episode} step ${t} has ${s.action.length} action values, the env has ${channels} action channels`,
        );
      return toCommand(s.action, box, o.commandScale, o.commandExponent);
    }),
  }));
}
