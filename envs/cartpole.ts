/**
 * CartPole on matter-js: a cart on a frictionless rail with a pole hinged at its centre
 * (Barto, Sutton & Anderson 1983; parameters and termination as Gymnasium `CartPole-v1`).
 *
 * | obs | meaning                  | min     | max    | units |
 * |-----|--------------------------|---------|--------|-------|
 * | 0   | cart position x          | −4.8    | 4.8    | m     |
 * | 1   | cart velocity ẋ          | −∞      | ∞      | m/s   |
 * | 2   | pole angle θ (0 upright, + leans to +x) | −0.419 | 0.419 | rad |
 * | 3   | pole angular velocity θ̇ | −∞      | ∞      | rad/s |
 *
 * Action: `CartPoleContinuous-v1` (continuous) a ∈ [−1, 1], force F = 10·a N along +x;
 * `CartPole-v1` a ∈ {0, 1}, F = −10 N or +10 N (Gymnasium's action).
 * Reward: +1 for every step, including the one that terminates.
 * Start: x, ẋ, θ, θ̇ each uniform in [−0.05, 0.05].
 * Terminated: |x| > 2.4 m or |θ| > 12°. Truncated (TimeLimit wrapper): 500 steps of τ = 0.02 s.
 *
 * Equations the world must follow (uniform pole of half-length l, frictionless):
 *   θ̈ = (g sinθ − cosθ·(F + m l θ̇² sinθ)/M) / (l·(4/3 − m cos²θ / M)),   M = m_c + m
 *   ẍ = (F + m l θ̇² sinθ)/M − m l θ̈ cosθ / M
 * matter-js integrates this with a pin constraint (cart–pole) and 4 sub-steps of 5 ms; the rail
 * is enforced by projecting the cart back onto y = 0 after each sub-step, since matter has no
 * prismatic joint. Measured against RK4 of the equations above under the same actions
 * (test/envs/fidelity.test.ts), on a 1 s run that starts at θ = 0.15 rad: |Δx| = 1.8 mm,
 * |Δẋ| = 7.2 mm/s, |Δθ| = 0.039 rad, |Δθ̇| = 0.16 rad/s at most (asserted: 1 cm, 0.05 m/s,
 * 0.05 rad, 0.25 rad/s). The error is first order in the sub-step (20 sub-steps: |Δθ| = 0.0056 rad)
 * and is amplified by the upright pole's instability; 4 sub-steps keep the step fast.
 */
import Matter from 'matter-js';
import { PhysicsEnv } from './physicsEnv.ts';
import type { ParamRules } from './params.ts';
import type { Action, BoxSpace, DiscreteSpace, EnvMetadata, ResetOptions, ResetResult, StepResult, WorldBounds } from './core.ts';
import { box, discrete, readDiscreteAction, type OutOfBounds } from './spaces.ts';
import { envMetadata, motorCommand, uniformDraws } from './kit.ts';
import {
  PX_PER_M,
  addBody,
  addPin,
  applyForceSI,
  createPhysics,
  getAngle,
  getOmega,
  getVx,
  getX,
  projectOntoRailY0,
  setBodyState,
  styleBody,
  substep,
  type MBody,
  type Physics,
} from './physics.ts';

const { Bodies } = Matter;

/** Physical parameters: `makeEnv(id, { params })`, randomisable per episode, shown in the snapshot. */
export type CartPoleParams = {
  gravityMS2: number;
  cartMassKg: number;
  poleMassKg: number;
  /** Pole pivot to its centre of mass (the pole is twice as long). */
  poleHalfLengthM: number;
  /** Force of a unit action (the motor limit). */
  forceMagN: number;
};

/** Gymnasium's values. */
export const DEFAULT_CARTPOLE_PARAMS: Readonly<CartPoleParams> = Object.freeze({
  gravityMS2: 9.8,
  cartMassKg: 1.0,
  poleMassKg: 0.1,
  poleHalfLengthM: 0.5,
  forceMagN: 10.0,
});

const CARTPOLE_PARAM_RULES: ParamRules<CartPoleParams> = Object.freeze({
  gravityMS2: 'nonnegative',
  cartMassKg: 'positive',
  poleMassKg: 'positive',
  poleHalfLengthM: 'positive',
  forceMagN: 'positive',
});

