/**
 * Public API of `envs/`: importing this module registers every built-in env.
 */
import { registerEnv } from './registry.ts';
import { CartPoleEnv, type CartPoleOptions } from './cartpole.ts';
import { PendulumEnv, type PendulumOptions } from './pendulum.ts';
import { ReacherEnv, type ReacherOptions } from './reacher.ts';
import { WalkerEnv, type WalkerOptions } from './walker.ts';

registerEnv('CartPoleContinuous-v1', (o) => new CartPoleEnv({ ...(o as Partial<CartPoleOptions>), discrete: false }), ['cartpole']);
registerEnv('CartPole-v1', (o) => new CartPoleEnv({ ...(o as Partial<CartPoleOptions>), discrete: true }), ['cartpole-discrete']);
registerEnv('Pendulum-v1', (o) => new PendulumEnv(o as Partial<PendulumOptions>), ['pendulum']);
registerEnv('Reacher-v1', (o) => new ReacherEnv(o as Partial<ReacherOptions>), ['reacher']);
registerEnv('Walker-v1', (o) => new WalkerEnv(o as Partial<WalkerOptions>), ['walker']);

export type * from './core.ts';
export { box, discrete, type OutOfBounds } from './spaces.ts';
export { makeEnv, registerEnv, listEnvs, listAliases, resolveEnvId, type MakeEnvOptions } from './registry.ts';
export { TimeLimit, EnvWrapper, Renamed } from './wrappers.ts';
export { resolveParams, type ParamRule, type ParamRules } from './params.ts';
export {
  CartPoleEnv,
  CARTPOLE_PARAMS,
  DEFAULT_CARTPOLE_PARAMS,
  type CartPoleParams,
  cartPoleDerivative,
  cartPoleReward,
  cartPoleTerminated,
  type CartPoleState,
  type CartPoleOptions,
} from './cartpole.ts';
export { VectorEnv, type VectorStepResult } from './vector.ts';
export { checkEnv, DEFAULT_CHECK_ENV, EnvCheckError, type CheckEnvOptions } from './check.ts';
export {
  PendulumEnv,
  PENDULUM_PARAMS,
  DEFAULT_PENDULUM_PARAMS,
  type PendulumParams,
  angleNormalize,
  pendulumDerivative,
  pendulumEnergy,
  pendulumReward,
  type PendulumState,
  type PendulumOptions,
} from './pendulum.ts';
export {
  ReacherEnv,
  REACHER_PARAMS,
  DEFAULT_REACHER_PARAMS,
  type ReacherParams,
  reacherDistance,
  reacherReward,
  type ReacherState,
  type ReacherOptions,
} from './reacher.ts';
export {
  WalkerEnv,
  WALKER_PARAMS,
  DEFAULT_WALKER_PARAMS,
  type WalkerParams,
  WALKER_LEGS,
  walkerFallen,
  walkerReward,
  type WalkerState,
  type WalkerOptions,
} from './walker.ts';
export * from './perturb/index.ts';
export { styleBody } from './physics.ts';
export { worldSnapshotProblems } from '../src/world.ts';
