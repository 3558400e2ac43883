/**
 * Gymnasium-style environment contract (Gymnasium `core.py`): named fields instead of
 * tuples, `terminated` (task over) kept apart from `truncated` (time limit), spaces that
 * can sample and check, and a `snapshot()` of the world for drawing.
 *
 * `envs/` knows physics only: nothing here imports tfjs or anything about spikes.
 */
import type { Rng } from '../src/util/random.ts';
import type { EnvParams, WorldSnapshot } from '../src/world.ts';

/** A box of real vectors with per-dimension bounds (may be ±Infinity). */
export interface BoxSpace {
  readonly kind: 'box';
  readonly shape: readonly number[];
  readonly low: Float64Array;
  readonly high: Float64Array;
  /** Uniform sample (bounded dims) or standard normal (unbounded dims); uses the space's own seeded stream when `rng` is omitted. */
  sample(rng?: Rng): Float64Array;
  contains(x: ArrayLike<number>): boolean;
  /** Re-seeds the space's own stream (Gymnasium `space.seed`). */
  seed(seed: number): void;
}

/** `n` discrete choices 0..n-1. */
export interface DiscreteSpace {
  readonly kind: 'discrete';
  readonly n: number;
  sample(rng?: Rng): number;
  contains(x: number): boolean;
  seed(seed: number): void;
}

export type Space = BoxSpace | DiscreteSpace;

/** Action as given to `step`: a vector for Box spaces, an integer for Discrete ones. */
export type Action = ArrayLike<number> | number;

export interface ResetOptions {
  seed?: number;
  options?: Record<string, unknown>;
}

export interface ResetResult {
  observation: Float64Array;
  info: Record<string, unknown>;
}

export interface StepResult {
  observation: Float64Array;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Record<string, unknown>;
}

export interface EnvMetadata {
  /** Control period in seconds (one `step`). */
  readonly dtS: number;
  /** Physics sub-steps per control step. */
  readonly substeps: number;
  /** Control rate in Hz (1 / dtS). */
  readonly controlHz: number;
  /** Episode length limit in steps (applied by the TimeLimit wrapper). */
  readonly maxEpisodeSteps: number;
  /** Characteristic length in metres (for drawing scale and "body lengths"). */
  readonly lengthScaleM: number;
}

// the world snapshot is defined once, in src/ (the visualizer draws it without importing envs/)
export type { BodySnapshot, ConstraintSnapshot, EnvParams, ShapeStyle, WorldBounds, WorldSnapshot } from '../src/world.ts';

export interface Env {
  readonly id: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  readonly metadata: EnvMetadata;
  reset(opts?: ResetOptions): ResetResult;
  step(action: Action): StepResult;
  snapshot(): WorldSnapshot;
  /** Physical parameters in force this episode (masses, lengths, friction, gravity, motor limits). */
  readonly params?: EnvParams;
  /** Replaces some physical parameters from the next `reset` on (validated; the error names the field). */
  setParams?(params: EnvParams): void;
  /** Applies an external impulse (N·s) at a world point to the body with this id (used by the visualizer's push). */
  applyImpulse?(bodyId: number, point: readonly [number, number], impulse: readonly [number, number]): void;
  close(): void;
}
