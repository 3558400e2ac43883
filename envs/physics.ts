/**
 * A thin SI layer over a matter-js world, so that env code reads in metres, seconds, newtons
 * and radians with y pointing up.
 *
 * matter-js units (v0.20, `Body.update`): positions in px with y down; time in ms; position
 * Verlet `v_step = (x − x_prev) + F/m · Δt²`, so a body's stored velocity is px per sub-step
 * and acceleration is px/ms². With mass in kg and `PX_PER_M` = S:
 *
 * | quantity      | SI → matter                     |
 * |---------------|---------------------------------|
 * | length        | x_px = S·x_m, y_px = −S·y_m      |
 * | angle         | θ_matter = −θ (CCW positive in SI) |
 * | acceleration  | a_px/ms² = a·S/10⁶               |
 * | force         | F_matter = F_N·S/10⁶            |
 * | inertia       | I_matter = I·S²                 |
 * | torque        | τ_matter = −τ·S²/10⁶            |
 * | velocity      | v = (x − x_prev)/Δt_ms · 1000/S  |
 *
 * Determinism: matter's physics never reads `Common.random` or the clock (the clock only feeds
 * `timing.lastElapsed`); each env rebuilds its world on `reset`, so no warm-start impulse or
 * contact cache survives from one episode to the next.
 */
import Matter from 'matter-js';
import type { BodySnapshot, ConstraintSnapshot, ShapeStyle, WorldBounds, WorldSnapshot } from './core.ts';

const { Engine, Body, Composite, Constraint } = Matter;

/** A matter body with the Verlet fields that @types/matter-js leaves out. */
export type MBody = Matter.Body & {
  positionPrev: Matter.Vector;
  anglePrev: number;
  deltaTime: number;
  angularVelocity: number;
};

/** Pixels per metre inside matter (its slop and thresholds are tuned for bodies of tens to hundreds of px). */
export const PX_PER_M = 100;
const FORCE_SCALE = PX_PER_M / 1e6;
const TORQUE_SCALE = (PX_PER_M * PX_PER_M) / 1e6;

export interface PhysicsOptions {
  /**
   * Whether bodies can touch. Without contacts, a sub-step runs matter's own integrator and
   * constraint solver in `Engine.update`'s order but skips broad-phase, pairs, events and the
   * per-call body-list allocation (bit-identical results, several times faster).
   */
  contacts: boolean;
  /** Gravity along −y, m/s² (0 for a table-top world). */
  gravityMS2: number;
  /** Sub-step length, seconds. */
  substepS: number;
  constraintIterations: number;
  positionIterations: number;
  velocityIterations: number;
}

export const DEFAULT_PHYSICS: Readonly<PhysicsOptions> = Object.freeze({
  contacts: true,
  gravityMS2: 9.81,
  substepS: 0.005,
  constraintIterations: 2,
  positionIterations: 6,
  velocityIterations: 4,
});

export interface Physics {
  readonly engine: Matter.Engine;
  readonly bodies: MBody[];
  readonly constraints: Matter.Constraint[];
  readonly substepMs: number;
  readonly contacts: boolean;
  /** Non-static bodies, cached for the contact-free sub-step. */
  readonly dynamic: MBody[];
  /** Simulated seconds since the world was built. */
  time: number;
}

export function createPhysics(opts: Partial<PhysicsOptions> = {}): Physics {
  const o = { ...DEFAULT_PHYSICS, ...opts };
  if (!(o.substepS > 0)) throw new Error(`createPhysics: substepS must be > 0, got ${o.substepS}`);
  const engine = Engine.create({
    constraintIterations: o.constraintIterations,
    positionIterations: o.positionIterations,
    velocityIterations: o.velocityIterations,
    enableSleeping: false,
  });
  engine.gravity.x = 0;
  engine.gravity.y = 1;
  engine.gravity.scale = o.gravityMS2 * FORCE_SCALE;
  return { engine, bodies: [], constraints: [], substepMs: o.substepS * 1000, contacts: o.contacts, dynamic: [], time: 0 };
}

