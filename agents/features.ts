/**
 * Derived observation features (issue 10, item 4): named, deterministic functions of one
 * observation whose values a controller's population code sees next to the observation itself.
 * A controller folder names its features in `controller.json` (`features: [name, …]`), and the
 * encoder computes them at every control step, in training, DAgger, `spikeloop eval`, the
 * visualizer and anywhere else a controller folder is loaded (agents/controller.ts
 * `augmentObservation`). The recipe option `recipe.input.features` picks them.
 *
 * Why: a population code of the raw observation makes some mappings hard to learn. The reacher's
 * teacher asks for 0.3–1.0 of the torque bound a few centimetres from the target, where the raw
 * observation (joint angles, target, fingertip offset) differs little from "arrived"; a feature in
 * which "not yet arrived" is a large input difference (the Jacobian-transpose torque direction, or
 * the joint-space error to the inverse-kinematics goal) makes that mapping nearly linear.
 *
 * Built-in features are registered here; a user module may add its own with
 * `registerObservationFeature` (the name must then be registered before a controller that uses it
 * is loaded).
 */
import { REACHER_PARAMS } from '../envs/reacher.ts';
import { angleNormalize } from '../envs/pendulum.ts';
import { reacherIk } from './teachers/reacher.ts';
import { DEFAULT_WALKER_TEACHER, walkerGaitPhase } from './teachers/walker.ts';

export interface ObservationFeature {
  /** How many values it appends. */
  readonly dims: number;
  /** The observation length it reads (checked at every call), e.g. 10 for Reacher-v1. */
  readonly observationDims: number;
  /** One line: what the values are, in which units. */
  readonly description: string;
  /** Writes its `dims` values into `out` from `offset` on. */
  compute(observation: ArrayLike<number>, out: Float64Array, offset: number): void;
}

const registry = new Map<string, ObservationFeature>();

/** Registers a named feature; a name is registered once (a second registration throws). */
export function registerObservationFeature(name: string, feature: ObservationFeature): void {
  if (!/^[A-Za-z][\w.-]*$/.test(name)) throw new Error(`observation feature: bad name '${name}' (letters, digits, '.', '-', '_')`);
  if (registry.has(name)) throw new Error(`observation feature '${name}' is already registered`);
  if (!(Number.isInteger(feature.dims) && feature.dims > 0))
    throw new Error(`observation feature '${name}': dims must be a positive integer`);
  registry.set(name, feature);
}

/** The registered feature of that name; throws naming the known ones. */
export function observationFeature(name: string): ObservationFeature {
  const f = registry.get(name);
  if (!f) throw new Error(`unknown observation feature '${name}'; known: ${[...registry.keys()].join(', ') || 'none'}`);
  return f;
}

/** Names of the registered features. */
export function observationFeatureNames(): string[] {
  return [...registry.keys()];
}

/** How many values the named features append together. */
export function featureDims(names: readonly string[]): number {
  return names.reduce((n, name) => n + observationFeature(name).dims, 0);
}

/** Writes the named features' values into `out` from `offset` on; returns the offset after them. */
export function computeFeatures(names: readonly string[], observation: ArrayLike<number>, out: Float64Array, offset: number): number {
  for (const name of names) {
    const f = observationFeature(name);
    if (observation.length !== f.observationDims)
      throw new Error(`observation feature '${name}' reads a ${f.observationDims}-value observation, got ${observation.length}`);
    f.compute(observation, out, offset);
    offset += f.dims;
  }
  return offset;
}

// ---- Reacher-v1 (observation: cos q1, cos q2, sin q1, sin q2, target x, y, q̇1, q̇2, fingertip − target x, y) ----

/**
 * Jᵀ(q)·(target − fingertip) (m²): the joint-torque direction that moves the fingertip straight to
 * the target (the Jacobian-transpose controller's command up to a gain), with the nominal link lengths.
 */
export function reacherJacobianTOffset(o: ArrayLike<number>, l1 = REACHER_PARAMS.link1M, l2 = REACHER_PARAMS.link2M): [number, number] {
  const c1 = o[0]!;
  const c2 = o[1]!;
  const s1 = o[2]!;
  const s2 = o[3]!;
  const c12 = c1 * c2 - s1 * s2;
  const s12 = s1 * c2 + c1 * s2;
  const dx = -o[8]!;
  const dy = -o[9]!;
  return [(-l1 * s1 - l2 * s12) * dx + (l1 * c1 + l2 * c12) * dy, -l2 * s12 * dx + l2 * c12 * dy];
}

/**
 * wrap(q* − q) (rad): the joint-space error to the inverse-kinematics goal of the target with the
 * arm's current elbow bend (the reacher teacher's proportional term, agents/teachers/reacher.ts).
 */
export function reacherJointError(o: ArrayLike<number>): [number, number] {
  const q1 = Math.atan2(o[2]!, o[0]!);
  const q2 = Math.atan2(o[3]!, o[1]!);
  const [t1, t2] = reacherIk(o[4]!, o[5]!, q2 >= 0 ? 1 : -1);
  return [angleNormalize(t1 - q1), angleNormalize(t2 - q2)];
}

/** Registers a 2-value feature of a Reacher-v1 observation. */
function reacherPair(name: string, description: string, f: (o: ArrayLike<number>) => [number, number]): void {
  registerObservationFeature(name, {
    dims: 2,
    observationDims: 10,
    description,
    compute(o, out, k) {
      const [a, b] = f(o);
      out[k] = a;
      out[k + 1] = b;
    },
  });
}

reacherPair('reacher.jacobianT', 'Reacher-v1: Jᵀ(q)·(target − fingertip), shoulder and elbow (m²)', (o) => reacherJacobianTOffset(o));
reacherPair(
  'reacher.jointError',
  "Reacher-v1: wrap(q* − q), the joint error to the target's inverse kinematics with the current elbow bend (rad)",
  reacherJointError,
);

// ---- Walker-v1 (observation: envs/walker.ts; hips 5..8, hip velocities 13..16) ----

registerObservationFeature('walker.gaitPhase', {
  dims: 2,
  observationDims: 21,
  description:
    "Walker-v1: sin and cos of the trot's gait phase read off the hips (agents/teachers/walker.ts walkerGaitPhase + phaseOffsetRad): the current state's phase, not a clock",
  compute(o, out, k) {
    const phase = walkerGaitPhase(o, DEFAULT_WALKER_TEACHER.frequencyHz) + DEFAULT_WALKER_TEACHER.phaseOffsetRad;
    out[k] = Math.sin(phase);
    out[k + 1] = Math.cos(phase);
  },
});
