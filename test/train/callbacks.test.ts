import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classSpikeTrains } from '../../src/labels/classification.ts';
import { spikeSequenceLoss } from '../../src/loss/index.ts';
import { Sequential } from '../../src/network/sequential.ts';
import {
  EarlyStopping,
  earlyStopping,
  Trainer,
  tensorDataset,
  type BatchLogs,
  type TrainerCallbacks,
  type TrainerOptions,
} from '../../src/train/index.ts';
import { createRng } from '../../src/util/random.ts';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'spikeloop-callbacks-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const T = 6;
const config = {
  T,
  inputShape: [5],
  seed: 4,
  layers: [
    { type: 'dense', units: 8, weightScale: 5 },
    { type: 'dense', units: 3, weightScale: 4 },
  ],
};

/** 12 labelled examples: 3 batches of 4. */
function data() {
  const rng = createRng(8);
  const n = 12;
  const x = new Float32Array(T * n * 5);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() < 0.3 ? 1 : 0;
  const labels = Int32Array.from({ length: n }, () => rng.int(3));
  return tensorDataset(tf.tensor3d(x, [T, n, 5]), classSpikeTrains(labels, { T, numClasses: 3, pattern: 'every-k', k: 2 }), {
    timeMajorInputs: true,
    timeMajorTargets: true,
    labels,
  });
}

const opts: Partial<TrainerOptions> & Pick<TrainerOptions, 'loss'> = {
  loss: (o, t) => spikeSequenceLoss(o, t, { reduction: 'mean' }),
  optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
  batchSize: 4,
  seed: 2,
  progress: 'never',
};

