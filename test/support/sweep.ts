/** What the sweep tests share: the stand-in job, a plan from a raw spec, and the events a job appends to its log. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SweepPlan } from '../../src/sweep/layout.ts';
import { expandCells, parseSweepSpec } from '../../src/sweep/spec.ts';

/** The tests' stand-in for a cell's job (test/fixtures/sweep/fake-job.mjs): records events, can sleep or fail. */
export const FAKE_JOB = fileURLToPath(new URL('../fixtures/sweep/fake-job.mjs', import.meta.url));
/** The command that runs a cell's job: node and the stand-in. */
export const FAKE_CLI = [process.execPath, FAKE_JOB];

/** A plan of the `eval` job named `name` with the spec's other fields from `raw`. */
export function planOf(name: string, raw: Record<string, unknown>): SweepPlan {
  const spec = parseSweepSpec({ name, job: 'eval', ...raw });
  return { version: 1, spec, cells: expandCells(spec) };
}

/** The events file of the stand-in jobs, one event (its space-separated words) a line; none when it is absent. */
export const events = (path: string): string[][] =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' '))
    : [];
