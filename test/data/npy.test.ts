import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NpyFormatError, parseNpy, readNpy } from '../../src/data/npy.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'oxford');

/** A version-1 .npy file as NumPy writes it (header padded with spaces to a multiple of 64). */
function npy(descr: string, shape: string, data: Uint8Array, fortran = 'False'): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  header = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

describe('npy reader', () => {
  it('reads the float64 fixture NumPy wrote: [22, 3] rows (neuron, 0, step)', () => {
    const a = readNpy(join(FIX, 'slayer_output.npy'));
    expect(a.shape).toEqual([22, 3]);
    expect(Array.from(a.data.subarray(0, 3))).toEqual([0, 0, 1]);
    for (let r = 0; r < 22; r++) expect(a.data[r * 3 + 1]).toBe(0);
  });

  it('reads float32 and int32 little-endian data and 1-D shapes', () => {
    const f = new Float32Array([1.5, -2]);
    expect(Array.from(parseNpy(npy('<f4', '(2,)', new Uint8Array(f.buffer))).data)).toEqual([1.5, -2]);
    const i = new Int32Array([7, -3, 0]);
    const a = parseNpy(npy('<i4', '(3,)', new Uint8Array(i.buffer)));
    expect(a.shape).toEqual([3]);
    expect(Array.from(a.data)).toEqual([7, -3, 0]);
  });

  it('names what is wrong: magic, dtype, order, size', () => {
    expect(() => parseNpy(new Uint8Array(20), 'z.npy')).toThrow(NpyFormatError);
    expect(() => parseNpy(new Uint8Array(20), 'z.npy')).toThrow(/z\.npy: does not start with/);
    expect(() => parseNpy(npy('>f8', '(1,)', new Uint8Array(8)))).toThrow(/dtype '>f8'/);
    expect(() => parseNpy(npy('<f8', '(1,)', new Uint8Array(8), 'True'))).toThrow(/Fortran-order/);
    expect(() => parseNpy(npy('<f8', '(2, 2)', new Uint8Array(24)))).toThrow(/needs 32 data bytes, the file has 24/);
  });
});
