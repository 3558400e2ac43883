import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/tempDirs.ts';
import { TestClient } from '../viz/wsClient.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tempDir = useTempDirs();

describe('spikeloop demo (npm start)', () => {
  it('trains, evaluates, then serves the trained SNN in the visualizer and prints the URL; SIGINT stops it', async () => {
    const out = join(tempDir('h4-demo-'), 'demo');
    // a 4-step budget keeps the test short; the default budget is what npm start uses
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'spikeloop.mjs'), 'demo', '--budget', '4', '--episodes', '1', '--port', '0', '--out', out],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed; stdout: ${stdout} stderr: ${stderr}`)), 100_000);
        child.stdout.on('data', () => {
          const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        void exited.then((code) => reject(new Error(`exited ${code} early; stderr: ${stderr}`)));
      });
      expect(stdout).toMatch(/training the cartpole spiking controller \(4 optimiser steps\)/);
      expect(stdout).toMatch(/\| SNN \(spike-seq\) \| CartPoleContinuous-v1 \| 1 \|/);
      expect(stdout).toMatch(/cartpole \/ checkpoint at/);
      expect(existsSync(join(out, 'controller.json'))).toBe(true);
      const c = await TestClient.open(url);
      await c.waitFor(() => c.spikes().length > 2, 'spike frames from the demo SNN', 20_000);
      expect(c.json('hello')[0]!.layers.map((l) => l.name)).toEqual(['hidden 1', 'hidden 2', 'motor (push/pull)']);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
