/**
 * What every matter-js environment shares: drawing the world, the visualizer's push, and the
 * closed state. A subclass owns its `physics` (rebuilt at reset when it needs to) and re-reads its
 * plain state after anything outside `step` moved the bodies.
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
  abstract step(action: Action): StepResult;
  /** Refreshes the plain state from the bodies. */
  protected abstract readState(): void;

  /** The reach target drawn with the world, for envs that have one. */
  protected snapshotTarget(): readonly [number, number] | undefined {
    return undefined;
  }

  snapshot(): WorldSnapshot {
    return snapshotPhysics(this.physics, this.snapshotTarget());
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
