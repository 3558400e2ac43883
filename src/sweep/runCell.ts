/**
 * Runs one cell: its job in a child process (the `spikeloop` CLI, or a stand-in given as `cli`),
 * writing into a fresh temp folder; then metrics.json and cell.json; then one rename into
 * cells/<id> (see layout.ts). Child processes keep jobs apart (tfjs state, memory, crashes) and keep
 * the calling event loop free, which a queue worker needs to renew its job lock.
 */
import { existsSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { attemptDir, commitAttempt, isCellDone, sweepPaths, writeFileAtomic } from './layout.ts';
import { readJobMetrics, type Metrics } from './metrics.ts';
import { cellArgv, type Cell } from './spec.ts';

export interface RunCellOptions {
  /** The command that runs a job, before the job's own arguments (e.g. [node, bin/spikeloop.mjs]). */
  cli: readonly string[];
}

export type CellStatus = 'done' | 'skipped' | 'duplicate' | 'failed';

export interface CellOutcome {
  id: string;
  /** done: this call recorded it; skipped: it was done before; duplicate: someone else recorded it meanwhile. */
  status: CellStatus;
  seconds: number;
  metrics?: Metrics;
  error?: string;
}

/** On Linux, `setpriv --pdeathsig KILL` ends the job when the process running it dies (a killed worker leaves no orphan). */
const SETPRIV = process.platform === 'linux' && existsSync('/usr/bin/setpriv') ? '/usr/bin/setpriv' : undefined;

function runChild(cmd: readonly string[], logPath: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const fd = openSync(logPath, 'a');
  writeSync(fd, `$ ${cmd.join(' ')}\n`);
  const full = SETPRIV ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...cmd] : [...cmd];
  return new Promise((resolve, reject) => {
    const child = spawn(full[0]!, full.slice(1), { stdio: ['ignore', fd, fd] });
    child.once('error', (err) => {
      closeSync(fd);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      closeSync(fd);
      resolve({ code, signal });
    });
  });
}

/** The commands of a cell: the job, then (train-controller with `evaluate`) the evaluation of its controller. */
export function cellCommands(cell: Cell, cli: readonly string[], outDir: string): string[][] {
  const argv = cellArgv(cell);
  if (cell.job === 'eval') return [[...cli, ...argv, '--json', join(outDir, 'eval.json')]];
  const cmds = [[...cli, ...argv, '--out', outDir]];
  if (cell.evaluate) {
    const e = cell.evaluate;
    cmds.push([
      ...cli,
      'eval',
      '--env',
      String(cell.args['env']),
      '--checkpoint',
      outDir,
      '--episodes',
      String(e.episodes),
      '--seed',
      String(e.seed),
      ...(e.suite !== undefined ? ['--suite', e.suite] : []),
      '--json',
      join(outDir, 'eval.json'),
    ]);
  }
  return cmds;
}

function logTail(path: string, lines = 20): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function recordFailure(sweepDir: string, cell: Cell, error: string, tail: string): void {
  if (isCellDone(sweepDir, cell.id)) return; // finished by another attempt meanwhile: nothing failed
  mkdirSync(sweepPaths(sweepDir).failed, { recursive: true });
  writeFileAtomic(
    sweepPaths(sweepDir).failure(cell.id),
    `${JSON.stringify({ cell, error, logTail: tail, host: hostname(), pid: process.pid, at: new Date().toISOString() }, null, 1)}\n`,
  );
}

/** Runs `cell` unless it is done; records it exactly once (see layout.ts). Never throws for a failing job. */
export async function runCell(sweepDir: string, cell: Cell, opts: RunCellOptions): Promise<CellOutcome> {
  const t0 = performance.now();
  const seconds = (): number => (performance.now() - t0) / 1000;
  if (isCellDone(sweepDir, cell.id)) return { id: cell.id, status: 'skipped', seconds: 0 };
  const attempt = attemptDir(sweepDir, cell.id);
  const outDir = join(attempt, 'out');
  const log = join(attempt, 'log.txt');
  const startedAt = new Date().toISOString();
  try {
    if (cell.job === 'eval') mkdirSync(outDir);
    const commands = cellCommands(cell, opts.cli, outDir);
    for (const cmd of commands) {
      const { code, signal } = await runChild(cmd, log);
      if (code !== 0)
        throw new Error(
          `'${cmd.slice(opts.cli.length, opts.cli.length + 1).join(' ')}' ${signal ? `was killed by ${signal}` : `exited with status ${code}`}`,
        );
    }
    const metrics = readJobMetrics(cell.job, outDir, cell.evaluate !== undefined);
    const record = {
      cell,
      metrics,
      seconds: seconds(),
      host: hostname(),
      pid: process.pid,
      startedAt,
      finishedAt: new Date().toISOString(),
      commands,
    };
    writeFileAtomic(join(attempt, 'metrics.json'), `${JSON.stringify(metrics, null, 1)}\n`);
    // cell.json last: its presence is what makes a cell folder count as done
    writeFileAtomic(join(attempt, 'cell.json'), `${JSON.stringify(record, null, 1)}\n`);
    const recorded = commitAttempt(sweepDir, cell.id, attempt);
    return { id: cell.id, status: recorded ? 'done' : 'duplicate', seconds: record.seconds, metrics };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    recordFailure(sweepDir, cell, error, logTail(log));
    rmSync(attempt, { recursive: true, force: true });
    return { id: cell.id, status: 'failed', seconds: seconds(), error };
  }
}
