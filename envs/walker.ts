/**
 * Walker on matter-js: a planar quadruped (torso, four two-segment legs; the left and right leg of
 * each hip overlap in the plane) on flat ground with Coulomb friction, driven by hip and knee
 * torques. Task after Gymnasium `Walker2d`/`HalfCheetah`: go forward (+x), spend little energy,
 * do not fall. Legs 0..3 are front-left, front-right, rear-left, rear-right.
 *
 * | obs    | meaning                                   | min  | max | units |
 * |--------|-------------------------------------------|------|-----|-------|
 * | 0      | torso height y                            | 0    | ∞   | m     |
 * | 1      | torso angle (CCW, 0 level)                | −π   | π   | rad   |
 * | 2, 3   | torso velocity vx, vy (mean over step)    | −∞   | ∞   | m/s   |
 * | 4      | torso angular velocity                    | −∞   | ∞   | rad/s |
 * | 5..8   | hip angles, leg 0..3 (thigh vs torso; + swings the foot forward) | −π | π | rad |
 * | 9..12  | knee angles, leg 0..3 (shin vs thigh)     | −π   | π   | rad   |
 * | 13..20 | hip then knee angular velocities          | −∞   | ∞   | rad/s |
 *
 * Action: a ∈ [−1, 1]⁸ (hips 0..3, knees 0..3), torque τ = 8·a N·m at each joint; joints have
 * viscous damping 0.3 N·m·s/rad (it also keeps the light shins stable under a 50 Hz PD loop).
 * Reward: Δx_torso (m) − 0.01·Σ|τ_j·Δq_j| (J of joint work) per step.
 * Start: standing, joints at 0 ± 0.05 rad, torso level at rest above the ground, x = 0.
 * Terminated (a fall): |torso angle| > 0.8 rad or torso height < 0.15 m. Truncated: 1000 steps of
 * 0.02 s (20 s). info: x (torso x, m), fallen.
 * Physics: 10 sub-steps of 2 ms; feet and ground friction 1.0; legs collide only with the ground.
 * Physical parameters (masses, leg lengths, gravity, motor limit, damping, friction): `WalkerParams`.
 */
import Matter from 'matter-js';
import { PhysicsEnv } from './physicsEnv.ts';
import type { ParamRules } from './params.ts';
import type { Action, BoxSpace, EnvMetadata, ResetOptions, ResetResult, StepResult } from './core.ts';
import { box, type OutOfBounds } from './spaces.ts';
import { envMetadata, motorCommand, uniformDraws, wrapAngle } from './kit.ts';
import {
  PX_PER_M,
  addBody,
  addPin,
  applyTorqueSI,
  createPhysics,
  getAngle,
  getX,
  getY,
  setBodyState,
  substep,
  type MBody,
  type Physics,
} from './physics.ts';

const { Bodies } = Matter;

/** Physical parameters: `makeEnv(id, { params })`, randomisable per episode, shown in the snapshot. */
export type WalkerParams = {
  gravityMS2: number;
  torsoMassKg: number;
  thighMassKg: number;
  shinMassKg: number;
  thighM: number;
  shinM: number;
  /** Torque of a unit action at each joint (the motor limit). */
  maxTorqueNm: number;
  /** Viscous damping of each joint. */
  jointDampingNms: number;
  /** Coulomb friction of the feet and of the ground (matter-js uses the smaller of the two bodies'). */
  footFriction: number;
};

export const DEFAULT_WALKER_PARAMS: Readonly<WalkerParams> = Object.freeze({
  gravityMS2: 9.81,
  torsoMassKg: 4.0,
  thighMassKg: 1.0,
  shinMassKg: 0.6,
  thighM: 0.2,
  shinM: 0.2,
  maxTorqueNm: 8.0,
  jointDampingNms: 0.3,
  footFriction: 1.0,
});

