/**
 * Sigma-delta (integrate-and-fire) encoding of a non-negative signal x[t] into spike times.
 *
 * 'integrate-and-fire' — classical first-order ΣΔ modulator:
 *     v[t] = v[t−1] + x[t];   spike at t iff v[t] ≥ θ, then v[t] −= θ
 *   mean rate = x/θ spikes per step. Decoding with the PSP kernel ε (area c·τs) and gain g gives
 *   g·(ε∗o) ≈ x when θ = g·c·τs, which is the default threshold here.
 *
 * 'kernel' — ΣΔ whose loop filter is the decoder itself (noise shaping with ε): the encoder keeps
 *   the decoder's reconstruction y[t] = g·a[t], a[t] = α·a[t−1] + c·o[t], and fires at t iff the
 *   spike brings y[t] closer to x[t]:   x[t] − g·α·a[t−1] > g·c/2.
 *   It tracks with less lag than the plain integrator because it sees the decoder's leak.
 *
 * Reference: Yoon, "LIF and simplified SRM neurons encode signals into spikes via a form of
 * asynchronous pulse sigma-delta modulation", IEEE TNNLS 2017.
 */
import { DEFAULT_MOTOR_PSP, resolvePsp, type PspOptions } from '../neurons/defaults.ts';

export type SigmaDeltaMode = 'integrate-and-fire' | 'kernel';

export interface SigmaDeltaOptions {
  mode: SigmaDeltaMode;
  /** Decoder gain g: the signal a decoder reads back is g·(ε∗o). */
  gain: number;
  /** The decoder's PSP kernel. */
  psp: PspOptions;
  /** 'integrate-and-fire' only: firing threshold θ; defaults to g·c·τs (see header). */
  threshold?: number;
}

export const DEFAULT_SIGMA_DELTA: Readonly<SigmaDeltaOptions> = Object.freeze({
  mode: 'kernel',
  gain: 2,
  psp: DEFAULT_MOTOR_PSP,
});

/** Encoder state: the integrator (IF) or the decoder's PSP (kernel). */
export interface SigmaDeltaState {
  v: number;
}

export interface SigmaDeltaStepper {
  readonly options: Readonly<SigmaDeltaOptions>;
  initialState(): SigmaDeltaState;
  /** Pure step: returns whether to spike and the next state. */
  step(x: number, state: SigmaDeltaState): { spike: boolean; state: SigmaDeltaState };
}

/** Builds a pure step function for one channel. */
export function createSigmaDelta(opts: Partial<SigmaDeltaOptions> = {}): SigmaDeltaStepper {
  const o: SigmaDeltaOptions = { ...DEFAULT_SIGMA_DELTA, ...opts, psp: { ...DEFAULT_SIGMA_DELTA.psp, ...opts.psp } };
  if (!(o.gain > 0)) throw new Error(`sigma-delta: gain must be > 0, got ${o.gain}`);
  const k = resolvePsp(o.psp);
  if (o.mode === 'integrate-and-fire') {
    const theta = o.threshold ?? o.gain * k.area;
    if (!(theta > 0)) throw new Error(`sigma-delta: threshold must be > 0, got ${theta}`);
    return {
      options: { ...o, threshold: theta },
      initialState: () => ({ v: 0 }),
      step: (x, s) => {
        const v = s.v + x;
        return v >= theta ? { spike: true, state: { v: v - theta } } : { spike: false, state: { v } };
      },
    };
  }
  if (o.mode !== 'kernel') throw new Error(`sigma-delta: mode must be 'integrate-and-fire' or 'kernel', got ${String(o.mode)}`);
  const half = (o.gain * k.c) / 2;
  return {
    options: o,
    initialState: () => ({ v: 0 }),
    step: (x, s) => {
      const leaked = k.alpha * s.v;
      return x - o.gain * leaked > half ? { spike: true, state: { v: leaked + k.c } } : { spike: false, state: { v: leaked } };
    },
  };
}

/**
 * Encodes a whole signal; returns the spike times (step indices, ascending).
 * Negative samples are an error: split signed signals into push/pull halves first.
 */
export function sigmaDeltaEncode(signal: ArrayLike<number>, opts: Partial<SigmaDeltaOptions> = {}): Uint32Array {
  const enc = createSigmaDelta(opts);
  let state = enc.initialState();
  const times: number[] = [];
  for (let t = 0; t < signal.length; t++) {
    const x = signal[t]!;
    if (!(x >= 0) || !Number.isFinite(x)) throw new Error(`sigma-delta: sample ${t} is ${x}; the signal must be finite and >= 0`);
    const r = enc.step(x, state);
    state = r.state;
    if (r.spike) times.push(t);
  }
  return Uint32Array.from(times);
}
