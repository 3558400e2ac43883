/**
 * Reacher on matter-js: a planar two-link arm on a table (no gravity) with torque-driven joints
 * reaching a random target (task after Gymnasium/MuJoCo `Reacher`, sizes scaled to a 1 m reach).
 *
 * | obs | meaning                              | min | max | units |
 * |-----|--------------------------------------|-----|-----|-------|
 * | 0,1 | cos q1, cos q2                       | −1  | 1   | –     |
 * | 2,3 | sin q1, sin q2                       | −1  | 1   | –     |
 * | 4,5 | target x, y                          | −1  | 1   | m     |
 * | 6,7 | joint velocities q̇1, q̇2 (mean over the step) | −∞ | ∞ | rad/s |
 * | 8,9 | fingertip − target (x, y)            | −2  | 2   | m     |
 * q1: upper-arm angle from +x (CCW); q2: forearm angle relative to the upper arm.
 *
 * Action: a ∈ [−1, 1]², joint torques τ = 5·a N·m (shoulder, elbow); each joint also has viscous
 * damping 0.2 N·m·s/rad (as MuJoCo's joint damping).
 * Reward: −|fingertip − target| − 0.1·|a|².
 * Start: q1, q2 uniform in [−0.1, 0.1] rad, at rest; target uniform in angle and in radius [0.2, 0.95] m.
 * Terminated: never. Truncated (TimeLimit wrapper): 100 steps of 0.02 s. info.distance: fingertip–target (m).
 * Links: uniform rods 0.5 m, 1 kg (I = m l²/12); pins solved by matter-js, 10 sub-steps of 2 ms.
 */
import Matter from 'matter-js';
import { PhysicsEnv } from './physicsEnv.ts';
import type { ParamRules } from './params.ts';
import type { Action, BoxSpace, EnvMetadata, ResetOptions, ResetResult, StepResult } from './core.ts';
import { box, type OutOfBounds } from './spaces.ts';
import { clip, envMetadata, motorCommand, placeLink, uniformDraws } from './kit.ts';
import {
  PX_PER_M,
  addBody,
  addPin,
  applyTorqueSI,
  createPhysics,
  getAngle,
  getOmega,
  getX,
  getY,
  substep,
  type MBody,
  type Physics,
} from './physics.ts';

const { Bodies } = Matter;

/** Physical parameters: `makeEnv(id, { params })`, randomisable per episode, shown in the snapshot. */
export type ReacherParams = {
  /** Shoulder to elbow. */
  link1M: number;
  /** Elbow to fingertip. */
  link2M: number;
  /** Mass of each link. */
  linkMassKg: number;
  /** Torque of a unit action at each joint (the motor limit). */
  maxTorqueNm: number;
  /** Viscous damping of each joint. */
  jointDampingNms: number;
};

export const DEFAULT_REACHER_PARAMS: Readonly<ReacherParams> = Object.freeze({
  link1M: 0.5,
  link2M: 0.5,
  linkMassKg: 1.0,
  maxTorqueNm: 5.0,
  jointDampingNms: 0.2,
});

const REACHER_PARAM_RULES: ParamRules<ReacherParams> = Object.freeze({
  link1M: 'positive',
  link2M: 'positive',
  linkMassKg: 'positive',
  maxTorqueNm: 'positive',
  jointDampingNms: 'nonnegative',
});

/** The default physical parameters plus the task constants (what the teacher assumes). */
export const REACHER_PARAMS = Object.freeze({
  ...DEFAULT_REACHER_PARAMS,
  controlCost: 0.1,
  dtS: 0.02,
  substeps: 10,
  maxEpisodeSteps: 100,
  targetMinM: 0.2,
  targetMaxM: 0.95,
});

export interface ReacherOptions {
  outOfBounds: OutOfBounds;
  /** Physical parameters that differ from `DEFAULT_REACHER_PARAMS`. */
  params?: Partial<ReacherParams>;
}

export const DEFAULT_REACHER: Readonly<ReacherOptions> = Object.freeze({ outOfBounds: 'error' });