const WALKER_PARAM_RULES: ParamRules<WalkerParams> = Object.freeze({
  gravityMS2: 'nonnegative',
  torsoMassKg: 'positive',
  thighMassKg: 'positive',
  shinMassKg: 'positive',
  thighM: 'positive',
  shinM: 'positive',
  maxTorqueNm: 'positive',
  jointDampingNms: 'nonnegative',
  footFriction: 'nonnegative',
});

/** The default physical parameters plus the body's fixed shape and the task constants (what the teacher assumes). */
export const WALKER_PARAMS = Object.freeze({
  ...DEFAULT_WALKER_PARAMS,
  torsoLengthM: 0.6,
  torsoHeightM: 0.1,
  hipOffsetM: 0.25, // hips at ±hipOffset along the torso
  legWidthM: 0.04,
  energyCost: 0.01,
  fallAngleRad: 0.8,
  fallHeightM: 0.15,
  dtS: 0.02,
  substeps: 10,
  maxEpisodeSteps: 1000,
  initJointRange: 0.05,
});

export const WALKER_LEGS = 4;

export interface WalkerOptions {
  outOfBounds: OutOfBounds;
  /** Physical parameters that differ from `DEFAULT_WALKER_PARAMS`. */
  params?: Partial<WalkerParams>;
}

export const DEFAULT_WALKER: Readonly<WalkerOptions> = Object.freeze({ outOfBounds: 'error' });

export interface WalkerState {
  x: number;
  y: number;
  angle: number;
}

export function walkerFallen(s: WalkerState, params = WALKER_PARAMS): boolean {
  return Math.abs(s.angle) > params.fallAngleRad || s.y < params.fallHeightM;
}

/** Forward progress minus a price on joint work (J). */
export function walkerReward(dxM: number, workJ: number, params = WALKER_PARAMS): number {
  return dxM - params.energyCost * workJ;
}

const GROUND = 0x1;
const LEG = 0x2;
const TORSO = 0x4;

export class WalkerEnv extends PhysicsEnv<WalkerParams> {
  readonly id = 'Walker-v1';
  readonly observationSpace: BoxSpace;
  readonly actionSpace: BoxSpace;
  readonly metadata: EnvMetadata;
  private readonly opts: WalkerOptions;
  protected readonly paramRules = WALKER_PARAM_RULES;
  private cfg: typeof WALKER_PARAMS = WALKER_PARAMS;
  protected physics: Physics;
  private torso!: MBody;
  private readonly thighs: MBody[] = [];
  private readonly shins: MBody[] = [];
  private readonly q = new Float64Array(2 * WALKER_LEGS);
  private readonly qPrev = new Float64Array(2 * WALKER_LEGS);
  private readonly qDot = new Float64Array(2 * WALKER_LEGS);
  private readonly torsoVel = new Float64Array(3);
  private readonly state: WalkerState = { x: 0, y: 0, angle: 0 };

  constructor(options: Partial<WalkerOptions> = {}) {
    super();
    this.opts = { ...DEFAULT_WALKER, ...options };
    this.initParams(DEFAULT_WALKER_PARAMS, this.opts.params);
    const p = this.cfg;
    const n = 2 * WALKER_LEGS;
    const low = [
      0,
      -Math.PI,
      -Infinity,
      -Infinity,
      -Infinity,
      ...new Array<number>(n).fill(-Math.PI),
      ...new Array<number>(n).fill(-Infinity),
    ];
    this.observationSpace = box(
      low,
      low.map((v) => (v === 0 ? Infinity : -v)),
    );
    this.actionSpace = box(new Array<number>(n).fill(-1), new Array<number>(n).fill(1));
    this.metadata = envMetadata({ dtS: p.dtS, substeps: p.substeps, maxEpisodeSteps: p.maxEpisodeSteps, lengthScaleM: p.torsoLengthM });
    this.physics = this.buildWorld();
  }

  protected applyParams(params: Readonly<WalkerParams>): void {
    this.cfg = Object.freeze({ ...WALKER_PARAMS, ...params });
  }

