import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classSpikeTrains } from '../../src/labels/classification.ts';
import { spikeSequenceLoss } from '../../src/loss/index.ts';
import { Sequential } from '../../src/network/sequential.ts';
import { loadCheckpoint, NonFiniteError, restoreNetwork, Trainer, tensorDataset, type TrainerOptions } from '../../src/train/index.ts';
import { createRng } from '../../src/util/random.ts';
import { behaviourSha256 } from '../../src/train/manifest.ts';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'spikeloop-ckpt-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const T = 8;
const config = {
  T,
  inputShape: [6],
  seed: 9,
  layers: [
    { type: 'dense', units: 12, weightScale: 5, bias: true },
    { type: 'dropout', rate: 0.2 },
    { type: 'dense', units: 3, weightScale: 4 },
  ],
};

function data() {
  const rng = createRng(2);
  const n = 20;
  const x = new Float32Array(T * n * 6);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() < 0.3 ? 1 : 0;
  const labels = Int32Array.from({ length: n }, () => rng.int(3));
  return tensorDataset(tf.tensor3d(x, [T, n, 6]), classSpikeTrains(labels, { T, numClasses: 3, pattern: 'every-k', k: 2 }), {
    timeMajorInputs: true,
    timeMajorTargets: true,
    labels,
  });
}

