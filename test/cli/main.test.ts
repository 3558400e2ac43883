import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { commandFiles, main } from '../../cli/main.ts';
import { COMMANDS } from '../../cli/manifest.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'spikeloop.mjs');
const FORBID = join(ROOT, 'test', 'support', 'forbidImports.mjs');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'controllers', 'cartpole');

function spikeloop(args: string[], forbid?: string) {
  const env = { ...process.env, SPIKELOOP_BACKEND: '', ...(forbid ? { FORBID_IMPORTS: forbid } : {}) };
  const pre = forbid ? ['--import', pathToFileURL(FORBID).href] : [];
  return spawnSync(process.execPath, [...pre, BIN, ...args], { cwd: ROOT, encoding: 'utf8', env });
}

describe('spikeloop command discovery', () => {
  it('cli/manifest.ts lists every command module with the summary it exports (add new commands there)', async () => {
    const files = commandFiles();
    expect(Object.keys(COMMANDS).sort()).toEqual(files);
    for (const name of files) {
      const mod = (await import(`../../cli/commands/${name}.ts`)) as { summary: string; run: unknown };
      expect(typeof mod.run, name).toBe('function');
      expect(COMMANDS[name], `summary of ${name}`).toBe(mod.summary);
    }
  });

  it('--help lists the commands without importing tfjs, matter-js or any other dependency', () => {
    const r = spikeloop(['--help'], '^(@tensorflow/|matter-js$|rxjs|zod$|ws$|cli-progress$)');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const [name, summary] of Object.entries(COMMANDS)) expect(r.stdout).toContain(`  ${name.padEnd(18)} ${summary}`);
  });

  it('--version prints the version of package.json', async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const r = spikeloop(['--version'], '^(@tensorflow/|matter-js$)');
    expect(r.stdout.trim()).toBe(version);
    expect(r.status).toBe(0);
    expect(await main(['--bogus-command'])).toBe(2);
  });
});

describe('spikeloop eval: the env comes from controller.json; the backend is named once; no tfjs banner', () => {
  // test/package/pack.test.ts runs the same from the installed package on the default backend.
  it('evaluates a controller without --env; on the cpu backend (SPIKELOOP_BACKEND) it is named once and its banner is not printed', () => {
    const r = spawnSync(process.execPath, [BIN, 'eval', '--checkpoint', FIXTURE, '--episodes', '1'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, SPIKELOOP_BACKEND: 'cpu' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| SNN \(spike-seq\) \| CartPoleContinuous-v1 \| 1 \|/);
    expect(r.stderr.match(/^spikeloop: tfjs backend/gm)).toEqual(['spikeloop: tfjs backend']);
    expect(r.stderr).toMatch(/^spikeloop: tfjs backend 'cpu'$/m);
    expect(r.stderr).not.toMatch(/looks like you are running TensorFlow\.js/);
  });

  it('--teacher still needs --env', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    try {
      expect(await main(['eval', '--teacher'])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toMatch(/--env is required/);
  });
});
