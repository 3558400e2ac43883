/**
 * Sweeps on many machines: BullMQ over Redis. The queue carries only ids (the sweep folder's path
 * and the cell id, which is also the BullMQ job id, so enqueuing twice adds nothing) and small
 * results; the plan and every artifact live in the sweep folder, which must be on a filesystem all
 * workers share, at the same path (layout.ts).
 *
 * A worker that dies mid-job stops renewing its job's lock; after `lockDurationMs` another worker's
 * stalled-job check moves the job back to the wait list and it runs again (up to `maxStalledCount`
 * times). The cell is recorded once whatever happens (the rename in layout.ts). BullMQ is loaded
 * only here and only when a queue is used: local sweeps need no Redis.
 */
import type { Job, Queue as BullQueue } from 'bullmq';
import { hostname } from 'node:os';
import { doneCellIds, readPlan, removeStaleAttempts, type SweepPlan } from './layout.ts';
import { progressLine } from './progress.ts';
import { runCell, type RunCellOptions } from './runCell.ts';
import { writeSweepIndex } from './sweepIndex.ts';

export interface QueueOptions {
  /** redis://host:port */
  url: string;
  /** BullMQ queue name; sweeps that run at the same time need different names. */
  name: string;
}

export const DEFAULT_QUEUE_NAME = 'spikeloop-sweep';

/** What a job carries: ids only. */
export interface CellJobData {
  /** Absolute path of the sweep folder (the same on every machine). */
  sweep: string;
  cell: string;
}

export interface CellJobResult {
  status: 'done' | 'skipped' | 'duplicate';
  seconds: number;
  host: string;
}

const connection = (url: string) => ({ url, maxRetriesPerRequest: null });

/** How long to wait for Redis at start before giving up with a clear error. */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Pings Redis once without retrying, so a wrong URL or a stopped server is a clear error at start.
 * (BullMQ's own connections retry forever, which is what a running worker wants when Redis restarts.)
 */
export async function probeRedis(url: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  let cause = '';
  client.on('error', (err: Error) => (cause ||= err.message)); // the socket's own error says more than connect()'s
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(
      `cannot reach Redis at ${url}: ${cause || (err instanceof Error ? err.message : String(err))} (is redis-server running there?)`,
      { cause: err },
    );
  } finally {
    client.disconnect();
  }
}

export interface EnqueueOptions extends QueueOptions {
  /** Tries per cell when its job fails (a stall from a dead worker does not count as a try). */
  attempts: number;
}

export interface EnqueueResult {
  added: number;
  /** Failed before (e.g. an earlier attempt of this sweep): retried. */
  retried: number;
  /** Already waiting or running. */
  queued: number;
  /** Finished in the sweep folder: not enqueued. */
  done: number;
}

async function openQueue(o: QueueOptions): Promise<BullQueue<CellJobData, CellJobResult>> {
  await probeRedis(o.url);
  const { Queue } = await import('bullmq');
  const queue = new Queue<CellJobData, CellJobResult>(o.name, { connection: connection(o.url) });
  return queue;
}

/** Enqueues the plan's unfinished cells (job id = cell id). */
export async function enqueueSweep(sweepDir: string, plan: SweepPlan, o: EnqueueOptions): Promise<EnqueueResult> {
  const queue = await openQueue(o);
  const r: EnqueueResult = { added: 0, retried: 0, queued: 0, done: 0 };
  try {
    const done = doneCellIds(sweepDir);
    for (const cell of plan.cells) {
      if (done.has(cell.id)) {
        r.done++;
        continue;
      }
      const existing = await queue.getJob(cell.id);
      const state = existing ? await existing.getState() : undefined;
      if (existing && state === 'failed') {
        await existing.retry('failed');
        r.retried++;
      } else if (existing && state !== 'completed' && state !== 'unknown') {
        r.queued++;
      } else {
        if (existing) await existing.remove();
        await queue.add(
          'cell',
          { sweep: sweepDir, cell: cell.id },
          { jobId: cell.id, attempts: o.attempts, removeOnComplete: true, removeOnFail: false },
        );
        r.added++;
      }
    }
  } finally {
    await queue.close();
  }
  return r;
}

export interface WaitOptions extends QueueOptions {
  pollMs: number;
  log: (line: string) => void;
}

