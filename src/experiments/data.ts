/**
 * Trainer datasets over the CIFAR-10 / N-MNIST loaders: samples are decoded per batch (memory
 * stays one batch of frames), labels become targets through the objective.
 *
 * Training uses a seeded permutation of the training split cut to `trainLimit`; with
 * `epochSamples` each epoch takes the next chunk of that permutation (wrapping), so short
 * epochs still walk through the whole subset.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Cifar10Dataset } from '../data/cifar10.ts';
import { NmnistDataset } from '../data/nmnist.ts';
import type { Batch, Dataset } from '../train/trainer.ts';
import { createRng, shuffleInPlace, type Rng } from '../util/random.ts';
import type { ResolvedExperiment } from './config.ts';
import type { Objective } from './objective.ts';

/** What both loaders offer: decode a list of sample indices into a batch. */
export interface SampleSource {
  readonly size: number;
  decode(idx: ArrayLike<number>, augment?: Rng): { x: Float32Array; shape: number[]; labels: Int32Array };
}

export function loadSources(exp: ResolvedExperiment, dir: string): { train: SampleSource; test: SampleSource } {
  if (exp.dataset === 'nmnist') {
    const d = exp.data ?? {};
    const opts = {
      ...(d.windowMs !== undefined ? { windowMs: d.windowMs } : {}),
      ...(d.steps !== undefined ? { steps: d.steps } : {}),
      ...(d.mode !== undefined ? { mode: d.mode } : {}),
      ...(d.downsample !== undefined ? { downsample: d.downsample } : {}),
      flatten: d.flatten ?? false,
    };
    return { train: NmnistDataset.load(dir, 'train', opts), test: NmnistDataset.load(dir, 'test', opts) };
  }
  const trainBatches = exp.data?.trainBatches;
  return {
    train: Cifar10Dataset.load(dir, 'train', trainBatches ? { trainBatches } : {}),
    test: Cifar10Dataset.load(dir, 'test'),
  };
}

/** A dataset whose sample `i` is `source[pool[i]]`. */
export class PooledDataset implements Dataset {
  constructor(
    readonly source: SampleSource,
    public pool: Int32Array,
    readonly objective: Objective,
    readonly augment?: Rng,
  ) {}

  get size(): number {
    return this.pool.length;
  }

  batch(indices: Int32Array): Batch {
    const idx = Int32Array.from(indices, (i) => this.pool[i]!);
    const b = this.source.decode(idx, this.augment);
    return { inputs: tf.tensor(b.x, b.shape), targets: this.objective.targets(b.labels), labels: b.labels };
  }
}

/** The training subset: a seeded permutation of the split, cut to `limit`. */
export function trainingPool(size: number, limit: number | undefined, seed: number): Int32Array {
  const all = Int32Array.from({ length: size }, (_, i) => i);
  shuffleInPlace(all, createRng(seed ^ 0x5eed));
  return limit === undefined ? all : all.slice(0, Math.min(limit, size));
}

/** Epoch `e` (0-based) of `epochSamples` samples out of `pool`, wrapping around. */
export function epochChunk(pool: Int32Array, epochSamples: number | undefined, e: number): Int32Array {
  if (epochSamples === undefined || epochSamples >= pool.length) return pool;
  const out = new Int32Array(epochSamples);
  const start = (e * epochSamples) % pool.length;
  for (let i = 0; i < epochSamples; i++) out[i] = pool[(start + i) % pool.length]!;
  return out;
}