const opts: Partial<TrainerOptions> & Pick<TrainerOptions, 'loss'> = {
  loss: (o, t) => spikeSequenceLoss(o, t, { reduction: 'mean' }),
  optimizer: { kind: 'adamw', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
  schedule: { kind: 'cosine', totalSteps: 20, minLr: 0.001 },
  batchSize: 6,
  clipGradNorm: 1,
  weightClamp: 4,
  seed: 4,
  progress: 'never',
};

const strip = (m: { seconds: number }[]) => m.map(({ seconds: _s, ...rest }) => rest);

describe('checkpoints', () => {
  it('round-trip restores every weight bit for bit, with config and history', async () => {
    const dir = join(root, 'roundtrip');
    const net = Sequential.fromConfig(config);
    const trainer = new Trainer(net, { ...opts, checkpointDir: dir });
    await trainer.fit(data(), { epochs: 1 });
    const ckpt = loadCheckpoint(dir);
    const back = restoreNetwork(ckpt);
    const a = net.getWeights();
    const b = back.getWeights();
    expect(b.map((w) => w.name)).toEqual(['dense_0/kernel', 'dense_0/bias', 'dense_2/kernel']);
    a.forEach((w, i) => expect(Buffer.from(b[i]!.values.buffer).equals(Buffer.from(w.values.buffer))).toBe(true));
    expect(ckpt.metrics).toHaveLength(1);
    expect(ckpt.trainer!.step).toBe(4);
    expect(ckpt.optimizer!.state.map((s) => s.name)).toContain('dense_0/kernel/m');
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.network.layers[0]).toMatchObject({ type: 'dense', units: 12 });
    net.dispose();
    back.dispose();
  });

  it('a run resumed from a checkpoint ends exactly where the uninterrupted run ends', async () => {
    const full = Sequential.fromConfig(config);
    const t1 = new Trainer(full, opts);
    await t1.fit(data(), { epochs: 3 });

    const dir = join(root, 'resume');
    const part = Sequential.fromConfig(config);
    const t2 = new Trainer(part, { ...opts, checkpointDir: dir });
    await t2.fit(data(), { epochs: 1 });
    part.dispose();

    const { network, trainer } = Trainer.fromCheckpoint(dir, { ...opts, checkpointDir: dir });
    expect(trainer.epoch).toBe(1);
    await trainer.fit(data(), { epochs: 3 });
    const a = full.getWeights();
    const b = network.getWeights();
    a.forEach((w, i) => expect(Array.from(b[i]!.values)).toEqual(Array.from(w.values)));
    expect(strip(trainer.history)).toEqual(strip(t1.history));
    full.dispose();
    network.dispose();
  });

  it('a run interrupted inside an epoch resumes from the mid-epoch checkpoint and ends where the uninterrupted run ends', async () => {
    const full = Sequential.fromConfig(config);
    const t1 = new Trainer(full, opts);
    await t1.fit(data(), { epochs: 3 });

    const dir = join(root, 'mid-epoch');
    const part = Sequential.fromConfig(config);
    const t2 = new Trainer(part, { ...opts, checkpointDir: dir, checkpointEverySteps: 3 });
    // 4 batches per epoch: step 6 is batch 2 of epoch 2; crash right after its checkpoint is in place
    const crash = {
      onStage: (s: string) => {
        if (s === 'renamed' && t2.step === 6) throw new Error('simulated crash');
      },
    };
    await expect(t2.fit(data(), { epochs: 3, checkpoint: crash })).rejects.toThrow(/simulated crash/);
    part.dispose();
    const ckpt = loadCheckpoint(dir);
    expect(ckpt.trainer).toMatchObject({ epoch: 1, step: 6, inEpoch: { batch: 2 } });

    const { network, trainer } = Trainer.fromCheckpoint(dir, { ...opts, checkpointDir: dir, checkpointEverySteps: 3 });
    await trainer.fit(data(), { epochs: 3 });
    const a = full.getWeights();
    const b = network.getWeights();
    a.forEach((w, i) => expect(Array.from(b[i]!.values)).toEqual(Array.from(w.values)));
    expect(strip(trainer.history)).toEqual(strip(t1.history));
    full.dispose();
    network.dispose();
  });

  it('a crash while replacing a checkpoint leaves the previous one loadable', async () => {
    const dir = join(root, 'crash');
    const net = Sequential.fromConfig(config);
    const trainer = new Trainer(net, opts);
    trainer.saveCheckpoint(dir);
    const first = net.getWeights();
    await trainer.fit(data(), { epochs: 1 });
    expect(() =>
      trainer.saveCheckpoint(dir, {
        onStage: (s) => {
          if (s === 'old-moved-aside') throw new Error('simulated crash');
        },
      }),
    ).toThrow(/simulated crash/);
    expect(existsSync(join(dir, 'model.json'))).toBe(false);
    const ckpt = loadCheckpoint(dir);
    expect(ckpt.path).toBe(`${dir}.old`);
    expect(Array.from(ckpt.weights[0]!.values)).toEqual(Array.from(first[0]!.values));
    trainer.saveCheckpoint(dir); // the next save repairs the folder
    expect(loadCheckpoint(dir).path).toBe(dir);
    expect(existsSync(`${dir}.old`)).toBe(false);
    net.dispose();
  });

  it('truncated or corrupt weights, a wrong version or wrong shapes fail with a message naming the problem', () => {
    const dir = join(root, 'bad');
    const net = Sequential.fromConfig(config);
    new Trainer(net, opts).saveCheckpoint(dir);
    const bin = join(dir, 'weights.bin');
    const json = join(dir, 'model.json');
    const goodBin = readFileSync(bin);
    const goodJson = readFileSync(json, 'utf8');

    truncateSync(bin, 100);
    expect(() => loadCheckpoint(dir)).toThrow(/weights\.bin has 100 bytes, the manifest needs \d+ \(truncated\)/);
    const flipped = Buffer.from(goodBin);
    flipped[10] ^= 0xff;
    writeFileSync(bin, flipped);
    expect(() => loadCheckpoint(dir)).toThrow(/weights\.bin is corrupt: sha256/);
    rmSync(bin);
    expect(() => loadCheckpoint(dir)).toThrow(/weights\.bin is missing/);
    writeFileSync(bin, goodBin);

    writeFileSync(json, goodJson.replace('"formatVersion": 2', '"formatVersion": 99'));
    expect(() => loadCheckpoint(dir)).toThrow(/formatVersion 99 is not supported/);
    const other = JSON.parse(goodJson);
    other.network.layers[0].units = 13;
    writeFileSync(json, JSON.stringify(other));
    expect(() => loadCheckpoint(dir)).toThrow(/model\.json does not match its behaviour hash/);
    // With the hash recomputed (a deliberate edit), the shape check still names the mismatch.
    other.behaviourSha256 = behaviourSha256(other.network, other.weightsManifest[0].weights, goodBin);
    writeFileSync(json, JSON.stringify(other));
    expect(() => restoreNetwork(loadCheckpoint(dir))).toThrow(/'dense_0\/kernel' has shape \[6, 12\], the network needs \[6, 13\]/);
    writeFileSync(json, goodJson);
    expect(() => restoreNetwork(loadCheckpoint(dir)).dispose()).not.toThrow();
    expect(() => loadCheckpoint(join(root, 'nowhere'))).toThrow(/no model\.json/);
    net.dispose();
  });
});

