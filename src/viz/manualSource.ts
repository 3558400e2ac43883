/**
 * The keyboard as a spike source: a person holds keys on the page, the page sends the held
 * command per action dimension (each in [−1, 1]), and every control tick the body gets that
 * command mapped onto its action space. The raster shows the same two layers as a teacher's
 * (src/viz/teacherSource.ts): the population-coded observation and the push/pull motor pair.
 */
import { teacherSpikeSource } from './teacherSource.ts';
import type { ManualControl, SpikeSource } from './types.ts';

export interface ManualSourceOptions {
  /** Names of the action dimensions (one key pair each). */
  names: readonly string[];
  /** Maps the held command (one value in [−1, 1] per dimension) to the env's action. */
  toAction(held: readonly number[]): number[];
  /** Observation bounds for the sensory population code (finite). */
  low: ArrayLike<number>;
  high: ArrayLike<number>;
  neuronsPerDim?: number;
  /** Action magnitude that maps to the motor layer's full rate. */
  actionScale?: number;
}

/** A spike source driven by `manual.set` (no key held: all zeros); keys stay held across episodes. */
export function manualSpikeSource(o: ManualSourceOptions): { source: SpikeSource; manual: ManualControl } {
  if (o.names.length < 1) throw new Error('manualSpikeSource: at least one action dimension is needed');
  let held: readonly number[] = o.names.map(() => 0);
  const manual: ManualControl = {
    names: [...o.names],
    set(values) {
      if (values.length !== o.names.length)
        throw new Error(`manual action has ${values.length} values; the body has ${o.names.length} action dimensions`);
      held = values.map((v) => Math.max(-1, Math.min(1, v)));
    },
  };
  const source = teacherSpikeSource({
    act: () => o.toAction(held),
    low: o.low,
    high: o.high,
    actionDims: o.names.length,
    motorNames: o.names,
    ...(o.neuronsPerDim !== undefined ? { neuronsPerDim: o.neuronsPerDim } : {}),
    ...(o.actionScale !== undefined ? { actionScale: o.actionScale } : {}),
  });
  return { source, manual };
}
