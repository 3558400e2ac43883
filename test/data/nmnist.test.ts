import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NmnistDataset, decodeNmnistEvents, eventsToFrames, listNmnistFolders, listNmnistCsv } from '../../src/data/nmnist.ts';
import { useTempDirs } from '../support/tempDirs.ts';

const tempDir = useTempDirs();

const FIX = join(import.meta.dirname, '..', 'fixtures', 'nmnist');
const SHARED = process.env.SPIKELOOP_SHARED_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data');

function ev(x: number, y: number, p: number, t: number): number[] {
  return [x, y, (p << 7) | ((t >> 16) & 0x7f), (t >> 8) & 0xff, t & 0xff];
}

describe('N-MNIST event decoding', () => {
  it('decodes the 40-bit big-endian layout', () => {
    const e = decodeNmnistEvents(new Uint8Array([...ev(3, 33, 1, 0x12345), ...ev(0, 0, 0, 0x7fffff)]));
    expect(Array.from(e.x)).toEqual([3, 0]);
    expect(Array.from(e.y)).toEqual([33, 0]);
    expect(Array.from(e.p)).toEqual([1, 0]);
    expect(Array.from(e.t)).toEqual([0x12345, 0x7fffff]);
  });

  it('matches the event count and timestamps recorded in labels.csv for every fixture file', () => {
    const rows = readFileSync(join(FIX, 'labels.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(rows.length).toBe(36);
    for (const r of rows) {
      const e = decodeNmnistEvents(new Uint8Array(readFileSync(join(FIX, r[1]!))), r[1]);
      expect(e.t.length).toBe(Number(r[4]));
      expect(e.t[0]).toBe(Number(r[5]));
      expect(e.t[e.t.length - 1]).toBe(Number(r[6]));
    }
  });

  it('rejects a length not a multiple of 5 with the offset of the partial event', () => {
    expect(() => decodeNmnistEvents(new Uint8Array(12), 'f.bin')).toThrow(/f\.bin.*byte offset 10/);
  });

  it('rejects an empty (0-byte) sample instead of framing it as all zeros', () => {
    expect(() => decodeNmnistEvents(new Uint8Array(0), 'empty.bin')).toThrow(/empty\.bin: empty \(0 bytes\)/);
  });

  it('rejects an oversized file by its event count', () => {
    expect(() => decodeNmnistEvents(new Uint8Array(5 * 11), 'big.bin', { maxEvents: 10 })).toThrow(/big\.bin.*11 events.*maxEvents 10/);
  });

  it('rejects addresses outside 34×34 with the event offset', () => {
    expect(() => decodeNmnistEvents(new Uint8Array([...ev(1, 1, 0, 5), ...ev(34, 2, 0, 6)]), 'g.bin')).toThrow(
      /g\.bin.*byte offset 5.*\(34, 2\)/,
    );
  });

  it('rejects timestamps going backwards beyond the tolerance, accepts small jitter', () => {
    const bytes = new Uint8Array([...ev(1, 1, 0, 50000), ...ev(1, 1, 0, 49500), ...ev(1, 1, 0, 40000)]);
    expect(() => decodeNmnistEvents(bytes, 'h.bin')).toThrow(/h\.bin.*byte offset 10.*10000 µs before/);
    expect(decodeNmnistEvents(bytes.subarray(0, 10)).t.length).toBe(2);
  });
});

describe('N-MNIST frames', () => {
  const e = decodeNmnistEvents(new Uint8Array([...ev(2, 3, 1, 1000), ...ev(2, 3, 1, 1500), ...ev(5, 6, 0, 21000), ...ev(7, 7, 0, 400000)]));

  it('bins events time-major [T,34,34,2] relative to the first event and drops those past the window', () => {
    const f = eventsToFrames(e, { windowMs: 300, steps: 30, mode: 'count' });
    expect(f.length).toBe(30 * 34 * 34 * 2);
    const at = (t: number, y: number, x: number, p: number) => f[((t * 34 + y) * 34 + x) * 2 + p];
    expect(at(0, 3, 2, 1)).toBe(2);
    expect(at(2, 6, 5, 0)).toBe(1);
    expect(f.reduce((a, b) => a + b, 0)).toBe(3);
    const bin = eventsToFrames(e, { mode: 'binary' });
    expect(bin[((0 * 34 + 3) * 34 + 2) * 2 + 1]).toBe(1);
  });

  it('downsamples space by integer factors', () => {
    const f = eventsToFrames(e, { downsample: 2, mode: 'count', steps: 1, windowMs: 100 });
    expect(f.length).toBe(17 * 17 * 2);
    expect(f[(1 * 17 + 1) * 2 + 1]).toBe(2);
    expect(f[(3 * 17 + 2) * 2 + 0]).toBe(1);
  });

  it('rejects bad frame options by name', () => {
    expect(() => eventsToFrames(e, { steps: 0 })).toThrow(/steps/);
    expect(() => eventsToFrames(e, { downsample: 1.5 })).toThrow(/downsample/);
  });
});

describe('N-MNIST dataset', () => {
  it('lists the same samples from labels.csv and from the folder layout', () => {
    const a = listNmnistCsv(join(FIX, 'labels.csv'), 'train')
      .map((e) => `${e.file}:${e.label}`)
      .sort();
    const b = listNmnistFolders(FIX, 'train')
      .map((e) => `${e.file}:${e.label}`)
      .sort();
    expect(a).toEqual(b);
    expect(a.length).toBe(26);
    expect(listNmnistFolders(FIX, 'test').length).toBe(10);
  });

  it('streams time-major batches [T,B,34,34,2] and flattened [T,B,2312] with the right labels', async () => {
    const ds = NmnistDataset.load(FIX, 'test');
    expect(ds.size).toBe(10);
    const sizes: number[] = [];
    for await (const b of ds.batches({ batchSize: 4 })) {
      expect(b.shape).toEqual([30, b.labels.length, 34, 34, 2]);
      sizes.push(b.labels.length);
    }
    expect(sizes).toEqual([4, 4, 2]);
    const flat = NmnistDataset.load(FIX, 'test', { flatten: true });
    const b = flat.decode([0, 1]);
    expect(b.shape).toEqual([30, 2, 2312]);
    // Sample 1 alone equals its slot in the batch at every time step.
    const one = flat.decode([1]);
    for (let t = 0; t < 30; t++)
      expect(b.x.subarray((t * 2 + 1) * 2312, (t * 2 + 2) * 2312)).toEqual(one.x.subarray(t * 2312, (t + 1) * 2312));
    // First MNIST test labels: 7 2 1 0 4 1 4 9 5 9.
    expect(Array.from(ds.labels)).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('names the file when a sample on disk is truncated', () => {
    const dir = tempDir('nmnist-');
    mkdirSync(join(dir, 'Train', '3'), { recursive: true });
    writeFileSync(join(dir, 'Train', '3', '00007.bin'), new Uint8Array(7));
    const ds = NmnistDataset.load(dir, 'train');
    expect(() => ds.decode([0])).toThrow(/00007\.bin.*byte offset 5/);
    expect(() => NmnistDataset.load(dir, 'test')).toThrow(/Test.*not found/);
  });

  it('refuses labels.csv rows that leave the data folder (.. escapes, absolute paths), naming the line', () => {
    const dir = tempDir('nmnist-csv-');
    const header = 'split,file,label\n';
    writeFileSync(join(dir, 'labels.csv'), header + 'train,Train/1/a.bin,1\ntrain,../../../../etc/hostname,3\n');
    expect(() => NmnistDataset.load(dir, 'train')).toThrow(
      /line 3 has file path "\.\.\/\.\.\/\.\.\/\.\.\/etc\/hostname", which leaves the data folder/,
    );
    writeFileSync(join(dir, 'labels.csv'), header + 'train,/etc/hostname,3\n');
    expect(() => NmnistDataset.load(dir, 'train')).toThrow(/line 2 has an absolute file path "\/etc\/hostname"/);
    writeFileSync(join(dir, 'labels.csv'), header + 'train,Train/../../x.bin,3\n');
    expect(() => NmnistDataset.load(dir, 'train')).toThrow(/leaves the data folder/);
    // Inside the folder, including a harmless '..' that stays inside, is fine.
    writeFileSync(join(dir, 'labels.csv'), header + 'train,Train/1/../1/a.bin,1\n');
    expect(NmnistDataset.load(dir, 'train').entries[0]!.file).toBe(join(dir, 'Train', '1', 'a.bin'));
  });

  it('refuses a labels.csv that is a directory instead of silently using the folder layout', () => {
    const dir = tempDir('nmnist-csvdir-');
    mkdirSync(join(dir, 'labels.csv'));
    mkdirSync(join(dir, 'Train', '3'), { recursive: true });
    writeFileSync(join(dir, 'Train', '3', 'a.bin'), new Uint8Array(ev(1, 2, 1, 10)));
    expect(() => NmnistDataset.load(dir, 'train')).toThrow(/labels\.csv exists but is not a regular file/);
  });

  it('names an empty sample file on disk', () => {
    const dir = tempDir('nmnist-empty-');
    mkdirSync(join(dir, 'Train', '3'), { recursive: true });
    writeFileSync(join(dir, 'Train', '3', '00001.bin'), new Uint8Array(0));
    expect(() => NmnistDataset.load(dir, 'train').decode([0])).toThrow(/00001\.bin: empty \(0 bytes\)/);
  });

  it.skipIf(!existsSync(join(SHARED, 'nmnist')))('loads the shared subset: 1000 train, 100 test, all files decode', async () => {
    const tr = NmnistDataset.load(join(SHARED, 'nmnist'), 'train');
    const te = NmnistDataset.load(join(SHARED, 'nmnist'), 'test');
    expect([tr.size, te.size]).toEqual([1000, 100]);
    let n = 0;
    for await (const b of te.batches({ batchSize: 50 })) n += b.labels.length;
    expect(n).toBe(100);
  });
});
