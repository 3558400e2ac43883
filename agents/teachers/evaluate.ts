/**
 * Runs a teacher on seeded episodes of a registered env and reports returns and env-specific
 * outcomes (final info of each episode). Used by the tests and by bench/teachers.ts.
 */
import { makeEnv } from '../../envs/index.ts';
import { makeTeacher } from './index.ts';

export interface EpisodeOutcome {
  seed: number;
  return: number;
  steps: number;
  terminated: boolean;
  /** `info` of the last step. */
  info: Record<string, unknown>;
}

/** Episodes with seeds firstSeed..firstSeed+episodes−1. */
export function evaluateTeacher(envName: string, episodes: number, firstSeed = 0): EpisodeOutcome[] {
  const env = makeEnv(envName);
  const teacher = makeTeacher(envName);
  const out: EpisodeOutcome[] = [];
  for (let e = 0; e < episodes; e++) {
    const seed = firstSeed + e;
    teacher.reset(seed);
    let obs = env.reset({ seed }).observation;
    let ret = 0;
    let steps = 0;
    for (;;) {
      const r = env.step(teacher.act(obs));
      ret += r.reward;
      steps++;
      obs = r.observation;
      if (r.terminated || r.truncated) {
        out.push({ seed, return: ret, steps, terminated: r.terminated, info: r.info });
        break;
      }
    }
  }
  env.close();
  return out;
}
