/**
 * What every matter-js environment shares: drawing the world, the visualizer's push, the closed
 * state, and the guard against a non-finite state. A subclass owns its `physics` (rebuilt at reset
 * when it needs to), implements one control step as `stepWorld`, and re-reads its plain state after
 * anything outside `step` moved the bodies.
 *
 * Non-finite state: a world that has blown up (NaN or ±Infinity in the observation or reward) ends
 * the episode at once — `terminated: true`, reward 0, and `info.error` saying what went non-finite —
 * instead of handing NaN on step after step with `terminated: false`.
 */
import type { Action, BoxSpace, Env, EnvMetadata, ResetOptions, ResetResult, Space, StepResult, WorldSnapshot } from './core.ts';
import { applyImpulseSI, clearPhysics, snapshotPhysics, type Physics } from './physics.ts';

export abstract class PhysicsEnv implements Env {
  abstract readonly id: string;
  abstract readonly observationSpace: BoxSpace;
  abstract readonly actionSpace: Space;
  abstract readonly metadata: EnvMetadata;
  protected abstract physics: Physics;
  private closed = false;

  abstract reset(opts?: ResetOptions): ResetResult;
  /** One control step of the world (the subclass's physics, reward and termination). */
  protected abstract stepWorld(action: Action): StepResult;
  /** Refreshes the plain state from the bodies. */
  protected abstract readState(): void;

  /** The reach target drawn with the world, for envs that have one. */
  protected snapshotTarget(): readonly [number, number] | undefined {
    return undefined;
  }

  snapshot(): WorldSnapshot {
    return snapshotPhysics(this.physics, this.snapshotTarget());
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
