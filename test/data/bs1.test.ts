import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Bs1FormatError,
  Bs1RangeError,
  decodeBs1,
  encodeBs1,
  eventsToRaster,
  rasterToEvents,
  readBs1,
  readBs1Raster,
  writeBs1,
} from '../../src/data/bs1.ts';
import { useTempDirs } from '../support/tempDirs.ts';

const tempDir = useTempDirs();
const FIX = join(import.meta.dirname, '..', 'fixtures', 'oxford');

function ev(neuron: number[], timeUs: number[], polarity = neuron.map(() => 1)) {
  return { neuron: Uint16Array.from(neuron), polarity: Uint8Array.from(polarity), timeUs: Uint32Array.from(timeUs) };
}

describe('bs1 event decoding and encoding', () => {
  it('decodes the 40-bit big-endian fields (neuron 16 bits, polarity 1, time 23)', () => {
    const e = decodeBs1(new Uint8Array([0x01, 0x02, 0x81, 0x23, 0x45, 0xff, 0xff, 0x7f, 0xff, 0xff]));
    expect(Array.from(e.neuron)).toEqual([0x0102, 0xffff]);
    expect(Array.from(e.polarity)).toEqual([1, 0]);
    expect(Array.from(e.timeUs)).toEqual([0x012345, 0x7fffff]);
  });

  it('encodes back to the same bytes', () => {
    const bytes = new Uint8Array([0x01, 0x02, 0x81, 0x23, 0x45, 0xff, 0xff, 0x7f, 0xff, 0xff]);
    expect(Array.from(encodeBs1(decodeBs1(bytes)))).toEqual(Array.from(bytes));
  });

  it('reads the fixture files: 8 input events at 2 + 4i ms, 23 target events', () => {
    const input = readBs1(join(FIX, 'input.bs1'));
    expect(Array.from(input.neuron)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(input.timeUs)).toEqual([2000, 6000, 10000, 14000, 18000, 22000, 26000, 30000]);
    expect(readBs1(join(FIX, 'output.bs1')).neuron.length).toBe(23);
  });

  it('round-trips a fixture file byte for byte through write and read', () => {
    const path = join(tempDir('bs1-'), 'copy.bs1');
    writeBs1(path, readBs1(join(FIX, 'output.bs1')));
    expect(readFileSync(path).equals(readFileSync(join(FIX, 'output.bs1')))).toBe(true);
  });

  it('names a length that is not a multiple of 5 with the offset of the partial event', () => {
    expect(() => decodeBs1(new Uint8Array(12), 'x.bs1')).toThrow(Bs1FormatError);
    expect(() => decodeBs1(new Uint8Array(12), 'x.bs1')).toThrow(/x\.bs1: length 12 .*byte offset 10/);
  });

  it('refuses times beyond 23 bits and polarities other than 0/1 when encoding', () => {
    expect(() => encodeBs1(ev([0], [0x800000]))).toThrow(/event 0 at 8388608 µs.*23-bit/);
    expect(() => encodeBs1(ev([0], [5], [2]))).toThrow(Bs1RangeError);
    expect(() => encodeBs1({ neuron: Uint16Array.of(1, 2), polarity: Uint8Array.of(1), timeUs: Uint32Array.of(1, 2) })).toThrow(
      /one entry per event/,
    );
  });
});

describe('bs1 rasters', () => {
  it('places events on steps by rounding or truncating, and merges events on one (step, neuron)', () => {
    const e = ev([0, 1, 1, 2], [1499, 1500, 1900, 2999]);
    const round = eventsToRaster(e, { neurons: 3, T: 4 });
    // round: 1499 → 1, 1500 → 2, 1900 → 2 (merged), 2999 → 3
    expect(Array.from(round.data)).toEqual([0, 0, 0, /* t1 */ 1, 0, 0, /* t2 */ 0, 1, 0, /* t3 */ 0, 0, 1]);
    expect(round.merged).toBe(1);
    const floor = eventsToRaster(e, { neurons: 3, T: 4, rounding: 'floor' });
    // floor: 1499 → 1, 1500 → 1, 1900 → 1 (merged), 2999 → 2
    expect(Array.from(floor.data)).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0]);
    expect(floor.merged).toBe(1);
  });

  it('names an event whose neuron or step lies outside the raster', () => {
    expect(() => eventsToRaster(ev([0, 5], [0, 0]), { neurons: 5, T: 10 })).toThrow(/event 1 has neuron 5; the raster has 5 neurons/);
    expect(() => eventsToRaster(ev([0], [9600]), { neurons: 5, T: 10 })).toThrow(
      /event 0 at 9600 µs falls on step 10, beyond the raster's T = 10/,
    );
    expect(() => readBs1Raster(join(FIX, 'output.bs1'), { neurons: 4, T: 40 })).toThrow(
      /output\.bs1: eventsToRaster: event \d+ has neuron [4-7]/,
    );
    expect(() => eventsToRaster(ev([0], [0]), { neurons: 0, T: 10 })).toThrow(/neurons must be/);
  });

  it('round-trips raster → events → bytes → events → raster', () => {
    const target = readBs1Raster(join(FIX, 'output.bs1'), { neurons: 8, T: 40, rounding: 'floor' });
    expect(target.merged).toBe(0);
    const bytes = encodeBs1(rasterToEvents(target));
    const back = eventsToRaster(decodeBs1(bytes), { neurons: 8, T: 40 });
    expect(Array.from(back.data)).toEqual(Array.from(target.data));
    expect(back.data.reduce((a, b) => a + b, 0)).toBe(23);
  });

  it('rejects non-binary rasters and times the format cannot hold', () => {
    expect(() => rasterToEvents({ T: 2, neurons: 2, data: Uint8Array.of(0, 2, 0, 0) })).toThrow(/value 2 at step 0, neuron 1/);
    expect(() => rasterToEvents({ T: 10_000, neurons: 1, data: new Uint8Array(10_000) })).toThrow(/beyond the format's limit/);
    expect(() => rasterToEvents({ T: 2, neurons: 2, data: new Uint8Array(3) })).toThrow(/3 values for T = 2 × 2/);
  });
});
