/**
 * Sweep specs: a base job of the `spikeloop` CLI with its flags, a grid over flags, seeds and
 * repeats, expanded into cells (one job run each). A cell's id is a hash of its resolved
 * arguments (DESIGN §6 "Sweeps"), so the same cell always gets the same id: re-enqueuing is
 * idempotent and a finished cell is recognised on resume.
 *
 *   {
 *     "name": "cartpole-labels",
 *     "job": "train-controller",
 *     "args": { "env": "cartpole", "budget": 300 },
 *     "grid": { "label": ["spike-seq", "rate"] },
 *     "seeds": [1, 2, 3],
 *     "evaluate": { "episodes": 20 }
 *   }
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SUITE_NAMES } from '../../envs/perturb/suites.ts';
import { issueTexts, readJsonFile } from '../util/jsonFile.ts';

export const SWEEP_JOBS = ['train-controller', 'bench', 'eval'] as const;
export type SweepJob = (typeof SWEEP_JOBS)[number];

/** Flags the sweep sets itself: `--seed` from `seeds`, the output paths inside the cell folder. */
export const RESERVED_FLAGS = ['seed', 'out', 'json', 'help'] as const;

const FLAG_NAME = /^[a-z][a-z0-9-]*$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
export type FlagValue = z.infer<typeof scalar>;

const flagRecord = <T extends z.ZodType>(value: T) =>
  z.record(z.string(), value).superRefine((rec, ctx) => {
    for (const key of Object.keys(rec)) {
      if (!FLAG_NAME.test(key))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `'${key}' is not a flag name (lower-case, digits and '-', without the leading --)`,
        });
      else if ((RESERVED_FLAGS as readonly string[]).includes(key))
        ctx.addIssue({ code: 'custom', path: [key], message: `--${key} is set by the sweep (seeds / the cell folder); remove it` });
    }
  });

export const SweepSpecSchema = z
  .strictObject({
    /** Names the default sweep folder (sweeps/<name>). */
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, . _ -'),
    job: z.enum(SWEEP_JOBS),
    /** Positional arguments of the job (bench: the dataset). */
    positionals: z.array(z.string()).default([]),
    /** Flags every cell gets (without the leading --); true = a boolean flag, false = left out. */
    args: flagRecord(scalar).default({}),
    /** Flags varied over: every combination of the listed values is a grid point. */
    grid: flagRecord(z.array(scalar).min(1)).default({}),
    /** One cell per seed at every grid point, passed as --seed. */
    seeds: z.array(z.number().int().min(0)).min(1),
    /** Runs of each (grid point, seed); more than one measures run-to-run spread at a fixed seed. */
    repeats: z.number().int().min(1).default(1),
    /**
     * train-controller only: evaluate the trained controller on seeded episodes (spikeloop eval);
     * with `suite`, under each condition of that named suite next to the teacher (eval --suite).
     */
    evaluate: z
      .strictObject({
        episodes: z.number().int().min(1).default(100),
        seed: z.number().int().min(0).default(0),
        suite: z.enum(SUITE_NAMES).optional(),
      })
      .optional(),
    /** The metric `spikeloop report` leads with (default: the job's main measure, see metrics.ts). */
    metric: z.string().min(1).optional(),
  })
  .superRefine((s, ctx) => {
    for (const key of Object.keys(s.grid)) {
      if (key in s.args) ctx.addIssue({ code: 'custom', path: ['grid', key], message: `--${key} is both in args and in grid; keep one` });
    }
    if (s.evaluate && s.job !== 'train-controller')
      ctx.addIssue({
        code: 'custom',
        path: ['evaluate'],
        message: `only train-controller cells are evaluated afterwards (job is ${s.job})`,
      });
    if (s.evaluate && !('env' in s.args) && !('env' in s.grid))
      ctx.addIssue({ code: 'custom', path: ['evaluate'], message: 'evaluating needs --env in args or grid' });
  });

export type SweepSpec = z.output<typeof SweepSpecSchema>;

/** One run of the base job. */
export interface Cell {
  /** 'c' + 16 hex digits of SHA-256 over the resolved arguments (never all digits: BullMQ refuses integer job ids). */
  id: string;
  job: SweepJob;
  positionals: string[];
  /** Every flag of this cell, grid values and --seed included, keys sorted. */
  args: Record<string, FlagValue>;
  /** This cell's grid values (the group it belongs to across seeds). */
  point: Record<string, FlagValue>;
  seed: number;
  repeat: number;
  evaluate?: { episodes: number; seed: number; suite?: (typeof SUITE_NAMES)[number] };
}

/** Parses a spec object; errors name the field (`grid.label: ...`). */
export function parseSweepSpec(raw: unknown, source = 'sweep spec'): SweepSpec {
  const r = SweepSpecSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(
      `${source} is invalid:\n${issueTexts(r.error.issues)
        .map((l) => `  ${l}`)
        .join('\n')}`,
    );
  }
  return r.data;
}

export function loadSweepSpec(path: string): SweepSpec {
  return parseSweepSpec(readJsonFile(path, 'sweep spec'), path);
}

function sorted<T>(rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Every combination of the grid's values, in the order written (first key slowest). */
export function gridPoints(grid: Record<string, readonly FlagValue[]>): Record<string, FlagValue>[] {
  let points: Record<string, FlagValue>[] = [{}];
  for (const [key, values] of Object.entries(grid)) points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  return points;
}

/** The id of a cell: a hash of everything that decides what the job computes. */
export function cellId(c: Omit<Cell, 'id' | 'point' | 'seed'>): string {
  const canonical = JSON.stringify({
    job: c.job,
    positionals: c.positionals,
    args: sorted(c.args),
    repeat: c.repeat,
    evaluate: c.evaluate ?? null,
  });
  return `c${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

/**
 * All cells of a spec: grid points × seeds × repeats, seed-major (every grid point of the first
 * seed, then of the next), so a sweep cut short by time holds complete seed pairs for the paired
 * comparisons. Identical cells (duplicate values) appear once.
 */
export function expandCells(spec: SweepSpec): Cell[] {
  const cells = new Map<string, Cell>();
  const points = gridPoints(spec.grid);
  for (const seed of spec.seeds) {
    for (let repeat = 0; repeat < spec.repeats; repeat++) {
      for (const point of points) {
        const args = sorted({ ...spec.args, ...point, seed });
        const base = {
          job: spec.job,
          positionals: [...spec.positionals],
          args,
          repeat,
          ...(spec.evaluate ? { evaluate: { ...spec.evaluate } } : {}),
        };
        const id = cellId(base);
        if (!cells.has(id)) cells.set(id, { id, ...base, point, seed });
      }
    }
  }
  return [...cells.values()];
}

/** The job's command-line arguments (without the output flags the runner adds). */
export function cellArgv(cell: Cell): string[] {
  const argv = [cell.job, ...cell.positionals];
  for (const [key, value] of Object.entries(cell.args)) {
    if (value === false) continue;
    argv.push(`--${key}`);
    if (value !== true) argv.push(String(value));
  }
  return argv;
}

/** A short label of a grid point, e.g. `label=rate budget=300` ('(base)' for an empty grid). */
export function pointLabel(point: Record<string, FlagValue>): string {
  const parts = Object.entries(point).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join(' ') : '(base)';
}
