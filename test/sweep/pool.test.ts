import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attemptDir, commitAttempt, readPlan, writePlan } from '../../src/sweep/layout.ts';
import { readJobMetrics } from '../../src/sweep/metrics.ts';
import { runLocalPool } from '../../src/sweep/pool.ts';
import { runCell } from '../../src/sweep/runCell.ts';
import { useTempDirs } from '../support/tempDirs.ts';
import { events, FAKE_CLI, planOf } from '../support/sweep.ts';

const cli = FAKE_CLI;
const tempDir = useTempDirs();

describe('local sweep pool', () => {
  it('runs every cell in its own process, collects metrics and an index, and skips finished cells on resume', async () => {
    const dir = tempDir('sweep-pool-');
    const log = join(dir, 'events.log');
    const plan = planOf('pool', { args: { events: log }, grid: { value: [1, 5] }, seeds: [0, 1, 2] });
    writePlan(dir, plan);
    const lines: string[] = [];
    const r = await runLocalPool(dir, plan, { workers: 2, cli, log: (l) => lines.push(l) });
    expect(r).toMatchObject({ total: 6, done: 6, failed: 0, skipped: 0, aborted: false });
    for (const cell of plan.cells) {
      const metrics = JSON.parse(readFileSync(join(dir, 'cells', cell.id, 'metrics.json'), 'utf8')) as Record<string, number>;
      expect(metrics['metric']).toBeCloseTo(Number(cell.point['value']) + cell.seed / 10, 12);
      expect(readFileSync(join(dir, 'cells', cell.id, 'log.txt'), 'utf8')).toMatch(/fake-job: value/);
    }
    // each job ran in its own process
    const starts = events(log).filter((e) => e[0] === 'start');
    expect(new Set(starts.map((e) => e[3])).size).toBe(6);
    expect(lines.at(-1)).toMatch(/^\[6\/6\] 6 done, finished/);
    expect(lines.some((l) => /ETA \d/.test(l))).toBe(true);
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { cells: Array<{ status: string }> };
    expect(index.cells.map((c) => c.status)).toEqual(Array(6).fill('done'));
    expect(readFileSync(join(dir, 'index.md'), 'utf8')).toMatch(/6\/6 cells done/);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);

    // resume: a grown plan runs only the new cells
    const grown = planOf('pool', { args: { events: log }, grid: { value: [1, 5] }, seeds: [0, 1, 2, 3] });
    writePlan(dir, grown);
    const r2 = await runLocalPool(dir, readPlan(dir), { workers: 2, cli, log: () => {} });
    expect(r2).toMatchObject({ total: 8, skipped: 6, done: 2, failed: 0 });
    expect(events(log).filter((e) => e[0] === 'start')).toHaveLength(8);
  });

  it('records a failing job under failed/ (not as done) and runs it again on the next run', async () => {
    const dir = tempDir('sweep-fail-');
    const plan = planOf('pool', { grid: { fail: [false, true] }, seeds: [0] });
    writePlan(dir, plan);
    const r = await runLocalPool(dir, plan, { workers: 1, cli, log: () => {} });
    expect(r).toMatchObject({ done: 1, failed: 1 });
    const bad = plan.cells.find((c) => c.point['fail'] === true)!;
    expect(existsSync(join(dir, 'cells', bad.id))).toBe(false);
    const failure = JSON.parse(readFileSync(join(dir, 'failed', `${bad.id}.json`), 'utf8')) as { error: string; logTail: string };
    expect(failure.error).toMatch(/'eval' exited with status 3/);
    expect(failure.logTail).toMatch(/failing as asked/);
    const again = await runLocalPool(dir, plan, { workers: 1, cli, log: () => {} });
    expect(again).toMatchObject({ skipped: 1, failed: 1, done: 0 });
  });

  it('stops starting cells when the first ones all fail (a systematic error)', async () => {
    const dir = tempDir('sweep-abort-');
    const plan = planOf('pool', { args: { fail: true }, seeds: [0, 1, 2, 3, 4] });
    writePlan(dir, plan);
    const lines: string[] = [];
    const r = await runLocalPool(dir, plan, { workers: 1, cli, log: (l) => lines.push(l) });
    expect(r).toMatchObject({ failed: 1, done: 0, aborted: true });
    expect(lines.at(-1)).toMatch(/stopped: the first 1 cell\(s\) all failed/);
  });

  it('records a cell once when two attempts finish: the second finds it done and changes nothing', async () => {
    const dir = tempDir('sweep-twice-');
    const plan = planOf('pool', { args: { 'sleep-ms': 300 }, seeds: [7] });
    writePlan(dir, plan);
    const cell = plan.cells[0]!;
    const outcomes = await Promise.all([runCell(dir, cell, { cli }), runCell(dir, cell, { cli })]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['done', 'duplicate']);
    const recorded = JSON.parse(readFileSync(join(dir, 'cells', cell.id, 'cell.json'), 'utf8')) as { metrics: Record<string, number> };
    expect(recorded.metrics['metric']).toBeCloseTo(0.7, 12);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    const late = attemptDir(dir, cell.id);
    writeFileSync(join(late, 'cell.json'), '{}');
    expect(commitAttempt(dir, cell.id, late)).toBe(false);
    expect(existsSync(late)).toBe(false);
    expect(readFileSync(join(dir, 'cells', cell.id, 'cell.json'), 'utf8')).toMatch(/"metric": 0.7/);
    expect((await runCell(dir, cell, { cli })).status).toBe('skipped');
  });
});

describe('job metrics', () => {
  it('reads the controller training record and its evaluation, with the share of successful episodes', () => {
    const out = tempDir('sweep-metrics-');
    writeFileSync(
      join(out, 'controller.json'),
      JSON.stringify({
        training: {
          bestRound: 1,
          seconds: 12.5,
          rounds: [
            { round: 0, score: 300, steps: 100 },
            { round: 1, score: 480, steps: 200 },
          ],
        },
      }),
    );
    writeFileSync(
      join(out, 'eval.json'),
      JSON.stringify({
        meanReturn: 482.6,
        stdReturn: 35.5,
        minReturn: 349,
        metric: 482.6,
        success: '15/20 balance to the step limit',
        episodes: 20,
        seconds: 5,
      }),
    );
    expect(readJobMetrics('train-controller', out, true)).toEqual({
      trainScore: 480,
      bestRound: 1,
      trainSteps: 200,
      trainSeconds: 12.5,
      meanReturn: 482.6,
      stdReturn: 35.5,
      minReturn: 349,
      metric: 482.6,
      successShare: 0.75,
      episodes: 20,
      evalSeconds: 5,
    });
    expect(() => readJobMetrics('bench', out, false)).toThrow(/the job wrote no results.json/);
  });
});
