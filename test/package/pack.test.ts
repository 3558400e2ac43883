/**
 * The published package, as a user gets it: `npm pack`, the tarball unpacked into a fresh project's
 * node_modules (its dependencies linked from this checkout's node_modules: offline, and only the
 * declared `dependencies`, so a missing runtime dependency or a need for tsx fails here), then
 * imported from plain `.mjs` files. Builds dist/ first when it is older than the sources.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/tempDirs.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tempDir = useTempDirs();

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** dist/ and build/ as `prepare` leaves them; rebuilt only when missing or older than the sources. */
function ensureBuilt(): void {
  const sources = Math.max(...['src', 'envs', 'agents', 'cli'].map((d) => newest(join(ROOT, d))));
  const built = join(ROOT, 'dist', 'src', 'index.js');
  if (!existsSync(built) || statSync(built).mtimeMs < sources)
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-dist.mjs')], { cwd: ROOT, stdio: 'pipe' });
  if (!existsSync(join(ROOT, 'build', 'kernels', 'spikeDense.wasm')))
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-wasm.mjs')], { cwd: ROOT, stdio: 'pipe' });
  if (!existsSync(join(ROOT, 'build', 'tfjs', 'extras.mjs')))
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-tfjs-extras.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

let project: string;
let packed: string[];

beforeAll(() => {
  ensureBuilt();
  const work = tempDir('spikeloop-pack-');
  const npm = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
  if (npm.status !== 0) throw new Error(`npm pack failed: ${npm.stderr}`);
  const [info] = JSON.parse(npm.stdout) as [{ filename: string; files: Array<{ path: string }> }];
  packed = info.files.map((f) => f.path);
  project = join(work, 'project');
  const pkgDir = join(project, 'node_modules', 'spikeloop');
  mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, info.filename), '-C', pkgDir, '--strip-components=1']);
  const deps = Object.keys(
    (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies,
  );
  for (const dep of deps) {
    const link = join(project, 'node_modules', dep);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), link, 'dir');
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
}, 300_000);

function runMjs(name: string, code: string): { status: number | null; stdout: string; stderr: string } {
  const file = join(project, name);
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8', env: { ...process.env, SPIKELOOP_BACKEND: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm pack → install → import from plain JavaScript', () => {
  it('the tarball holds the build, the wasm kernels and the tfjs extras, and no TypeScript sources or tests', () => {
    for (const f of [
      'package.json',
      'bin/spikeloop.mjs',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/index.js.map',
      'dist/envs/index.js',
      'dist/agents/index.js',
      'dist/src/viz/index.js',
      'dist/src/viz/page/app.js',
      'dist/cli/main.js',
      'build/kernels/spikeDense.wasm',
      'build/tfjs/extras.mjs',
      'configs/nmnist-mlp-cpu.json',
      'configs/controllers/cartpole.json',
      'configs/controllers/recipe.schema.json',
    ]) {
      expect(packed, f).toContain(f);
    }
    for (const wasm of readdirSync(join(ROOT, 'build', 'kernels')).filter((f) => f.endsWith('.wasm')))
      expect(packed).toContain(`build/kernels/${wasm}`);
    expect(packed.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(packed.filter((f) => f.startsWith('test/') || f.startsWith('src/'))).toEqual([]);
  });

  it('imports every subpath and trains a tiny network with the WebAssembly spike kernels', () => {
    const r = runMjs(
      'train.mjs',
      `
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Sequential, Trainer, spikeSequenceLoss, tensorDataset, spikeKernels, useSpikeKernels } from 'spikeloop';
import { makeEnv } from 'spikeloop/envs';
import { trainController, makeTeacher, builtinRecipePreset } from 'spikeloop/agents';
import { startVizServer } from 'spikeloop/viz';
import pkg from 'spikeloop/package.json' with { type: 'json' };

const backend = await initBackend({ backend: 'wasm' });
const T = 30;
const psp = { tauSyn: 3, scale: 'none' };
const x = tf.tensor3d(Array.from({ length: T * 50 }, (_, i) => ((i * 7919) % 13 < 2 ? 1 : 0)), [T, 1, 50]);
const target = new Float32Array(T * 3);
for (const [t, i] of [[5, 0], [12, 0], [20, 0], [8, 1], [16, 1], [24, 1], [10, 2], [22, 2]]) target[t * 3 + i] = 1;
const d = tf.tensor3d(target, [T, 1, 3]);
const net = Sequential.fromConfig({
  T, inputShape: [50], seed: 3, psp, lif: { surrogate: { kind: 'fastSigmoid', slope: 2 } },
  layers: [{ type: 'dense', units: 100, weightScale: 3 }, { type: 'dense', units: 3, weightScale: 2 }],
});
const lossOf = (o, t) => spikeSequenceLoss(o, t, { psp, reduction: 'sum' });
const trainer = new Trainer(net, { loss: lossOf, optimizer: { kind: 'adam', lr: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 }, batchSize: 1, progress: 'never' });
const loss = () => tf.tidy(() => lossOf(net.forward(x, { training: false }).spikes, d).dataSync()[0]);
const before = loss();
await trainer.fit(tensorDataset(x, d, { timeMajorInputs: true, timeMajorTargets: true }), { epochs: 40 });
const after = loss();
const env = makeEnv('CartPoleContinuous-v1');
const { observation } = env.reset({ seed: 1 });
console.log(JSON.stringify({
  version: pkg.version, backend, kernels: spikeKernels().kind, inUse: useSpikeKernels(), before, after,
  obs: observation.length, teacher: typeof makeTeacher('cartpole').act, trainController: typeof trainController, startVizServer: typeof startVizServer,
  pendulumHidden: builtinRecipePreset('Pendulum-v1').hidden,
}));
`,
    );
    expect(r.stderr).not.toMatch(/TypeScript kernels|looks like you are running TensorFlow\.js/);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(out).toMatchObject({
      backend: 'wasm',
      kernels: 'wasm',
      inUse: 'wasm',
      obs: 4,
      teacher: 'function',
      trainController: 'function',
      startVizServer: 'function',
      pendulumHidden: [96, 96], // the recipe presets ship as configs/controllers/*.json and are found from dist/
    });
    expect(out.after as number).toBeLessThan(out.before as number);
    // the line goes on to say what runs beside the wasm kernels (threads, native kernels or why there are none)
    expect(r.stderr).toMatch(/^spikeloop: tfjs backend 'wasm'(, .+)?$/m);
  });

  it('runs the installed bin from dist/ without tsx: --version, --help, and eval reading the env from controller.json', () => {
    const bin = join(project, 'node_modules', 'spikeloop', 'bin', 'spikeloop.mjs');
    const version = spawnSync(process.execPath, [bin, '--version'], { cwd: project, encoding: 'utf8' });
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    const help = spawnSync(process.execPath, [bin, '--help'], { cwd: project, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^ {2}train-controller +train a spiking controller/m);
    const fixture = join(ROOT, 'test', 'fixtures', 'controllers', 'cartpole');
    const ev = spawnSync(process.execPath, [bin, 'eval', '--checkpoint', fixture, '--episodes', '1'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, SPIKELOOP_BACKEND: '' },
    });
    expect(ev.status, ev.stderr).toBe(0);
    expect(ev.stdout).toMatch(/\| SNN \(spike-seq\) \| CartPoleContinuous-v1 \| 1 \|/);
    expect(ev.stderr.match(/spikeloop: tfjs backend/g)).toHaveLength(1);
    expect(ev.stderr).not.toMatch(/looks like you are running TensorFlow\.js/);
  });
});
