import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.ts';
import { readPlan, writePlan } from '../../src/sweep/layout.ts';
import { enqueueSweep, startWorker, waitForSweep } from '../../src/sweep/queue.ts';
import { haveRedis, startRedis, type RedisServer } from '../support/redis.ts';
import { useTempDirs } from '../support/tempDirs.ts';
import { events, FAKE_CLI, FAKE_JOB, planOf } from '../support/sweep.ts';

const BIN = fileURLToPath(new URL('../../bin/spikeloop.mjs', import.meta.url));
const cli = FAKE_CLI;
const inCi = process.env.CI === 'true';
const tempDir = useTempDirs();

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!haveRedis && !inCi)('sweeps through BullMQ on a real redis-server', () => {
  let redis: RedisServer;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    if (!haveRedis)
      throw new Error("redis-server is missing (CI=true): install it with 'apt-get update && apt-get install -y redis-server'");
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await redis?.stop();
  });

  it('enqueues each cell once (job id = cell id), runs them, reports failures, and retries failed ones on re-enqueue', async () => {
    const dir = tempDir('queue-basic-');
    const plan = planOf('queue', { grid: { fail: [false, true] }, seeds: [1, 2] });
    writePlan(dir, plan);
    const q = { url: redis.url, name: 'basic', attempts: 1 };
    expect(await enqueueSweep(dir, plan, q)).toEqual({ added: 4, retried: 0, queued: 0, done: 0 });
    expect(await enqueueSweep(dir, plan, q)).toEqual({ added: 0, retried: 0, queued: 4, done: 0 });
    const w = await startWorker({
      ...q,
      cli,
      concurrency: 2,
      lockDurationMs: 5000,
      maxStalledCount: 1,
      exitWhenIdleMs: 300,
      log: () => {},
    });
    await w.finished;
    const r = await waitForSweep(dir, plan, { ...q, pollMs: 100, log: () => {} });
    const bad = plan.cells.filter((c) => c.point['fail'] === true).map((c) => c.id);
    expect(r.done).toBe(2);
    expect(r.failed.sort()).toEqual([...bad].sort());
    expect(JSON.parse(readFileSync(join(dir, 'failed', `${bad[0]}.json`), 'utf8'))).toMatchObject({ error: "'eval' exited with status 3" });
    expect(await enqueueSweep(dir, plan, q)).toEqual({ added: 0, retried: 2, queued: 0, done: 2 });
  });

  it('two worker processes, one SIGKILLed mid-job: the job is retried and every cell is recorded exactly once', async () => {
    const dir = tempDir('queue-kill-');
    const log = join(dir, 'events.log');
    const gate = join(dir, 'gate');
    const specPath = join(dir, 'spec.json');
    writeFileSync(
      specPath,
      JSON.stringify({ name: 'kill', job: 'eval', args: { gate, 'sleep-ms': 200, events: log }, seeds: [1, 2, 3, 4, 5] }),
    );
    const name = 'kill';
    const quiet = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await main(['sweep', specPath, '--out', join(dir, 'sweep'), '--queue', redis.url, '--queue-name', name, '--no-wait'])).toBe(0);
    } finally {
      quiet.mockRestore();
    }
    const startWorkerProcess = (): { child: ChildProcess; output: () => string } => {
      let out = '';
      const child = spawn(
        process.execPath,
        [
          BIN,
          'worker',
          '--queue',
          redis.url,
          '--queue-name',
          name,
          '--workers',
          '1',
          '--lock-duration',
          '3000',
          '--stalled-interval',
          '1000',
          '--exit-when-idle',
          '2',
        ],
        {
          env: { ...process.env, SPIKELOOP_SWEEP_CLI: FAKE_JOB },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      children.push(child);
      return { child, output: () => out };
    };
    const a = startWorkerProcess();
    const b = startWorkerProcess();
    const aPid = String(a.child.pid);
    const bPid = String(b.child.pid);
    // every job waits at the gate, so each worker holds one job mid-run
    await until(
      'both workers to start a job',
      () => ['start', 'start'].every((_, i) => events(log).some((e) => e[0] === 'start' && e[4] === [aPid, bPid][i])),
      120_000,
    );
    const killedSeed = events(log).find((e) => e[0] === 'start' && e[4] === aPid)![1];
    const aDead = new Promise((resolve) => a.child.once('exit', resolve));
    a.child.kill('SIGKILL');
    // open the gate only once A is gone, so its job could only finish as an orphan (which PDEATHSIG prevents)
    await aDead;
    writeFileSync(gate, '');
    const bExit = await new Promise<number | null>((resolve) =>
      b.child.exitCode !== null ? resolve(b.child.exitCode) : b.child.once('exit', resolve),
    );
    expect(bExit, b.output()).toBe(0);

    const sweep = join(dir, 'sweep');
    const plan = readPlan(sweep);
    const ev = events(log);
    for (const cell of plan.cells) {
      const rec = JSON.parse(readFileSync(join(sweep, 'cells', cell.id, 'cell.json'), 'utf8')) as {
        pid: number;
        metrics: { metric: number };
      };
      expect(rec.pid).toBe(b.child.pid);
      expect(rec.metrics.metric).toBeCloseTo(cell.seed / 10, 12);
      // one finished run per cell: the killed worker's job died with it (no orphan finished it)
      expect(ev.filter((e) => e[0] === 'finish' && e[1] === String(cell.seed))).toHaveLength(1);
    }
    expect(ev.filter((e) => e[0] === 'start' && e[1] === killedSeed)).toHaveLength(2);
    expect(b.output()).toMatch(new RegExp(`${plan.cells.find((c) => String(c.seed) === killedSeed)!.id}: done`));

    // the sweep command finds everything done; enqueuing again adds nothing
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...x: unknown[]) => void lines.push(x.join(' ')));
    try {
      expect(await main(['sweep', specPath, '--out', sweep, '--queue', redis.url, '--queue-name', name])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(lines.join('\n')).toMatch(/0 enqueued, 0 failed before and retried, 0 already queued, 5 already done/);
    expect(lines.join('\n')).toMatch(/\[5\/5\] 5 done, finished/);
  });
});
