/**
 * Observation noise: adds zero-mean Gaussian noise of a given σ to each observation dimension (at
 * reset and every step), then clips into the observation space's finite bounds (a saturating
 * sensor). The noise comes from the wrapper's own stream, so controllers reset with the same seed
 * see the same noise sequence.
 */
import type { Action, Env, ResetOptions, ResetResult, StepResult } from '../core.ts';
import { EnvWrapper } from '../wrappers.ts';
import { EpisodeStream } from './stream.ts';
import type { Rng } from '../../src/util/random.ts';

export interface ObservationNoiseOptions {
  /** Noise std per observation dimension, in the observation's units (one value: every dimension). */
  sigma: number | readonly number[];
}

const SALT = 0x0b5e_7e01;

export class ObservationNoise extends EnvWrapper {
  readonly sigma: Float64Array;
  private readonly stream = new EpisodeStream(SALT);
  private rng: Rng | undefined;

  constructor(inner: Env, options: ObservationNoiseOptions) {
    super(inner);
    const n = inner.observationSpace.low.length;
    const s = typeof options.sigma === 'number' ? new Array<number>(n).fill(options.sigma) : options.sigma;
    if (s.length !== n) throw new Error(`ObservationNoise: sigma has ${s.length} values, ${inner.id} observations have ${n}`);
    s.forEach((v, i) => {
      if (!(Number.isFinite(v) && v >= 0)) throw new Error(`ObservationNoise: sigma[${i}] must be a finite number >= 0, got ${v}`);
    });
    this.sigma = Float64Array.from(s);
  }

  override reset(opts?: ResetOptions): ResetResult {
    this.rng = this.stream.reset(opts?.seed);
    const r = this.inner.reset(opts);
    return { ...r, observation: this.corrupt(r.observation) };
  }

  override step(action: Action): StepResult {
    if (!this.rng) throw new Error(`${this.id}: step() before reset()`);
    const r = this.inner.step(action);
    r.observation = this.corrupt(r.observation);
    return r;
  }

  private corrupt(obs: Float64Array): Float64Array {
    const { low, high } = this.observationSpace;
    const out = new Float64Array(obs.length);
    for (let i = 0; i < obs.length; i++) {
      const x = obs[i]! + this.sigma[i]! * this.rng!.normal();
      out[i] = x < low[i]! ? low[i]! : x > high[i]! ? high[i]! : x;
    }
    return out;
  }
}
