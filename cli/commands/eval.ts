/**
 * `spikeloop eval`: seeded episodes of trained spiking controllers and/or the env's teacher.
 *
 * Plain: `--checkpoint DIR` (or `--teacher`) → mean/std return and the env's success measure.
 * Robustness: with `--perturb SPEC` (repeatable) or `--suite NAME`, the teacher and every given
 * controller run under each condition on the same seeds (paired: identical starts, pushes, noise and
 * bodies) → a table with 95% intervals of the mean return (t) and of the success rate (Wilson), and
 * the paired return difference to the teacher.
 */
import { writeFileSync } from 'node:fs';
import { perturbationSuite, resolveEnvId, toPerturbation, formatPerturbation, SUITE_NAMES, type SuiteCondition } from '../../envs/index.ts';
import { initBackend } from '../../src/backend/index.ts';
import { makeTeacher } from '../../agents/teachers/index.ts';
import { loadPolicy } from '../../agents/controller.ts';
import { evaluateActor, policyActor } from '../../agents/rollout.ts';
import { formatSummaries, summarize } from '../../agents/report.ts';
import { evaluateRobustness, formatRobustness, type ConditionResult, type NamedActor } from '../../agents/robustness.ts';
import { createProgress } from '../../src/util/progress.ts';
import { envOption, intOption, parseCommand } from '../options.ts';
import { loadUserModules, USER_MODULE_HELP, USER_MODULE_OPTIONS, userModuleFiles } from '../userModules.ts';

export const summary =
  'evaluate spiking controllers and the teacher on seeded episodes, optionally under perturbations (paired, with 95% CIs)';

const HELP = `usage: spikeloop eval (--checkpoint DIR ... | --teacher) [--env NAME] [--perturb SPEC ... | --suite NAME] [options]

  --checkpoint DIR      controller folder written by train-controller (repeatable: compared side by side)
  --teacher             evaluate the env's classical teacher alone
  --env NAME            cartpole | pendulum | reacher | walker (default: the env recorded in the checkpoint)
  --perturb SPEC        a perturbed condition, e.g. pushes=0.08,noise=0.05,delay=1,mass=1.2 or 'none'
                        (repeatable); the teacher and each controller run it on the same seeds
  --suite NAME          named conditions: ${SUITE_NAMES.join(' | ')} (robust = nominal + each perturbation
                        alone at the magnitude chosen for the env; bench/results/robustness.md)
  --episodes N          episodes per controller and condition, seeds first..first+N-1 (default 100)
  --seed N              first episode seed (default 0)
  --json FILE           also write the results as JSON
${USER_MODULE_HELP}
  -h, --help            this text

perturbation keys: pushes=N·s push-interval=MIN:MAX push-body=LABEL push-direction=horizontal|any
  noise=F (σ = F × the env's noise unit per dimension) delay=STEPS, and domain randomisation
  GROUP=F or GROUP=MIN:MAX (mass, length, gravity, friction, damping, strength or a parameter name;
  F means ×[2 − F, F] around the nominal value)`;

/**
 * The episodes' progress on stderr, so stdout (the table) and --json stay clean: a bar with the
 * total and ETA on a TTY, otherwise a line at each tenth of the episodes and each new cell.
 */
const EVAL_PROGRESS = { mode: 'always', unit: 'episodes', statusLines: 10 } as const;

