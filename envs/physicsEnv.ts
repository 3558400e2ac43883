/**
 * What every matter-js environment shares: drawing the world, the visualizer's push, the closed
 * state, the physical parameters (validated at construction; `setParams` takes effect at the
 * next reset, so an episode never changes body mid-way), and the guard against a non-finite state.
 * A subclass owns its `physics` (rebuilt at reset when it needs to), implements one control step as
 * `stepWorld`, and re-reads its plain state after anything outside `step` moved the bodies.
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

export abstract class PhysicsEnv<P extends Readonly<Record<string, number>> = Readonly<Record<string, number>>> implements Env {
  abstract readonly id: string;
  abstract readonly observationSpace: BoxSpace;
  abstract readonly actionSpace: Space;
  abstract readonly metadata: EnvMetadata;
  protected abstract physics: Physics;
  /** Which values each physical parameter may take. */
  protected abstract readonly paramRules: ParamRules<P>;
  private closed = false;
  private physical: Readonly<P> | undefined;
  private pending: Readonly<P> | undefined;

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

  /** Puts parameters from `setParams` in force; every subclass's `reset` calls it before building the world. */
  protected adoptPendingParams(): void {
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
    return endOnNonFinite(this.id, this.stepWorld(action));
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
