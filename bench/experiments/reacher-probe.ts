/**
 * Probes a reacher controller against the teacher on seeds 0..N−1 (the diagnosis in
 * bench/results/controllers.md): per episode, the fingertip distance over time and the last
 * commands of the SNN and of the teacher in the SNN's final state; then counts the episodes that
 * end near the target (< 5 cm) while the teacher still asks for a saturated torque.
 *   node bin/run-ts.mjs bench/experiments/reacher-probe.ts CONTROLLER_DIR [episodes=40] [elbow=current|initial]
 */
import { initBackend } from '../../src/backend/index.ts';
import { loadPolicy } from '../../agents/controller.ts';
import { makeEnv } from '../../envs/index.ts';
import { ReacherTeacher } from '../../agents/teachers/index.ts';

const [dir, episodesArg, elbowArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: reacher-probe.ts CONTROLLER_DIR [episodes] [elbow]');
const episodes = Number(episodesArg ?? 40);
const elbow = (elbowArg ?? 'current') as 'current' | 'initial';
await initBackend({ quiet: true });
const { policy } = loadPolicy(dir);
const env = makeEnv('reacher');
const teacher = new ReacherTeacher({ elbow });
const fmt = (a: ArrayLike<number>): string => Array.from(a, (x) => x.toFixed(2)).join(',');
let nearButSaturated = 0;
for (let seed = 0; seed < episodes; seed++) {
  let obs = env.reset({ seed }).observation;
  policy.reset();
  teacher.reset();
  const d: number[] = [];
  let snn: ArrayLike<number> = [];
  let ta: ArrayLike<number> = [];
  for (let s = 0; s < env.metadata.maxEpisodeSteps; s++) {
    snn = Float64Array.from(policy.step(obs).action);
    ta = teacher.act(obs);
    const r = env.step(snn);
    obs = r.observation;
    d.push(Number(r.info.distance));
  }
  const final = d.at(-1)!;
  if (final < 0.05 && Math.max(...Array.from(ta, Math.abs)) >= 1) nearButSaturated++;
  console.log(
    `seed ${seed}: d@0 ${d[0]!.toFixed(3)} d@25 ${d[25]!.toFixed(3)} d@50 ${d[50]!.toFixed(3)} min ${Math.min(...d).toFixed(3)} final ${final.toFixed(3)} | last snn ${fmt(snn)} teacher ${fmt(ta)}`,
  );
}
console.log(
  `${nearButSaturated}/${episodes} episodes end < 5 cm from the target with the teacher asking for a saturated torque (teacher elbow '${elbow}')`,
);
env.close();