/** The default physical parameters plus the task constants (what the analytic model and the teacher assume). */
export const CARTPOLE_PARAMS = Object.freeze({
  ...DEFAULT_CARTPOLE_PARAMS,
  tauS: 0.02, // control period
  substeps: 4,
  thetaThresholdRad: (12 * 2 * Math.PI) / 360,
  xThresholdM: 2.4,
  maxEpisodeSteps: 500,
  initRange: 0.05, // start state uniform in ±initRange on every component
});

export interface CartPoleOptions {
  /** Discrete {0, 1} action (CartPole-v1) instead of a force in [−1, 1]. */
  discrete: boolean;
  outOfBounds: OutOfBounds;
  /** Physical parameters that differ from `DEFAULT_CARTPOLE_PARAMS`. */
  params?: Partial<CartPoleParams>;
}

export const DEFAULT_CARTPOLE: Readonly<CartPoleOptions> = Object.freeze({ discrete: false, outOfBounds: 'error' });

/** Plain state for reward and termination. */
export interface CartPoleState {
  x: number;
  xDot: number;
  theta: number;
  thetaDot: number;
}

export function cartPoleTerminated(s: CartPoleState, params = CARTPOLE_PARAMS): boolean {
  return s.x < -params.xThresholdM || s.x > params.xThresholdM || s.theta < -params.thetaThresholdRad || s.theta > params.thetaThresholdRad;
}

/** Gymnasium pays 1 for every step up to and including the terminating one. */
export function cartPoleReward(_s: CartPoleState): number {
  return 1;
}

/** Time derivative of [x, ẋ, θ, θ̇] under force F (N): the analytic model the world is tested against. */
export function cartPoleDerivative(y: ArrayLike<number>, forceN: number, params = CARTPOLE_PARAMS): [number, number, number, number] {
  const { gravityMS2: g, cartMassKg: mc, poleMassKg: m, poleHalfLengthM: l } = params;
  const total = mc + m;
  const th = y[2]!;
  const thd = y[3]!;
  const s = Math.sin(th);
  const c = Math.cos(th);
  const temp = (forceN + m * l * thd * thd * s) / total;
  const thacc = (g * s - c * temp) / (l * (4 / 3 - (m * c * c) / total));
  const xacc = temp - (m * l * thacc * c) / total;
  return [y[1]!, xacc, thd, thacc];
}

export class CartPoleEnv extends PhysicsEnv<CartPoleParams> {
  readonly id: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: BoxSpace | DiscreteSpace;
  readonly metadata: EnvMetadata;
  private readonly opts: CartPoleOptions;
  protected readonly paramRules = CARTPOLE_PARAM_RULES;
  private cfg: typeof CARTPOLE_PARAMS = CARTPOLE_PARAMS;
  protected physics: Physics;
  private cart!: MBody;
  private pole!: MBody;
  private readonly state: CartPoleState = { x: 0, xDot: 0, theta: 0, thetaDot: 0 };

  constructor(options: Partial<CartPoleOptions> = {}) {
    super();
    this.opts = { ...DEFAULT_CARTPOLE, ...options };
    this.id = this.opts.discrete ? 'CartPole-v1' : 'CartPoleContinuous-v1';
    this.initParams(DEFAULT_CARTPOLE_PARAMS, this.opts.params);
    const p = this.cfg;
    this.observationSpace = box(
      [-2 * p.xThresholdM, -Infinity, -2 * p.thetaThresholdRad, -Infinity],
      [2 * p.xThresholdM, Infinity, 2 * p.thetaThresholdRad, Infinity],
    );
    this.actionSpace = this.opts.discrete ? discrete(2) : box([-1], [1]);
    this.metadata = envMetadata({
      dtS: p.tauS,
      substeps: p.substeps,
      maxEpisodeSteps: p.maxEpisodeSteps,
      lengthScaleM: 2 * p.poleHalfLengthM,
    });
    this.physics = this.buildWorld();
  }

  protected applyParams(params: Readonly<CartPoleParams>): void {
    this.cfg = Object.freeze({ ...CARTPOLE_PARAMS, ...params });
  }

