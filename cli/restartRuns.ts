/**
 * `train-controller` with `recipe.restarts` > 1: each restart is a child `spikeloop train-controller`
 * process (one seed, its own folder under `<out>.restarts/`), `workers` at a time, each on one
 * kernel thread when they share the machine; the parent scores each finished run on the selection
 * episodes (agents/restarts.ts) while the others train, then writes the best one into `out`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packagePath } from '../src/util/packageRoot.ts';
import { recipeSectionOf, type RecipeOptions } from '../agents/recipeConfig.ts';
import { adoptRestart, bestRestart, restartRecord, restartSeeds, type RestartRecord } from '../agents/restarts.ts';
import { formatScore } from '../agents/report.ts';

export interface RestartRunOptions {
  /** The resolved recipe (env = the env id). */
  recipe: RecipeOptions;
  out: string;
  /** Runs at a time. */
  workers: number;
  /** Flags every child gets as well (--backend, --demos, --env-module, --teacher-module), paths absolute. */
  childFlags: string[];
  log: (line: string) => void;
}

/** The config a child trains from: the resolved recipe with one run and no restarts. */
function childConfig(o: RecipeOptions): string {
  const { env, ...options } = o;
  return JSON.stringify({ env, recipe: recipeSectionOf({ ...options, restarts: 1 }) }, null, 2);
}

function runChild(args: string[], logFile: string, env: NodeJS.ProcessEnv, running: Set<ChildProcess>): Promise<void> {
  const fd = openSync(logFile, 'w');
  return new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, [packagePath('bin', 'spikeloop.mjs'), ...args], { stdio: ['ignore', fd, fd], env });
    running.add(child);
    child.on('exit', () => running.delete(child));
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (code === 0) return done();
      let tail = '';
      try {
        tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n  ');
      } catch {
        // the log went with its folder; the exit code still says what happened
      }
      fail(new Error(`restart run ${args.join(' ')} ended with ${signal ?? `exit code ${code}`} (log ${logFile}):\n  ${tail}`));
    });
  }).finally(() => closeSync(fd));
}

export async function trainRestarts(o: RestartRunOptions): Promise<{ records: RestartRecord[]; chosen: RestartRecord }> {
  const seeds = restartSeeds(o.recipe);
  if (!(Number.isInteger(o.workers) && o.workers >= 1)) throw new Error(`--workers must be an integer >= 1, got ${o.workers}`);
  const dir = resolve(`${o.out}.restarts`);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'recipe.json');
  writeFileSync(config, childConfig(o.recipe));
  const workers = Math.min(o.workers, seeds.length);
  // two runs on two cores: one kernel thread each beats two threads each fighting for the cores
  const env = workers > 1 && process.env.SPIKELOOP_THREADS === undefined ? { ...process.env, SPIKELOOP_THREADS: '1' } : process.env;
  o.log(`${seeds.length} runs (seeds ${seeds[0]}–${seeds[seeds.length - 1]}), ${workers} at a time, in ${dir}`);
  const records: RestartRecord[] = [];
  const running = new Set<ChildProcess>();
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < seeds.length && !failed) {
      const seed = seeds[next++]!;
      const runDir = join(dir, `seed-${seed}`);
      const t0 = performance.now();
      await runChild(
        ['train-controller', '--config', config, '--seed', String(seed), '--out', runDir, '--overwrite', ...o.childFlags],
        `${runDir}.log`,
        env,
        running,
      );
      const rec = restartRecord(seed, runDir, o.recipe);
      records.push(rec);
      o.log(
        `seed ${seed}: selection score ${formatScore(rec.score)} (${Object.entries(rec.conditions)
          .map(([c, v]) => `${c} ${formatScore(v)}`)
          .join(', ')})${
          rec.gains
            ? ` at output gain ${rec.gain} (${Object.entries(rec.gains)
                .map(([g, v]) => `×${g} ${formatScore(v)}`)
                .join(', ')})`
            : ''
        }, best-round score ${formatScore(rec.roundScore)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
    }
  };
  const jobs = Array.from({ length: workers }, worker);
  try {
    await Promise.all(jobs);
  } catch (e) {
    // one failed run fails the whole (the others would be judged against a missing one): stop them
    // and return only once they are gone
    failed = true;
    for (const child of running) child.kill();
    await Promise.allSettled(jobs);
    throw e;
  }
  records.sort((a, b) => a.seed - b.seed);
  const chosen = bestRestart(records);
  adoptRestart(join(dir, `seed-${chosen.seed}`), o.out, records, chosen, o.recipe);
  return { records, chosen };
}
