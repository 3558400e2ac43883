/**
 * Checkpoints: a folder with
 *
 *   model.json   { format: 'spikeloop-checkpoint', formatVersion, network (resolved config),
 *                  weightsManifest: [{paths: ['weights.bin'], weights: [{name, shape, dtype}]}],
 *                  weightsBytes, weightsSha256, behaviourSha256, optimizer: {spec, step}, trainer, metrics }
 *               (schema and behaviour hash: ./manifest.ts)
 *   weights.bin  float32 little-endian, network weights then optimizer slots (`optimizer/<slot>`),
 *                in manifest order (the tfjs weights format)
 *
 * Written atomically: the new folder is written beside the old one as `<dir>.tmp`, every file and
 * the folder are fsync'd, the old folder is renamed to `<dir>.old`, the new one to `<dir>`, and the
 * old one removed. A crash at any point leaves either `<dir>` or `<dir>.old` complete, and
 * `loadCheckpoint` falls back to `<dir>.old` when `<dir>` is missing. Loading validates model.json
 * against its schema, checks the byte count and the SHA-256 of weights.bin, the behaviour hash
 * (network config + manifest + weights; formatVersion 1 has none and loads with a warning), and
 * every name and shape.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseNetworkConfig, type ResolvedNetworkConfig } from '../network/config.ts';
import { Sequential, type WeightEntry } from '../network/sequential.ts';
import { behaviourSha256, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, parseCheckpointManifest, type ManifestEntry } from './manifest.ts';
import type { OptimizerSpec } from './optimizers.ts';
import { nodeFsOps, type FsOps } from './fsOps.ts';

export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './manifest.ts';
const OPT_PREFIX = 'optimizer/';

export interface EpochMetrics {
  epoch: number;
  /** Optimizer steps after this epoch. */
  step: number;
  lr: number;
  loss: number;
  accuracy?: number;
  evalLoss?: number;
  evalAccuracy?: number;
  seconds: number;
}

/** Where a checkpoint taken inside an epoch stands in it. */
export interface EpochProgress {
  /** Batches of the epoch already trained. */
  batch: number;
  /** The order generator's state before this epoch's shuffle (regenerates the same order). */
  orderRng: [number, number, number, number];
  lossSum: number;
  correct: number;
  labelled: number;
  seconds: number;
}

export interface TrainerState {
  /** Epochs completed. */
  epoch: number;
  step: number;
  shuffleRng: [number, number, number, number];
  dropoutRng: [number, number, number, number];
  /** Present when the checkpoint was taken inside an epoch. */
  inEpoch?: EpochProgress;
}

export interface CheckpointData {
  network: ResolvedNetworkConfig;
  weights: readonly WeightEntry[];
  optimizer?: { spec: OptimizerSpec; step: number; state: readonly WeightEntry[] };
  trainer?: TrainerState;
  metrics?: readonly EpochMetrics[];
}

export type SaveStage = 'written' | 'old-moved-aside' | 'renamed';

export interface SaveCheckpointOptions {
  /** Called after each stage of the atomic swap (lets tests simulate a crash by throwing). */
  onStage?: (stage: SaveStage) => void;
  /** The file operations used (tests inject faults here); default node:fs. */
  fs?: FsOps;
}

/** Writes `data` to folder `dir` atomically (see the file header). */
export function saveCheckpoint(dir: string, data: CheckpointData, opts: SaveCheckpointOptions = {}): void {
  const tmp = `${dir}.tmp`;
  const old = `${dir}.old`;
  const all: WeightEntry[] = [...data.weights, ...(data.optimizer?.state ?? []).map((e) => ({ ...e, name: OPT_PREFIX + e.name }))];
  const bytes = all.reduce((a, e) => a + e.values.length * 4, 0);
  const bin = new Uint8Array(bytes);
  const view = new DataView(bin.buffer);
  let off = 0;
  const manifest: ManifestEntry[] = [];
  for (const e of all) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    if (n !== e.values.length)
      throw new Error(`saveCheckpoint: '${e.name}' has ${e.values.length} values, shape [${e.shape.join(', ')}] needs ${n}`);
    for (let i = 0; i < e.values.length; i++, off += 4) view.setFloat32(off, e.values[i]!, true);
    manifest.push({ name: e.name, shape: [...e.shape], dtype: 'float32' });
  }
  const json = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_VERSION,
    network: data.network,
    weightsManifest: [{ paths: ['weights.bin'], weights: manifest }],
    weightsBytes: bytes,
    weightsSha256: createHash('sha256').update(bin).digest('hex'),
    behaviourSha256: behaviourSha256(data.network, manifest, bin),
    ...(data.optimizer ? { optimizer: { spec: data.optimizer.spec, step: data.optimizer.step } } : {}),
    ...(data.trainer ? { trainer: data.trainer } : {}),
    metrics: data.metrics ?? [],
  };
  const fs = opts.fs ?? nodeFsOps;
  fs.mkdir(dirname(dir));
  fs.rm(tmp);
  fs.mkdir(tmp);
  fs.writeFileSynced(join(tmp, 'weights.bin'), bin);
  fs.writeFileSynced(join(tmp, 'model.json'), JSON.stringify(json, null, 1));
  fs.fsyncDir(tmp);
  opts.onStage?.('written');
  // A complete `dir` is moved aside; one without model.json (left by a crash) must not replace a good `.old`.
  if (fs.exists(join(dir, 'model.json'))) {
    fs.rm(old);
    fs.rename(dir, old);
    opts.onStage?.('old-moved-aside');
  } else {
    fs.rm(dir);
  }
  fs.rename(tmp, dir);
  fs.fsyncDir(dirname(dir));
  opts.onStage?.('renamed');
  fs.rm(old);
}

