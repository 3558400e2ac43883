/**
 * Runs a teacher on seeded episodes of a registered env and reports returns and env-specific
 * outcomes (final info of each episode): the teacher as an actor in the one episode loop,
 * `evaluateActor` (agents/rollout.ts). Used by the tests and by bench/envs.bench.ts.
 */
import { evaluateActor, type EpisodeOutcome } from '../rollout.ts';
import { makeTeacher } from './index.ts';

export type { EpisodeOutcome } from '../rollout.ts';

/** Episodes with seeds firstSeed..firstSeed+episodes−1. */
export function evaluateTeacher(envName: string, episodes: number, firstSeed = 0): EpisodeOutcome[] {
  return evaluateActor(envName, makeTeacher(envName), episodes, firstSeed);
}
