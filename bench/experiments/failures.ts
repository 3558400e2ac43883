/**
 * Where and when controllers fail (bench/notes/2026-12-03-lead.md): every episode that ended by
 * termination, as seed@step, its numeric `info` entries and chosen dimensions of the last
 * observation the controller acted on (one step before the end), for the env's teacher and each
 * controller folder on the same seeds and perturbations.
 *   node bin/run-ts.mjs bench/experiments/failures.ts DIR [DIR…] [--perturb pushes=5] [--episodes 100]
 *     [--seed 0] [--dims 0,2]
 */
import { initBackend } from '../../src/backend/index.ts';
import { loadPolicy } from '../../agents/controller.ts';
import { makeTeacher } from '../../agents/teachers/index.ts';
import { evaluateActor, policyActor, type Actor } from '../../agents/rollout.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const dirs = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1]!.startsWith('--')));
const perturb = opt('--perturb');
const episodes = Number(opt('--episodes') ?? 100);
const seed = Number(opt('--seed') ?? 0);
const dims = opt('--dims')?.split(',').map(Number) ?? [];
await initBackend({ quiet: true });

const loaded = dirs.map((dir) => ({ name: dir, ...loadPolicy(dir) }));
const env = loaded[0]?.spec.env;
if (!env) throw new Error('failures: give at least one controller folder');
const actors = [
  { name: 'teacher', actor: makeTeacher(env) as Actor },
  ...loaded.map((l) => ({ name: l.name, actor: policyActor(l.policy) })),
];
console.log(`${env}, ${perturb ?? 'nominal'}, seeds ${seed}..${seed + episodes - 1}`);
for (const { name, actor } of actors) {
  let last: Float64Array = new Float64Array(0);
  const watched: Actor = { reset: (s) => actor.reset(s), act: (o) => ((last = o), actor.act(o)) };
  const lastObs = new Map<number, Float64Array>();
  const out = evaluateActor(env, watched, episodes, seed, perturb === 'none' ? undefined : perturb, (o) => lastObs.set(o.seed, last));
  const failed = out.filter((o) => o.terminated);
  const text = failed.map((o) => {
    const info = Object.entries(o.info)
      .filter(([, v]) => typeof v === 'number')
      .map(([k, v]) => `${k} ${(v as number).toFixed(2)}`);
    const obs = dims.map((d) => `o${d} ${lastObs.get(o.seed)![d]!.toFixed(2)}`);
    return `${o.seed}@${o.steps}${[...info, ...obs].length > 0 ? ` (${[...info, ...obs].join(', ')})` : ''}`;
  });
  console.log(`${name}: ${failed.length}/${episodes} terminated${text.length > 0 ? `: ${text.join('; ')}` : ''}`);
}
