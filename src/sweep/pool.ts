/**
 * The local worker pool: runs a plan's cells on this machine, `workers` at a time, each job in its
 * own child process (runCell.ts). Finished cells are skipped, so running it again resumes.
 * When the first cells all fail (a bad flag, a missing dataset) it stops starting new ones rather
 * than failing every cell the same way.
 */
import { availableParallelism } from 'node:os';
import { doneCellIds, removeStaleAttempts } from './layout.ts';
import { etaSeconds, progressLine, type ProgressCounts } from './progress.ts';
import { runCell, type CellOutcome, type RunCellOptions } from './runCell.ts';
import { pointLabel, type Cell } from './spec.ts';
import { writeSweepIndex } from './sweepIndex.ts';
import type { SweepPlan } from './layout.ts';

export interface LocalPoolOptions extends RunCellOptions {
  /** Jobs at a time (default: the number of cores). */
  workers: number;
  log: (line: string) => void;
}

export const DEFAULT_WORKERS = (): number => availableParallelism();

export interface PoolResult extends ProgressCounts {
  outcomes: CellOutcome[];
  /** True when it stopped early because every finished cell had failed. */
  aborted: boolean;
}

function describe(cell: Cell, o: CellOutcome): string {
  const what = `${cell.id} (${pointLabel(cell.point)} seed=${cell.seed}${cell.repeat ? ` repeat=${cell.repeat}` : ''})`;
  if (o.status === 'failed') return `${what} FAILED after ${o.seconds.toFixed(1)} s: ${o.error}`;
  if (o.status === 'duplicate') return `${what} was recorded by another worker meanwhile`;
  return `${what} done in ${o.seconds.toFixed(1)} s`;
}

export async function runLocalPool(sweepDir: string, plan: SweepPlan, opts: LocalPoolOptions): Promise<PoolResult> {
  if (!(Number.isInteger(opts.workers) && opts.workers >= 1)) throw new Error(`workers must be an integer >= 1, got ${opts.workers}`);
  const stale = removeStaleAttempts(sweepDir);
  if (stale) opts.log(`removed ${stale} temp folder(s) of cells interrupted earlier`);
  const done = doneCellIds(sweepDir);
  const pending = plan.cells.filter((c) => !done.has(c.id));
  const counts: ProgressCounts = { total: plan.cells.length, skipped: plan.cells.length - pending.length, done: 0, failed: 0 };
  const outcomes: CellOutcome[] = [];
  const seconds: number[] = [];
  opts.log(
    `sweep ${plan.spec.name}: ${counts.total} cells, ${counts.skipped} already done, ${pending.length} to run on ${Math.min(opts.workers, Math.max(1, pending.length))} worker(s)`,
  );
  let next = 0;
  let aborted = false;
  const worker = async (): Promise<void> => {
    while (next < pending.length && !aborted) {
      const cell = pending[next++]!;
      const o = await runCell(sweepDir, cell, opts);
      outcomes.push(o);
      if (o.status === 'failed') counts.failed++;
      else {
        counts.done++;
        seconds.push(o.seconds);
      }
      if (counts.done === 0 && counts.failed >= Math.min(opts.workers, pending.length) && next < pending.length) aborted = true;
      opts.log(`${progressLine(counts, etaSeconds(counts, seconds, opts.workers))}  ${describe(cell, o)}`);
      writeSweepIndex(sweepDir, plan);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.workers, pending.length) }, worker));
  if (aborted)
    opts.log(
      `stopped: the first ${counts.failed} cell(s) all failed; see ${sweepDir}/failed/ and fix the spec, then run again (finished cells are kept)`,
    );
  writeSweepIndex(sweepDir, plan);
  return { ...counts, outcomes, aborted };
}
