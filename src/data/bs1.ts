/**
 * SLAYER's `.bs1` "binary spikes, 1-D" event files (lava-dl `slayer.io`), and their conversion
 * to dense time-major rasters `[T, neurons]`:
 *
 * | bytes | 0–1 (16 bits)         | 2, bit 7     | 2–4, low 23 bits      |
 * |-------|-----------------------|--------------|-----------------------|
 * | field | neuron (big-endian)   | polarity     | time in µs            |
 *
 *   neuron   = byte0 << 8 | byte1
 *   polarity = byte2 >> 7
 *   time_us  = (byte2 << 16 | byte3 << 8 | byte4) & 0x7FFFFF
 *
 * A raster step is `usPerStep` µs (1 ms in the Oxford task); SLAYER rounds input times to the
 * nearest step and truncates target times, so the rounding is an option. Events landing on the
 * same (step, neuron) collapse into one spike (a raster is binary); `merged` counts them.
 * Reference: Shrestha & Orchard, "SLAYER: spike layer error reassignment in time", NeurIPS 2018.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

export const BS1_EVENT_BYTES = 5;
export const BS1_MAX_NEURON = 0xffff;
export const BS1_MAX_TIME_US = 0x7fffff;

/** The file is not a sequence of 5-byte events. */
export class Bs1FormatError extends Error {
  override readonly name = 'Bs1FormatError';
}

/** An event or raster value outside what the format or the asked raster can hold. */
export class Bs1RangeError extends Error {
  override readonly name = 'Bs1RangeError';
}

/** Events as parallel arrays, in file order. */
export interface Bs1Events {
  neuron: Uint16Array;
  polarity: Uint8Array;
  timeUs: Uint32Array;
}

/** A dense binary raster, time-major: `data[t * neurons + i]` is 1 when neuron i spikes at step t. */
export interface SpikeRaster {
  T: number;
  neurons: number;
  data: Uint8Array;
}

export interface RasterOptions {
  /** Neurons of the raster; an event with neuron ≥ this is an error. */
  neurons: number;
  /** Steps of the raster; an event whose step is ≥ this is an error. */
  T: number;
  /** µs per step (1000: 1 ms steps). */
  usPerStep: number;
  /** How a time maps to its step: 'round' to the nearest (SLAYER's inputs), 'floor' (its targets). */
  rounding: 'round' | 'floor';
}

export const DEFAULT_RASTER: Readonly<Omit<RasterOptions, 'neurons' | 'T'>> = Object.freeze({ usPerStep: 1000, rounding: 'round' });

/** Decodes a `.bs1` file's bytes; `name` goes into the error messages. */
export function decodeBs1(bytes: Uint8Array, name = '<buffer>'): Bs1Events {
  if (bytes.length % BS1_EVENT_BYTES !== 0) {
    const whole = bytes.length - (bytes.length % BS1_EVENT_BYTES);
    throw new Bs1FormatError(
      `bs1 file ${name}: length ${bytes.length} is not a multiple of 5 bytes; truncated event at byte offset ${whole}`,
    );
  }
  const n = bytes.length / BS1_EVENT_BYTES;
  const ev: Bs1Events = { neuron: new Uint16Array(n), polarity: new Uint8Array(n), timeUs: new Uint32Array(n) };
  for (let i = 0; i < n; i++) {
    const b = i * BS1_EVENT_BYTES;
    const b2 = bytes[b + 2]!;
    ev.neuron[i] = (bytes[b]! << 8) | bytes[b + 1]!;
    ev.polarity[i] = b2 >> 7;
    ev.timeUs[i] = ((b2 & 0x7f) << 16) | (bytes[b + 3]! << 8) | bytes[b + 4]!;
  }
  return ev;
}

/** Encodes events; a neuron, polarity or time the 40-bit layout cannot hold is a `Bs1RangeError`. */
export function encodeBs1(ev: Bs1Events): Uint8Array {
  const n = ev.neuron.length;
  if (ev.polarity.length !== n || ev.timeUs.length !== n) {
    throw new Bs1RangeError(
      `encodeBs1: ${n} neurons, ${ev.polarity.length} polarities and ${ev.timeUs.length} times; the arrays must have one entry per event`,
    );
  }
  const out = new Uint8Array(n * BS1_EVENT_BYTES);
  for (let i = 0; i < n; i++) {
    const nr = ev.neuron[i]!,
      p = ev.polarity[i]!,
      t = ev.timeUs[i]!;
    if (p > 1) throw new Bs1RangeError(`encodeBs1: event ${i} has polarity ${p}; it must be 0 or 1`);
    if (t > BS1_MAX_TIME_US)
      throw new Bs1RangeError(`encodeBs1: event ${i} at ${t} µs is beyond the format's 23-bit limit ${BS1_MAX_TIME_US} µs`);
    const b = i * BS1_EVENT_BYTES;
    out[b] = nr >> 8;
    out[b + 1] = nr & 0xff;
    out[b + 2] = (p << 7) | (t >> 16);
    out[b + 3] = (t >> 8) & 0xff;
    out[b + 4] = t & 0xff;
  }
  return out;
}

