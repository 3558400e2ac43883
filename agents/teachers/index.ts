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
export { scaledTeacher } from './teacher.ts';
export { CartPoleTeacher, cartPoleLqrGain, DEFAULT_CARTPOLE_TEACHER, type CartPoleTeacherOptions } from './cartpole.ts';
export { PendulumTeacher, DEFAULT_PENDULUM_TEACHER, type PendulumTeacherOptions } from './pendulum.ts';
export { ReacherTeacher, reacherIk, DEFAULT_REACHER_TEACHER, type ReacherTeacherOptions } from './reacher.ts';
export { WalkerTeacher, DEFAULT_WALKER_TEACHER, type WalkerTeacherOptions } from './walker.ts';
export { dlqr, linearize, type Matrix } from './lqr.ts';

/** A teacher, or any observation → action function (wrapped as a stateless teacher). */
export type TeacherFactory = () => Teacher | ((observation: Float64Array) => ArrayLike<number>);

const BUILT_IN: Record<string, TeacherFactory> = {
  'CartPoleContinuous-v1': () => new CartPoleTeacher(),
  'CartPole-v1': () => new CartPoleTeacher({ discrete: true }),
  'Pendulum-v1': () => new PendulumTeacher(),
  'Reacher-v1': () => new ReacherTeacher(),
  'Walker-v1': () => new WalkerTeacher(),
};
const registered = new Map<string, TeacherFactory>(Object.entries(BUILT_IN));

/**
 * Registers the teacher of an env (by id or alias), e.g. from a user module loaded with
 * `--teacher-module`: `registerTeacher('Acrobot-v1', () => (obs) => [lqr(obs)])`. The factory is
 * called once per rollout worker and may return a stateful `Teacher` (with `reset`) or a plain
 * function of the observation. Replacing a teacher needs `{ replace: true }`.
 */
export function registerTeacher(envName: string, factory: TeacherFactory, opts: { replace?: boolean } = {}): void {
  if (typeof factory !== 'function')
    throw new Error(`registerTeacher: the factory for '${envName}' must be a function, got ${typeof factory}`);
  const id = resolveEnvId(envName);
  if (registered.has(id) && !opts.replace)
    throw new Error(`registerTeacher: '${id}' already has a teacher (pass { replace: true } to replace it)`);
  registered.set(id, factory);
}

/** True when the env (id or alias) has a teacher. */
export function hasTeacher(envName: string): boolean {
  return registered.has(resolveEnvId(envName));
}

function asTeacher(id: string, made: ReturnType<TeacherFactory>): Teacher {
  if (typeof made === 'function') {
    return {
      reset() {},
      act: (observation) => Float64Array.from(made(observation)),
    };
  }
  if (made === null || typeof made !== 'object' || typeof made.act !== 'function' || typeof made.reset !== 'function') {
    throw new Error(`makeTeacher: the factory for '${id}' must return a Teacher ({reset, act}) or a function of the observation`);
  }
  return made;
}

export function makeTeacher(envName: string): Teacher {
  const id = resolveEnvId(envName);
  const make = registered.get(id);
  if (!make)
    throw new Error(
      `makeTeacher: no teacher for '${id}'; available: ${[...registered.keys()].join(', ')} (register one with registerTeacher)`,
    );
  return asTeacher(id, make());
}
