/**
 * N-MNIST loader (Orchard et al. 2015, "Converting static image datasets to spiking neuromorphic
 * datasets using saccades", Front. Neurosci. 9:437).
 *
 * Event = 5 bytes, big-endian 40 bits:
 * | bits  | 39–32 | 31–24 | 23               | 22–0          |
 * |-------|-------|-------|------------------|---------------|
 * | field | x     | y     | polarity (1=ON)  | timestamp µs  |
 * Sensor 34×34; a sample is three saccades, ≈ 300 ms.
 *
 * Frames (time-major, channels-last) [T, H, W, 2], channel 0 = OFF, 1 = ON:
 *   bin(t_us) = floor((t_us − t0) / (windowMs·1000 / T)), events with bin ≥ T dropped;
 *   frame[bin, y/ds, x/ds, p] = 1 (binary) or += 1 (count).
 * Default window 300 ms and T = 30 (10 ms bins): it covers the three ≈ 100 ms saccades (a file's last event lies
 * at 297–336 ms in the shared subset, so only the tail of the third saccade can be cut).
 * TSSL-BP (Zhang & Li 2020) used T = 30 bins of 3 ms (first ≈ 90 ms, mostly the first saccade):
 * pass { windowMs: 90, steps: 30 } for that recipe.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { planBatches, type Batch, type BatchOptions } from './batching.ts';

export const NMNIST_SIDE = 34;
export const NMNIST_EVENT_BYTES = 5;

export interface NmnistEvents {
  x: Uint8Array;
  y: Uint8Array;
  p: Uint8Array;
  t: Uint32Array;
}

export interface NmnistDecodeOptions {
  /** How far (µs) a timestamp may go back before the file is called garbled. */
  backwardsToleranceUs: number;
  /** Files with more events are called garbled (real samples hold ≈ 3–8 thousand). */
  maxEvents: number;
}

export const DEFAULT_NMNIST_DECODE: NmnistDecodeOptions = { backwardsToleranceUs: 1000, maxEvents: 200_000 };

/** Decodes and validates the events of one file's contents. */
export function decodeNmnistEvents(bytes: Uint8Array, name = '<buffer>', options: Partial<NmnistDecodeOptions> = {}): NmnistEvents {
  const o = { ...DEFAULT_NMNIST_DECODE, ...options };
  if (bytes.length % NMNIST_EVENT_BYTES !== 0) {
    const whole = bytes.length - (bytes.length % NMNIST_EVENT_BYTES);
    throw new Error(`N-MNIST file ${name}: length ${bytes.length} is not a multiple of 5; truncated event at byte offset ${whole}`);
  }
  const n = bytes.length / NMNIST_EVENT_BYTES;
  // An empty file is a failed copy or download, not a blank sample: it would frame as all zeros.
  if (n === 0) throw new Error(`N-MNIST file ${name}: empty (0 bytes); a sample holds at least one event`);
  if (n > o.maxEvents) {
    throw new Error(
      `N-MNIST file ${name}: ${n} events (${bytes.length} bytes) exceeds maxEvents ${o.maxEvents}; oversized or not an N-MNIST sample`,
    );
  }
  const ev: NmnistEvents = { x: new Uint8Array(n), y: new Uint8Array(n), p: new Uint8Array(n), t: new Uint32Array(n) };
  let maxT = 0;
  for (let i = 0; i < n; i++) {
    const b = i * 5;
    const x = bytes[b]!,
      y = bytes[b + 1]!,
      b2 = bytes[b + 2]!;
    if (x >= NMNIST_SIDE || y >= NMNIST_SIDE) {
      throw new Error(`N-MNIST file ${name}: event ${i} at byte offset ${b} has address (${x}, ${y}) outside 34×34`);
    }
    const t = ((b2 & 0x7f) << 16) | (bytes[b + 3]! << 8) | bytes[b + 4]!;
    if (t + o.backwardsToleranceUs < maxT) {
      throw new Error(
        `N-MNIST file ${name}: event ${i} at byte offset ${b} has timestamp ${t} µs, ${maxT - t} µs before an earlier event (tolerance ${o.backwardsToleranceUs} µs)`,
      );
    }
    if (t > maxT) maxT = t;
    ev.x[i] = x;
    ev.y[i] = y;
    ev.p[i] = b2 >> 7;
    ev.t[i] = t;
  }
  return ev;
}

