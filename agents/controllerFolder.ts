/**
 * The controller folder as one atomic unit: checkpoint (`model.json`, `weights.bin`),
 * `controller.json` and side files (`training.svg`) are replaced together or not at all.
 *
 *   1. the new folder is written complete as `<dir>.new` (checkpoint, controller.json, side
 *      files), every file and the folder fsync'd;
 *   2. a complete `<dir>` is renamed to `<dir>.prev`;
 *   3. `<dir>.new` is renamed to `<dir>`, the parent fsync'd;
 *   4. `<dir>.prev` is removed.
 * A crash before 3 leaves the old controller in `<dir>` (or, between 2 and 3, in `<dir>.prev`);
 * after 3 the new one is in `<dir>`. `resolveControllerDir` finds whichever is complete, so
 * `loadController` always gets the old or the new controller (test/train/saveFaults.test.ts kills
 * the save at every file operation). Before, the checkpoint swap deleted the old folder together
 * with its controller.json, and controller.json was written only afterwards.
 *
 * Also here: what `spikeloop train-controller --resume` reads back (`readResumeState`).
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { loadCheckpoint, type SaveCheckpointOptions } from '../src/train/checkpoint.ts';
import { nodeFsOps, type FsOps } from '../src/train/fsOps.ts';
import type { WeightEntry } from '../src/network/sequential.ts';
import { CONTROLLER_FILE, parseControllerSpec, type ControllerSpec } from './controller.ts';

export const CONTROLLER_NEW_SUFFIX = '.new';
export const CONTROLLER_PREV_SUFFIX = '.prev';

export interface ControllerFolderContents {
  /** Writes the checkpoint folder at the given path (e.g. `trainer.saveCheckpoint`). */
  writeCheckpoint(dir: string, opts: SaveCheckpointOptions): void;
  spec: ControllerSpec;
  /** Extra files (name → contents) that travel with the controller, e.g. training.svg. */
  files?: Readonly<Record<string, string>>;
}

/** A folder holding a complete controller: both the checkpoint manifest and controller.json. */
export function isCompleteController(dir: string, fs: FsOps = nodeFsOps): boolean {
  return fs.exists(join(dir, CONTROLLER_FILE)) && fs.exists(join(dir, 'model.json'));
}

/** Writes the controller folder `dir` as one atomic unit (steps in the file header). */
export function saveControllerFolder(dir: string, contents: ControllerFolderContents, opts: { fs?: FsOps } = {}): void {
  const fs = opts.fs ?? nodeFsOps;
  parseControllerSpec(contents.spec, 'saveControllerFolder');
  const fresh = dir + CONTROLLER_NEW_SUFFIX;
  const prev = dir + CONTROLLER_PREV_SUFFIX;
  fs.rm(fresh);
  contents.writeCheckpoint(fresh, { fs });
  fs.writeFileSynced(join(fresh, CONTROLLER_FILE), JSON.stringify(contents.spec, null, 1));
  for (const [name, text] of Object.entries(contents.files ?? {})) fs.writeFileSynced(join(fresh, name), text);
  fs.fsyncDir(fresh);
  if (isCompleteController(dir, fs)) {
    fs.rm(prev);
    fs.rename(dir, prev);
  } else {
    // An incomplete `dir` is what a crash left; a complete `.prev` beside it stays until the rename below.
    fs.rm(dir);
  }
  fs.rename(fresh, dir);
  fs.fsyncDir(join(dir, '..'));
  fs.rm(prev);
}

/**
 * The folder that holds the controller named `dir`: `dir` itself when complete, else `<dir>.prev`
 * when a save was interrupted between its two renames; undefined when neither is complete.
 */
export function resolveControllerDir(dir: string, fs: FsOps = nodeFsOps): string | undefined {
  if (isCompleteController(dir, fs)) return dir;
  const prev = dir + CONTROLLER_PREV_SUFFIX;
  return isCompleteController(prev, fs) ? prev : undefined;
}

/** What a resumed training run takes over from a controller folder. */
export interface ResumeState {
  /** The folder read (`dir` or its `.prev`). */
  path: string;
  spec: ControllerSpec;
  weights: WeightEntry[];
  optimizer?: { step: number; state: WeightEntry[] };
  /** Score of the saved controller: a resumed run replaces it only with a better one. */
  bestScore: number;
  /** DAgger rounds recorded by the run that saved it. */
  roundsDone: number;
}

/** Reads the saved controller's weights, optimiser state and score for `--resume`; errors name what is missing. */
export function readResumeState(dir: string): ResumeState {
  const path = resolveControllerDir(dir);
  if (!path) throw new Error(`--resume: ${dir} holds no complete controller (controller.json and model.json)`);
  const spec = parseControllerSpec(JSON.parse(readFileSync(join(path, CONTROLLER_FILE), 'utf8')), `controller ${path}: ${CONTROLLER_FILE}`);
  const training = spec.training as { rounds?: Array<{ round: number; score: number }>; bestRound?: number } | undefined;
  const best = training?.rounds?.find((r) => r.round === training.bestRound);
  if (!best || !Number.isFinite(best.score))
    throw new Error(
      `--resume: ${path}/${CONTROLLER_FILE} has no score for its best round (training.rounds / bestRound); cannot tell a better controller`,
    );
  const ckpt = loadCheckpoint(path);
  return {
    path,
    spec,
    weights: ckpt.weights,
    ...(ckpt.optimizer ? { optimizer: { step: ckpt.optimizer.step, state: ckpt.optimizer.state } } : {}),
    bestScore: best.score,
    roundsDone: training!.rounds!.length,
  };
}
