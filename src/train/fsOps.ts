/**
 * The file operations the atomic savers use (checkpoint folders, controller folders), behind one
 * interface so a test can kill a save at any of them (test/train/saveFaults.test.ts) and check
 * that the previous or the new version always loads.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export interface FsOps {
  /** Writes the whole file and fsyncs it. */
  writeFileSynced(path: string, data: Uint8Array | string): void;
  /** fsyncs a folder, so that renames and new entries in it are durable. */
  fsyncDir(path: string): void;
  mkdir(path: string): void;
  /** Removes a file or folder tree; no error when it is absent. */
  rm(path: string): void;
  rename(from: string, to: string): void;
  exists(path: string): boolean;
}

export const nodeFsOps: FsOps = Object.freeze({
  writeFileSynced(path: string, data: Uint8Array | string): void {
    const fd = openSync(path, 'w');
    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  fsyncDir(path: string): void {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  mkdir: (path: string) => void mkdirSync(path, { recursive: true }),
  rm: (path: string) => rmSync(path, { recursive: true, force: true }),
  rename: (from: string, to: string) => renameSync(from, to),
  exists: (path: string) => existsSync(path),
});
