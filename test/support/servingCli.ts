import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServingCli {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** The visualizer URL the command printed. */
  url: string;
  /** Everything printed so far (read after awaiting `exited` for the whole output). */
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/**
 * Spawns `spikeloop <argv>` (a command that ends by serving the visualizer: viz, demo) and resolves
 * once it prints its URL; rejects with what it printed if it exits first or prints none in time.
 * The caller kills the child (SIGINT to stop it cleanly, SIGKILL in `finally`).
 */
export async function startServingCli(argv: string[], timeoutMs = 60_000): Promise<ServingCli> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'spikeloop.mjs'), ...argv], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed; stdout: ${out} stderr: ${err}`)), timeoutMs);
      child.stdout.on('data', () => {
        const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      void exited.then((code) => reject(new Error(`exited ${code} early; stderr: ${err}`)));
    });
    return { child, url, stdout: () => out, stderr: () => err, exited };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}
