/**
 * Minimal reader of NumPy `.npy` files holding one little-endian numeric array in C order
 * (the format of SLAYER's released outputs):
 *
 *   "\x93NUMPY" | major | minor | header length (u16 LE for v1, u32 LE for v2/v3) | header | data
 *   header: a Python dict literal, e.g. {'descr': '<f8', 'fortran_order': False, 'shape': (10178, 3), }
 *
 * The values come back as float64 whatever the stored type ('<f8', '<f4', '<i8', '<i4', '|u1').
 * Reference: NumPy NEP 1, "A simple file format for NumPy arrays".
 */
import { readFileSync } from 'node:fs';

/** The bytes are not an `.npy` file this reader understands; the message says why. */
export class NpyFormatError extends Error {
  override readonly name = 'NpyFormatError';
}

export interface NpyArray {
  shape: number[];
  data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const READERS: Record<string, { bytes: number; get: (v: DataView, off: number) => number }> = {
  '<f8': { bytes: 8, get: (v, o) => v.getFloat64(o, true) },
  '<f4': { bytes: 4, get: (v, o) => v.getFloat32(o, true) },
  '<i8': { bytes: 8, get: (v, o) => Number(v.getBigInt64(o, true)) },
  '<i4': { bytes: 4, get: (v, o) => v.getInt32(o, true) },
  '|u1': { bytes: 1, get: (v, o) => v.getUint8(o) },
};

/** Parses `.npy` bytes; `name` goes into the error messages. */
export function parseNpy(bytes: Uint8Array, name = '<buffer>'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m))
    throw new NpyFormatError(`npy file ${name}: does not start with the \\x93NUMPY magic`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new NpyFormatError(`npy file ${name}: format version ${major}.${bytes[7]} is not 1, 2 or 3`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length)
    throw new NpyFormatError(`npy file ${name}: header of ${headerLen} bytes runs past the end of the file`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new NpyFormatError(`npy file ${name}: header ${JSON.stringify(header.trim())} lacks descr, fortran_order or shape`);
  const reader = READERS[descr];
  if (!reader) throw new NpyFormatError(`npy file ${name}: dtype '${descr}' is not one of ${Object.keys(READERS).join(', ')}`);
  if (fortran === 'True') throw new NpyFormatError(`npy file ${name}: Fortran-order arrays are not supported`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyFormatError(`npy file ${name}: bad shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const need = count * reader.bytes;
  if (bytes.length - dataStart !== need) {
    throw new NpyFormatError(
      `npy file ${name}: shape (${shape.join(', ')}) of '${descr}' needs ${need} data bytes, the file has ${bytes.length - dataStart}`,
    );
  }
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = reader.get(view, dataStart + i * reader.bytes);
  return { shape, data };
}

/** Reads and parses an `.npy` file. */
export function readNpy(path: string): NpyArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`npy file ${path}: cannot read (${(e as Error).message})`, { cause: e });
  }
  return parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), path);
}
