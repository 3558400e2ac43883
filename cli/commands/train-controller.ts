/**
 * `spikeloop train-controller --env cartpole|pendulum|reacher|walker [--label spike-seq|rate]`:
 * runs the imitation + DAgger recipe (agents/recipe.ts) and writes the best controller
 * (checkpoint + controller.json) into --out. Recipe options come from, lowest first: the defaults,
 * the env's built-in preset (configs/controllers/), `--config FILE`, then the flags.
 */
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { initBackend, parseBackendName } from '../../src/backend/index.ts';
import { resolveEnvId } from '../../envs/index.ts';
import { loadUserModules, USER_MODULE_HELP, USER_MODULE_OPTIONS, userModuleFiles } from '../userModules.ts';
import { readDemos } from '../../agents/demos.ts';
import { trainController } from '../../agents/recipe.ts';
import { loadRecipeConfig, recipeSectionOf, resolveRecipe, type RecipeConfig, type RecipeOptions } from '../../agents/recipeConfig.ts';
import type { LabelKind } from '../../agents/controller.ts';
import { readResumeState, resolveControllerDir, type ResumeState } from '../../agents/controllerFolder.ts';
import { envOption, intOption, labelOption, parseCommand } from '../options.ts';
import { trainProgress } from '../trainProgress.ts';
import { trainRestarts } from '../restartRuns.ts';
import { formatScore } from '../../agents/report.ts';

export const summary = 'train a spiking controller by imitation + DAgger (spike-sequence or rate labels)';

const HELP = `usage: spikeloop train-controller --env cartpole|pendulum|reacher|walker|ID [options]

  --env NAME            environment (required, unless --config names one)
  --config FILE         recipe config (JSON, see configs/controllers/*.json and
                        recipe.schema.json); precedence, lowest first: defaults < the env's
                        built-in preset < --config < the flags below
  --print-config        print the resolved recipe as a config file and exit (no training)
  --label KIND          spike-seq (default) | rate (STBP baseline, same budget)
  --out DIR             output folder (default runs/controllers/<env>-<label>)
  --seed S              seed of rollouts, init and batches (default 1)
  --budget N            optimiser steps in total (default: the env's preset)
  --rounds N            DAgger rounds at most (default: the env's preset)
  --restarts N          train N runs (seeds S … S+N−1) and keep the one with the best score on
                        fresh held-out episodes (default: the env's preset:
                        walker, pendulum and cartpole 5, reacher 3, others 1); the recipe's restarts.gains
                        are tried on each run (its command × gain) and the best kept
  --workers W           restart runs at a time, each its own process (default: the cores)
  --backend NAME        auto | wasm | cpu | tensorflow (default $SPIKELOOP_BACKEND, else auto)
  --demos FILE          train from recorded episodes (.jsonl or .csv, see spikeloop record) by
                        behaviour cloning; DAgger rounds follow only when the env has a teacher
${USER_MODULE_HELP}
  --resume              continue from the controller in --out (its weights, optimiser state and
                        score); it is replaced only by a better-scoring round
  --overwrite           replace the controller in --out with this run's best (without it an
                        existing controller in --out is an error)
  -h, --help            this text`;

const OPTIONS = {
  env: { type: 'string' },
  config: { type: 'string' },
  'print-config': { type: 'boolean', default: false },
  label: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  budget: { type: 'string' },
  rounds: { type: 'string' },
  restarts: { type: 'string' },
  workers: { type: 'string' },
  backend: { type: 'string' },
  demos: { type: 'string' },
  ...USER_MODULE_OPTIONS,
  resume: { type: 'boolean', default: false },
  overwrite: { type: 'boolean', default: false },
} as const;

/**
 * What may happen to a controller already in `out`: nothing without a flag (a rerun must not
 * replace a good controller after its first round), continue from it with --resume, replace it
 * with --overwrite. Returns the state to resume from.
 */
export function outFolderPolicy(
  out: string,
  resume: boolean,
  overwrite: boolean,
  envId: string,
  label: LabelKind,
): ResumeState | undefined {
  if (resume && overwrite) throw new Error('--resume and --overwrite exclude each other');
  const existing = resolveControllerDir(out);
  if (resume) {
    const state = readResumeState(out);
    if (state.spec.env !== envId || state.spec.label !== label) {
      throw new Error(
        `--resume: ${state.path} holds a ${state.spec.env} / ${state.spec.label} controller, this run trains ${envId} / ${label}`,
      );
    }
    return state;
  }
  if (existing && !overwrite) {
    throw new Error(
      `--out ${out} already holds a controller (${existing}); pass --resume to continue training it (it is replaced only by a better one) or --overwrite to replace it`,
    );
  }
  return undefined;
}

