/**
 * `ObservationEncoder`s over the population code: currents held over the sub-steps, or spikes
 * from one integrate-and-fire unit per receptive field (`src/encoding/population.ts`).
 */
import { createPopulationCode, populationEncode, PopulationSpikeEncoder, type PopulationOptions } from '../encoding/population.ts';
import type { ObservationEncoder } from './policy.ts';

type PopulationArgs = Pick<PopulationOptions, 'low' | 'high'> & Partial<PopulationOptions>;

/** Gaussian receptive-field currents, the same for every sub-step of a control period. */
export function populationCurrentEncoder(opts: PopulationArgs): ObservationEncoder {
  const code = createPopulationCode(opts);
  const currents = new Float32Array(code.size);
  return {
    size: code.size,
    spiking: false,
    reset: () => currents.fill(0),
    setObservation: (x) => void populationEncode(code, x, currents),
    next: () => currents,
  };
}

/** Gaussian receptive fields driving integrate-and-fire units: 0/1 spikes per sub-step. */
export function populationSpikeEncoder(opts: PopulationArgs & { maxRate?: number }): ObservationEncoder {
  const enc = new PopulationSpikeEncoder(createPopulationCode(opts), opts.maxRate);
  const out = new Float32Array(enc.code.size);
  return {
    size: enc.code.size,
    spiking: true,
    reset: () => enc.reset(),
    setObservation: (x) => enc.setObservation(x),
    next: () => enc.step(out),
  };
}
