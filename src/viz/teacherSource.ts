/**
 * A classical controller seen as a spike source, so the visualizer shows real spikes before a
 * spiking controller exists (and the same raster layout afterwards).
 *
 *   layer 'sensory': population code of the observation (Gaussian receptive fields, N per
 *                    dimension), one integrate-and-fire sub-step per control tick
 *                    (src/encoding/population.ts; Bohte et al. 2002)
 *   layer 'motor':   push/pull pair per action channel c: neuron 2c fires for m_c > 0 and 2c+1
 *                    for m_c < 0, with |m_c|/actionScale encoded by a sigma-delta unit
 *                    (src/encoding/sigmaDelta.ts; Yoon 2017)
 *   motor output:    the controller's action m_c itself
 *
 * Every spike is a deterministic function of the observation/action history, never noise.
 */
import { createPopulationCode, PopulationSpikeEncoder } from '../encoding/population.ts';
import { createSigmaDelta, type SigmaDeltaState } from '../encoding/sigmaDelta.ts';
import type { SpikeSource, SpikeSourceStep } from './types.ts';

export interface TeacherSourceOptions {
  /** The controller: observation → action vector. */
  act(observation: Float64Array): ArrayLike<number>;
  /** Clears the controller's own state at an episode start. */
  resetController?(seed: number): void;
  /** Observation bounds for the population code (finite). */
  low: ArrayLike<number>;
  high: ArrayLike<number>;
  /** Number of action channels. */
  actionDims: number;
  neuronsPerDim: number;
  /** Action magnitude that maps to the sigma-delta encoder's full rate. */
  actionScale: number;
  motorNames?: readonly string[];
}

export const DEFAULT_TEACHER_SOURCE: Pick<TeacherSourceOptions, 'neuronsPerDim' | 'actionScale'> = {
  neuronsPerDim: 16,
  actionScale: 1,
};

type Options = Pick<TeacherSourceOptions, 'act' | 'low' | 'high' | 'actionDims'> & Partial<TeacherSourceOptions>;

/** Wraps `act` as a `SpikeSource` with a 'sensory' and a 'motor' layer (see file header). */
export function teacherSpikeSource(options: Options): SpikeSource {
  const o = { ...DEFAULT_TEACHER_SOURCE, ...options };
  if (!Number.isInteger(o.actionDims) || o.actionDims < 1)
    throw new Error(`teacherSpikeSource: actionDims must be a positive integer, got ${o.actionDims}`);
  if (!(o.actionScale > 0)) throw new Error(`teacherSpikeSource: actionScale must be > 0, got ${o.actionScale}`);
  const code = createPopulationCode({ low: o.low, high: o.high, neuronsPerDim: o.neuronsPerDim });
  const sensory = new PopulationSpikeEncoder(code, 1);
  const sensoryOut = new Float32Array(code.size);
  // Sigma-delta with gain 1 reads back |m|/actionScale ∈ [0, 1] from the motor neurons' PSPs.
  const sd = createSigmaDelta({ mode: 'kernel', gain: 1 });
  let sdState: SigmaDeltaState[] = [];
  const reset = (seed = 0): void => {
    o.resetController?.(seed);
    sensory.reset();
    sdState = Array.from({ length: 2 * o.actionDims }, () => sd.initialState());
  };
  reset();
  return {
    layers: [
      { name: 'sensory', size: code.size },
      { name: 'motor', size: 2 * o.actionDims },
    ],
    motorNames: o.motorNames ?? Array.from({ length: o.actionDims }, (_, i) => `a${i}`),
    reset,
    step(observation: Float64Array): SpikeSourceStep {
      sensory.setObservation(observation);
      sensory.step(sensoryOut);
      const fired: number[] = [];
      for (let k = 0; k < sensoryOut.length; k++) if (sensoryOut[k] === 1) fired.push(k);
      const action = o.act(observation);
      if (action.length !== o.actionDims)
        throw new Error(`teacherSpikeSource: controller returned ${action.length} values, expected ${o.actionDims}`);
      const motor = new Float32Array(o.actionDims);
      const motorFired: number[] = [];
      for (let c = 0; c < o.actionDims; c++) {
        const m = action[c]!;
        motor[c] = m;
        const x = Math.min(1, Math.abs(m) / o.actionScale);
        for (const [side, drive] of [
          [0, m > 0 ? x : 0],
          [1, m < 0 ? x : 0],
        ] as const) {
          const r = sd.step(drive, sdState[2 * c + side]!);
          sdState[2 * c + side] = r.state;
          if (r.spike) motorFired.push(2 * c + side);
        }
      }
      return { action: Float64Array.from(action), spikes: [Uint32Array.from(fired), Uint32Array.from(motorFired)], motor };
    },
  };
}
