/**
 * Pendulum swing-up on matter-js: a uniform rod pinned at one end, torque-limited
 * (parameters and reward as Gymnasium `Pendulum-v1`).
 *
 * | obs | meaning          | min | max | units |
 * |-----|------------------|-----|-----|-------|
 * | 0   | cos θ            | −1  | 1   | –     |
 * | 1   | sin θ            | −1  | 1   | –     |
 * | 2   | angular velocity θ̇ | −8 | 8  | rad/s |
 * θ is the rod's counter-clockwise angle from upright (0 = balanced on top).
 *
 * Action: torque u ∈ [−2, 2] N·m at the pivot (counter-clockwise positive).
 * Reward: −(norm(θ)² + 0.1·θ̇² + 0.001·u²), norm(θ) wrapped to [−π, π); per step in [−16.27, 0].
 * Start: θ uniform in [−π, π], θ̇ uniform in [−1, 1].
 * Terminated: never. Truncated (TimeLimit wrapper): 200 steps of 0.05 s. info.theta: θ wrapped to [−π, π) (rad).
 * As Gymnasium, |θ̇| is clipped to 8 rad/s at the end of each control step.
 *
 * Equation the world must follow (I = m l²/3 about the pivot):
 *   θ̈ = 3g/(2l) · sinθ + 3u/(m l²)
 * matter-js integrates it with a pin constraint and 50 sub-steps of 1 ms (its position-Verlet plus
 * constraint projection is first order: at 5 ms sub-steps the energy drifted 4.6% of m g l in 2 s,
 * at 1 ms 0.84%). Measured against RK4 under the same torques (test/envs/fidelity.test.ts):
 * |Δθ| = 5.3e-3 rad, |Δθ̇| = 1.6e-2 rad/s at most over 1 s; with no torque the energy stays within
 * 0.84% of m g l over 2 s (asserted: 0.012 rad, 0.04 rad/s, 1.5%).
 */
import Matter from 'matter-js';
import { PhysicsEnv } from './physicsEnv.ts';
import type { ParamRules } from './params.ts';
import type { Action, BoxSpace, EnvMetadata, ResetOptions, ResetResult, StepResult } from './core.ts';
import { box, type OutOfBounds } from './spaces.ts';
import { applyJointTorque, envMetadata, placeLink, uniformDraws, wrapAngle } from './kit.ts';
import { PX_PER_M, addBody, addPin, createPhysics, getAngle, getOmega, substep, type MBody, type Physics } from './physics.ts';

const { Bodies } = Matter;

/**
 * Physical parameters: `makeEnv(id, { params })`, randomisable per episode, shown in the snapshot.
 * The torque limit is not one of them: it is the action space's bound (as in Gymnasium).
 */
export type PendulumParams = {
  gravityMS2: number;
  massKg: number;
  /** Pivot to tip. */
  lengthM: number;
};

/** Gymnasium Pendulum-v1's values. */
export const DEFAULT_PENDULUM_PARAMS: Readonly<PendulumParams> = Object.freeze({ gravityMS2: 10.0, massKg: 1.0, lengthM: 1.0 });

const PENDULUM_PARAM_RULES: ParamRules<PendulumParams> = Object.freeze({
  gravityMS2: 'nonnegative',
  massKg: 'positive',
  lengthM: 'positive',
});

/** The default physical parameters plus the task constants (what the analytic model and the teacher assume). */
export const PENDULUM_PARAMS = Object.freeze({
  ...DEFAULT_PENDULUM_PARAMS,
  maxTorqueNm: 2.0,
  maxSpeedRadS: 8.0,
  dtS: 0.05,
  substeps: 50,
  maxEpisodeSteps: 200,
});

export interface PendulumOptions {
  outOfBounds: OutOfBounds;
  /** Physical parameters that differ from `DEFAULT_PENDULUM_PARAMS`. */
  params?: Partial<PendulumParams>;
}

export const DEFAULT_PENDULUM: Readonly<PendulumOptions> = Object.freeze({ outOfBounds: 'error' });

export interface PendulumState {
  theta: number;
  thetaDot: number;
}

/** Wraps an angle to [−π, π) (`wrapAngle` of envs/kit.ts, under the name the teachers use). */
export const angleNormalize = wrapAngle;

export function pendulumReward(s: PendulumState, torqueNm: number): number {
  const th = angleNormalize(s.theta);
  return -(th * th + 0.1 * s.thetaDot * s.thetaDot + 0.001 * torqueNm * torqueNm);
}

/** Time derivative of [θ, θ̇] under torque u: the analytic model the world is tested against. */
export function pendulumDerivative(y: ArrayLike<number>, torqueNm: number, params = PENDULUM_PARAMS): [number, number] {
  const { gravityMS2: g, massKg: m, lengthM: l } = params;
  return [y[1]!, ((3 * g) / (2 * l)) * Math.sin(y[0]!) + (3 * torqueNm) / (m * l * l)];
}

