/**
 * One-job wrappers (Gymnasium `core.Wrapper`, `wrappers.TimeLimit`): `EnvWrapper` forwards every
 * part of the `Env` contract to the wrapped env, so a wrapper overrides only what it changes and
 * wrappers stack in any order. The episode limit lives here, not in env code.
 */
import type { Action, Env, EnvParams, ResetOptions, ResetResult, StepResult, WorldSnapshot } from './core.ts';

/** Forwards everything to `inner`; subclasses override the one thing they change. */
export abstract class EnvWrapper implements Env {
  constructor(readonly inner: Env) {}
  get id(): string {
    return this.inner.id;
  }
  get observationSpace() {
    return this.inner.observationSpace;
  }
  get actionSpace() {
    return this.inner.actionSpace;
  }
  get metadata() {
    return this.inner.metadata;
  }
  get params(): EnvParams | undefined {
    return this.inner.params;
  }

  setParams(params: EnvParams): void {
    if (!this.inner.setParams) throw new Error(`${this.id}: this env has no physical parameters to set`);
    this.inner.setParams(params);
  }

  reset(opts?: ResetOptions): ResetResult {
    return this.inner.reset(opts);
  }
  step(action: Action): StepResult {
    return this.inner.step(action);
  }
  snapshot(): WorldSnapshot {
    return this.inner.snapshot();
  }

  applyImpulse(bodyId: number, point: readonly [number, number], impulse: readonly [number, number]): void {
    if (!this.inner.applyImpulse) throw new Error(`${this.id}: this env does not support applyImpulse`);
    this.inner.applyImpulse(bodyId, point, impulse);
  }

  close(): void {
    this.inner.close();
  }
}

/**
 * Sets `truncated` once `maxEpisodeSteps` steps have run, as Gymnasium does: on the limit step it is
 * set even when the env also terminated there (both flags true).
 */
export class TimeLimit extends EnvWrapper {
  private elapsed = 0;
  readonly maxEpisodeSteps: number;

  constructor(inner: Env, maxEpisodeSteps = inner.metadata.maxEpisodeSteps) {
    super(inner);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 1)
      throw new Error(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    this.maxEpisodeSteps = maxEpisodeSteps;
  }
  /** Steps taken in the current episode. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  override reset(opts?: ResetOptions): ResetResult {
    this.elapsed = 0;
    return this.inner.reset(opts);
  }

  override step(action: Action): StepResult {
    const r = this.inner.step(action);
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps) r.truncated = true;
    return r;
  }
}

/**
 * The same env under another id: how a user module registers a variant of a built-in body (e.g.
 * other physical parameters) as an env of its own, so that controllers and results name it.
 */
export class Renamed extends EnvWrapper {
  constructor(
    inner: Env,
    private readonly newId: string,
  ) {
    super(inner);
  }
  override get id(): string {
    return this.newId;
  }
}