/** Reads and decodes a `.bs1` file. */
export function readBs1(path: string): Bs1Events {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`bs1 file ${path}: cannot read (${(e as Error).message})`, { cause: e });
  }
  return decodeBs1(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), path);
}

/** Writes events as a `.bs1` file atomically (temp file, fsync, rename). */
export function writeBs1(path: string, ev: Bs1Events): void {
  const bytes = encodeBs1(ev);
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function checkRasterOptions(o: RasterOptions, what: string): void {
  if (!Number.isInteger(o.neurons) || o.neurons < 1 || o.neurons > BS1_MAX_NEURON + 1) {
    throw new Bs1RangeError(`${what}: neurons must be an integer in [1, ${BS1_MAX_NEURON + 1}], got ${o.neurons}`);
  }
  if (!Number.isInteger(o.T) || o.T < 1) throw new Bs1RangeError(`${what}: T must be a positive integer, got ${o.T}`);
  if (!(o.usPerStep > 0)) throw new Bs1RangeError(`${what}: usPerStep must be > 0, got ${o.usPerStep}`);
  if (o.rounding !== 'round' && o.rounding !== 'floor')
    throw new Bs1RangeError(`${what}: rounding must be 'round' or 'floor', got ${String(o.rounding)}`);
}

/**
 * Events → binary raster `[T, neurons]`. Both polarities count as spikes. An event whose neuron
 * or step lies outside the raster is a `Bs1RangeError` naming the event (nothing is dropped silently).
 */
export function eventsToRaster(
  ev: Bs1Events,
  opts: Partial<RasterOptions> & Pick<RasterOptions, 'neurons' | 'T'>,
): SpikeRaster & { merged: number } {
  const o: RasterOptions = { ...DEFAULT_RASTER, ...opts };
  checkRasterOptions(o, 'eventsToRaster');
  const data = new Uint8Array(o.T * o.neurons);
  let merged = 0;
  for (let i = 0; i < ev.neuron.length; i++) {
    const nr = ev.neuron[i]!;
    const x = ev.timeUs[i]! / o.usPerStep;
    const t = o.rounding === 'round' ? Math.round(x) : Math.floor(x);
    if (nr >= o.neurons)
      throw new Bs1RangeError(`eventsToRaster: event ${i} has neuron ${nr}; the raster has ${o.neurons} neurons (0–${o.neurons - 1})`);
    if (t >= o.T)
      throw new Bs1RangeError(`eventsToRaster: event ${i} at ${ev.timeUs[i]} µs falls on step ${t}, beyond the raster's T = ${o.T} steps`);
    const k = t * o.neurons + nr;
    if (data[k]) merged++;
    data[k] = 1;
  }
  return { T: o.T, neurons: o.neurons, data, merged };
}

/** Binary raster → events in time order (then neuron order), at `t · usPerStep` µs, polarity 1. */
export function rasterToEvents(r: SpikeRaster, usPerStep = DEFAULT_RASTER.usPerStep): Bs1Events {
  if (r.data.length !== r.T * r.neurons)
    throw new Bs1RangeError(`rasterToEvents: ${r.data.length} values for T = ${r.T} × ${r.neurons} neurons`);
  if (r.neurons > BS1_MAX_NEURON + 1)
    throw new Bs1RangeError(`rasterToEvents: ${r.neurons} neurons; the format holds at most ${BS1_MAX_NEURON + 1}`);
  const maxTime = (r.T - 1) * usPerStep;
  if (!(usPerStep > 0) || maxTime > BS1_MAX_TIME_US) {
    throw new Bs1RangeError(
      `rasterToEvents: ${r.T} steps of ${usPerStep} µs reach ${maxTime} µs, beyond the format's limit ${BS1_MAX_TIME_US} µs`,
    );
  }
  let n = 0;
  for (let k = 0; k < r.data.length; k++) {
    const v = r.data[k]!;
    if (v !== 0 && v !== 1)
      throw new Bs1RangeError(`rasterToEvents: value ${v} at step ${Math.floor(k / r.neurons)}, neuron ${k % r.neurons}; a raster is 0/1`);
    n += v;
  }
  const ev: Bs1Events = { neuron: new Uint16Array(n), polarity: new Uint8Array(n).fill(1), timeUs: new Uint32Array(n) };
  let j = 0;
  for (let k = 0; k < r.data.length; k++) {
    if (!r.data[k]) continue;
    ev.neuron[j] = k % r.neurons;
    ev.timeUs[j] = Math.round(Math.floor(k / r.neurons) * usPerStep);
    j++;
  }
  return ev;
}

/** Reads a `.bs1` file straight into a raster. */
export function readBs1Raster(
  path: string,
  opts: Partial<RasterOptions> & Pick<RasterOptions, 'neurons' | 'T'>,
): SpikeRaster & { merged: number } {
  try {
    return eventsToRaster(readBs1(path), opts);
  } catch (e) {
    if (e instanceof Bs1RangeError) throw new Bs1RangeError(`bs1 file ${path}: ${e.message}`);
    throw e;
  }
}
