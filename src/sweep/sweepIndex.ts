/**
 * The sweep index: one row per cell of the plan, with its status, grid point, seed and metrics.
 * Always rebuilt from the folder (cells/, failed/), so it is correct whoever finished the cells.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sweepPaths, writeFileAtomic, type SweepPlan } from './layout.ts';
import type { Metrics } from './metrics.ts';
import { pointLabel, type Cell } from './spec.ts';

export interface IndexRow {
  id: string;
  status: 'done' | 'failed' | 'pending';
  point: Cell['point'];
  seed: number;
  repeat: number;
  metrics?: Metrics;
  seconds?: number;
  host?: string;
  error?: string;
}

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function sweepRows(sweepDir: string, plan: SweepPlan): IndexRow[] {
  const p = sweepPaths(sweepDir);
  return plan.cells.map((cell) => {
    const base = { id: cell.id, point: cell.point, seed: cell.seed, repeat: cell.repeat };
    const rec = readJson<{ metrics: Metrics; seconds: number; host: string }>(join(p.cell(cell.id), 'cell.json'));
    if (rec) return { ...base, status: 'done', metrics: rec.metrics, seconds: rec.seconds, host: rec.host };
    const fail = readJson<{ error: string }>(p.failure(cell.id));
    return fail ? { ...base, status: 'failed', error: fail.error } : { ...base, status: 'pending' };
  });
}

function fmt(x: number | undefined): string {
  if (x === undefined) return '';
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

export function indexMarkdown(plan: SweepPlan, rows: readonly IndexRow[]): string {
  const metricNames = [...new Set(rows.flatMap((r) => Object.keys(r.metrics ?? {})))];
  const lines = [
    `# Sweep ${plan.spec.name}`,
    '',
    `Job \`${plan.spec.job}\`; ${rows.filter((r) => r.status === 'done').length}/${rows.length} cells done, ${rows.filter((r) => r.status === 'failed').length} failed.`,
    '',
    `| cell | grid point | seed | repeat | status | seconds | ${metricNames.join(' | ')} |`,
    `|---|---|---|---|---|---|${metricNames.map(() => '---|').join('')}`,
  ];
  for (const r of rows) {
    const status = r.status === 'failed' ? `failed: ${(r.error ?? '').replace(/\|/g, '\\|')}` : r.status;
    lines.push(
      `| [${r.id}](cells/${r.id}/) | ${pointLabel(r.point)} | ${r.seed} | ${r.repeat} | ${status} | ${fmt(r.seconds)} | ${metricNames.map((m) => fmt(r.metrics?.[m])).join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Rewrites index.json and index.md from the folder. */
export function writeSweepIndex(sweepDir: string, plan: SweepPlan): IndexRow[] {
  const rows = sweepRows(sweepDir, plan);
  const p = sweepPaths(sweepDir);
  writeFileAtomic(p.indexJson, `${JSON.stringify({ name: plan.spec.name, job: plan.spec.job, cells: rows }, null, 1)}\n`);
  writeFileAtomic(p.indexMd, indexMarkdown(plan, rows));
  return rows;
}