  protected override buildWorld(): Physics {
    const p = this.cfg;
    const physics = createPhysics({ contacts: false, gravityMS2: p.gravityMS2, substepS: p.tauS / p.substeps, constraintIterations: 4 });
    const none = { collisionFilter: { group: 0, category: 0, mask: 0 } };
    addBody(
      physics,
      Bodies.rectangle(0, 0.14 * PX_PER_M, 2 * (p.xThresholdM + 0.4) * PX_PER_M, 0.04 * PX_PER_M, {
        ...none,
        isStatic: true,
        label: 'track',
      }),
      0,
      0,
    );
    this.cart = addBody(
      physics,
      styleBody(Bodies.rectangle(0, 0, 0.4 * PX_PER_M, 0.24 * PX_PER_M, { ...none, label: 'cart' }), {
        stroke: '#4fd1c5',
        fill: '#4fd1c555',
      }),
      p.cartMassKg,
      Infinity,
    );
    const len = 2 * p.poleHalfLengthM;
    this.pole = addBody(
      physics,
      styleBody(Bodies.rectangle(0, -p.poleHalfLengthM * PX_PER_M, 0.06 * PX_PER_M, len * PX_PER_M, { ...none, label: 'pole' }), {
        stroke: '#f6ad55',
        fill: '#f6ad5555',
      }),
      p.poleMassKg,
      (p.poleMassKg * len * len) / 12,
    );
    addPin(physics, 'hinge', this.cart, [0, 0], this.pole, [0, -p.poleHalfLengthM]);
    return physics;
  }

  /** The whole track stays in view, so that the cart's distance to its ends shows. */
  protected override snapshotView(): WorldBounds {
    const halfTrackM = this.cfg.xThresholdM + 0.4;
    return { minX: -halfTrackM, maxX: halfTrackM, minY: -0.4, maxY: 2 * this.cfg.poleHalfLengthM + 0.3 };
  }

  reset(opts: ResetOptions = {}): ResetResult {
    const rng = this.beginEpisode(opts);
    const r = this.cfg.initRange;
    const [x, xDot, theta, thetaDot] = uniformDraws(rng, [
      [-r, r],
      [-r, r],
      [-r, r],
      [-r, r],
    ]);
    this.setState({ x: x!, xDot: xDot!, theta: theta!, thetaDot: thetaDot! });
    return { observation: this.observe(), info: {} };
  }

  /** Places the world in an exact state (tests and teachers' what-ifs); the sub-step velocity memory is set from it. */
  setState(s: CartPoleState): void {
    this.rebuildWorld();
    const l = this.cfg.poleHalfLengthM;
    setBodyState(this.physics, this.cart, s.x, 0, 0, s.xDot, 0, 0);
    // Pole centre sits l along the pole from the hinge; θ leans toward +x, which is clockwise (negative SI angle).
    const sn = Math.sin(s.theta);
    const cs = Math.cos(s.theta);
    setBodyState(this.physics, this.pole, s.x + l * sn, l * cs, -s.theta, s.xDot + l * cs * s.thetaDot, -l * sn * s.thetaDot, -s.thetaDot);
    Object.assign(this.state, s);
  }

  protected stepWorld(action: Action): StepResult {
    const p = this.cfg;
    let force: number;
    if (this.actionSpace.kind === 'discrete')
      force = readDiscreteAction(this.id, this.actionSpace, action) === 1 ? p.forceMagN : -p.forceMagN;
    else force = motorCommand(p.forceMagN, this.boxAction(action, this.opts.outOfBounds)[0]!);
    const cart = this.cart;
    for (let k = 0; k < p.substeps; k++) {
      applyForceSI(cart, force, 0);
      substep(this.physics);
      // The rail: no vertical motion (the cart's infinite inertia already forbids rotation).
      projectOntoRailY0(cart);
    }
    this.readState();
    const terminated = cartPoleTerminated(this.state, p);
    return { observation: this.observe(), reward: cartPoleReward(this.state), terminated, truncated: false, info: {} };
  }

  protected readState(): void {
    const s = this.state;
    s.x = getX(this.cart);
    s.xDot = getVx(this.physics, this.cart);
    s.theta = -getAngle(this.pole);
    s.thetaDot = -getOmega(this.physics, this.pole);
  }

  /** The current plain state (a copy). */
  getState(): CartPoleState {
    return { ...this.state };
  }

  private observe(): Float64Array {
    const s = this.state;
    return Float64Array.of(s.x, s.xDot, s.theta, s.thetaDot);
  }
}