export interface FrameOptions {
  /** Time covered from the first event, in ms. */
  windowMs: number;
  /** Number of time bins T. */
  steps: number;
  /** 'binary': 1 if any event in the bin; 'count': number of events. */
  mode: 'binary' | 'count';
  /** Spatial downsampling factor (1 = 34×34, 2 = 17×17). */
  downsample: number;
}

export const DEFAULT_FRAMES: FrameOptions = { windowMs: 300, steps: 30, mode: 'binary', downsample: 1 };

function checkFrames(o: FrameOptions): number {
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new Error(`N-MNIST frames: steps must be a positive integer, got ${o.steps}`);
  if (!(o.windowMs > 0)) throw new Error(`N-MNIST frames: windowMs must be > 0, got ${o.windowMs}`);
  if (!Number.isInteger(o.downsample) || o.downsample < 1)
    throw new Error(`N-MNIST frames: downsample must be a positive integer, got ${o.downsample}`);
  if (o.mode !== 'binary' && o.mode !== 'count') throw new Error(`N-MNIST frames: mode must be 'binary' or 'count', got ${String(o.mode)}`);
  return Math.ceil(NMNIST_SIDE / o.downsample);
}

/** Side of a frame after downsampling. */
export function frameSide(options: Partial<FrameOptions> = {}): number {
  return checkFrames({ ...DEFAULT_FRAMES, ...options });
}

/**
 * Accumulates one sample's events into a time-major batch buffer out[T, B, H, W, 2] at batch slot `b`
 * (B = `batch`). With batch = 1 this is a single sample's [T, H, W, 2].
 */
export function eventsToFrames(ev: NmnistEvents, options: Partial<FrameOptions> = {}, out?: Float32Array, b = 0, batch = 1): Float32Array {
  const o = { ...DEFAULT_FRAMES, ...options };
  const H = checkFrames(o);
  const per = H * H * 2;
  const dst = out ?? new Float32Array(o.steps * batch * per);
  if (dst.length !== o.steps * batch * per) throw new Error(`N-MNIST frames: output length ${dst.length} != ${o.steps}×${batch}×${per}`);
  const n = ev.t.length;
  if (n === 0) return dst;
  const t0 = ev.t[0]!;
  const binUs = (o.windowMs * 1000) / o.steps;
  for (let i = 0; i < n; i++) {
    const dt = ev.t[i]! - t0;
    if (dt < 0) continue; // slightly backwards stamps (within tolerance) before the first event
    const k = Math.floor(dt / binUs);
    if (k >= o.steps) continue;
    const idx = ((k * batch + b) * H + ((ev.y[i]! / o.downsample) | 0)) * H * 2 + ((ev.x[i]! / o.downsample) | 0) * 2 + ev.p[i]!;
    dst[idx] = o.mode === 'binary' ? 1 : dst[idx]! + 1;
  }
  return dst;
}

/** One sample: its file and label. */
export interface NmnistEntry {
  file: string;
  label: number;
}

/** Lists a split from the dataset's folder layout <root>/<Train|Test>/<digit>/*.bin. */
export function listNmnistFolders(root: string, split: 'train' | 'test'): NmnistEntry[] {
  const dir = join(root, split === 'train' ? 'Train' : 'Test');
  if (!existsSync(dir))
    throw new Error(
      `N-MNIST ${split}: folder ${dir} not found; put the N-MNIST ${split === 'train' ? 'Train' : 'Test'}/<digit>/*.bin files there`,
    );
  const out: NmnistEntry[] = [];
  for (let d = 0; d <= 9; d++) {
    const sub = join(dir, String(d));
    if (!existsSync(sub)) continue;
    for (const f of readdirSync(sub)
      .filter((f) => f.endsWith('.bin'))
      .sort())
      out.push({ file: join(sub, f), label: d });
  }
  if (out.length === 0) throw new Error(`N-MNIST ${split}: no .bin files under ${dir}/<digit>/`);
  return out;
}

/**
 * Lists a split from a labels.csv (header with columns split, file, label; file relative to the
 * csv). A file must stay inside the csv's folder: absolute paths and `..` escapes are refused, so a
 * crafted list cannot make training read arbitrary files.
 */