  /** Standing height of the torso centre: legs straight down. */
  private standHeight(): number {
    const p = this.cfg;
    return p.thighM + p.shinM + p.legWidthM / 2;
  }

  protected override buildWorld(): Physics {
    const p = this.cfg;
    const physics = createPhysics({ gravityMS2: p.gravityMS2, substepS: p.dtS / p.substeps, constraintIterations: 6 });
    const S = PX_PER_M;
    addBody(
      physics,
      Bodies.rectangle(45 * S, 0.5 * S, 110 * S, 1 * S, {
        isStatic: true,
        label: 'ground',
        friction: p.footFriction,
        collisionFilter: { group: 0, category: GROUND, mask: LEG | TORSO },
      }),
      0,
      0,
    );
    const h = this.standHeight();
    const torsoI = (p.torsoMassKg * (p.torsoLengthM ** 2 + p.torsoHeightM ** 2)) / 12;
    this.torso = addBody(
      physics,
      Bodies.rectangle(0, -h * S, p.torsoLengthM * S, p.torsoHeightM * S, {
        label: 'torso',
        friction: 0.5,
        collisionFilter: { group: 0, category: TORSO, mask: GROUND },
      }),
      p.torsoMassKg,
      torsoI,
    );
    this.thighs.length = 0;
    this.shins.length = 0;
    const legFilter = { group: 0, category: LEG, mask: GROUND };
    for (let i = 0; i < WALKER_LEGS; i++) {
      const hx = i < 2 ? p.hipOffsetM : -p.hipOffsetM;
      const thigh = addBody(
        physics,
        Bodies.rectangle(hx * S, -(h - p.thighM / 2) * S, p.legWidthM * S, p.thighM * S, {
          label: `thigh${i}`,
          friction: p.footFriction,
          collisionFilter: legFilter,
        }),
        p.thighMassKg,
        (p.thighMassKg * p.thighM ** 2) / 12,
      );
      const shin = addBody(
        physics,
        Bodies.rectangle(hx * S, -(h - p.thighM - p.shinM / 2) * S, p.legWidthM * S, p.shinM * S, {
          label: `shin${i}`,
          friction: p.footFriction,
          chamfer: { radius: (p.legWidthM / 2) * S * 0.99 },
          collisionFilter: legFilter,
        }),
        p.shinMassKg,
        (p.shinMassKg * p.shinM ** 2) / 12,
      );
      addPin(physics, `hip${i}`, this.torso, [hx, 0], thigh, [0, p.thighM / 2]);
      addPin(physics, `knee${i}`, thigh, [0, -p.thighM / 2], shin, [0, p.shinM / 2]);
      this.thighs.push(thigh);
      this.shins.push(shin);
    }
    return physics;
  }

  reset(opts: ResetOptions = {}): ResetResult {
    const rng = this.beginEpisode(opts);
    this.rebuildWorld();
    const p = this.cfg;
    const h = this.standHeight();
    const r = p.initJointRange;
    // hip then knee angle of each leg in turn
    const q = uniformDraws(
      rng,
      Array.from({ length: 2 * WALKER_LEGS }, () => [-r, r] as const),
    );
    setBodyState(this.physics, this.torso, 0, h, 0);
    for (let i = 0; i < WALKER_LEGS; i++) {
      const hx = i < 2 ? p.hipOffsetM : -p.hipOffsetM;
      const qh = q[2 * i]!;
      const qk = q[2 * i + 1]!;
      // Hip at (hx, h); thigh hangs at angle qh, shin at qh + qk (0 = straight down, CCW positive).
      const kx = hx + p.thighM * Math.sin(qh);
      const ky = h - p.thighM * Math.cos(qh);
      setBodyState(this.physics, this.thighs[i]!, hx + (p.thighM / 2) * Math.sin(qh), h - (p.thighM / 2) * Math.cos(qh), qh);
      setBodyState(this.physics, this.shins[i]!, kx + (p.shinM / 2) * Math.sin(qh + qk), ky - (p.shinM / 2) * Math.cos(qh + qk), qh + qk);
    }
    // Lift so that the lowest foot just clears the ground.
    let lowest = Infinity;
    for (const s of this.shins) for (const v of s.vertices) lowest = Math.min(lowest, -v.y / PX_PER_M);
    const lift = 0.002 - lowest;
    for (const b of [this.torso, ...this.thighs, ...this.shins]) setBodyState(this.physics, b, getX(b), getY(b) + lift, getAngle(b));
    this.readJoints(this.q);
    this.qDot.fill(0);
    this.torsoVel.fill(0);
    this.readState();
    return { observation: this.observe(), info: { x: this.state.x, fallen: false } };
  }

