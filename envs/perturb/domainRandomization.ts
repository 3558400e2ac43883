/**
 * Domain randomisation (Tobin et al., IROS 2017): at every reset each named physical parameter is
 * set to its nominal value times a factor drawn uniformly from its range; the env rebuilds its
 * world with them (`Env.setParams`, in force from that reset). The reset's `info.params` holds the
 * parameters of the episode. Draws come from the wrapper's own stream, in a fixed (sorted) order of
 * names, so every controller reset with the same seed gets the same body.
 */
import type { Env, EnvParams, ResetOptions, ResetResult } from '../core.ts';
import { EnvWrapper } from '../wrappers.ts';
import { EpisodeStream } from './stream.ts';

export interface DomainRandomizationOptions {
  /** Parameter name → [min, max] factor on its nominal value. */
  factors: Readonly<Record<string, readonly [number, number]>>;
}

const SALT = 0xd0_3a11;

export class DomainRandomization extends EnvWrapper {
  /** The parameters of the wrapped env when the wrapper was built: what the factors multiply. */
  readonly nominal: EnvParams;
  private readonly ranges: ReadonlyArray<readonly [string, number, number]>;
  private readonly stream = new EpisodeStream(SALT);

  constructor(inner: Env, options: DomainRandomizationOptions) {
    super(inner);
    if (!inner.params || !inner.setParams) throw new Error(`DomainRandomization: ${inner.id} has no physical parameters`);
    this.nominal = Object.freeze({ ...inner.params });
    const known = Object.keys(this.nominal);
    this.ranges = Object.keys(options.factors)
      .sort()
      .map((name) => {
        if (!known.includes(name))
          throw new Error(`DomainRandomization: ${inner.id} has no parameter '${name}'; known: ${known.join(', ')}`);
        const [lo, hi] = options.factors[name]!;
        if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo > 0 && hi >= lo))
          throw new Error(`DomainRandomization: factors.${name} must be [min, max] with 0 < min <= max, got [${lo}, ${hi}]`);
        return [name, lo, hi] as const;
      });
  }

  override reset(opts?: ResetOptions): ResetResult {
    const rng = this.stream.reset(opts?.seed);
    const drawn: Record<string, number> = {};
    for (const [name, lo, hi] of this.ranges) drawn[name] = this.nominal[name]! * rng.uniform(lo, hi);
    this.inner.setParams!(drawn);
    const r = this.inner.reset(opts);
    return { ...r, info: { ...r.info, params: this.inner.params } };
  }
}