/** Adds a body; its index in `physics.bodies` is its id in snapshots and `applyImpulse`. */
export function addBody(p: Physics, matterBody: Matter.Body, massKg: number, inertiaKgM2: number): MBody {
  const body = matterBody as MBody;
  if (!body.isStatic) {
    Body.setMass(body, massKg);
    Body.setInertia(body, inertiaKgM2 * PX_PER_M * PX_PER_M);
    body.frictionAir = 0;
    // Velocities are stored per sub-step; telling matter our sub-step avoids its time correction on step one.
    body.deltaTime = p.substepMs;
    p.dynamic.push(body);
  }
  p.bodies.push(body);
  Composite.add(p.engine.world, body);
  return body;
}

/** Pins `pointA` on `a` (or a world point when `a` is undefined) to `pointB` on `b`; points in body-local SI metres (unrotated). */
export function addPin(
  p: Physics,
  label: string,
  a: Matter.Body | undefined,
  pointA: readonly [number, number],
  b: MBody,
  pointB: readonly [number, number],
): Matter.Constraint {
  const c = Constraint.create({
    label,
    bodyA: a,
    pointA: rotatePx(pointA, a ? a.angle : 0),
    bodyB: b,
    pointB: rotatePx(pointB, b.angle),
    length: 0,
    stiffness: 1,
    damping: 0,
  });
  p.constraints.push(c);
  Composite.add(p.engine.world, c);
  return c;
}

function rotatePx(pt: readonly [number, number], matterAngle: number): { x: number; y: number } {
  const x = pt[0] * PX_PER_M;
  const y = -pt[1] * PX_PER_M;
  const c = Math.cos(matterAngle);
  const s = Math.sin(matterAngle);
  return { x: c * x - s * y, y: s * x + c * y };
}

type MatterInternals = {
  Constraint: {
    preSolveAll(b: Matter.Body[]): void;
    solveAll(c: Matter.Constraint[], delta: number): void;
    postSolveAll(b: Matter.Body[]): void;
  };
  Body: { update(b: Matter.Body, delta: number): void; updateVelocities(b: Matter.Body): void };
};
const internals = Matter as unknown as MatterInternals;

/** One sub-step of matter's solver. */
export function substep(p: Physics): void {
  if (p.contacts) Engine.update(p.engine, p.substepMs);
  else substepWithoutContacts(p);
  p.time += p.substepMs / 1000;
}

/** `Engine.update` minus everything that only matters for contacts, sleeping and events. */
function substepWithoutContacts(p: Physics): void {
  const { engine, dynamic: bodies, constraints, substepMs: dt } = p;
  const { Constraint: C, Body: B } = internals;
  engine.timing.timestamp += dt;
  (engine.timing as { lastDelta?: number }).lastDelta = dt;
  const g = engine.gravity;
  const n = bodies.length;
  if (!((g.x === 0 && g.y === 0) || g.scale === 0)) {
    for (let i = 0; i < n; i++) {
      const b = bodies[i]!;
      b.force.y += b.mass * g.y * g.scale;
      b.force.x += b.mass * g.x * g.scale;
    }
  }
  for (let i = 0; i < n; i++) B.update(bodies[i]!, dt);
  for (let pass = 0; pass < 2; pass++) {
    C.preSolveAll(bodies);
    for (let k = 0; k < engine.constraintIterations; k++) C.solveAll(constraints, dt);
    C.postSolveAll(bodies);
  }
  for (let i = 0; i < n; i++) {
    const b = bodies[i]!;
    B.updateVelocities(b);
    b.force.x = 0;
    b.force.y = 0;
    b.torque = 0;
  }
}

export const getX = (b: MBody): number => b.position.x / PX_PER_M;
export const getY = (b: MBody): number => -b.position.y / PX_PER_M;
export const getAngle = (b: MBody): number => -b.angle;
export function getVx(p: Physics, b: MBody): number {
  return ((b.position.x - b.positionPrev.x) * 1000) / (p.substepMs * PX_PER_M);
}
export function getVy(p: Physics, b: MBody): number {
  return (-(b.position.y - b.positionPrev.y) * 1000) / (p.substepMs * PX_PER_M);
}
export function getOmega(p: Physics, b: MBody): number {
  return (-(b.angle - b.anglePrev) * 1000) / p.substepMs;
}