/** Mechanical energy m l²θ̇²/6 + m g (l/2) cosθ (J). */
export function pendulumEnergy(s: PendulumState, params = PENDULUM_PARAMS): number {
  const { gravityMS2: g, massKg: m, lengthM: l } = params;
  return (m * l * l * s.thetaDot * s.thetaDot) / 6 + (m * g * l * Math.cos(s.theta)) / 2;
}

export class PendulumEnv extends PhysicsEnv<PendulumParams> {
  readonly id = 'Pendulum-v1';
  readonly observationSpace: BoxSpace;
  readonly actionSpace: BoxSpace;
  readonly metadata: EnvMetadata;
  private readonly opts: PendulumOptions;
  protected readonly paramRules = PENDULUM_PARAM_RULES;
  private cfg: typeof PENDULUM_PARAMS = PENDULUM_PARAMS;
  protected physics: Physics;
  private rod!: MBody;
  private readonly state: PendulumState = { theta: 0, thetaDot: 0 };

  constructor(options: Partial<PendulumOptions> = {}) {
    super();
    this.opts = { ...DEFAULT_PENDULUM, ...options };
    this.initParams(DEFAULT_PENDULUM_PARAMS, this.opts.params);
    const p = this.cfg;
    this.observationSpace = box([-1, -1, -p.maxSpeedRadS], [1, 1, p.maxSpeedRadS]);
    this.actionSpace = box([-p.maxTorqueNm], [p.maxTorqueNm]);
    this.metadata = envMetadata({ dtS: p.dtS, substeps: p.substeps, maxEpisodeSteps: p.maxEpisodeSteps, lengthScaleM: p.lengthM });
    this.physics = this.buildWorld();
  }

  protected applyParams(params: Readonly<PendulumParams>): void {
    this.cfg = Object.freeze({ ...PENDULUM_PARAMS, ...params });
  }

  protected override buildWorld(): Physics {
    const p = this.cfg;
    const physics = createPhysics({ contacts: false, gravityMS2: p.gravityMS2, substepS: p.dtS / p.substeps, constraintIterations: 4 });
    const none = { collisionFilter: { group: 0, category: 0, mask: 0 } };
    addBody(physics, Bodies.circle(0, 0, 0.05 * PX_PER_M, { ...none, isStatic: true, label: 'pivot' }), 0, 0);
    this.rod = addBody(
      physics,
      Bodies.rectangle(0, (-p.lengthM / 2) * PX_PER_M, 0.1 * PX_PER_M, p.lengthM * PX_PER_M, { ...none, label: 'rod' }),
      p.massKg,
      (p.massKg * p.lengthM * p.lengthM) / 12,
    );
    addPin(physics, 'pivot', undefined, [0, 0], this.rod, [0, -p.lengthM / 2]);
    return physics;
  }

  reset(opts: ResetOptions = {}): ResetResult {
    const [theta, thetaDot] = uniformDraws(this.beginEpisode(opts), [
      [-Math.PI, Math.PI],
      [-1, 1],
    ]);
    this.setState({ theta: theta!, thetaDot: thetaDot! });
    return { observation: this.observe(), info: { theta: angleNormalize(this.state.theta) } };
  }

  /** Places the rod in an exact state (rebuilds the world so no solver memory carries over). */
  setState(s: PendulumState): void {
    this.rebuildWorld();
    this.placeRod(s.theta, s.thetaDot);
    this.state.theta = s.theta;
    this.state.thetaDot = s.thetaDot;
  }

  /** The rod hangs from the pivot at the origin; θ = 0 is upright. */
  private placeRod(theta: number, thetaDot: number): void {
    placeLink(this.physics, this.rod, { angle: theta, omega: thetaDot, halfLengthM: this.cfg.lengthM / 2, axis: 'up' });
  }

  protected stepWorld(action: Action): StepResult {
    const p = this.cfg;
    const u = this.boxAction(action, this.opts.outOfBounds)[0]!;
    const reward = pendulumReward(this.state, u); // Gymnasium scores the state the action was taken in
    for (let k = 0; k < p.substeps; k++) {
      applyJointTorque(undefined, this.rod, u);
      substep(this.physics);
    }
    this.readState();
    if (Math.abs(this.state.thetaDot) > p.maxSpeedRadS) {
      this.state.thetaDot = Math.sign(this.state.thetaDot) * p.maxSpeedRadS;
      const time = this.physics.time;
      this.placeRod(this.state.theta, this.state.thetaDot);
      this.physics.time = time;
    }
    return { observation: this.observe(), reward, terminated: false, truncated: false, info: { theta: angleNormalize(this.state.theta) } };
  }

  protected readState(): void {
    this.state.theta = getAngle(this.rod);
    this.state.thetaDot = getOmega(this.physics, this.rod);
  }

  getState(): PendulumState {
    return { ...this.state };
  }

  private observe(): Float64Array {
    return Float64Array.of(Math.cos(this.state.theta), Math.sin(this.state.theta), this.state.thetaDot);
  }
}
