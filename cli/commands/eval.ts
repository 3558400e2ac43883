/**
 * `spikeloop eval --checkpoint DIR [--episodes 100]`: seeded episodes of a trained spiking
 * controller (or, with --teacher --env NAME, of the env's classical controller) → a table of
 * mean/std return and the env's success measure. The env of a controller is the one its
 * controller.json records; `--env`, when given, must match it.
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { resolveEnvId } from '../../envs/index.ts';
import { initBackend } from '../../src/backend/index.ts';
import { makeTeacher } from '../../agents/teachers/index.ts';
import { loadPolicy } from '../../agents/controller.ts';
import { evaluateActor, policyActor, type Actor } from '../../agents/rollout.ts';
import { formatSummaries, summarize } from '../../agents/report.ts';
import { envOption, intOption } from './train-controller.ts';

export const summary = 'evaluate a spiking controller (or the teacher) on seeded episodes: mean/std return, success';

const HELP = `usage: spikeloop eval (--checkpoint DIR | --teacher --env NAME) [options]

  --env NAME            cartpole|pendulum|reacher|walker (default: the one in the controller's
                        controller.json; required with --teacher)
  --checkpoint DIR      controller folder written by train-controller
  --teacher             evaluate the env's classical teacher instead
  --episodes N          episodes, seeds first..first+N-1 (default 100)
  --seed N              first episode seed (default 0)
  --json FILE           also write the summary as JSON
  -h, --help            this text`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: 'string' },
      checkpoint: { type: 'string' },
      teacher: { type: 'boolean', default: false },
      episodes: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const episodes = intOption('episodes', values.episodes, 1) ?? 100;
  const seed = intOption('seed', values.seed, 0) ?? 0;
  if (values.teacher === (values.checkpoint !== undefined)) throw new Error('give exactly one of --checkpoint DIR or --teacher');
  let actor: Actor;
  let name: string;
  let envId: string;
  if (values.checkpoint !== undefined) {
    // Loading the network needs tfjs (inference itself runs on typed arrays); this prints the backend.
    await initBackend();
    const { spec, policy } = loadPolicy(values.checkpoint);
    envId = spec.env;
    if (values.env !== undefined) {
      const asked = resolveEnvId(envOption(values.env));
      if (asked !== envId) throw new Error(`checkpoint ${values.checkpoint} was trained on ${envId}, not ${asked}`);
    }
    actor = policyActor(policy);
    name = `SNN (${spec.label})`;
  } else {
    envId = resolveEnvId(envOption(values.env));
    actor = makeTeacher(envId);
    name = 'teacher';
  }
  const t0 = performance.now();
  const s = summarize(envId, evaluateActor(envId, actor, episodes, seed));
  const seconds = (performance.now() - t0) / 1000;
  console.log(formatSummaries([{ name, summary: s }]));
  console.log(`(${episodes} episodes, seeds ${seed}..${seed + episodes - 1}, ${seconds.toFixed(1)} s)`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ controller: name, ...s, seconds }, null, 1));
  return 0;
}
