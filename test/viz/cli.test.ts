import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TestClient } from './wsClient.ts';
import { startServingCli } from '../support/servingCli.ts';
import { readDemos } from '../../agents/demos.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('spikeloop viz (CLI)', () => {
  it('prints the URL, streams the real cartpole + teacher loop, and exits 0 on SIGINT', async () => {
    const cli = await startServingCli(['viz', '--env', 'cartpole', '--port', '0']);
    const { child, url, exited } = cli;
    try {
      expect(cli.stdout()).toMatch(/cartpole \/ teacher at/);
      const c = await TestClient.open(url);
      await c.waitFor(() => c.spikes().length > 10 && c.json('snapshot').length > 0, 'spikes from the CLI server', 10000);
      const hello = c.json('hello')[0]!;
      expect(hello.env).toBe('cartpole');
      expect(hello.envs).toContain('cartpole');
      expect(hello.layers.map((l) => l.name)).toEqual(['sensory', 'motor']);
      expect(c.json('snapshot')[0]!.bodies.map((b) => b.label)).toEqual(['track', 'cart', 'pole']);
      const closed = new Promise<number>((r) => c.ws.once('close', (code) => r(code)));
      child.kill('SIGINT');
      expect(await closed).toBe(1001);
      expect(await exited).toBe(0);
      expect(cli.stdout()).toMatch(/stopped/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it("shows a user's env from --env-module with the keyboard controller and records the session with --record", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spikeloop-vizcli-'));
    const file = join(dir, 'puck.jsonl');
    const args = ['viz', '--env-module', 'test/fixtures/user/puck.mjs', '--env', 'puck', '--record', file, '--port', '0'];
    const cli = await startServingCli(args);
    const { child, url, exited } = cli;
    try {
      expect(cli.stdout()).toMatch(/puck \/ keyboard at/);
      const c = await TestClient.open(url);
      await c.waitFor(() => c.json('snapshot').length > 0, 'a snapshot', 10000);
      expect(c.json('hello')[0]).toMatchObject({ env: 'puck', controller: 'keyboard', manual: ['a0', 'a1'], recording: file });
      expect(c.json('snapshot')[0]!.bodies.map((b) => b.label)).toEqual(['table', 'puck', 'goal']);
      c.send({ type: 'pause' });
      await c.waitFor(() => c.json('state').some((m) => m.paused), 'paused', 10000);
      c.send({ type: 'action', values: [1, -1] });
      for (let i = 0; i < 3; i++) c.send({ type: 'step' });
      await c.waitFor(() => c.json('state').filter((m) => m.paused).length >= 4, 'three steps', 10000);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(cli.stdout()).toMatch(/recorded \d+ episodes, \d+ steps → /);
      expect(cli.stdout()).toContain(`steps → ${file}`);
      const last = readDemos(file).at(-1)!.steps.slice(-3);
      expect(last.map((s) => Array.from(s.action))).toEqual([
        [1, -1],
        [1, -1],
        [1, -1],
      ]);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad option with a message naming it', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'spikeloop.mjs'), 'viz', '--port', 'eighty'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.once('exit', (k) => r(k)));
    expect(code).not.toBe(0);
    expect(err).toMatch(/--port must be an integer in 0\.\.65535, got 'eighty'/);
  });

  it('exits non-zero with the reason when it cannot listen (port in use, unresolvable host) instead of hanging', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const busyPort = (blocker.address() as AddressInfo).port;
    const runViz = (args: string[]) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'spikeloop.mjs'), 'viz', ...args], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
      return new Promise<{ code: number | null; signal: string | null; err: string }>((r) =>
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          r({ code, signal, err });
        }),
      );
    };
    try {
      const [busy, badHost] = await Promise.all([
        runViz(['--port', String(busyPort)]),
        runViz(['--port', '0', '--host', 'no-such-host.invalid']),
      ]);
      expect(busy.signal).toBeNull();
      expect(busy.code).toBe(1);
      expect(busy.err).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${busyPort}: the port is already in use`));
      expect(badHost.signal).toBeNull();
      expect(badHost.code).toBe(1);
      expect(badHost.err).toMatch(/cannot listen on no-such-host\.invalid:0: the host name cannot be resolved/);
    } finally {
      blocker.close();
    }
  }, 90000);
});
