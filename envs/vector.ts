/**
 * Steps N copies of an env in lock-step (Gymnasium `SyncVectorEnv`, autoreset on the next step's
 * boundary): observations and rewards come back in flat typed arrays, row i for copy i.
 * Copy i is seeded `seed + i`; a finished copy resets itself inside the same `step` and its row
 * then holds the new episode's first observation (the final one is in `finalObservations`).
 */
import type { Action, Env } from './core.ts';
import { flatSize } from './spaces.ts';

export interface VectorStepResult {
  /** [N × obsDim], row-major. */
  observations: Float64Array;
  rewards: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** Last observation of copies that finished this step (undefined for the others). */
  finalObservations: Array<Float64Array | undefined>;
}

export class VectorEnv {
  readonly envs: readonly Env[];
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly actDim: number;
  private readonly obs: Float64Array;
  private readonly rewards: Float64Array;
  private readonly term: Uint8Array;
  private readonly trunc: Uint8Array;
  private readonly finals: Array<Float64Array | undefined>;

  /** `make(i)` builds copy i (e.g. `() => makeEnv('cartpole')`). */
  constructor(make: (index: number) => Env, numEnvs: number) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new Error(`VectorEnv: numEnvs must be a positive integer, got ${numEnvs}`);
    this.envs = Array.from({ length: numEnvs }, (_, i) => make(i));
    this.numEnvs = numEnvs;
    this.obsDim = this.envs[0]!.observationSpace.low.length;
    this.actDim = flatSize(this.envs[0]!.actionSpace);
    for (const e of this.envs) {
      if (e.observationSpace.low.length !== this.obsDim || flatSize(e.actionSpace) !== this.actDim)
        throw new Error(`VectorEnv: all copies must share observation and action sizes (${e.id} differs)`);
    }
    this.obs = new Float64Array(numEnvs * this.obsDim);
    this.rewards = new Float64Array(numEnvs);
    this.term = new Uint8Array(numEnvs);
    this.trunc = new Uint8Array(numEnvs);
    this.finals = new Array(numEnvs).fill(undefined);
  }

  /** Resets copy i with seed `seed + i` (or unseeded continuation when `seed` is undefined). */
  reset(seed?: number): Float64Array {
    this.envs.forEach((e, i) => this.obs.set(e.reset(seed === undefined ? {} : { seed: seed + i }).observation, i * this.obsDim));
    return this.obs;
  }

  /**
   * Steps every copy. `actions` is [N × actDim] row-major (for Discrete spaces, one integer per copy).
   * The returned arrays are reused by the next call.
   */
  step(actions: ArrayLike<number>): VectorStepResult {
    const { numEnvs: n, actDim: d } = this;
    if (actions.length !== n * d) throw new Error(`VectorEnv: actions must have length ${n}×${d} = ${n * d}, got ${actions.length}`);
    for (let i = 0; i < n; i++) {
      const env = this.envs[i]!;
      const a: Action = env.actionSpace.kind === 'discrete' ? actions[i]! : subarray(actions, i * d, d);
      const r = env.step(a);
      this.rewards[i] = r.reward;
      this.term[i] = r.terminated ? 1 : 0;
      this.trunc[i] = r.truncated ? 1 : 0;
      if (r.terminated || r.truncated) {
        this.finals[i] = r.observation;
        this.obs.set(env.reset().observation, i * this.obsDim);
      } else {
        this.finals[i] = undefined;
        this.obs.set(r.observation, i * this.obsDim);
      }
    }
    return { observations: this.obs, rewards: this.rewards, terminated: this.term, truncated: this.trunc, finalObservations: this.finals };
  }

  close(): void {
    for (const e of this.envs) e.close();
  }
}

function subarray(a: ArrayLike<number>, start: number, len: number): ArrayLike<number> {
  if (a instanceof Float64Array || a instanceof Float32Array) return a.subarray(start, start + len);
  return Array.prototype.slice.call(a, start, start + len) as number[];
}
