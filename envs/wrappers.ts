/**
 * One-job wrappers (Gymnasium `wrappers.TimeLimit`): the episode limit lives here, not in env code.
 */
import type { Action, Env, ResetOptions, ResetResult, StepResult, WorldSnapshot } from './core.ts';

/**
 * Sets `truncated` once `maxEpisodeSteps` steps have run, as Gymnasium does: on the limit step it is
 * set even when the env also terminated there (both flags true).
 */
export class TimeLimit implements Env {
  readonly id: string;
  private elapsed = 0;
  readonly maxEpisodeSteps: number;

  constructor(readonly inner: Env, maxEpisodeSteps = inner.metadata.maxEpisodeSteps) {
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) throw new Error(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    this.id = inner.id;
    this.maxEpisodeSteps = maxEpisodeSteps;
  }
  get observationSpace() { return this.inner.observationSpace; }
  get actionSpace() { return this.inner.actionSpace; }
  get metadata() { return this.inner.metadata; }
  /** Steps taken in the current episode. */
  get elapsedSteps(): number { return this.elapsed; }

  reset(opts?: ResetOptions): ResetResult {
    this.elapsed = 0;
    return this.inner.reset(opts);
  }

  step(action: Action): StepResult {
    const r = this.inner.step(action);
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps) r.truncated = true;
    return r;
  }

  snapshot(): WorldSnapshot { return this.inner.snapshot(); }

  applyImpulse(bodyId: number, point: readonly [number, number], impulse: readonly [number, number]): void {
    if (!this.inner.applyImpulse) throw new Error(`${this.id}: this env does not support applyImpulse`);
    this.inner.applyImpulse(bodyId, point, impulse);
  }

  close(): void { this.inner.close(); }
}