export function listNmnistCsv(csvPath: string, split: 'train' | 'test'): NmnistEntry[] {
  const root = resolve(csvPath, '..');
  const lines = readFileSync(csvPath, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const head = (lines[0] ?? '').split(',');
  const cs = head.indexOf('split'),
    cf = head.indexOf('file'),
    cl = head.indexOf('label');
  if (cs < 0 || cf < 0 || cl < 0)
    throw new Error(`N-MNIST list ${csvPath}: header must have columns split, file, label; got "${lines[0] ?? ''}"`);
  const out: NmnistEntry[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cols = lines[i]!.split(',');
    const label = Number(cols[cl]);
    if (!Number.isInteger(label) || label < 0 || label > 9)
      throw new Error(`N-MNIST list ${csvPath}: line ${i + 1} has label "${cols[cl]}", expected 0–9`);
    if (cols[cs] === split) out.push({ file: confinedPath(root, cols[cf] ?? '', `N-MNIST list ${csvPath}: line ${i + 1}`), label });
  }
  if (out.length === 0) throw new Error(`N-MNIST list ${csvPath}: no rows for split ${split}`);
  return out;
}

/** `root/rel`, refusing an empty, absolute or escaping `rel`. */
function confinedPath(root: string, rel: string, where: string): string {
  if (rel.trim() === '') throw new Error(`${where} has an empty file path`);
  if (isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel))
    throw new Error(`${where} has an absolute file path "${rel}"; paths must be relative to ${root}`);
  const full = resolve(root, rel);
  const inside = relative(root, full);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new Error(`${where} has file path "${rel}", which leaves the data folder ${root}`);
  }
  return full;
}

export interface NmnistOptions extends FrameOptions, NmnistDecodeOptions {
  /** Flatten each frame to H·W·2 (2312 at full size) for MLPs: x shape [T, B, H·W·2]. */
  flatten: boolean;
}

export const DEFAULT_NMNIST: NmnistOptions = { ...DEFAULT_FRAMES, ...DEFAULT_NMNIST_DECODE, flatten: false };

/** An N-MNIST split that holds only file paths and labels; events are read and framed per batch. */
export class NmnistDataset {
  readonly numClasses = 10;
  private readonly opts: NmnistOptions;
  readonly labels: Int32Array;

  constructor(
    readonly entries: readonly NmnistEntry[],
    options: Partial<NmnistOptions> = {},
  ) {
    this.opts = { ...DEFAULT_NMNIST, ...options };
    checkFrames(this.opts);
    this.labels = Int32Array.from(entries, (e) => e.label);
  }

  /** Loads from `root`, using root/labels.csv when present (it must be a file), else the Train/Test folder layout. */
  static load(root: string, split: 'train' | 'test', options: Partial<NmnistOptions> = {}): NmnistDataset {
    const csv = join(root, 'labels.csv');
    const hasCsv = existsSync(csv);
    if (hasCsv && !statSync(csv).isFile())
      throw new Error(`N-MNIST: ${csv} exists but is not a regular file; remove it or make it the sample list`);
    const entries = hasCsv ? listNmnistCsv(csv, split) : listNmnistFolders(root, split);
    return new NmnistDataset(entries, options);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Per-sample shape after framing (without T and B). */
  get sampleShape(): number[] {
    const H = checkFrames(this.opts);
    return this.opts.flatten ? [H * H * 2] : [H, H, 2];
  }

  /** Reads, validates and frames the samples `idx` into x [T, B, ...sampleShape]. */
  decode(idx: ArrayLike<number>): Batch {
    const B = idx.length;
    const x = new Float32Array(this.opts.steps * B * this.sampleShape.reduce((a, b) => a * b, 1));
    const labels = new Int32Array(B);
    for (let i = 0; i < B; i++) {
      const r = idx[i]!;
      const e = this.entries[r];
      if (!e) throw new Error(`N-MNIST: sample index ${r} out of range [0, ${this.size})`);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(e.file));
      } catch (err) {
        throw new Error(`N-MNIST file ${e.file}: cannot read (${(err as Error).message})`, { cause: err });
      }
      eventsToFrames(decodeNmnistEvents(bytes, e.file, this.opts), this.opts, x, i, B);
      labels[i] = e.label;
    }
    return { x, shape: [this.opts.steps, B, ...this.sampleShape], labels };
  }

  /** Streams time-major batches; at most one batch of frames is in memory. Augmentation: none for N-MNIST. */
  async *batches(options: Partial<BatchOptions> = {}): AsyncGenerator<Batch> {
    const { groups } = planBatches(this.size, options);
    for (const g of groups) yield this.decode(g);
  }
}