export interface Checkpoint {
  /** The folder actually read (`<dir>` or, after a crash mid-swap, `<dir>.old`). */
  path: string;
  network: ResolvedNetworkConfig;
  weights: WeightEntry[];
  optimizer?: { spec: OptimizerSpec; step: number; state: WeightEntry[] };
  trainer?: TrainerState;
  metrics: EpochMetrics[];
}

function fail(path: string, msg: string): never {
  throw new Error(`checkpoint ${path}: ${msg}`);
}

export interface LoadCheckpointOptions {
  /** Where the formatVersion 1 warning goes (default console.warn). */
  warn?: (message: string) => void;
}

/** Reads and checks a checkpoint folder; errors name the file and the mismatch. */
export function loadCheckpoint(dir: string, opts: LoadCheckpointOptions = {}): Checkpoint {
  const path = existsSync(join(dir, 'model.json')) ? dir : existsSync(join(`${dir}.old`, 'model.json')) ? `${dir}.old` : undefined;
  if (!path) fail(dir, 'no model.json (not a checkpoint folder)');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8'));
  } catch (e) {
    fail(path, `model.json is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format !== CHECKPOINT_FORMAT) {
    fail(path, `model.json format is ${JSON.stringify((raw as { format?: unknown }).format)}, expected '${CHECKPOINT_FORMAT}'`);
  }
  let json: ReturnType<typeof parseCheckpointManifest>;
  let network: ResolvedNetworkConfig;
  try {
    json = parseCheckpointManifest(raw);
    network = parseNetworkConfig(json.network);
  } catch (e) {
    fail(path, (e as Error).message);
  }
  const manifest = json.weightsManifest[0]!.weights;
  const binPath = join(path, 'weights.bin');
  if (!existsSync(binPath)) fail(path, 'weights.bin is missing');
  const bin = readFileSync(binPath);
  const need = manifest.reduce((a, e) => a + e.shape.reduce((x, y) => x * y, 1) * 4, 0);
  if (need !== json.weightsBytes)
    fail(path, `weightsManifest needs ${need} bytes but model.json says weightsBytes = ${String(json.weightsBytes)}`);
  if (bin.length !== need)
    fail(path, `weights.bin has ${bin.length} bytes, the manifest needs ${need}${bin.length < need ? ' (truncated)' : ''}`);
  const sha = createHash('sha256').update(bin).digest('hex');
  if (sha !== json.weightsSha256)
    fail(path, `weights.bin is corrupt: sha256 ${sha} does not match model.json's ${String(json.weightsSha256)}`);
  if (json.behaviourSha256 === undefined) {
    (opts.warn ?? console.warn)(
      `checkpoint ${path}: formatVersion 1 hashes weights.bin only, so an edit of model.json (thresholds, weight names) would go unnoticed; re-save it to get the behaviour hash`,
    );
  } else if (behaviourSha256(json.network, manifest, bin) !== json.behaviourSha256) {
    fail(
      path,
      'model.json does not match its behaviour hash: the network config or the weight manifest (names, shapes, order) was edited after saving',
    );
  }
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  let off = 0;
  const weights: WeightEntry[] = [];
  const slots: WeightEntry[] = [];
  for (const e of manifest) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++, off += 4) values[i] = view.getFloat32(off, true);
    if (e.name.startsWith(OPT_PREFIX)) slots.push({ name: e.name.slice(OPT_PREFIX.length), shape: e.shape, values });
    else weights.push({ name: e.name, shape: e.shape, values });
  }
  const opt = json.optimizer as { spec: OptimizerSpec; step: number } | undefined;
  return {
    path,
    network,
    weights,
    ...(opt ? { optimizer: { spec: opt.spec, step: opt.step, state: slots } } : {}),
    ...(json.trainer ? { trainer: json.trainer as unknown as TrainerState } : {}),
    metrics: (json.metrics as unknown as EpochMetrics[] | undefined) ?? [],
  };
}

/** Builds the checkpoint's network and loads its weights (shape mismatches are named). */
export function restoreNetwork(ckpt: Checkpoint): Sequential {
  const net = Sequential.fromConfig(ckpt.network);
  try {
    net.setWeights(ckpt.weights);
  } catch (e) {
    net.dispose();
    fail(ckpt.path, (e as Error).message);
  }
  return net;
}