describe('Trainer.fit callbacks', () => {
  it('awaits the hooks in tfjs order: train begin, per epoch begin, each batch, epoch end, train end', async () => {
    const net = Sequential.fromConfig(config);
    const trainer = new Trainer(net, opts);
    const events: string[] = [];
    const batches: BatchLogs[] = [];
    const cb: TrainerCallbacks = {
      onTrainBegin: (ctx) => void events.push(`train-begin ${ctx.epochs}`),
      onEpochBegin: (e) => void events.push(`epoch-begin ${e}`),
      onBatchEnd: async (b, logs) => {
        await new Promise((r) => setTimeout(r, 1)); // an async hook is awaited before the next batch
        events.push(`batch ${logs.epoch}.${b}`);
        batches.push(logs);
      },
      onEpochEnd: (e, m) => void events.push(`epoch-end ${e} ${m.epoch}`),
      onTrainEnd: (r) => void events.push(`train-end ${r.history.length}`),
    };
    const r = await trainer.fit(data(), { epochs: 2, callbacks: cb });
    expect(events).toEqual([
      'train-begin 2',
      'epoch-begin 1',
      'batch 1.0',
      'batch 1.1',
      'batch 1.2',
      'epoch-end 1 1',
      'epoch-begin 2',
      'batch 2.0',
      'batch 2.1',
      'batch 2.2',
      'epoch-end 2 2',
      'train-end 2',
    ]);
    expect(batches.map((b) => b.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(batches.every((b) => b.batches === 3 && b.size === 4 && Number.isFinite(b.loss))).toBe(true);
    // the epoch loss is the mean of its batch losses
    expect(r.history[0]!.loss).toBeCloseTo((batches[0]!.loss + batches[1]!.loss + batches[2]!.loss) / 3, 6);
    expect(r.stopped).toBeUndefined();
    net.dispose();
    trainer.dispose();
  });

  it('yields to the event loop between batches (a setImmediate queued before fit runs before the second batch)', async () => {
    const net = Sequential.fromConfig(config);
    const trainer = new Trainer(net, opts);
    let ran = false;
    const seen: boolean[] = [];
    setImmediate(() => (ran = true));
    await trainer.fit(data(), { epochs: 1, callbacks: { onBatchEnd: () => void seen.push(ran) } });
    expect(seen).toEqual([false, true, true]);
    net.dispose();
    trainer.dispose();
  });

  it('an aborted fit rejects with the signal reason, saves its position, and the resumed run ends where the uninterrupted one ends', async () => {
    const full = Sequential.fromConfig(config);
    const t1 = new Trainer(full, opts);
    await t1.fit(data(), { epochs: 2 });

    const dir = join(root, 'abort');
    const part = Sequential.fromConfig(config);
    const t2 = new Trainer(part, { ...opts, checkpointDir: dir });
    const ac = new AbortController();
    // abort after the second batch of epoch 2 (step 5)
    const stopper: TrainerCallbacks = { onBatchEnd: (_b, logs) => void (logs.step === 5 && ac.abort()) };
    await expect(t2.fit(data(), { epochs: 2, callbacks: stopper, signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(t2.step).toBe(5);
    part.dispose();

    const { network, trainer } = Trainer.fromCheckpoint(dir, opts);
    expect(trainer.step).toBe(5);
    await trainer.fit(data(), { epochs: 2 });
    const a = full.getWeights();
    const b = network.getWeights();
    a.forEach((w, i) => expect(Array.from(b[i]!.values)).toEqual(Array.from(w.values)));
    full.dispose();
    network.dispose();
  });

  it('a callback that calls ctx.stop ends the run after the current epoch and fit reports why', async () => {
    const net = Sequential.fromConfig(config);
    const trainer = new Trainer(net, opts);
    const r = await trainer.fit(data(), {
      epochs: 5,
      callbacks: { onBatchEnd: (b, logs, ctx) => void (logs.epoch === 2 && b === 0 && ctx.stop('enough')) },
    });
    expect(r.history.map((m) => m.epoch)).toEqual([1, 2]);
    expect(trainer.epoch).toBe(2);
    expect(r.stopped).toEqual({ epoch: 2, reason: 'enough' });
    net.dispose();
    trainer.dispose();
  });
});

describe('earlyStopping', () => {
  const metrics = (loss: number, epoch: number) => ({ epoch, step: epoch, lr: 0.01, loss, seconds: 1 });
  const drive = (es: EarlyStopping, losses: number[], epochs = 100): number | undefined => {
    let reason: string | undefined;
    const ctx = {
      epochs,
      stop: (r: string) => void (reason ??= r),
      get stopReason() {
        return reason;
      },
    };
    es.onTrainBegin();
    for (let e = 1; e <= losses.length; e++) {
      es.onEpochEnd(e, metrics(losses[e - 1]!, e), ctx);
      if (reason !== undefined) return e;
    }
    return undefined;
  };

  it('stops after `patience` epochs without an improvement larger than minDelta (tfjs semantics)', () => {
    expect(drive(earlyStopping({ patience: 2 }), [5, 4, 4.5, 4.2, 3])).toBe(4);
    expect(drive(earlyStopping({ patience: 0 }), [5, 4, 4.5, 3])).toBe(3);
    // 4 → 3.95 is an improvement only without minDelta
    expect(drive(earlyStopping({ patience: 1 }), [5, 4, 3.95, 3.9])).toBeUndefined();
    expect(drive(earlyStopping({ patience: 1, minDelta: 0.1 }), [5, 4, 3.95, 3.9])).toBe(3);
    // accuracies are maximised
    const acc = earlyStopping({ monitor: 'accuracy', patience: 1 });
    let reason: string | undefined;
    const ctx = { epochs: 10, stop: (r: string) => void (reason ??= r), stopReason: undefined };
    acc.onTrainBegin();
    [0.5, 0.7, 0.6].forEach((a, i) => acc.onEpochEnd(i + 1, { ...metrics(1, i + 1), accuracy: a }, ctx));
    expect(reason).toMatch(/accuracy did not improve/);
    expect(acc.best).toBe(0.7);
  });

  it('stops at a training-time budget, and never cuts short a run that ends anyway', () => {
    const es = earlyStopping({ patience: Infinity, maxSeconds: 2.5 });
    expect(drive(es, [5, 4, 3, 2, 1])).toBe(3);
    expect(es.stoppedBy).toBe('time-budget');
    const last = earlyStopping({ patience: 0, maxSeconds: 1.5 }); // both reasons hold at epoch 2, the last one
    expect(drive(last, [5, 6], 2)).toBeUndefined();
    expect(last.stoppedBy).toBeUndefined();
  });

  it('in fit: stops a run whose eval loss stops improving, and says why', async () => {
    const net = Sequential.fromConfig(config);
    const trainer = new Trainer(net, { ...opts, optimizer: { ...opts.optimizer!, lr: 0 } as TrainerOptions['optimizer'] });
    // lr 0: nothing changes, so the eval loss never improves after epoch 1
    const es = earlyStopping({ monitor: 'evalLoss', patience: 2 });
    const r = await trainer.fit(data(), { epochs: 10, evalData: data(), callbacks: [es] });
    expect(r.history).toHaveLength(3);
    expect(r.stopped?.reason).toMatch(/evalLoss did not improve by more than 0 for 2 epoch/);
    expect(es.stoppedEpoch).toBe(3);
    net.dispose();
    trainer.dispose();
  });

  it('bad options and a metric the run does not produce fail with a message naming them', async () => {
    expect(() => earlyStopping({ patience: -1 })).toThrow(/earlyStopping\.patience/);
    expect(() => earlyStopping({ minDelta: -0.1 })).toThrow(/earlyStopping\.minDelta/);
    expect(() => earlyStopping({ maxSeconds: 0 })).toThrow(/earlyStopping\.maxSeconds/);
    expect(() => earlyStopping({ monitor: 'val_loss' as 'loss' })).toThrow(/earlyStopping\.monitor/);
    const net = Sequential.fromConfig(config);
    const trainer = new Trainer(net, opts);
    await expect(trainer.fit(data(), { epochs: 2, callbacks: earlyStopping({ monitor: 'evalLoss' }) })).rejects.toThrow(
      /no 'evalLoss' \(pass evalData to fit\)/,
    );
    net.dispose();
    trainer.dispose();
  });
});