/** The recipe options the flags set (each only when given): they override the config file's. */
function flagOverrides(values: {
  label?: string;
  seed?: string;
  budget?: string;
  rounds?: string;
  restarts?: string;
}): Partial<RecipeOptions> {
  const seed = intOption('seed', values.seed, 0);
  const budget = intOption('budget', values.budget, 1);
  const rounds = intOption('rounds', values.rounds, 0);
  const restarts = intOption('restarts', values.restarts, 1);
  return {
    ...(values.label !== undefined ? { label: labelOption(values.label) } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(budget !== undefined ? { budget } : {}),
    ...(rounds !== undefined ? { daggerRounds: rounds } : {}),
    ...(restarts !== undefined ? { restarts } : {}),
  };
}

/** The resolved recipe as a config file that reproduces it (`--print-config`). */
function printedConfig(o: RecipeOptions): string {
  const { env, ...options } = o;
  return JSON.stringify({ env, recipe: recipeSectionOf(options) }, null, 2);
}

export async function run(argv: string[]): Promise<number> {
  const values = parseCommand(argv, OPTIONS, HELP);
  if (!values) return 0;
  const config: RecipeConfig = values.config !== undefined ? loadRecipeConfig(values.config) : { modules: [], recipe: {} };
  await loadUserModules([...config.modules, ...userModuleFiles(values)]);
  const env = envOption(values.env ?? config.env);
  const opts: Pick<RecipeOptions, 'env'> & Partial<RecipeOptions> = { env, ...config.recipe, ...flagOverrides(values) };
  const resolved = resolveRecipe(opts, resolveEnvId(env)); // a bad field fails here, before anything is written
  if (values['print-config'] === true) {
    console.log(printedConfig({ ...resolved, env: resolveEnvId(env) }));
    return 0;
  }
  const label = resolved.label;
  const demos = values.demos !== undefined ? readDemos(values.demos) : undefined;
  const backend = values.backend !== undefined ? parseBackendName(values.backend, '--backend') : undefined;
  const out = values.out ?? join('runs', 'controllers', `${env}-${label}`);
  const resume = outFolderPolicy(out, values.resume === true, values.overwrite === true, resolveEnvId(env), label);
  const workers = intOption('workers', values.workers, 1) ?? availableParallelism();
  await initBackend(backend ? { backend } : {});
  console.log(`spikeloop train-controller: ${resolveEnvId(env)}, ${label} labels → ${out}`);
  if (resolved.restarts > 1) {
    if (resume) throw new Error('--resume continues one controller; it cannot be combined with restarts (pass --restarts 1)');
    const childFlags = [
      ...(backend ? ['--backend', backend] : []),
      ...(values.demos !== undefined ? ['--demos', resolve(values.demos)] : []),
      ...[...config.modules, ...userModuleFiles(values)].flatMap((f) => ['--env-module', resolve(f)]),
    ];
    const { records, chosen } = await trainRestarts({
      recipe: { ...resolved, env: resolveEnvId(env) },
      out,
      workers,
      childFlags,
      log: (l) => console.log(`  ${l}`),
    });
    const seconds = records.reduce((a, r) => a + r.seconds, 0);
    console.log(
      `spikeloop train-controller: kept seed ${chosen.seed} of ${records.length}${chosen.gain !== 1 ? ` at output gain ${chosen.gain}` : ''} (selection score ${formatScore(chosen.score)}), ${(records.length * resolved.budget).toLocaleString('en-US')} optimiser steps, ${seconds.toFixed(1)} s of training in all; controller in ${out}`,
    );
    console.log(`  evaluate: spikeloop eval --checkpoint ${out}`);
    return 0;
  }
  const keptGain = (resume?.spec.training as { restarts?: { chosenGain?: number } } | undefined)?.restarts?.chosenGain;
  if (keptGain !== undefined && keptGain !== 1)
    console.log(
      `  note: ${out} was kept by its restarts at output gain ${keptGain}; a resumed round that beats it is saved with the recipe's own output.actionGain (${resolved.actionGain})`,
    );
  const progress = trainProgress();
  let result: ReturnType<typeof trainController>;
  try {
    result = trainController(opts, {
      ...(demos ? { demos } : {}),
      outDir: out,
      log: (l) => console.log(`  ${l}`),
      progress: progress.update,
      ...(resume ? { resume } : {}),
    });
  } finally {
    progress.stop();
  }
  result.network.dispose();
  console.log(
    `spikeloop train-controller: best round ${result.best.round} (score ${formatScore(result.best.score)}), ${result.seconds.toFixed(1)} s; controller in ${out}`,
  );
  // the modules that registered a user env are needed again to evaluate it
  const modules = [
    ...(values['env-module'] ?? []).map((f) => ` --env-module ${f}`),
    ...(values['teacher-module'] ?? []).map((f) => ` --teacher-module ${f}`),
  ].join('');
  console.log(`  evaluate: spikeloop eval --checkpoint ${out}${modules}; training rounds plotted in ${join(out, 'training.svg')}`);
  return 0;
}
