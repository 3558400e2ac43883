/**
 * The training objective of a classification experiment, from its `label` section:
 *
 *   spike-seq:  targets = desired trains [T, B, 10] (pattern on the label neuron), L = spike-sequence (PSP) loss
 *   rate:       targets = rates [B, 10] (rateHigh on the label neuron, rateLow elsewhere), L = STBP rate loss
 *
 * rateHigh defaults to the spike-seq pattern's spikes per step, so both ask for the same number
 * of output spikes and differ only in whether their timing matters.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { classSpikeTrains, classTargets, DEFAULT_CLASS_TRAINS, targetPattern, type ClassPattern } from '../labels/classification.ts';
import type { LayerPspOptions } from '../layers/neuronOptions.ts';
import { DEFAULT_SPIKE_SEQUENCE_LOSS, rateLoss, spikeSequenceLoss } from '../loss/index.ts';
import type { LossFn } from '../train/trainer.ts';
import type { ExperimentConfig } from './config.ts';

export interface Objective {
  type: 'spike-seq' | 'rate';
  loss: LossFn;
  targets(labels: ArrayLike<number>): tf.Tensor;
  /** PSP of the argmax-PSP readout. */
  readoutPsp: Partial<LayerPspOptions>;
  /** The parameters in effect (for results.json). */
  describe: Record<string, unknown>;
}

export const NUM_CLASSES = 10;

export function makeObjective(label: ExperimentConfig['label'], T: number): Objective {
  const pattern: ClassPattern = label.pattern ?? DEFAULT_CLASS_TRAINS.pattern;
  const k = label.k ?? DEFAULT_CLASS_TRAINS.k;
  const psp = { ...DEFAULT_SPIKE_SEQUENCE_LOSS.psp, ...label.psp };
  const reduction = label.reduction ?? 'sum';
  if (label.type === 'spike-seq') {
    return {
      type: 'spike-seq',
      loss: (out, d) => spikeSequenceLoss(out, d, { psp, reduction }),
      targets: (labels) => classSpikeTrains(labels, { T, numClasses: NUM_CLASSES, pattern, k }),
      readoutPsp: psp,
      describe: { type: 'spike-seq', pattern, k, psp, reduction },
    };
  }
  const p = targetPattern({ T, pattern, k });
  const high = label.rateHigh ?? p.reduce((a, b) => a + b, 0) / T;
  const low = label.rateLow ?? 0;
  if (!(high > low)) throw new Error(`label: rateHigh (${high}) must be greater than rateLow (${low})`);
  return {
    type: 'rate',
    loss: (out, r) => rateLoss(out, r, { reduction }),
    targets: (labels) => classTargets(labels, NUM_CLASSES, high, low),
    readoutPsp: psp,
    describe: { type: 'rate', rateHigh: high, rateLow: low, reduction, readoutPsp: psp },
  };
}