export async function run(argv: string[]): Promise<number> {
  const values = parseCommand(
    argv,
    {
      env: { type: 'string' },
      checkpoint: { type: 'string', multiple: true },
      teacher: { type: 'boolean', default: false },
      perturb: { type: 'string', multiple: true },
      suite: { type: 'string' },
      episodes: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      ...USER_MODULE_OPTIONS,
    },
    HELP,
  );
  if (!values) return 0;
  await loadUserModules(userModuleFiles(values));
  const checkpoints = values.checkpoint ?? [];
  if (values.teacher === checkpoints.length > 0) throw new Error('give exactly one of --checkpoint DIR or --teacher');
  if (values.perturb && values.suite !== undefined) throw new Error('give --perturb or --suite, not both');
  const episodes = intOption('episodes', values.episodes, 1) ?? 100;
  const seed = intOption('seed', values.seed, 0) ?? 0;
  // Loading a network needs tfjs (inference itself runs on typed arrays); this prints the backend.
  if (checkpoints.length > 0) await initBackend();
  const snns = checkpoints.map((dir) => ({ dir, ...loadPolicy(dir) }));
  const envId = pickEnv(
    values.env,
    snns.map((s) => ({ dir: s.dir, env: s.spec.env })),
  );
  const actors: NamedActor[] = snns.map((s) => ({
    name: snns.length > 1 ? `SNN (${s.spec.label}, ${s.dir})` : `SNN (${s.spec.label})`,
    actor: policyActor(s.policy),
  }));
  const t0 = performance.now();
  if (values.perturb === undefined && values.suite === undefined) {
    if (actors.length > 1)
      throw new Error('several --checkpoint folders are compared under --perturb or --suite conditions; give one of them');
    const { name, actor } = actors[0] ?? { name: 'teacher', actor: makeTeacher(envId) };
    const progress = createProgress({ ...EVAL_PROGRESS, total: episodes, label: name });
    let returns = 0;
    const outcomes = evaluateActor(envId, actor, episodes, seed, undefined, (o, done) => {
      returns += o.return;
      progress.update(done, { detail: `  mean return ${(returns / done).toFixed(1)}` });
    });
    progress.stop();
    const s = summarize(envId, outcomes);
    const seconds = (performance.now() - t0) / 1000;
    console.log(formatSummaries([{ name, summary: s }]));
    console.log(`(${episodes} episodes, seeds ${seed}..${seed + episodes - 1}, ${seconds.toFixed(1)} s)`);
    if (values.json) writeFileSync(values.json, JSON.stringify({ controller: name, ...s, seconds }, null, 1));
    return 0;
  }
  const conditions: SuiteCondition[] =
    values.suite !== undefined
      ? perturbationSuite(values.suite, envId)
      : values.perturb!.map((p) => {
          const perturb = formatPerturbation(toPerturbation(p));
          return { name: perturb === 'none' ? 'nominal' : perturb, perturb };
        });
  const compared: NamedActor[] = [{ name: 'teacher', actor: makeTeacher(envId) }, ...actors];
  const progress = createProgress({
    ...EVAL_PROGRESS,
    total: conditions.length * compared.length * episodes,
    label: '{condition}: {controller}',
  });
  let results: ConditionResult[];
  try {
    results = evaluateRobustness(envId, compared, conditions, { episodes, seed, onEpisode: (done, cell) => progress.update(done, cell) });
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(formatRobustness(results));
  console.log(
    `(${envId}; ${episodes} paired episodes per cell, seeds ${seed}..${seed + episodes - 1}; Δ return: paired mean difference to the teacher; ${seconds.toFixed(1)} s)`,
  );
  if (values.json) {
    const doc = {
      env: envId,
      episodes,
      seeds: [seed, seed + episodes - 1],
      checkpoints,
      suite: values.suite,
      conditions: results,
      seconds,
    };
    writeFileSync(values.json, JSON.stringify(doc, null, 1));
  }
  return 0;
}

/** --env if given (checked against every checkpoint), else the env the checkpoints record. */
function pickEnv(raw: string | undefined, recorded: ReadonlyArray<{ dir: string; env: string }>): string {
  const envId = raw !== undefined ? resolveEnvId(envOption(raw)) : recorded[0]?.env;
  if (envId === undefined) throw new Error('--env is required with --teacher (cartpole | pendulum | reacher | walker)');
  for (const r of recorded) if (r.env !== envId) throw new Error(`checkpoint ${r.dir} was trained on ${r.env}, not ${envId}`);
  return resolveEnvId(envId);
}
