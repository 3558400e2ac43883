/**
 * CIFAR-10 "binary version" loader (Krizhevsky 2009, https://www.cs.toronto.edu/~kriz/cifar.html).
 *
 * | bytes      | content                                       |
 * |------------|-----------------------------------------------|
 * | 0          | label 0–9                                     |
 * | 1..1024    | red plane, 32×32 row-major                    |
 * | 1025..2048 | green plane                                   |
 * | 2049..3072 | blue plane                                    |
 *
 * Output x[b, h, w, c] = (pixel/255 − mean[c]) / std[c], channels-last [B, 32, 32, 3] (tfjs convention).
 * Augmentation (as in the STBP CIFAR recipe): zero-pad 4 then random 32×32 crop, flip with p = 0.5.
 * Padding is raw black (pixel 0) before normalising, so a padded pixel is (0 − mean)/std, exactly as
 * torchvision's RandomCrop(32, padding=4) followed by Normalize.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, type Rng } from '../util/random.ts';
import { planBatches, type Batch, type BatchOptions } from './batching.ts';

export const CIFAR_RECORD_BYTES = 3073;
export const CIFAR_SIDE = 32;
export const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

export interface CifarOptions {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** Zero padding before the random crop. */
  cropPad: number;
  /** Probability of a horizontal flip when augmenting. */
  flipProb: number;
}

export const DEFAULT_CIFAR: CifarOptions = {
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.2023, 0.1994, 0.201],
  cropPad: 4,
  flipProb: 0.5,
};

/** Records of one or more CIFAR binary files, validated; `bytes` holds whole records back to back. */
export interface CifarRecords {
  bytes: Uint8Array;
  count: number;
  labels: Int32Array;
}

/** Validates the size and every label byte of one CIFAR binary file's contents. */
export function parseCifarBinary(bytes: Uint8Array, name = '<buffer>'): CifarRecords {
  if (bytes.length === 0) throw new Error(`CIFAR-10 file ${name}: empty`);
  if (bytes.length % CIFAR_RECORD_BYTES !== 0) {
    const whole = Math.floor(bytes.length / CIFAR_RECORD_BYTES);
    throw new Error(
      `CIFAR-10 file ${name}: size ${bytes.length} is not a multiple of ${CIFAR_RECORD_BYTES}; ` +
        `truncated or garbled record at byte offset ${whole * CIFAR_RECORD_BYTES}`,
    );
  }
  const count = bytes.length / CIFAR_RECORD_BYTES;
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const l = bytes[i * CIFAR_RECORD_BYTES]!;
    if (l > 9) throw new Error(`CIFAR-10 file ${name}: label byte ${l} > 9 in record ${i} at byte offset ${i * CIFAR_RECORD_BYTES}`);
    labels[i] = l;
  }
  return { bytes, count, labels };
}

/** Concatenates several validated record sets. */
export function concatRecords(parts: readonly CifarRecords[]): CifarRecords {
  const count = parts.reduce((s, p) => s + p.count, 0);
  const bytes = new Uint8Array(count * CIFAR_RECORD_BYTES);
  const labels = new Int32Array(count);
  let r = 0;
  for (const p of parts) {
    bytes.set(p.bytes, r * CIFAR_RECORD_BYTES);
    labels.set(p.labels, r);
    r += p.count;
  }
  return { bytes, count, labels };
}

/**
 * Writes record `rec` into out[off .. off+3072) channels-last, normalised; with `rng`, random crop + flip.
 */
export function decodeCifarRecord(
  recs: CifarRecords,
  rec: number,
  out: Float32Array,
  off: number,
  options: Partial<CifarOptions> = {},
  rng?: Rng,
): void {
  const o = { ...DEFAULT_CIFAR, ...options };
  const base = rec * CIFAR_RECORD_BYTES + 1;
  const S = CIFAR_SIDE;
  let dy = 0,
    dx = 0,
    flip = false;
  if (rng) {
    dy = rng.int(2 * o.cropPad + 1) - o.cropPad;
    dx = rng.int(2 * o.cropPad + 1) - o.cropPad;
    flip = rng.next() < o.flipProb;
  }
  const src = recs.bytes;
  for (let c = 0; c < 3; c++) {
    const inv = 1 / (255 * o.std[c]!);
    const m = o.mean[c]! / o.std[c]!;
    const plane = base + c * S * S;
    for (let y = 0; y < S; y++) {
      const sy = y + dy;
      for (let x = 0; x < S; x++) {
        const xx = flip ? S - 1 - x : x;
        const sx = xx + dx;
        const v = sy < 0 || sy >= S || sx < 0 || sx >= S ? 0 : src[plane + sy * S + sx]!;
        out[off + (y * S + x) * 3 + c] = v * inv - m;
      }
    }
  }
}

export interface CifarSplitOptions extends CifarOptions {
  /** Which training batches to use; missing ones are skipped, but at least one must be present. */
  trainBatches: readonly number[];
}

/** A CIFAR-10 split held as raw bytes (3073 per image); decoding happens per batch. */
export class Cifar10Dataset {
  readonly numClasses = 10;
  readonly sampleShape = [CIFAR_SIDE, CIFAR_SIDE, 3];
  private readonly opts: CifarOptions;

  constructor(
    readonly records: CifarRecords,
    options: Partial<CifarOptions> = {},
  ) {
    this.opts = { ...DEFAULT_CIFAR, ...options };
  }

  get size(): number {
    return this.records.count;
  }

  /** Reads `split` from a cifar-10-batches-bin folder. */
  static load(dir: string, split: 'train' | 'test', options: Partial<CifarSplitOptions> = {}): Cifar10Dataset {
    const wanted = split === 'test' ? ['test_batch.bin'] : (options.trainBatches ?? [1, 2, 3, 4, 5]).map((i) => `data_batch_${i}.bin`);
    const present = wanted.filter((f) => existsSync(join(dir, f)));
    if (present.length === 0) {
      throw new Error(
        `CIFAR-10 ${split}: none of ${wanted.join(', ')} found in ${dir}; put the binary-version files (cifar-10-batches-bin) there`,
      );
    }
    const parts = present.map((f) => {
      const p = join(dir, f);
      if (!statSync(p).isFile()) throw new Error(`CIFAR-10 file ${p}: not a regular file`);
      return parseCifarBinary(new Uint8Array(readFileSync(p)), p);
    });
    return new Cifar10Dataset(parts.length === 1 ? parts[0]! : concatRecords(parts), options);
  }

  /** Decodes the samples `idx` into one batch; `rng` turns augmentation on. */
  decode(idx: ArrayLike<number>, rng?: Rng): Batch {
    const n = idx.length;
    const per = CIFAR_SIDE * CIFAR_SIDE * 3;
    const x = new Float32Array(n * per);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const r = idx[i]!;
      if (!Number.isInteger(r) || r < 0 || r >= this.size) throw new Error(`CIFAR-10: sample index ${r} out of range [0, ${this.size})`);
      decodeCifarRecord(this.records, r, x, i * per, this.opts, rng);
      labels[i] = this.records.labels[r]!;
    }
    return { x, shape: [n, CIFAR_SIDE, CIFAR_SIDE, 3], labels };
  }

  /** Streams `[B, 32, 32, 3]` batches; one batch decoded at a time. */
  async *batches(options: Partial<BatchOptions> = {}): AsyncGenerator<Batch> {
    const { o, groups } = planBatches(this.size, options);
    // Augmentation stream is separate from the shuffle stream so toggling augment keeps the order.
    const rng = o.augment ? createRng(o.seed).fork() : undefined;
    for (const g of groups) yield this.decode(g, rng);
  }
}