// The manifest is edited as untyped JSON on purpose: each case breaks it in a different way.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = any;

describe('checkpoint manifest validation and behaviour hash', () => {
  function saved(name: string): { dir: string; json: string; good: Manifest } {
    const dir = join(root, name);
    const net = Sequential.fromConfig(config);
    new Trainer(net, opts).saveCheckpoint(dir);
    net.dispose();
    const json = join(dir, 'model.json');
    return { dir, json, good: JSON.parse(readFileSync(json, 'utf8')) };
  }
  const edit = (json: string, good: Manifest, f: (m: Manifest) => void): void => {
    const m = structuredClone(good);
    f(m);
    writeFileSync(json, JSON.stringify(m));
  };

  it('a missing or odd shape, weights: {} or a bad field is an error naming the field, not a TypeError', () => {
    const { dir, json, good } = saved('schema');
    const cases: Array<[(m: Manifest) => void, RegExp]> = [
      [(m) => delete m.weightsManifest[0].weights[0].shape, /weightsManifest\.0\.weights\.0\.shape: /],
      [(m) => (m.weightsManifest[0].weights[0].shape = [6, -1]), /weightsManifest\.0\.weights\.0\.shape\.1: /],
      [(m) => (m.weightsManifest[0].weights[0].shape = '6x12'), /weightsManifest\.0\.weights\.0\.shape: /],
      [(m) => (m.weightsManifest[0].weights = {}), /weightsManifest\.0\.weights: /],
      [(m) => (m.weightsManifest = []), /weightsManifest: must be one group/],
      [(m) => (m.weightsManifest[0].weights[1].name = m.weightsManifest[0].weights[0].name), /duplicate weight name 'dense_0\/kernel'/],
      [(m) => (m.weightsManifest[0].weights[0].dtype = 'int8'), /weightsManifest\.0\.weights\.0\.dtype: /],
      [(m) => delete m.weightsBytes, /weightsBytes: /],
      [(m) => (m.weightsSha256 = 'abc'), /weightsSha256: must be 64 lowercase hex digits/],
      [(m) => delete m.behaviourSha256, /behaviourSha256: is required from formatVersion 2 on/],
    ];
    for (const [f, msg] of cases) {
      edit(json, good, f);
      let err: Error | undefined;
      try {
        loadCheckpoint(dir);
      } catch (e) {
        err = e as Error;
      }
      expect(err, String(msg)).toBeDefined();
      expect(err!.message).toMatch(/^checkpoint .*: model\.json is not a valid checkpoint manifest: /);
      expect(err!.message).toMatch(msg);
      expect(err).not.toBeInstanceOf(TypeError);
    }
  });

  it('swapped weight names or an edited threshold in model.json are refused (the behaviour hash covers them)', () => {
    const { dir, json, good } = saved('behaviour');
    edit(json, good, (m) => {
      const w = m.weightsManifest[0].weights;
      [w[0].name, w[2].name] = [w[2].name, w[0].name];
    });
    expect(() => loadCheckpoint(dir)).toThrow(/does not match its behaviour hash/);
    edit(json, good, (m) => (m.network.lif = { ...m.network.lif, threshold: 0.25 }));
    expect(() => loadCheckpoint(dir)).toThrow(/does not match its behaviour hash/);
    // Key order and whitespace are not behaviour.
    writeFileSync(json, JSON.stringify(Object.fromEntries(Object.entries(good).reverse())));
    expect(() => loadCheckpoint(dir)).not.toThrow();
  });

  it('formatVersion 1 checkpoints (weights-only hash) still load, with a warning saying what is not covered', () => {
    const { dir, json, good } = saved('v1');
    edit(json, good, (m) => {
      m.formatVersion = 1;
      delete m.behaviourSha256;
    });
    const warnings: string[] = [];
    const ckpt = loadCheckpoint(dir, { warn: (w) => warnings.push(w) });
    expect(ckpt.weights.length).toBeGreaterThan(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/formatVersion 1 hashes weights\.bin only/);
    const v1 = loadCheckpoint(join(import.meta.dirname, '..', 'fixtures', 'controllers', 'cartpole'), { warn: () => {} });
    expect(v1.weights.map((w) => w.name)).toEqual(['hidden1/kernel', 'hidden1/bias', 'hidden2/kernel', 'hidden2/bias', 'motor/kernel']);
  });
});

