/**
 * `makeTeacher(envName)`: the classical controller for a registered env id or alias.
 */
import { resolveEnvId } from '../../envs/index.ts';
import { CartPoleTeacher, DEFAULT_CARTPOLE_TEACHER } from './cartpole.ts';
import { DEFAULT_PENDULUM_TEACHER, PendulumTeacher } from './pendulum.ts';
import { DEFAULT_REACHER_TEACHER, ReacherTeacher } from './reacher.ts';
import { DEFAULT_WALKER_TEACHER, WalkerTeacher } from './walker.ts';
import type { Teacher } from './teacher.ts';

export type { Teacher } from './teacher.ts';
export { scaledTeacher } from './teacher.ts';
export { CartPoleTeacher, cartPoleLqrGain, DEFAULT_CARTPOLE_TEACHER, type CartPoleTeacherOptions } from './cartpole.ts';
export { PendulumTeacher, DEFAULT_PENDULUM_TEACHER, type PendulumTeacherOptions } from './pendulum.ts';
export { ReacherTeacher, reacherIk, DEFAULT_REACHER_TEACHER, type ReacherTeacherOptions } from './reacher.ts';
export { WalkerTeacher, DEFAULT_WALKER_TEACHER, walkerGaitPhase, type WalkerTeacherOptions } from './walker.ts';
export { dlqr, linearize, type Matrix } from './lqr.ts';

/** Options of a teacher (`makeTeacher(env, options)`, the recipe's `teacher.options`): its own option names. */
export type TeacherOptions = Readonly<Record<string, number | boolean>>;

/**
 * A teacher, or any observation → action function (wrapped as a stateless teacher). `options` are
 * what `makeTeacher` was given (empty by default); a factory that takes none may ignore them.
 */
export type TeacherFactory = (options?: TeacherOptions) => Teacher | ((observation: Float64Array) => ArrayLike<number>);

/** `options` over a built-in teacher's defaults; unknown names and values of the wrong type are errors. */
function known<T extends object>(id: string, defaults: Readonly<T>, options: TeacherOptions = {}): Partial<T> {
  for (const [k, v] of Object.entries(options)) {
    if (!(k in defaults)) throw new Error(`makeTeacher: '${id}' has no teacher option '${k}'; known: ${Object.keys(defaults).join(', ')}`);
    const want = typeof (defaults as Record<string, unknown>)[k];
    if (typeof v !== want) throw new Error(`makeTeacher: '${id}' teacher option '${k}' must be a ${want}, got ${JSON.stringify(v)}`);
  }
  return options as Partial<T>;
}

const BUILT_IN: Record<string, TeacherFactory> = {
  'CartPoleContinuous-v1': (o) => new CartPoleTeacher(known('CartPoleContinuous-v1', DEFAULT_CARTPOLE_TEACHER, o)),
  'CartPole-v1': (o) => new CartPoleTeacher({ ...known('CartPole-v1', DEFAULT_CARTPOLE_TEACHER, o), discrete: true }),
  'Pendulum-v1': (o) => new PendulumTeacher(known('Pendulum-v1', DEFAULT_PENDULUM_TEACHER, o)),
  'Reacher-v1': (o) => new ReacherTeacher(known('Reacher-v1', DEFAULT_REACHER_TEACHER, o)),
  'Walker-v1': (o) => new WalkerTeacher(known('Walker-v1', DEFAULT_WALKER_TEACHER, o)),
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

/** The teacher of an env (id or alias); `options` go to its factory (built-in teachers: their option names, checked). */
export function makeTeacher(envName: string, options: TeacherOptions = {}): Teacher {
  const id = resolveEnvId(envName);
  const make = registered.get(id);
  if (!make)
    throw new Error(
      `makeTeacher: no teacher for '${id}'; available: ${[...registered.keys()].join(', ')} (register one with registerTeacher)`,
    );
  return asTeacher(id, make(options));
}