  private readJoints(out: Float64Array): void {
    const ta = getAngle(this.torso);
    for (let i = 0; i < WALKER_LEGS; i++) {
      const a1 = getAngle(this.thighs[i]!);
      out[i] = a1 - ta;
      out[WALKER_LEGS + i] = getAngle(this.shins[i]!) - a1;
    }
  }

  protected stepWorld(action: Action): StepResult {
    const p = this.cfg;
    const a = this.boxAction(action, this.opts.outOfBounds);
    const x0 = getX(this.torso);
    const y0 = getY(this.torso);
    const th0 = getAngle(this.torso);
    this.qPrev.set(this.q);
    let work = 0;
    const n = WALKER_LEGS;
    for (let k = 0; k < p.substeps; k++) {
      const qBefore = this.q;
      this.readJoints(qBefore);
      for (let i = 0; i < n; i++) {
        const hip = motorCommand(p.maxTorqueNm, a[i]!, p.jointDampingNms, this.qDot[i]!);
        const knee = motorCommand(p.maxTorqueNm, a[n + i]!, p.jointDampingNms, this.qDot[n + i]!);
        // A joint torque acts on the child and reacts on the parent; the thigh's two torques are
        // summed before one call (not applyJointTorque twice) to keep its rounding.
        applyTorqueSI(this.thighs[i]!, hip - knee);
        applyTorqueSI(this.torso, -hip);
        applyTorqueSI(this.shins[i]!, knee);
      }
      const before = Float64Array.from(qBefore);
      substep(this.physics);
      this.readJoints(this.q);
      for (let j = 0; j < 2 * n; j++) work += Math.abs(p.maxTorqueNm * a[j]! * (this.q[j]! - before[j]!));
    }
    for (let j = 0; j < 2 * n; j++) this.qDot[j] = (this.q[j]! - this.qPrev[j]!) / p.dtS;
    this.readState();
    // Mean velocities over the step: the last sub-step's Verlet velocity carries contact and pin jitter.
    this.torsoVel[0] = (this.state.x - x0) / p.dtS;
    this.torsoVel[1] = (this.state.y - y0) / p.dtS;
    this.torsoVel[2] = (this.state.angle - th0) / p.dtS;
    const terminated = walkerFallen(this.state, p);
    return {
      observation: this.observe(),
      reward: walkerReward(this.state.x - x0, work, p),
      terminated,
      truncated: false,
      info: { x: this.state.x, fallen: terminated },
    };
  }

  protected readState(): void {
    this.state.x = getX(this.torso);
    this.state.y = getY(this.torso);
    this.state.angle = getAngle(this.torso);
  }

  getState(): WalkerState {
    return { ...this.state };
  }

  private observe(): Float64Array {
    const o = new Float64Array(5 + 4 * WALKER_LEGS);
    o[0] = Math.max(0, this.state.y);
    o[1] = wrapAngle(this.state.angle);
    o.set(this.torsoVel, 2);
    for (let j = 0; j < 2 * WALKER_LEGS; j++) o[5 + j] = wrapAngle(this.q[j]!);
    o.set(this.qDot, 5 + 2 * WALKER_LEGS);
    return o;
  }
}