/** Places a body (SI pose and velocity). */
export function setBodyState(p: Physics, b: MBody, x: number, y: number, angle: number, vx = 0, vy = 0, omega = 0): void {
  Body.setPosition(b, { x: x * PX_PER_M, y: -y * PX_PER_M });
  Body.setAngle(b, -angle);
  setBodyVelocity(p, b, vx, vy, omega);
}

/** Sets a body's SI velocity by moving its previous position (position Verlet). */
export function setBodyVelocity(p: Physics, b: MBody, vx: number, vy: number, omega: number): void {
  const k = (p.substepMs * PX_PER_M) / 1000;
  b.positionPrev.x = b.position.x - vx * k;
  b.positionPrev.y = b.position.y + vy * k;
  b.anglePrev = b.angle + (omega * p.substepMs) / 1000;
  b.velocity.x = vx * k;
  b.velocity.y = -vy * k;
  b.angularVelocity = (-omega * p.substepMs) / 1000;
  b.deltaTime = p.substepMs;
}

/**
 * Holds a body on the horizontal line y = 0 with no vertical velocity (a rail). The vertices move
 * with it: matter draws and collides with `vertices`, not `position`, so moving `position` alone
 * would leave the drawn shape drifting away from the simulated one.
 */
export function projectOntoRailY0(b: MBody): void {
  const dy = -b.position.y;
  if (dy !== 0) {
    Matter.Vertices.translate(b.vertices, { x: 0, y: dy }, 1);
    Matter.Bounds.update(b.bounds, b.vertices, b.velocity);
  }
  b.position.y = 0;
  b.positionPrev.y = 0;
}

/** Adds an SI force (N) at the centre of mass for the next sub-step (matter clears forces after each). */
export function applyForceSI(b: MBody, fx: number, fy: number): void {
  b.force.x += fx * FORCE_SCALE;
  b.force.y -= fy * FORCE_SCALE;
}

/** Adds an SI torque (N·m, CCW positive) for the next sub-step. */
export function applyTorqueSI(b: MBody, tau: number): void {
  b.torque -= tau * TORQUE_SCALE;
}

/**
 * How far from a body's centre a push may land: its extent (largest centre-to-vertex distance)
 * times `factor` plus `marginM`. Without a bound a clamped impulse at a far point is any spin
 * (Δω = r × J / I), and [1.7e308, 0] turned the world into NaN.
 */
export const PUSH_REACH = Object.freeze({ factor: 1.1, marginM: 0.05 });

/** Applies an impulse (N·s) at a world point (m) on the body: Δv = J/m, Δω = (r × J)/I. */
export function applyImpulseSI(p: Physics, bodyId: number, point: readonly [number, number], impulse: readonly [number, number]): void {
  const b = p.bodies[bodyId];
  if (!b) throw new Error(`applyImpulse: no body with id ${bodyId} (ids are 0..${p.bodies.length - 1})`);
  for (const v of [...point, ...impulse]) {
    if (!Number.isFinite(v)) throw new Error(`applyImpulse: point and impulse must be finite, got point=[${point}] impulse=[${impulse}]`);
  }
  if (b.isStatic) return;
  const rx = point[0] - getX(b);
  const ry = point[1] - getY(b);
  const extentM = Math.max(...b.vertices.map((v) => Math.hypot(v.x - b.position.x, v.y - b.position.y))) / PX_PER_M;
  const reachM = extentM * PUSH_REACH.factor + PUSH_REACH.marginM;
  if (Math.hypot(rx, ry) > reachM) {
    throw new Error(
      `applyImpulse: point [${point}] is ${Math.hypot(rx, ry).toPrecision(3)} m from body ${bodyId}'s centre; a push must land within ${reachM.toPrecision(3)} m`,
    );
  }
  const iSI = b.inertia / (PX_PER_M * PX_PER_M);
  const dOmega = Number.isFinite(iSI) ? (rx * impulse[1] - ry * impulse[0]) / iSI : 0;
  setBodyVelocity(p, b, getVx(p, b) + impulse[0] / b.mass, getVy(p, b) + impulse[1] / b.mass, getOmega(p, b) + dOmega);
}

