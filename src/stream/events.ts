/**
 * What flows on the closed loop's streams. Spikes are batched per control tick: for each layer,
 * the neurons that fired and the sub-step (0..Tsub−1) at which they fired, in firing order.
 */

/** Spikes of one layer during one control tick: `neurons[k]` fired at sub-step `times[k]`. */
export interface SpikeLayerEvents {
  /** Index into the policy's `layerSizes` (0 = input layer). */
  readonly layer: number;
  readonly neurons: Uint32Array;
  readonly times: Uint16Array;
}

export interface SpikeTick {
  /** Control step index since the loop started (not reset between episodes). */
  readonly tick: number;
  /** Index of the first SNN sub-step of this tick, since the loop started. */
  readonly t0: number;
  /** Episode index; decoders restart their state when it changes (the policy was reset). */
  readonly episode: number;
  readonly layers: readonly SpikeLayerEvents[];
}

/** The controller the loop drives: one control step in, an action and the tick's spikes out. */
export interface SpikingPolicy {
  /** Neurons per layer, input first. */
  readonly layerSizes: readonly number[];
  /** SNN sub-steps per control step. */
  readonly substeps: number;
  reset(): void;
  step(observation: Float64Array): { action: Float64Array; spikes: SpikeLayerEvents[] };
}
