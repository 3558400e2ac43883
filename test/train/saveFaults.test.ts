/**
 * Fault injection: a save is killed before each of its file operations in turn (a write is cut
 * half-way), and after every kill point the previous or the new version must load and equal what
 * was saved; the next save must then succeed. Covers checkpoint folders (src/train/checkpoint.ts)
 * and controller folders (agents/controllerFolder.ts).
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadController, parseControllerSpec, type ControllerSpec } from '../../agents/controller.ts';
import { saveControllerFolder } from '../../agents/controllerFolder.ts';
import { loadCheckpoint, saveCheckpoint, type CheckpointData } from '../../src/train/checkpoint.ts';
import { nodeFsOps, type FsOps } from '../../src/train/fsOps.ts';
import { useTempDirs } from '../support/tempDirs.ts';

const tempDir = useTempDirs();
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'controllers', 'cartpole');

class Killed extends Error {}

/** node:fs operations that die at operation number `killAt` (1-based); a write dies half-way through. */
function killingFs(killAt: number): { fs: FsOps; ops: () => number; killed: () => boolean } {
  let n = 0;
  let killed = false;
  const gate = (): boolean => {
    n++;
    if (n === killAt) killed = true;
    return n === killAt;
  };
  const die = (): never => {
    throw new Killed(`killed at file operation ${killAt}`);
  };
  const fs: FsOps = {
    writeFileSynced(path, data) {
      if (gate()) {
        const buf = typeof data === 'string' ? Buffer.from(data) : data;
        nodeFsOps.writeFileSynced(path, buf.subarray(0, buf.length >> 1));
        die();
      }
      nodeFsOps.writeFileSynced(path, data);
    },
    fsyncDir: (p) => (gate() ? die() : nodeFsOps.fsyncDir(p)),
    mkdir: (p) => (gate() ? die() : nodeFsOps.mkdir(p)),
    rm: (p) => (gate() ? die() : nodeFsOps.rm(p)),
    rename: (a, b) => (gate() ? die() : nodeFsOps.rename(a, b)),
    exists: (p) => nodeFsOps.exists(p), // a read: nothing to kill
  };
  return { fs, ops: () => n, killed: () => killed };
}

/** Runs `save` killed at every operation in turn until one run completes; `check` after each. */
function atEveryKillPoint(save: (fs: FsOps) => void, check: (killedAt: number | undefined) => void): number {
  for (let k = 1; k < 200; k++) {
    const f = killingFs(k);
    try {
      save(f.fs);
    } catch (e) {
      if (!(e instanceof Killed)) throw e;
    }
    check(f.killed() ? k : undefined);
    if (!f.killed()) return k - 1;
  }
  throw new Error('save never completed');
}

const fixtureCkpt = loadCheckpoint(FIXTURE, { warn: () => {} });
function version(tag: number): CheckpointData {
  return {
    network: fixtureCkpt.network,
    weights: fixtureCkpt.weights.map((w) => ({ ...w, values: w.values.map((v) => v * (1 + tag / 10)) })),
    metrics: [{ epoch: tag, step: tag, lr: 0, loss: tag, seconds: 0 }],
  };
}
const firstValue = (ws: ReadonlyArray<{ values: ArrayLike<number> }>): number => ws[0]!.values[0]!;

describe('killing a checkpoint save at each file operation', () => {
  it('leaves the previous or the new checkpoint loadable, equal to what was saved, and the next save works', () => {
    const root = tempDir('sl-ckpt-fault-');
    const dir = join(root, 'ckpt');
    const A = version(1);
    const B = version(2);
    saveCheckpoint(dir, A);
    const seen = new Set<string>();
    const ops = atEveryKillPoint(
      (fs) => saveCheckpoint(dir, B, { fs }),
      (killedAt) => {
        const got = loadCheckpoint(dir);
        const which =
          firstValue(got.weights) === firstValue(A.weights) ? 'A' : firstValue(got.weights) === firstValue(B.weights) ? 'B' : '?';
        expect(which, `after a kill at operation ${killedAt}`).not.toBe('?');
        const want = which === 'A' ? A : B;
        got.weights.forEach((w, i) => expect(Array.from(w.values)).toEqual(Array.from(want.weights[i]!.values)));
        expect(got.metrics).toEqual(want.metrics);
        seen.add(which);
        if (killedAt === undefined) expect(which).toBe('B');
        // Back to A for the next kill point (a clean save from whatever the crash left).
        saveCheckpoint(dir, A);
        expect(firstValue(loadCheckpoint(dir).weights)).toBe(firstValue(A.weights));
      },
    );
    expect(ops).toBeGreaterThanOrEqual(8);
    expect([...seen].sort()).toEqual(['A', 'B']);
  });
});

describe('killing a controller folder save at each file operation', () => {
  it('leaves the previous or the new controller (checkpoint and controller.json together) loadable', () => {
    const root = tempDir('sl-ctrl-fault-');
    const dir = join(root, 'cartpole');
    const spec0 = parseControllerSpec(JSON.parse(readFileSync(join(FIXTURE, 'controller.json'), 'utf8')));
    const specFor = (tag: number): ControllerSpec => ({ ...spec0, training: { ...spec0.training, tag } });
    const save = (tag: number, fs?: FsOps): void =>
      saveControllerFolder(
        dir,
        {
          writeCheckpoint: (d, o) => saveCheckpoint(d, version(tag), o),
          spec: specFor(tag),
          files: { 'training.svg': `<svg>${tag}</svg>` },
        },
        fs ? { fs } : {},
      );
    save(1);
    const seen = new Set<number>();
    const ops = atEveryKillPoint(
      (fs) => save(2, fs),
      (killedAt) => {
        const { spec, network } = loadController(dir);
        try {
          const tag = spec.training?.tag as number;
          expect([1, 2], `after a kill at operation ${killedAt}`).toContain(tag);
          // The checkpoint read with this controller.json is the one saved with it.
          const weights = network.getWeights();
          expect(firstValue(weights)).toBeCloseTo(firstValue(version(tag).weights), 6);
          seen.add(tag);
          if (killedAt === undefined) expect(tag).toBe(2);
        } finally {
          network.dispose();
        }
        save(1);
      },
    );
    expect(ops).toBeGreaterThanOrEqual(12);
    expect([...seen].sort()).toEqual([1, 2]);
  });

  it('a folder written by the old layout (checkpoint then controller.json in place) is read and replaced as a unit', () => {
    const root = tempDir('sl-ctrl-legacy-');
    const dir = join(root, 'cartpole');
    cpSync(FIXTURE, dir, { recursive: true });
    const spec0 = parseControllerSpec(JSON.parse(readFileSync(join(FIXTURE, 'controller.json'), 'utf8')));
    saveControllerFolder(dir, { writeCheckpoint: (d, o) => saveCheckpoint(d, version(3), o), spec: { ...spec0, training: { tag: 3 } } });
    const { spec, network } = loadController(dir);
    network.dispose();
    expect(spec.training?.tag).toBe(3);
  });
});
