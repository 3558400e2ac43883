/**
 * `spikeloop eval --env NAME --checkpoint DIR [--episodes 100]`: seeded episodes of a trained
 * spiking controller (or, with --teacher, of the env's classical controller) → a table of
 * mean/std return and the env's success measure.
 */
import { writeFileSync } from 'node:fs';
import { resolveEnvId } from '../../envs/index.ts';
import { makeTeacher } from '../../agents/teachers/index.ts';
import { loadPolicy } from '../../agents/controller.ts';
import { evaluateActor, policyActor, type Actor } from '../../agents/rollout.ts';
import { formatSummaries, summarize } from '../../agents/report.ts';
import { createProgress } from '../../src/util/progress.ts';
import { envOption, intOption, parseCommand } from '../options.ts';

export const summary = 'evaluate a spiking controller (or the teacher) on seeded episodes: mean/std return, success';

const HELP = `usage: spikeloop eval --env cartpole|pendulum|reacher|walker (--checkpoint DIR | --teacher) [options]

  --env NAME            environment (required)
  --checkpoint DIR      controller folder written by train-controller
  --teacher             evaluate the env's classical teacher instead
  --episodes N          episodes, seeds first..first+N-1 (default 100)
  --seed N              first episode seed (default 0)
  --json FILE           also write the summary as JSON
  -h, --help            this text`;

export async function run(argv: string[]): Promise<number> {
  const values = parseCommand(
    argv,
    {
      env: { type: 'string' },
      checkpoint: { type: 'string' },
      teacher: { type: 'boolean', default: false },
      episodes: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
    },
    HELP,
  );
  if (!values) return 0;
  const env = envOption(values.env);
  const envId = resolveEnvId(env);
  const episodes = intOption('episodes', values.episodes, 1) ?? 100;
  const seed = intOption('seed', values.seed, 0) ?? 0;
  if (values.teacher === (values.checkpoint !== undefined)) throw new Error('give exactly one of --checkpoint DIR or --teacher');
  let actor: Actor;
  let name: string;
  if (values.checkpoint !== undefined) {
    const { spec, policy } = loadPolicy(values.checkpoint);
    if (spec.env !== envId) throw new Error(`checkpoint ${values.checkpoint} was trained on ${spec.env}, not ${envId}`);
    actor = policyActor(policy);
    name = `SNN (${spec.label})`;
  } else {
    actor = makeTeacher(envId);
    name = 'teacher';
  }
  const t0 = performance.now();
  const progress = createProgress({ mode: 'auto', total: episodes, label: name, unit: 'episodes' });
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