describe('NaN guard', () => {
  it('stops with a message naming the step and the offending tensor', async () => {
    const net = Sequential.fromConfig(config);
    const trainer = new Trainer(net, { ...opts, loss: (o) => tf.div(tf.sum(o), 0).mul(0) as tf.Scalar });
    await expect(trainer.fit(data(), { epochs: 1 })).rejects.toThrow(/epoch 1, step 1: the loss is not finite/);
    const net2 = Sequential.fromConfig(config);
    const trainer2 = new Trainer(net2, { ...opts, loss: (o) => tf.sum(tf.sqrt(tf.relu(tf.sub(o, 2)))) as tf.Scalar });
    let err: unknown;
    try {
      await trainer2.fit(data(), { epochs: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteError);
    // the loss is 0, but √ at 0 has an infinite slope: NaN flows back into the first weights
    expect((err as Error).message).toMatch(/epoch 1, step 1: the gradient of 'dense_0\/kernel' is not finite/);
    net.dispose();
    net2.dispose();
  });
});

describe('progress', () => {
  async function captureStderr(run: () => Promise<unknown>, isTTY = false): Promise<string> {
    const write = process.stderr.write.bind(process.stderr);
    const tty = process.stderr.isTTY;
    let written = '';
    process.stderr.isTTY = isTTY;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    }) as typeof process.stderr.write;
    try {
      await run();
    } finally {
      process.stderr.write = write;
      process.stderr.isTTY = tty;
    }
    return written;
  }

  it("'auto' prints nothing when stderr is not a TTY; 'always' prints one line per epoch there", async () => {
    const net = Sequential.fromConfig(config);
    expect(await captureStderr(() => new Trainer(net, { ...opts, progress: 'auto' }).fit(data(), { epochs: 1 }))).toBe('');
    const lines = (await captureStderr(() => new Trainer(net, { ...opts, progress: 'always' }).fit(data(), { epochs: 2 })))
      .trim()
      .split('\n');
    expect(lines).toHaveLength(2);
    // each line carries the run's total (2 epochs) and the time left
    expect(lines[0]).toMatch(/^epoch 1\/2: loss [\d.e-]+, accuracy [\d.]+ \([\d.]+ s\); ETA \d+ s$/);
    expect(lines[1]).toMatch(/^epoch 2\/2: loss [\d.e-]+, accuracy [\d.]+ \([\d.]+ s\); ETA 0 s$/);
    net.dispose();
  });

  it('on a TTY one bar covers the whole run: the epoch of the total, all batches of all epochs, an ETA', async () => {
    const net = Sequential.fromConfig(config);
    // 4 batches per epoch, 3 epochs; fit once (not once per epoch, which read 'epoch 1/1')
    const text = await captureStderr(() => new Trainer(net, { ...opts, progress: 'auto' }).fit(data(), { epochs: 3 }), true);
    expect(text).toMatch(/epoch 3\/3 \S+ 12\/12 batches {2}loss [\d.e-]+ {2}ETA 0 s/);
    expect(text).not.toMatch(/epoch \d\/1 /);
    net.dispose();
  });
});
