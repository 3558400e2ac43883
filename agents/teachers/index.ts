/**
 * `makeTeacher(envName)`: the classical controller for a registered env id or alias.
 */
import { resolveEnvId } from '../../envs/index.ts';
import { CartPoleTeacher } from './cartpole.ts';
import { PendulumTeacher } from './pendulum.ts';
import { ReacherTeacher } from './reacher.ts';
import { WalkerTeacher } from './walker.ts';
import type { Teacher } from './teacher.ts';

export type { Teacher } from './teacher.ts';
export { CartPoleTeacher, cartPoleLqrGain, DEFAULT_CARTPOLE_TEACHER, type CartPoleTeacherOptions } from './cartpole.ts';
export { PendulumTeacher, DEFAULT_PENDULUM_TEACHER, type PendulumTeacherOptions } from './pendulum.ts';
export { ReacherTeacher, reacherIk, DEFAULT_REACHER_TEACHER, type ReacherTeacherOptions } from './reacher.ts';
export { WalkerTeacher, DEFAULT_WALKER_TEACHER, type WalkerTeacherOptions } from './walker.ts';
export { dlqr, linearize, type Matrix } from './lqr.ts';

const TEACHERS: Record<string, () => Teacher> = {
  'CartPoleContinuous-v1': () => new CartPoleTeacher(),
  'CartPole-v1': () => new CartPoleTeacher({ discrete: true }),
  'Pendulum-v1': () => new PendulumTeacher(),
  'Reacher-v1': () => new ReacherTeacher(),
  'Walker-v1': () => new WalkerTeacher(),
};

export function makeTeacher(envName: string): Teacher {
  const id = resolveEnvId(envName);
  const make = TEACHERS[id];
  if (!make) throw new Error(`makeTeacher: no teacher for '${id}'; available: ${Object.keys(TEACHERS).join(', ')}`);
  return make();
}
