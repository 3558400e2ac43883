/**
 * What the visualizer needs from a running simulation. `src/viz` never imports `envs/` or
 * `agents/`: the wiring (env + controller → `VizSimulation`) is injected by the caller. The world
 * it draws is the envs' own snapshot type, defined once in `src/world.ts`.
 */
import type { BodySnapshot, ConstraintSnapshot, WorldSnapshot } from '../world.ts';

/** One spiking layer as the page shows it: a raster band of `size` rows. */
export interface LayerInfo {
  readonly name: string;
  readonly size: number;
}

/** What a spike source produces in one control tick. */
export interface SpikeSourceStep {
  /** Action for the environment; when absent the loop uses `motor` as the action vector. */
  readonly action?: ArrayLike<number> | number;
  /** One array per layer (same order as `layers`): indices of the neurons that fired this tick. */
  readonly spikes: readonly Uint32Array[];
  /** Decoded motor commands (or output PSPs) this tick, one value per channel. */
  readonly motor: Float32Array;
}

/**
 * A controller seen as a spike source: called once per control tick with the observation.
 * Spiking controllers implement it directly; classical ones are wrapped with an encoder.
 */
export interface SpikeSource {
  readonly layers: readonly LayerInfo[];
  /** Names of the motor channels (defaults to `m0, m1, ...`). */
  readonly motorNames?: readonly string[];
  /** Clears internal state (membranes, PSPs, encoder accumulators) at an episode start. */
  reset?(seed: number): void;
  step(observation: Float64Array): SpikeSourceStep;
}

/** The world to draw (`src/world.ts`, what the envs report), in metres with y up. */
export type VizBody = BodySnapshot;
export type VizConstraint = ConstraintSnapshot;
export type VizWorld = WorldSnapshot;

/**
 * Keyboard control of a simulation (the 'keyboard' controller): the person's held command per
 * action dimension, each in [−1, 1]; the simulation maps it onto the env's action space.
 */
export interface ManualControl {
  /** Names of the action dimensions, one per key pair on the page. */
  readonly names: readonly string[];
  /** Sets the held command; the server has checked one value per dimension, each in [−1, 1]. */
  set(values: readonly number[]): void;
}

export interface VizSimulationInfo {
  readonly env: string;
  readonly controller: string;
  /** Where the session's steps are being written as demonstrations (shown on the page), if anywhere. */
  readonly recording?: string;
  /** Control ticks per simulated second. */
  readonly controlHz: number;
  readonly layers: readonly LayerInfo[];
  readonly motorNames: readonly string[];
}

/** Result of one control tick of the closed loop. */
export interface VizTick {
  readonly spikes: readonly Uint32Array[];
  readonly motor: Float32Array;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
}

/** A closed loop (environment + controller) the server can drive tick by tick. */
export interface VizSimulation {
  readonly info: VizSimulationInfo;
  /** Starts a new episode with this seed. */
  reset(seed: number): void;
  step(): VizTick;
  world(): VizWorld;
  /** Present when a person drives the body from the keyboard. */
  readonly manual?: ManualControl;
  /** Applies an impulse (N·s) at a world point to a body; false when the body does not exist or cannot be pushed. */
  push(bodyId: number, point: readonly [number, number], impulse: readonly [number, number]): boolean;
  close(): void;
}

/** Builds the simulation for an (environment, controller) pair; used at start and on "switch". */
export type SimulationFactory = (choice: { env: string; controller: string }) => VizSimulation | Promise<VizSimulation>;
