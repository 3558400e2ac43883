/**
 * Actuator operator: decodes the output layer's spike events into one command vector per control
 * tick, as a pure `scan` over ticks (the motor decoder of `src/encoding/motorDecoder.ts` in event form):
 *
 *   per sub-step k:  a_i ← α·a_i + c·[neuron i fired at k]        (i = 2ch push, 2ch+1 pull)
 *                    m̂_ch[k] = g·(a_2ch − a_2ch+1)
 *                    (P neurons per side: m̂_ch = (g/P)·(Σ push group − Σ pull group), as the decoder)
 *   per tick:        action_ch = scale_ch · readout_k(m̂_ch[k])     readout = mean over k, or last k
 *
 * The scan state (one PSP per output neuron) is copied, never mutated, so the operator can be
 * subscribed any number of times; it restarts from zero when the tick's episode changes.
 */
import { scan, map, type OperatorFunction } from 'rxjs';
import { DEFAULT_MOTOR_DECODER, type ControlReadout } from '../encoding/motorDecoder.ts';
import { resolvePsp, type PspOptions } from '../neurons/defaults.ts';
import type { SpikeTick } from './events.ts';

export interface MotorActuatorOptions {
  /** Index of the output layer in the ticks (the policy's `layerSizes.length − 1`). */
  layer: number;
  channels: number;
  /** SNN sub-steps per tick. */
  substeps: number;
  gain: number;
  psp: PspOptions;
  /** Output neurons per side of each channel (P). */
  population: number;
  readout: ControlReadout;
  /** Per-channel multiplier (e.g. newtons per unit command); one value applies to all. */
  scale: ArrayLike<number>;
}

export const DEFAULT_MOTOR_ACTUATOR = Object.freeze({
  gain: DEFAULT_MOTOR_DECODER.gain,
  psp: DEFAULT_MOTOR_DECODER.psp,
  population: DEFAULT_MOTOR_DECODER.population,
  readout: 'mean' as ControlReadout,
  scale: Object.freeze([1]) as ArrayLike<number>,
});

interface DecoderState {
  readonly episode: number;
  readonly psp: Float64Array;
  readonly action: Float64Array;
}

export function motorActuator(
  opts: Pick<MotorActuatorOptions, 'layer' | 'channels' | 'substeps'> & Partial<MotorActuatorOptions>,
): OperatorFunction<SpikeTick, Float64Array> {
  const o = { ...DEFAULT_MOTOR_ACTUATOR, ...opts };
  const { alpha, c } = resolvePsp(o.psp);
  const C = o.channels;
  if (!Number.isInteger(C) || C < 1) throw new Error(`motorActuator: channels must be an integer >= 1, got ${C}`);
  if (!Number.isInteger(o.substeps) || o.substeps < 1)
    throw new Error(`motorActuator: substeps must be an integer >= 1, got ${o.substeps}`);
  if (o.scale.length !== 1 && o.scale.length !== C) throw new Error(`motorActuator: scale has ${o.scale.length} values, need 1 or ${C}`);
  const P = o.population;
  if (!Number.isInteger(P) || P < 1) throw new Error(`motorActuator: population must be an integer >= 1, got ${P}`);
  const seed: DecoderState = { episode: -1, psp: new Float64Array(2 * C * P), action: new Float64Array(C) };
  const integrate = (prev: DecoderState, tick: SpikeTick): DecoderState => {
    const psp = tick.episode === prev.episode ? Float64Array.from(prev.psp) : new Float64Array(2 * C * P);
    const acc = new Float64Array(C);
    const ev = tick.layers.find((l) => l.layer === o.layer);
    let e = 0;
    for (let k = 0; k < o.substeps; k++) {
      for (let i = 0; i < psp.length; i++) psp[i] = alpha * psp[i]!;
      while (ev && e < ev.neurons.length && ev.times[e] === k) {
        const n = ev.neurons[e]!;
        if (n >= psp.length)
          throw new Error(`motorActuator: tick ${tick.tick} has output neuron ${n}, but ${C} channels give ${psp.length} neurons`);
        psp[n] = psp[n]! + c;
        e++;
      }
      for (let ch = 0; ch < C; ch++) {
        let d = 0;
        for (let j = 0; j < P; j++) d += psp[2 * ch * P + j]! - psp[(2 * ch + 1) * P + j]!;
        const m = (o.gain / P) * d;
        acc[ch] = o.readout === 'last' ? m : acc[ch]! + m / o.substeps;
      }
    }
    if (ev && e < ev.neurons.length) {
      throw new Error(`motorActuator: tick ${tick.tick} layer ${o.layer} has events out of time order or at sub-step >= ${o.substeps}`);
    }
    for (let ch = 0; ch < C; ch++) acc[ch] = acc[ch]! * o.scale[o.scale.length === 1 ? 0 : ch]!;
    return { episode: tick.episode, psp, action: acc };
  };
  return (source) =>
    source.pipe(
      scan(integrate, seed),
      map((s) => s.action),
    );
}
