/**
 * What every matter-js environment shares: drawing the world, the visualizer's push, the closed
 * state, the physical parameters (validated at construction; `setParams` takes effect at the
 * next reset, so an episode never changes body mid-way), the seeded stream of resets, the order
 * of reset and step, and the guard against a non-finite state. A subclass owns its `physics`
 * (`buildWorld`, rebuilt by `rebuildWorld`), starts each `reset` with `beginEpisode`, implements
 * one control step as `stepWorld`, and re-reads its plain state after anything outside `step`
 * moved the bodies. envs/kit.ts has the stateless helpers (metadata, draws, motors, links).
 *
 * Order (Gymnasium's): `step` before the first `reset`, or after a step that terminated the
 * episode, is an error naming the env; a new episode opens when `reset` puts the parameters in
 * force (`beginEpisode` or `adoptPendingParams`).
 *
 * Non-finite state: a world that has blown up (NaN or ±Infinity in the observation or reward) ends
 * the episode at once — `terminated: true`, reward 0, and `info.error` saying what went non-finite —
 * instead of handing NaN on step after step with `terminated: false`.
 */
import type {
  Action,
  BoxSpace,
  Env,
  EnvMetadata,
  EnvParams,
  ResetOptions,
  ResetResult,
  Space,
  StepResult,
  WorldBounds,
  WorldSnapshot,
} from './core.ts';
import { applyImpulseSI, clearPhysics, snapshotPhysics, type Physics } from './physics.ts';
import { resolveParams, type ParamRules } from './params.ts';
import { readBoxAction, type OutOfBounds } from './spaces.ts';
import { createRng, entropySeed, type Rng } from '../src/util/random.ts';

export abstract class PhysicsEnv<P extends Readonly<Record<string, number>> = Readonly<Record<string, number>>> implements Env {
  abstract readonly id: string;
  abstract readonly observationSpace: BoxSpace;
  abstract readonly actionSpace: Space;
  abstract readonly metadata: EnvMetadata;
  protected abstract physics: Physics;
  /** Which values each physical parameter may take. */
  protected abstract readonly paramRules: ParamRules<P>;
  /** The stream that draws start states; `beginEpisode` re-seeds it when reset gets a seed (unseeded: entropy). */
  protected rng: Rng = createRng(entropySeed());
  private closed = false;
  private physical: Readonly<P> | undefined;
  private pending: Readonly<P> | undefined;
  private episode: 'none' | 'running' | 'ended' = 'none';
  private actionBuffer: Float64Array | undefined;

  abstract reset(opts?: ResetOptions): ResetResult;
  /** One control step of the world (the subclass's physics, reward and termination). */
  protected abstract stepWorld(action: Action): StepResult;
  /** Refreshes the plain state from the bodies. */
  protected abstract readState(): void;
  /** Takes the parameters in force into the subclass's working constants (at construction and at a reset after `setParams`). */
  protected abstract applyParams(params: Readonly<P>): void;

  /** Validates `given` over `defaults` and puts the result in force; subclasses call it in their constructor. */
  protected initParams(defaults: Readonly<P>, given: unknown): void {
    this.physical = resolveParams(this.id, defaults, this.paramRules, given);
    this.applyParams(this.physical);
  }

  /** Physical parameters in force this episode. */
  get params(): Readonly<P> {
    if (!this.physical) throw new Error(`${this.id}: parameters read before the env initialised them`);
    return this.physical;
  }

  /** Replaces some physical parameters from the next `reset` on (validated now). */
  setParams(given: Partial<P> | EnvParams): void {
    this.assertOpen();
    this.pending = resolveParams(this.id, this.pending ?? this.params, this.paramRules, given);
  }

  /**
   * Opens an episode: checks the env is open, puts parameters from `setParams` in force and
   * re-seeds `rng` when a seed is given. Every subclass's `reset` starts with it; returns `rng`.
   */
  protected beginEpisode(opts: ResetOptions = {}): Rng {
    this.assertOpen();
    this.adoptPendingParams();
    if (opts.seed !== undefined) this.rng = createRng(opts.seed);
    return this.rng;
  }

  /** Puts parameters from `setParams` in force and opens an episode; `beginEpisode` calls it (older subclasses call it from `reset`). */
  protected adoptPendingParams(): void {
    this.episode = 'running';
    if (!this.pending) return;
    this.physical = this.pending;
    this.pending = undefined;
    this.applyParams(this.physical);
  }

  /** The reach target drawn with the world, for envs that have one. */
  protected snapshotTarget(): readonly [number, number] | undefined {
    return undefined;
  }

  /** The region the camera keeps in view besides the moving bodies (e.g. a track's ends), for envs that have one. */
  protected snapshotView(): WorldBounds | undefined {
    return undefined;
  }

  snapshot(): WorldSnapshot {
    return { ...snapshotPhysics(this.physics, this.snapshotTarget(), this.snapshotView()), params: this.params };
  }

  step(action: Action): StepResult {
    this.assertOpen();
    if (this.episode === 'none') throw new Error(`${this.id}: step() before reset(); call reset() first`);
    if (this.episode === 'ended') throw new Error(`${this.id}: step() after the episode ended; call reset() first`);
    const r = endOnNonFinite(this.id, this.stepWorld(action));
    if (r.terminated) this.episode = 'ended';
    return r;
  }

  /** The world of a new episode; `rebuildWorld` calls it (an env that rebuilds its world at reset overrides it). */
  protected buildWorld(): Physics {
    throw new Error(`${this.id}: rebuildWorld() needs buildWorld() to be implemented`);
  }

  /** Replaces the world by a fresh `buildWorld()`, so no solver memory carries over from the last episode. */
  protected rebuildWorld(): void {
    clearPhysics(this.physics);
    this.physics = this.buildWorld();
  }

  /** The action as a checked vector of the box action space (one buffer, reused): errors name the env, bad values are refused or clipped. */
  protected boxAction(action: Action, outOfBounds: OutOfBounds): Float64Array {
    const space = this.actionSpace;
    if (space.kind !== 'box') throw new Error(`${this.id}: boxAction() needs a box action space`);
    this.actionBuffer ??= new Float64Array(space.low.length);
    return readBoxAction(this.id, space, action, this.actionBuffer, outOfBounds);
  }

  applyImpulse(bodyId: number, point: readonly [number, number], impulse: readonly [number, number]): void {
    this.assertOpen();
    applyImpulseSI(this.physics, bodyId, point, impulse);
    this.readState();
  }

  close(): void {
    if (this.closed) return;
    clearPhysics(this.physics);
    this.closed = true;
  }

  protected assertOpen(): void {
    if (this.closed) throw new Error(`${this.id}: env is closed`);
  }
}

/** `r` unchanged when its observation and reward are finite; otherwise the episode's end, with the reason in `info.error`. */
export function endOnNonFinite(envId: string, r: StepResult): StepResult {
  const bad: string[] = [];
  r.observation.forEach((v, i) => {
    if (!Number.isFinite(v)) bad.push(`observation[${i}] = ${v}`);
  });
  if (!Number.isFinite(r.reward)) bad.push(`reward = ${r.reward}`);
  if (!bad.length) return r;
  const error = `${envId}: the simulation produced a non-finite state (${bad.join(', ')}); the episode was ended`;
  return { ...r, reward: 0, terminated: true, info: { ...r.info, error } };
}