export interface ReacherState {
  q1: number;
  q2: number;
  q1Dot: number;
  q2Dot: number;
  fingertip: [number, number];
  target: [number, number];
}

export function reacherDistance(s: ReacherState): number {
  return Math.hypot(s.fingertip[0] - s.target[0], s.fingertip[1] - s.target[1]);
}

export function reacherReward(s: ReacherState, action: ArrayLike<number>, params = REACHER_PARAMS): number {
  return -reacherDistance(s) - params.controlCost * (action[0]! * action[0]! + action[1]! * action[1]!);
}

export class ReacherEnv extends PhysicsEnv<ReacherParams> {
  readonly id = 'Reacher-v1';
  readonly observationSpace: BoxSpace;
  readonly actionSpace: BoxSpace;
  readonly metadata: EnvMetadata;
  private readonly opts: ReacherOptions;
  protected readonly paramRules = REACHER_PARAM_RULES;
  private cfg: typeof REACHER_PARAMS = REACHER_PARAMS;
  protected physics: Physics;
  private upper!: MBody;
  private fore!: MBody;
  private readonly state: ReacherState = { q1: 0, q2: 0, q1Dot: 0, q2Dot: 0, fingertip: [1, 0], target: [0.5, 0] };

  constructor(options: Partial<ReacherOptions> = {}) {
    super();
    this.opts = { ...DEFAULT_REACHER, ...options };
    this.initParams(DEFAULT_REACHER_PARAMS, this.opts.params);
    const p = this.cfg;
    const inf = Infinity;
    this.observationSpace = box([-1, -1, -1, -1, -1, -1, -inf, -inf, -2, -2], [1, 1, 1, 1, 1, 1, inf, inf, 2, 2]);
    this.actionSpace = box([-1, -1], [1, 1]);
    this.metadata = envMetadata({
      dtS: p.dtS,
      substeps: p.substeps,
      maxEpisodeSteps: p.maxEpisodeSteps,
      lengthScaleM: p.link1M + p.link2M,
    });
    this.physics = this.buildWorld();
  }

  protected applyParams(params: Readonly<ReacherParams>): void {
    this.cfg = Object.freeze({ ...REACHER_PARAMS, ...params });
  }

  protected override buildWorld(): Physics {
    const p = this.cfg;
    const physics = createPhysics({ contacts: false, gravityMS2: 0, substepS: p.dtS / p.substeps, constraintIterations: 4 });
    const none = { collisionFilter: { group: 0, category: 0, mask: 0 } };
    addBody(physics, Bodies.circle(0, 0, 0.05 * PX_PER_M, { ...none, isStatic: true, label: 'base' }), 0, 0);
    const m = p.linkMassKg;
    this.upper = addBody(
      physics,
      Bodies.rectangle((p.link1M / 2) * PX_PER_M, 0, p.link1M * PX_PER_M, 0.05 * PX_PER_M, { ...none, label: 'upperArm' }),
      m,
      (m * p.link1M * p.link1M) / 12,
    );
    this.fore = addBody(
      physics,
      Bodies.rectangle((p.link1M + p.link2M / 2) * PX_PER_M, 0, p.link2M * PX_PER_M, 0.04 * PX_PER_M, { ...none, label: 'forearm' }),
      m,
      (m * p.link2M * p.link2M) / 12,
    );
    addPin(physics, 'shoulder', undefined, [0, 0], this.upper, [-p.link1M / 2, 0]);
    addPin(physics, 'elbow', this.upper, [p.link1M / 2, 0], this.fore, [-p.link2M / 2, 0]);
    return physics;
  }

  reset(opts: ResetOptions = {}): ResetResult {
    const rng = this.beginEpisode(opts);
    const p = this.cfg;
    // joint angles, then the target's direction and distance
    const [q1, q2, phi, r] = uniformDraws(rng, [
      [-0.1, 0.1],
      [-0.1, 0.1],
      [-Math.PI, Math.PI],
      [p.targetMinM, p.targetMaxM],
    ]) as [number, number, number, number];
    this.setState(q1, q2, 0, 0, [r * Math.cos(phi), r * Math.sin(phi)]);
    return { observation: this.observe(), info: { distance: reacherDistance(this.state) } };
  }