/** Follows a queued sweep until every cell is done or failed for good; rewrites the index as it goes. */
export async function waitForSweep(sweepDir: string, plan: SweepPlan, o: WaitOptions): Promise<{ done: number; failed: string[] }> {
  const queue = await openQueue(o);
  const ids = new Set(plan.cells.map((c) => c.id));
  const t0 = performance.now();
  const doneAtStart = [...doneCellIds(sweepDir)].filter((id) => ids.has(id)).length;
  let last = '';
  try {
    for (;;) {
      const done = [...doneCellIds(sweepDir)].filter((id) => ids.has(id)).length;
      const failedJobs = (await queue.getFailed()).filter(
        (j): j is Job<CellJobData, CellJobResult> => j !== undefined && j.data.sweep === sweepDir && ids.has(j.data.cell),
      );
      const failed = failedJobs.map((j) => j.data.cell).filter((id) => !doneCellIds(sweepDir).has(id));
      const finishedNow = done - doneAtStart + failed.length;
      const left = ids.size - done - failed.length;
      const eta = finishedNow > 0 ? (((performance.now() - t0) / 1000) * left) / finishedNow : NaN;
      const line = progressLine({ total: ids.size, skipped: 0, done, failed: failed.length }, eta);
      if (line.replace(/ETA .*/, '') !== last.replace(/ETA .*/, '')) {
        o.log(line);
        writeSweepIndex(sweepDir, plan);
      }
      last = line;
      if (left === 0) return { done, failed };
      await new Promise((res) => setTimeout(res, o.pollMs));
    }
  } finally {
    await queue.close();
  }
}

export interface WorkerOptions extends QueueOptions, RunCellOptions {
  /** Jobs at a time on this machine. */
  concurrency: number;
  /** A job whose worker has not renewed its lock for this long is handed to another worker. */
  lockDurationMs: number;
  /** How often this worker looks for stalled jobs (default: lockDurationMs). */
  stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) before it counts as failed. */
  maxStalledCount: number;
  /** Return once the queue has had nothing waiting, delayed or running for this long (otherwise run until stopped). */
  exitWhenIdleMs?: number;
  log: (line: string) => void;
}

export const DEFAULT_WORKER_QUEUE: Readonly<Pick<WorkerOptions, 'lockDurationMs' | 'maxStalledCount'>> = Object.freeze({
  lockDurationMs: 30_000,
  maxStalledCount: 2,
});

async function processCell(job: Job<CellJobData, CellJobResult>, o: WorkerOptions): Promise<CellJobResult> {
  const { sweep, cell: id } = job.data;
  const cell = readPlan(sweep).cells.find((c) => c.id === id);
  if (!cell) throw new Error(`cell ${id} is not in ${sweep}/sweep.json`);
  removeStaleAttempts(sweep);
  o.log(`${id}: started (attempt ${job.attemptsStarted}, sweep ${sweep})`);
  const out = await runCell(sweep, cell, o);
  if (out.status === 'failed') {
    o.log(`${id}: failed: ${out.error}`);
    throw new Error(out.error);
  }
  o.log(`${id}: ${out.status} in ${out.seconds.toFixed(1)} s`);
  return { status: out.status, seconds: out.seconds, host: hostname() };
}

/**
 * Calls `onIdle` once the queue has had nothing waiting, delayed or running for `idleMs`; returns
 * a function that stops watching. A stalled job of a dead worker counts as active until it is
 * moved back, so it keeps the watcher from firing.
 */
async function watchIdle(o: QueueOptions, idleMs: number, onIdle: () => void, log: (line: string) => void): Promise<() => Promise<void>> {
  const queue = await openQueue(o);
  let checking = false;
  let idleSince = Date.now();
  const timer = setInterval(
    () => {
      if (checking) return;
      checking = true;
      queue
        .getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')
        .then((c) => {
          if (!Object.values(c).every((n) => n === 0)) idleSince = Date.now();
          else if (Date.now() - idleSince >= idleMs) onIdle();
        })
        .catch((err: Error) => log(`worker: cannot read the queue: ${err.message}`))
        .finally(() => (checking = false));
    },
    Math.min(1000, Math.max(50, idleMs / 4)),
  );
  return async () => {
    clearInterval(timer);
    await queue.close();
  };
}

/** Runs cells from the queue until stopped (`stop()`), or until idle for `exitWhenIdleMs`. */
export async function startWorker(o: WorkerOptions): Promise<{ finished: Promise<void>; stop: () => Promise<void> }> {
  await probeRedis(o.url);
  const { Worker } = await import('bullmq');
  const worker = new Worker<CellJobData, CellJobResult>(o.name, (job) => processCell(job, o), {
    connection: connection(o.url),
    concurrency: o.concurrency,
    lockDuration: o.lockDurationMs,
    stalledInterval: o.stalledIntervalMs ?? o.lockDurationMs,
    maxStalledCount: o.maxStalledCount,
  });
  let lastError = '';
  worker.on('error', (err) => {
    // ioredis reconnects by itself; say so once per kind of error, not on every retry
    if (err.message !== lastError) o.log(`worker error: ${err.message}`);
    lastError = err.message;
  });
  await worker.waitUntilReady();
  lastError = '';
  let resolveFinished!: () => void;
  const finished = new Promise<void>((res) => (resolveFinished = res));
  let unwatch: (() => Promise<void>) | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await unwatch?.();
      await worker.close();
      resolveFinished();
    })());
  if (o.exitWhenIdleMs !== undefined) unwatch = await watchIdle(o, o.exitWhenIdleMs, () => void stop(), o.log);
  o.log(`worker on queue '${o.name}' at ${o.url}: ${o.concurrency} job(s) at a time, lock ${o.lockDurationMs} ms`);
  return { finished, stop };
}
