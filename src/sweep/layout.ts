/**
 * The sweep folder. Everything a sweep produces lives here, so that on many machines the folder
 * on a shared filesystem (same path on every machine) is the only shared state besides the queue:
 *
 *   SWEEP/sweep.json          the spec and its expanded cells (the plan; workers read it)
 *   SWEEP/cells/<id>/         a finished cell: cell.json (cell, metrics, who ran it), metrics.json,
 *                             log.txt (the job's stdout + stderr), out/ (the job's own artifacts)
 *   SWEEP/tmp/<id>.<host>.<pid>.<rand>/   a cell being run; renamed to cells/<id> when complete
 *   SWEEP/failed/<id>.json    the last failure of a cell (exit status, log tail); cleared on success
 *   SWEEP/index.json, index.md   one row per cell of the plan (rewritten as cells finish)
 *
 * A cell counts as done exactly when cells/<id>/ exists: it appears by one rename(2) of a complete
 * folder, and a rename onto an existing non-empty folder fails, so a second completion of the same
 * cell (a retried job whose first worker was only slow) finds it done and changes nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Cell, SweepSpec } from './spec.ts';

export interface SweepPlan {
  version: 1;
  spec: SweepSpec;
  cells: Cell[];
}

export const sweepPaths = (dir: string) => ({
  plan: join(dir, 'sweep.json'),
  cells: join(dir, 'cells'),
  tmp: join(dir, 'tmp'),
  failed: join(dir, 'failed'),
  indexJson: join(dir, 'index.json'),
  indexMd: join(dir, 'index.md'),
  cell: (id: string) => join(dir, 'cells', id),
  failure: (id: string) => join(dir, 'failed', `${id}.json`),
});

/** Writes a file through a temp name and a rename, so readers never see half of it. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function writePlan(dir: string, plan: SweepPlan): void {
  const p = sweepPaths(dir);
  for (const d of [dir, p.cells, p.tmp, p.failed]) mkdirSync(d, { recursive: true });
  writeFileAtomic(p.plan, `${JSON.stringify(plan, null, 1)}\n`);
}

export function readPlan(dir: string): SweepPlan {
  const path = sweepPaths(dir).plan;
  if (!existsSync(path)) throw new Error(`${dir} is not a sweep folder (no sweep.json)`);
  const plan = JSON.parse(readFileSync(path, 'utf8')) as SweepPlan;
  if (plan.version !== 1 || !Array.isArray(plan.cells)) throw new Error(`${path}: unknown plan format (version ${String(plan.version)})`);
  return plan;
}

export function isCellDone(dir: string, id: string): boolean {
  return existsSync(join(sweepPaths(dir).cell(id), 'cell.json'));
}

/** Ids of the finished cells in the folder (of this plan or an earlier one). */
export function doneCellIds(dir: string): Set<string> {
  const cells = sweepPaths(dir).cells;
  if (!existsSync(cells)) return new Set();
  return new Set(readdirSync(cells).filter((id) => existsSync(join(cells, id, 'cell.json'))));
}

/** A fresh temp folder for one attempt at a cell; its name says which process owns it. */
export function attemptDir(dir: string, id: string): string {
  const tmp = sweepPaths(dir).tmp;
  mkdirSync(tmp, { recursive: true });
  const path = join(tmp, `${id}.${hostname()}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(path);
  return path;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp folders left by dead processes of this host (a worker killed mid-job). Folders of
 * other hosts are left alone: their owners may still be running.
 */
export function removeStaleAttempts(dir: string): number {
  const tmp = sweepPaths(dir).tmp;
  if (!existsSync(tmp)) return 0;
  const host = hostname();
  let removed = 0;
  for (const name of readdirSync(tmp)) {
    const m = /^c[0-9a-f]+\.(.+)\.(\d+)\.[0-9a-z]+$/.exec(name);
    if (!m || m[1] !== host || pidAlive(Number(m[2]))) continue;
    rmSync(join(tmp, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/**
 * Moves a complete attempt folder into place as cells/<id>. Returns false (and deletes the attempt)
 * when the cell was finished meanwhile by someone else.
 */
export function commitAttempt(dir: string, id: string, attempt: string): boolean {
  const target = sweepPaths(dir).cell(id);
  mkdirSync(sweepPaths(dir).cells, { recursive: true });
  try {
    renameSync(attempt, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    rmSync(attempt, { recursive: true, force: true });
    return false;
  }
  rmSync(sweepPaths(dir).failure(id), { force: true });
  return true;
}
