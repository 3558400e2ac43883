/**
 * Random pushes: an impulse of fixed magnitude on one body, at random times (interval uniform in
 * [min, max] s, the first that long after the reset), in a random direction. The push lands at the
 * body's centre just before the step it falls in, so the controller sees its effect in the next
 * observation; that step's `info.push` records it. Times and directions come from the wrapper's own
 * stream, never from the state, so every controller meets the same pushes for the same seed.
 */
import type { Action, Env, ResetOptions, ResetResult, StepResult } from '../core.ts';
import { EnvWrapper } from '../wrappers.ts';
import { EpisodeStream } from './stream.ts';
import type { Rng } from '../../src/util/random.ts';

export interface PushOptions {
  /** Impulse per push (N·s). */
  impulseNs: number;
  /** Time between pushes (s), uniform in [min, max]. */
  intervalS: readonly [number, number];
  /** Label of the pushed body in the world snapshot (e.g. 'pole'). */
  body: string;
  /** 'horizontal': along ±x, random sign; 'any': a uniformly random direction in the plane. */
  direction: 'horizontal' | 'any';
}

export const DEFAULT_PUSH_INTERVAL_S: readonly [number, number] = Object.freeze([1, 3] as const);

/** What a push did, in the step's `info.push`. */
export interface PushRecord {
  timeS: number;
  body: string;
  impulse: [number, number];
}

const SALT = 0x7a11_5eed;

export class RandomPushes extends EnvWrapper {
  readonly options: Readonly<PushOptions>;
  private readonly stream = new EpisodeStream(SALT);
  private rng: Rng | undefined;
  private bodyId = -1;
  private elapsedS = 0;
  private nextPushS = Infinity;

  constructor(inner: Env, options: PushOptions) {
    super(inner);
    const { impulseNs, intervalS, body, direction } = options;
    if (!(Number.isFinite(impulseNs) && impulseNs >= 0))
      throw new Error(`RandomPushes: impulseNs must be a finite number >= 0, got ${impulseNs}`);
    if (!(intervalS.length === 2 && intervalS[0] > 0 && Number.isFinite(intervalS[1]) && intervalS[1] >= intervalS[0])) {
      throw new Error(`RandomPushes: intervalS must be [min, max] with 0 < min <= max, got [${intervalS.join(', ')}]`);
    }
    if (direction !== 'horizontal' && direction !== 'any')
      throw new Error(`RandomPushes: direction must be 'horizontal' or 'any', got '${String(direction)}'`);
    if (!inner.applyImpulse) throw new Error(`RandomPushes: ${inner.id} does not support applyImpulse`);
    this.options = Object.freeze({ impulseNs, intervalS: [intervalS[0], intervalS[1]] as const, body, direction });
  }

  override reset(opts?: ResetOptions): ResetResult {
    this.rng = this.stream.reset(opts?.seed);
    const r = this.inner.reset(opts);
    const bodies = this.inner.snapshot().bodies;
    const b = bodies.find((x) => x.label === this.options.body && !x.isStatic);
    if (!b)
      throw new Error(
        `RandomPushes: ${this.id} has no movable body '${this.options.body}'; bodies: ${bodies
          .filter((x) => !x.isStatic)
          .map((x) => x.label)
          .join(', ')}`,
      );
    this.bodyId = b.id;
    this.elapsedS = 0;
    this.nextPushS = this.drawInterval();
    return r;
  }

  override step(action: Action): StepResult {
    if (!this.rng) throw new Error(`${this.id}: step() before reset()`);
    let push: PushRecord | undefined;
    if (this.elapsedS >= this.nextPushS) {
      push = this.push();
      this.nextPushS += this.drawInterval();
    }
    const r = this.inner.step(action);
    this.elapsedS += this.metadata.dtS;
    if (push) r.info = { ...r.info, push };
    return r;
  }

  private drawInterval(): number {
    const [lo, hi] = this.options.intervalS;
    return this.rng!.uniform(lo, hi);
  }

  private push(): PushRecord {
    const { impulseNs: j, direction, body } = this.options;
    const rng = this.rng!;
    const impulse: [number, number] =
      direction === 'horizontal' ? [rng.next() < 0.5 ? -j : j, 0] : polar(j, rng.uniform(-Math.PI, Math.PI));
    const at = this.inner.snapshot().bodies[this.bodyId]!.position;
    this.inner.applyImpulse!(this.bodyId, at, impulse);
    return { timeS: this.elapsedS, body, impulse };
  }
}

function polar(r: number, a: number): [number, number] {
  return [r * Math.cos(a), r * Math.sin(a)];
}
