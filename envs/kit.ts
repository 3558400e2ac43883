/**
 * Small pieces that every matter-js body env needs, so a new env is its bodies, its observation,
 * its reward and its termination, and not a copy of `envs/cartpole.ts`:
 *
 * - `envMetadata`: the control period, the sub-steps, the episode length and the drawing scale.
 * - `uniformDraws`: seeded uniform draws of a start state, one per range, in order.
 * - `motorCommand`: a unit command times its limit, less viscous damping.
 * - `applyJointTorque`: a joint's torque on its child link and the reaction on its parent.
 * - `placeLink`: puts a rod hanging from a pivot at an angle and spin, with matching velocity.
 * - `wrapAngle`, `clip`: observation helpers.
 *
 * `PhysicsEnv` (envs/physicsEnv.ts) holds what is stateful: the seeded stream, the episode
 * bookkeeping, the action buffer and the world rebuild.
 */
import type { EnvMetadata } from './core.ts';
import { applyTorqueSI, setBodyState, type MBody, type Physics } from './physics.ts';
import type { Rng } from '../src/util/random.ts';

/** Task timing of an env. */
export interface EnvTiming {
  /** Control period (s): one `step`. */
  dtS: number;
  /** Physics sub-steps per control step. */
  substeps: number;
  /** Episode length (steps) the TimeLimit wrapper applies. */
  maxEpisodeSteps: number;
  /** Characteristic length (m), for the drawing scale and "body lengths". */
  lengthScaleM: number;
}

/** The frozen `EnvMetadata` of a timing (control rate = 1 / dtS). */
export function envMetadata(t: EnvTiming): EnvMetadata {
  return Object.freeze({
    dtS: t.dtS,
    substeps: t.substeps,
    controlHz: 1 / t.dtS,
    maxEpisodeSteps: t.maxEpisodeSteps,
    lengthScaleM: t.lengthScaleM,
  });
}

/** One uniform draw in [lo, hi] per range, in the order given (the order fixes what a seed gives). */
export function uniformDraws(rng: Rng, ranges: ReadonlyArray<readonly [number, number]>): number[] {
  return ranges.map(([lo, hi]) => rng.uniform(lo, hi));
}

/** A unit command times its limit (N or N·m), less viscous damping times the joint's speed. */
export function motorCommand(limit: number, command: number, damping = 0, speed = 0): number {
  return limit * command - damping * speed;
}

/**
 * A joint torque τ (N·m, CCW +) for the next sub-step: τ on the child link, −τ on the parent
 * (none when the joint is pinned to the world). A link between two joints gets the torques of
 * both added, each in its own call.
 */
export function applyJointTorque(parent: MBody | undefined, child: MBody, tauNm: number): void {
  applyTorqueSI(child, tauNm);
  if (parent) applyTorqueSI(parent, -tauNm);
}

/** A rod hanging from a pivot: where its centre is and how fast the pivot moves. */
export interface LinkPlacement {
  /** Pivot (m); the origin when absent. */
  pivot?: readonly [number, number];
  /** Pivot velocity (m/s); at rest when absent. */
  pivotVel?: readonly [number, number];
  /** The link's angle (rad, CCW +) and spin (rad/s). */
  angle: number;
  omega: number;
  /** Pivot to the link's centre (m). */
  halfLengthM: number;
  /**
   * Which way the link points at angle 0: 'x' along +x (a reaching arm, direction (cos a, sin a)),
   * 'up' straight up (a pendulum or a balancing link, direction (−sin a, cos a)).
   */
  axis: 'x' | 'up';
}

/** Places a link's body (pose and velocity) from its pivot, angle and spin. */
export function placeLink(physics: Physics, body: MBody, l: LinkPlacement): void {
  const h = l.halfLengthM;
  const s = Math.sin(l.angle);
  const c = Math.cos(l.angle);
  const w = l.omega;
  // offset and its rate: h·(cos a, sin a) and h·ω·(−sin a, cos a) for 'x'; h·(−sin a, cos a) and h·ω·(−cos a, −sin a) for 'up'
  const [dx, dy, dvx, dvy] = l.axis === 'x' ? [h * c, h * s, -h * s * w, h * c * w] : [-h * s, h * c, -h * c * w, -h * s * w];
  const [px, py] = l.pivot ?? [0, 0];
  const [pvx, pvy] = l.pivotVel ?? [0, 0];
  setBodyState(
    physics,
    body,
    l.pivot ? px + dx : dx,
    l.pivot ? py + dy : dy,
    l.angle,
    l.pivotVel ? pvx + dvx : dvx,
    l.pivotVel ? pvy + dvy : dvy,
    w,
  );
}

/** Wraps an angle to [−π, π). */
export function wrapAngle(x: number): number {
  return ((((x + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) - Math.PI;
}

/** `x` limited to [lo, hi]. */
export function clip(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, x));
}
