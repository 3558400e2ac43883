/**
 * `spikeloop demo` (what `npm start` runs): trains the default cartpole spiking controller on a
 * short built-in budget, evaluates it on a few seeded episodes, then serves it in the live
 * visualizer through the same code as `spikeloop viz --checkpoint`.
 */
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.ts';
import { trainController } from '../../agents/recipe.ts';
import { loadPolicy } from '../../agents/controller.ts';
import { evaluateActor, policyActor } from '../../agents/rollout.ts';
import { formatSummaries, summarize } from '../../agents/report.ts';
import { intOption, parseCommand } from '../options.ts';
import { run as runViz } from './viz.ts';
import { trainProgress } from '../trainProgress.ts';

export const summary = 'train the cartpole spiking controller briefly, evaluate it, and serve it in the visualizer';

/** The built-in budget = the cartpole preset, i.e. the robust recipe (DAgger under pushes, noise, delay and changed masses; configs/controllers/cartpole.json, bench/results/controllers.md): the spike-seq training took 91 s at load ≈ 6–7 on this machine (2026-12-02c; 23 s idle for the earlier nominal recipe). */
export const DEMO_BUDGET = Object.freeze({ budget: 1200, daggerRounds: 6 });

const HELP = `usage: spikeloop demo [options]

  --out DIR             where the controller is written (default runs/controllers/demo-cartpole)
  --budget N            optimiser steps (default ${DEMO_BUDGET.budget}, the cartpole preset)
  --episodes N          evaluation episodes (default 5)
  --port N              visualizer port (default: viz's)
  --no-serve            stop after the evaluation
  -h, --help            this text`;

const OPTIONS = {
  out: { type: 'string' },
  budget: { type: 'string' },
  episodes: { type: 'string' },
  port: { type: 'string' },
  'no-serve': { type: 'boolean', default: false },
} as const;

export async function run(argv: string[]): Promise<number> {
  const values = parseCommand(argv, OPTIONS, HELP);
  if (!values) return 0;
  const out = values.out ?? join('runs', 'controllers', 'demo-cartpole');
  const budget = intOption('budget', values.budget, 1) ?? DEMO_BUDGET.budget;
  const episodes = intOption('episodes', values.episodes, 1) ?? 5;
  await initBackend();
  console.log(`spikeloop demo: training the cartpole spiking controller (${budget} optimiser steps) → ${out}`);
  const progress = trainProgress();
  let trained: ReturnType<typeof trainController>;
  try {
    trained = trainController(
      // one run: the preset's restarts (`train-controller --env cartpole`) would take five times as long
      { env: 'cartpole', budget, daggerRounds: DEMO_BUDGET.daggerRounds, restarts: 1 },
      { outDir: out, log: (l) => console.log(`  ${l}`), progress: progress.update },
    );
  } finally {
    progress.stop();
  }
  trained.network.dispose();
  const { spec, policy } = loadPolicy(out);
  const s = summarize(spec.env, evaluateActor(spec.env, policyActor(policy), episodes, 0));
  console.log(formatSummaries([{ name: `SNN (${spec.label})`, summary: s }]));
  if (values['no-serve']) return 0;
  return runViz(['--env', 'cartpole', '--checkpoint', out, ...(values.port !== undefined ? ['--port', values.port] : [])]);
}
