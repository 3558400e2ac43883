/**
 * `spikeloop sweep SPEC.json [--workers N] [--queue redis://host:port]`: expands a sweep spec into
 * cells and runs them, locally on a worker pool, or through a BullMQ queue that `spikeloop worker`
 * processes on many machines. Finished cells are skipped, so running it again resumes.
 */
import { resolve, join } from 'node:path';
import { writePlan } from '../../src/sweep/layout.ts';
import { DEFAULT_WORKERS, runLocalPool } from '../../src/sweep/pool.ts';
import { DEFAULT_QUEUE_NAME, enqueueSweep, waitForSweep } from '../../src/sweep/queue.ts';
import { cellArgv, expandCells, loadSweepSpec, pointLabel } from '../../src/sweep/spec.ts';
import { writeSweepIndex } from '../../src/sweep/sweepIndex.ts';
import { intOption, parseCommandWithArgument } from '../options.ts';
import { jobCli, queueUrlOption, workersOption } from '../sweepCli.ts';

export const summary = 'run a sweep spec (grid × seeds) locally on a worker pool, or enqueue it on Redis for `spikeloop worker`';

const HELP = `usage: spikeloop sweep SPEC.json [options]

  --out DIR             sweep folder (default sweeps/<spec name>); running again resumes it
  --workers N           jobs at a time, each in its own process (default: the cores, ${DEFAULT_WORKERS()});
                        local runs only (with --queue, give it to spikeloop worker)
  --queue URL           enqueue the cells on BullMQ at redis://host:port instead of running them here;
                        run 'spikeloop worker --queue URL' on each machine. The sweep folder must be on
                        a filesystem every worker mounts at the same path (it holds the plan and results)
  --queue-name NAME     BullMQ queue (default ${DEFAULT_QUEUE_NAME}); concurrent sweeps need different names
  --attempts N          queue: tries per cell when its job fails (default 1; a dead worker's job is
                        retried regardless, see spikeloop worker --max-stalled)
  --no-wait             queue: return after enqueuing instead of following progress
  --dry-run             list the cells and their commands, run nothing
  -h, --help            this text

Spec (JSON): {"name", "job": "train-controller"|"bench"|"eval", "positionals"?: [...],
  "args"?: {flag: value}, "grid"?: {flag: [values]}, "seeds": [..], "repeats"?: 1,
  "evaluate"?: {"episodes": 100, "seed": 0, "suite"?: "robust"|"nominal"} (train-controller),
  "metric"?: "name"}`;

const OPTIONS = {
  out: { type: 'string' },
  workers: { type: 'string' },
  queue: { type: 'string' },
  'queue-name': { type: 'string' },
  attempts: { type: 'string' },
  'no-wait': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
} as const;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandWithArgument(argv, OPTIONS, HELP, { command: 'sweep', what: 'one spec file' });
  if (typeof parsed === 'number') return parsed;
  const { values, argument: specFile } = parsed;
  const spec = loadSweepSpec(specFile);
  const url = queueUrlOption(values.queue);
  // With --queue nothing runs here: each machine's `spikeloop worker --workers N` sets its own parallelism.
  if (url && values.workers !== undefined)
    throw new Error(
      "--workers sets the local pool and does nothing with --queue; give it to 'spikeloop worker --workers N' on each machine",
    );
  const workers = workersOption(values.workers) ?? DEFAULT_WORKERS();
  const attempts = intOption('attempts', values.attempts, 1) ?? 1;
  if (!url && (values['queue-name'] !== undefined || values.attempts !== undefined || values['no-wait']))
    throw new Error('--queue-name, --attempts and --no-wait need --queue');
  const dir = resolve(values.out ?? join('sweeps', spec.name));
  const plan = { version: 1 as const, spec, cells: expandCells(spec) };
  if (values['dry-run']) {
    for (const c of plan.cells)
      console.log(`${c.id}  ${pointLabel(c.point)} seed=${c.seed} repeat=${c.repeat}: spikeloop ${cellArgv(c).join(' ')}`);
    console.log(`${plan.cells.length} cells → ${dir}`);
    return 0;
  }
  writePlan(dir, plan);
  if (!url) {
    const r = await runLocalPool(dir, plan, { workers, cli: jobCli(), log: (l) => console.log(l) });
    console.log(
      `sweep ${spec.name}: ${r.skipped + r.done}/${r.total} cells done${r.failed ? `, ${r.failed} failed (see ${dir}/failed/)` : ''}; index ${join(dir, 'index.md')}; report: spikeloop report ${dir}`,
    );
    return r.failed || r.aborted ? 1 : 0;
  }
  const name = values['queue-name'] ?? DEFAULT_QUEUE_NAME;
  const e = await enqueueSweep(dir, plan, { url, name, attempts });
  console.log(
    `sweep ${spec.name} on queue '${name}' at ${url}: ${e.added} enqueued, ${e.retried} failed before and retried, ${e.queued} already queued, ${e.done} already done; folder ${dir}`,
  );
  if (values['no-wait']) {
    writeSweepIndex(dir, plan);
    return 0;
  }
  const w = await waitForSweep(dir, plan, { url, name, pollMs: 2000, log: (l) => console.log(l) });
  console.log(
    `sweep ${spec.name}: ${w.done}/${plan.cells.length} cells done${w.failed.length ? `, ${w.failed.length} failed (see ${dir}/failed/)` : ''}; report: spikeloop report ${dir}`,
  );
  return w.failed.length ? 1 : 0;
}