  /** Places the arm at joint angles/velocities and sets the target (rebuilds the world). */
  setState(q1: number, q2: number, q1Dot: number, q2Dot: number, target: readonly [number, number]): void {
    this.rebuildWorld();
    const { link1M: l1, link2M: l2 } = this.cfg;
    // the elbow and its velocity: the end of the upper arm
    const ex = l1 * Math.cos(q1);
    const ey = l1 * Math.sin(q1);
    placeLink(this.physics, this.upper, { angle: q1, omega: q1Dot, halfLengthM: l1 / 2, axis: 'x' });
    placeLink(this.physics, this.fore, {
      pivot: [ex, ey],
      pivotVel: [-ey * q1Dot, ex * q1Dot],
      angle: q1 + q2,
      omega: q1Dot + q2Dot,
      halfLengthM: l2 / 2,
      axis: 'x',
    });
    this.state.target = [target[0], target[1]];
    this.readState();
  }

  protected stepWorld(action: Action): StepResult {
    const p = this.cfg;
    const a = this.boxAction(action, this.opts.outOfBounds);
    const a1Before = getAngle(this.upper);
    const a2Before = getAngle(this.fore);
    for (let k = 0; k < p.substeps; k++) {
      const w1 = getOmega(this.physics, this.upper);
      const w2rel = getOmega(this.physics, this.fore) - w1;
      const shoulder = motorCommand(p.maxTorqueNm, a[0]!, p.jointDampingNms, w1);
      const elbow = motorCommand(p.maxTorqueNm, a[1]!, p.jointDampingNms, w2rel);
      // The elbow torque acts on the forearm and reacts on the upper arm; the upper arm's two
      // torques are summed before one call (not applyJointTorque twice) to keep its rounding.
      applyTorqueSI(this.upper, shoulder - elbow);
      applyTorqueSI(this.fore, elbow);
      substep(this.physics);
    }
    this.readState();
    // Joint speeds over the whole control step: matter's pin solver leaves a sub-step-to-sub-step
    // wobble in the last-sub-step Verlet velocity, which a PD loop would chase.
    this.state.q1Dot = (getAngle(this.upper) - a1Before) / p.dtS;
    this.state.q2Dot = (getAngle(this.fore) - a2Before) / p.dtS - this.state.q1Dot;
    const distance = reacherDistance(this.state);
    return {
      observation: this.observe(),
      reward: reacherReward(this.state, a, p),
      terminated: false,
      truncated: false,
      info: { distance },
    };
  }

  protected readState(): void {
    const s = this.state;
    const a1 = getAngle(this.upper);
    const a2 = getAngle(this.fore);
    s.q1 = a1;
    s.q2 = a2 - a1;
    s.q1Dot = getOmega(this.physics, this.upper);
    s.q2Dot = getOmega(this.physics, this.fore) - s.q1Dot;
    const h = this.cfg.link2M / 2;
    s.fingertip = [getX(this.fore) + h * Math.cos(a2), getY(this.fore) + h * Math.sin(a2)];
  }

  getState(): ReacherState {
    const s = this.state;
    return { ...s, fingertip: [...s.fingertip], target: [...s.target] };
  }

  private observe(): Float64Array {
    const s = this.state;
    return Float64Array.of(
      Math.cos(s.q1),
      Math.cos(s.q2),
      Math.sin(s.q1),
      Math.sin(s.q2),
      s.target[0],
      s.target[1],
      s.q1Dot,
      s.q2Dot,
      clip(s.fingertip[0] - s.target[0], -2, 2),
      clip(s.fingertip[1] - s.target[1], -2, 2),
    );
  }

  protected override snapshotTarget(): readonly [number, number] {
    return this.state.target;
  }
}
