/**
 * Seeded ordering and batch slicing shared by the dataset loaders.
 * Order: Fisher–Yates over [0, n) driven by createRng(seed), so the same seed gives the same epoch.
 */
import { createRng } from '../util/random.ts';

export interface BatchOptions {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  augment: boolean;
  /** Use at most this many samples (after shuffling); undefined = all. */
  limit?: number;
  /** Keep the last, smaller batch (default true). */
  keepLast: boolean;
}

export const DEFAULT_BATCH: BatchOptions = { batchSize: 32, shuffle: false, seed: 0, augment: false, keepLast: true };

/** One batch: `x` flat in `shape` (channels-last), one label per sample. */
export interface Batch {
  x: Float32Array;
  shape: number[];
  labels: Int32Array;
}

/** Indices [0, n), Fisher–Yates shuffled when `shuffle`. */
export function sampleOrder(n: number, shuffle: boolean, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (!shuffle) return order;
  const rng = createRng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** Validated options and the index groups of each batch of an epoch. */
export function planBatches(n: number, opts: Partial<BatchOptions>): { o: BatchOptions; groups: Int32Array[] } {
  const o = { ...DEFAULT_BATCH, ...opts };
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1)
    throw new Error(`batches: batchSize must be a positive integer, got ${o.batchSize}`);
  if (o.limit !== undefined && (!Number.isInteger(o.limit) || o.limit < 0))
    throw new Error(`batches: limit must be a non-negative integer, got ${o.limit}`);
  const order = sampleOrder(n, o.shuffle, o.seed);
  const total = o.limit === undefined ? n : Math.min(n, o.limit);
  const groups: Int32Array[] = [];
  for (let s = 0; s < total; s += o.batchSize) {
    const e = Math.min(total, s + o.batchSize);
    if (e - s < o.batchSize && !o.keepLast) break;
    groups.push(order.subarray(s, e));
  }
  return { o, groups };
}
