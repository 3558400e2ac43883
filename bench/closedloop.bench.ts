/**
 * Closed-loop real-time factor (issue #5 item 8): simulated seconds per wall second of the RxJS
 * loop (src/stream, 'fast' pace) with the real env and its trained spiking controller at batch 1
 * (event-driven inference, src/inference), per env. Also the share of the time spent in the SNN.
 * Controllers come from bench/results/controllers/<env>-spike-seq (the committed results), else
 * runs/controllers/<env>-spike-seq (written by `spikeloop train-controller`), else (cartpole) the
 * test fixture.
 * Target: ≥ 200× real time for cartpole (2 hidden layers, T ≥ 10 sub-steps per control step).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, last, take } from 'rxjs';
import type { BenchSuite } from './types.ts';
import { makeEnv } from '../envs/index.ts';
import { loadPolicy } from '../agents/controller.ts';
import { createClosedLoop } from '../src/stream/loop.ts';
import type { SpikingPolicy } from '../src/stream/events.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENVS = ['cartpole', 'pendulum', 'reacher', 'walker'] as const;

function controllerDir(env: string): string | undefined {
  const candidates = [
    join(ROOT, 'bench', 'results', 'controllers', `${env}-spike-seq`),
    join(ROOT, 'runs', 'controllers', `${env}-spike-seq`),
  ];
  if (env === 'cartpole') candidates.push(join(ROOT, 'test', 'fixtures', 'controllers', 'cartpole'));
  return candidates.find((d) => existsSync(join(d, 'controller.json')));
}

/** Wraps a policy to add up the wall time of its steps. */
function timed(policy: SpikingPolicy): { policy: SpikingPolicy; ms: () => number } {
  let ms = 0;
  return {
    ms: () => ms,
    policy: {
      layerSizes: policy.layerSizes,
      substeps: policy.substeps,
      reset: () => policy.reset(),
      step(o) {
        const t = performance.now();
        const r = policy.step(o);
        ms += performance.now() - t;
        return r;
      },
    },
  };
}

const suite: BenchSuite = async ({ quick }) => {
  const rows: Array<Array<string | number>> = [];
  const notes: string[] = [];
  for (const name of ENVS) {
    const dir = controllerDir(name);
    if (!dir) {
      notes.push(`${name}: no trained controller found (train one with 'spikeloop train-controller --env ${name}'); skipped`);
      continue;
    }
    const { spec, policy } = loadPolicy(dir);
    const env = makeEnv(name);
    const ticks = (quick ? 500 : 5000) / (name === 'walker' ? 5 : 1);
    const clock = timed(policy);
    const loop = createClosedLoop({ env, policy: clock.policy, seed: 0, pace: { kind: 'fast', ticksPerChunk: 256 } });
    // warm-up (JIT), then the measured run
    await firstValueFrom(loop.run$.pipe(take(200), last()));
    const before = clock.ms();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await firstValueFrom(loop.run$.pipe(take(ticks), last()));
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    // on a shared machine the wall clock includes other jobs' time slices; CPU time does not
    const cpuS = (cpu.user + cpu.system) / 1e6;
    const snnMs = clock.ms() - before;
    loop.dispose();
    env.close();
    const rtf = (ticks * env.metadata.dtS) / (wallMs / 1000);
    rows.push([
      spec.env,
      policy.layerSizes.join('-'),
      spec.substeps,
      ticks,
      ((wallMs / ticks) * 1000).toFixed(1),
      `${((snnMs / wallMs) * 100).toFixed(0)}%`,
      rtf.toFixed(0),
      ((ticks * env.metadata.dtS) / cpuS).toFixed(0),
    ]);
    if (spec.env === 'CartPoleContinuous-v1')
      notes.push(
        `CartPoleContinuous-v1: ${rtf.toFixed(0)}× real time (wall clock) — target ≥ 200× ${rtf >= 200 ? 'met' : 'missed'} in this run; ${((ticks * env.metadata.dtS) / cpuS).toFixed(0)}× per CPU second (controller ${dir.slice(ROOT.length + 1)})`,
      );
  }
  return [
    {
      title: 'Closed loop (RxJS, fast pace) with the trained SNN at batch 1: real-time factor',
      columns: ['env', 'layers', 'Tsub', 'ticks', 'µs/tick (wall)', 'SNN share', 'sim s / wall s', 'sim s / CPU s'],
      rows,
      notes,
    },
  ];
};

export default suite;
