import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/tempDirs.ts';
import { TestClient } from '../viz/wsClient.ts';
import { startServingCli } from '../support/servingCli.ts';

const tempDir = useTempDirs();

describe('spikeloop demo (npm start)', () => {
  it('trains, evaluates, then serves the trained SNN in the visualizer and prints the URL; SIGINT stops it', async () => {
    const out = join(tempDir('h4-demo-'), 'demo');
    // a 4-step budget keeps the test short; the default budget is what npm start uses
    const cli = await startServingCli(['demo', '--budget', '4', '--episodes', '1', '--port', '0', '--out', out], 100_000);
    const { child, url, exited } = cli;
    try {
      expect(cli.stdout()).toMatch(/training the cartpole spiking controller \(4 optimiser steps\)/);
      expect(cli.stdout()).toMatch(/\| SNN \(spike-seq\) \| CartPoleContinuous-v1 \| 1 \|/);
      expect(cli.stdout()).toMatch(/cartpole \/ checkpoint at/);
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
