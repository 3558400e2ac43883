/**
 * `spikeloop worker --queue redis://host:port`: runs sweep cells from a BullMQ queue (enqueued by
 * `spikeloop sweep SPEC --queue ...`) until stopped, or until the queue has been empty for a while (--exit-when-idle).
 */
import { DEFAULT_WORKERS } from '../../src/sweep/pool.ts';
import { DEFAULT_QUEUE_NAME, DEFAULT_WORKER_QUEUE, startWorker } from '../../src/sweep/queue.ts';
import { intOption, parseCommand } from '../options.ts';
import { jobCli, queueUrlOption, workersOption } from '../sweepCli.ts';

export const summary = 'run sweep cells from a Redis queue (BullMQ); start one per machine';

const HELP = `usage: spikeloop worker --queue redis://host:port [options]

  --queue URL           Redis of the sweep (required)
  --queue-name NAME     BullMQ queue (default ${DEFAULT_QUEUE_NAME})
  --workers N           jobs at a time on this machine (default: the cores, ${DEFAULT_WORKERS()})
  --lock-duration MS    a job whose worker stops renewing its lock (it died) goes back to the queue
                        after this long (default ${DEFAULT_WORKER_QUEUE.lockDurationMs})
  --stalled-interval MS how often to look for such jobs (default: the lock duration)
  --max-stalled N       times a job may lose its worker before it counts as failed (default ${DEFAULT_WORKER_QUEUE.maxStalledCount})
  --exit-when-idle S    exit once the queue has had nothing waiting or running for S seconds
                        (e.g. in a batch job; default: run until stopped)
  -h, --help            this text

Each cell runs in a child process and writes into the sweep folder named in its job, which must be
on a filesystem this machine mounts at the same path as the machine that enqueued it.`;

function idleOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const s = Number(raw);
  if (!Number.isFinite(s) || s < 0) throw new Error(`--exit-when-idle must be a number of seconds >= 0, got '${raw}'`);
  return s;
}

const OPTIONS = {
  queue: { type: 'string' },
  'queue-name': { type: 'string' },
  workers: { type: 'string' },
  'lock-duration': { type: 'string' },
  'stalled-interval': { type: 'string' },
  'max-stalled': { type: 'string' },
  'exit-when-idle': { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<number> {
  const values = parseCommand(argv, OPTIONS, HELP);
  if (!values) return 0;
  const url = queueUrlOption(values.queue);
  if (!url) throw new Error('--queue redis://host:port is required');
  const idle = idleOption(values['exit-when-idle']);
  const stalledIntervalMs = intOption('stalled-interval', values['stalled-interval'], 100);
  const w = await startWorker({
    url,
    name: values['queue-name'] ?? DEFAULT_QUEUE_NAME,
    concurrency: workersOption(values.workers) ?? DEFAULT_WORKERS(),
    lockDurationMs: intOption('lock-duration', values['lock-duration'], 100) ?? DEFAULT_WORKER_QUEUE.lockDurationMs,
    ...(stalledIntervalMs !== undefined ? { stalledIntervalMs } : {}),
    maxStalledCount: intOption('max-stalled', values['max-stalled'], 0) ?? DEFAULT_WORKER_QUEUE.maxStalledCount,
    ...(idle !== undefined ? { exitWhenIdleMs: idle * 1000 } : {}),
    cli: jobCli(),
    log: (l) => console.log(`[${new Date().toISOString()}] ${l}`),
  });
  const onSignal = (sig: string): void => {
    console.log(`worker: ${sig}, finishing the running job(s) and closing`);
    void w.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await w.finished;
  return 0;
}