/** Where an env keeps a body's drawing hints: matter's free-form `plugin` object, under our name. */
interface StyledPlugin {
  spikeloop?: { style?: ShapeStyle };
}

/**
 * Gives a body (or constraint) colours for the visualizer, e.g. `styleBody(cart, { fill: '#4fd1c5' })`;
 * the same as creating it with `{ plugin: { spikeloop: { style } } }`. Returns the body.
 */
export function styleBody<T extends Matter.Body | Matter.Constraint>(body: T, style: ShapeStyle): T {
  const plugin = ((body as { plugin?: StyledPlugin }).plugin ??= {});
  plugin.spikeloop = { ...plugin.spikeloop, style: { ...plugin.spikeloop?.style, ...style } };
  return body;
}

/** A body's or constraint's hints: its `styleBody` style, and `hidden` when matter's `render.visible` is false. */
function styleOf(x: { plugin?: StyledPlugin; render?: { visible?: boolean } }): ShapeStyle | undefined {
  const given = x.plugin?.spikeloop?.style;
  const hidden = x.render?.visible === false;
  if (!given && !hidden) return undefined;
  return hidden ? { ...given, hidden: true } : { ...given };
}

const toSI = (v: Matter.Vector): readonly [number, number] => [v.x / PX_PER_M, -v.y / PX_PER_M] as const;

/** One body in SI for drawing: outline, convex parts of a compound body, circle radius, style. */
function snapshotBody(b: MBody, id: number): BodySnapshot {
  const style = styleOf(b as { plugin?: StyledPlugin; render?: { visible?: boolean } });
  return {
    id,
    label: b.label,
    position: [getX(b), getY(b)] as const,
    angle: getAngle(b),
    vertices: b.vertices.map(toSI),
    isStatic: b.isStatic,
    // parts[0] is the body itself; a compound body lists its convex parts after it
    ...(b.parts.length > 1 ? { parts: b.parts.slice(1).map((part) => part.vertices.map(toSI)) } : {}),
    ...(b.circleRadius ? { circleRadiusM: b.circleRadius / PX_PER_M } : {}),
    ...(style ? { style } : {}),
  };
}

/** Every body and constraint in SI, y up, for drawing (`view`: the region the camera keeps in sight). */
export function snapshotPhysics(p: Physics, target?: readonly [number, number], view?: WorldBounds): WorldSnapshot {
  const bodies: BodySnapshot[] = p.bodies.map(snapshotBody);
  const constraints: ConstraintSnapshot[] = p.constraints.map((c) => {
    const internal = c as Matter.Constraint & { angleA: number; angleB: number };
    const a = attachedPoint(c.bodyA, c.pointA, internal.angleA);
    const b = attachedPoint(c.bodyB, c.pointB, internal.angleB);
    const style = styleOf(c as { plugin?: StyledPlugin; render?: { visible?: boolean } });
    return style ? { label: c.label, a, b, style } : { label: c.label, a, b };
  });
  return { time: p.time, bodies, constraints, ...(target ? { target } : {}), ...(view ? { view } : {}) };
}

/**
 * World point (SI) of a constraint end. matter rotates its stored offset lazily inside the solver,
 * so after a body is placed the offset must be turned by the angle moved since (body.angle − ref).
 */
function attachedPoint(body: Matter.Body | null | undefined, pt: Matter.Vector, refAngle: number): readonly [number, number] {
  if (!body) return [pt.x / PX_PER_M, -pt.y / PX_PER_M];
  const d = body.isStatic ? 0 : body.angle - refAngle;
  const c = Math.cos(d);
  const s = Math.sin(d);
  const x = body.position.x + c * pt.x - s * pt.y;
  const y = body.position.y + s * pt.x + c * pt.y;
  return [x / PX_PER_M, -y / PX_PER_M];
}

/** Removes every body and constraint (used before a rebuild and by `close`). */
export function clearPhysics(p: Physics): void {
  Composite.clear(p.engine.world, false, true);
  Engine.clear(p.engine);
  p.bodies.length = 0;
  p.dynamic.length = 0;
  p.constraints.length = 0;
  p.time = 0;
}
