/**
 * Sweep progress: counts, and an ETA from the mean time of the cells finished so far (cells
 * skipped on resume do not count) spread over the workers that are left busy.
 */
import { formatDuration } from '../util/progress.ts';

export interface ProgressCounts {
  total: number;
  /** Done before this run started (resume). */
  skipped: number;
  done: number;
  failed: number;
}

/** Seconds left: mean seconds per finished cell × cells left ÷ parallel workers; NaN before the first cell. */
export function etaSeconds(c: ProgressCounts, cellSeconds: readonly number[], workers: number): number {
  const left = c.total - c.skipped - c.done - c.failed;
  if (left <= 0) return 0;
  if (cellSeconds.length === 0) return NaN;
  const mean = cellSeconds.reduce((a, b) => a + b, 0) / cellSeconds.length;
  return (mean * left) / Math.max(1, Math.min(workers, left));
}

export function progressLine(c: ProgressCounts, eta: number): string {
  const finished = c.skipped + c.done + c.failed;
  const width = String(c.total).length;
  const parts = [`${c.done} done`];
  if (c.skipped) parts.push(`${c.skipped} already done`);
  if (c.failed) parts.push(`${c.failed} failed`);
  parts.push(finished === c.total ? 'finished' : `ETA ${formatDuration(eta)}`);
  return `[${String(finished).padStart(width)}/${c.total}] ${parts.join(', ')}`;
}
