import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cifar10Dataset, parseCifarBinary, DEFAULT_CIFAR } from '../../src/data/cifar10.ts';
import type { Batch } from '../../src/data/batching.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'cifar10');
const SHARED = process.env.SPIKELOOP_SHARED_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data');

async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('CIFAR-10 binary loader', () => {
  it('reads the fixture records with labels and normalises pixels channels-last', () => {
    const ds = Cifar10Dataset.load(FIX, 'train');
    expect(ds.size).toBe(40);
    const raw = new Uint8Array(readFileSync(join(FIX, 'data_batch_1.bin')));
    // The first CIFAR-10 training image is a frog (label 6), the second a truck (9).
    expect(Array.from(ds.records.labels.subarray(0, 2))).toEqual([6, 9]);
    const b = ds.decode([1]);
    expect(b.shape).toEqual([1, 32, 32, 3]);
    const rec = 3073 + 1;
    for (const [y, x, c] of [
      [0, 0, 0],
      [5, 17, 1],
      [31, 31, 2],
    ] as const) {
      const px = raw[rec + c * 1024 + y * 32 + x]!;
      expect(b.x[(y * 32 + x) * 3 + c]).toBeCloseTo((px / 255 - DEFAULT_CIFAR.mean[c]) / DEFAULT_CIFAR.std[c], 5);
    }
  });

  it('rejects a file whose size is not a multiple of 3073, naming the file and offset', () => {
    const bytes = new Uint8Array(3073 * 2 + 100);
    expect(() => parseCifarBinary(bytes, 'x.bin')).toThrow(/x\.bin.*byte offset 6146/);
  });

  it('rejects a label byte above 9 with the record offset', () => {
    const bytes = new Uint8Array(3073 * 3);
    bytes[3073 * 2] = 10;
    expect(() => parseCifarBinary(bytes, 'y.bin')).toThrow(/y\.bin.*label byte 10.*record 2.*byte offset 6146/);
  });

  it('says where to put the files when none are present', () => {
    expect(() => Cifar10Dataset.load(join(FIX, 'nope'), 'train')).toThrow(/data_batch_1\.bin.*cifar-10-batches-bin/);
  });

  it('uses whichever training batch files exist', () => {
    expect(Cifar10Dataset.load(FIX, 'train', { trainBatches: [1, 4] }).size).toBe(40);
    expect(Cifar10Dataset.load(FIX, 'test').size).toBe(20);
  });

  it('batches cover every sample once, shuffled by seed, last batch smaller', async () => {
    const ds = Cifar10Dataset.load(FIX, 'train');
    const a = await collect(ds.batches({ batchSize: 16, shuffle: true, seed: 3 }));
    expect(a.map((b) => b.shape[0])).toEqual([16, 16, 8]);
    const labels = a.flatMap((b) => Array.from(b.labels)).sort();
    expect(labels).toEqual(Array.from(ds.records.labels).sort());
    const again = await collect(ds.batches({ batchSize: 16, shuffle: true, seed: 3 }));
    expect(again[0]!.x).toEqual(a[0]!.x);
    const other = await collect(ds.batches({ batchSize: 16, shuffle: true, seed: 4 }));
    expect(other[0]!.labels).not.toEqual(a[0]!.labels);
    expect((await collect(ds.batches({ batchSize: 16, limit: 20 }))).map((b) => b.shape[0])).toEqual([16, 4]);
  });

  it('augmentation crops within the pad and flips, reproducibly per seed', async () => {
    const ds = Cifar10Dataset.load(FIX, 'train');
    const plain = ds.decode([0]).x;
    const aug = (await collect(ds.batches({ batchSize: 40, augment: true, seed: 9 })))[0]!;
    const aug2 = (await collect(ds.batches({ batchSize: 40, augment: true, seed: 9 })))[0]!;
    expect(aug.x).toEqual(aug2.x);
    const plainAll = ds.decode(Array.from({ length: 40 }, (_, i) => i)).x;
    expect(aug.x).not.toEqual(plainAll);
    // Every augmented image equals some (shift, flip) of its source, with padded pixels = normalised black.
    const per = 3072;
    const img = aug.x.subarray(0, per);
    let found = false;
    for (let dy = -4; dy <= 4 && !found; dy++)
      for (let dx = -4; dx <= 4 && !found; dx++)
        for (const flip of [false, true]) {
          let ok = true;
          for (let y = 0; y < 32 && ok; y++)
            for (let x = 0; x < 32 && ok; x++) {
              const sx = (flip ? 31 - x : x) + dx,
                sy = y + dy;
              for (let c = 0; c < 3; c++) {
                const want =
                  sy < 0 || sy > 31 || sx < 0 || sx > 31 ? -DEFAULT_CIFAR.mean[c] / DEFAULT_CIFAR.std[c] : plain[(sy * 32 + sx) * 3 + c]!;
                if (Math.abs(img[(y * 32 + x) * 3 + c]! - want) > 1e-5) ok = false;
              }
            }
          if (ok) {
            found = true;
            break;
          }
        }
    expect(found).toBe(true);
  });

  it.skipIf(!existsSync(join(SHARED, 'cifar10')))(
    'loads the shared subset: 30000 train (batches 1-3), 10000 test, 1000 per test class',
    () => {
      const dir = join(SHARED, 'cifar10', 'cifar-10-batches-bin');
      expect(Cifar10Dataset.load(dir, 'train').size).toBe(30000);
      const test = Cifar10Dataset.load(dir, 'test');
      const counts = new Array(10).fill(0);
      for (const l of test.records.labels) counts[l]++;
      expect(counts).toEqual(new Array(10).fill(1000));
    },
  );
});
