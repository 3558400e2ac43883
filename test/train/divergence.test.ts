import { describe, expect, it } from 'vitest';
import { DivergenceError, divergenceGuard } from '../../src/train/divergence.ts';
import type { WeightEntry } from '../../src/network/sequential.ts';
import type { BatchLogs, FitContext } from '../../src/train/callbacks.ts';
import type { EpochMetrics } from '../../src/train/checkpoint.ts';
import { createRng } from '../../src/util/random.ts';

const ctx = {} as FitContext;
const logs = (epoch: number, step: number, loss: number): BatchLogs => ({ epoch, batch: step, batches: 100, size: 8, loss, step });
const metrics = (epoch: number, step: number): EpochMetrics => ({ epoch, step, lr: 1, loss: 1, seconds: 0 });

function fakeNet(scale: () => number): { getWeights(): WeightEntry[] } {
  return { getWeights: () => [{ name: 'dense_0/kernel', shape: [2], values: Float32Array.of(0.5 * scale(), -scale()) }] };
}

describe('divergence guard', () => {
  it('stops when the loss blows up with finite values (69 → 2483), naming the step and keeping the last good epoch', () => {
    const guard = divergenceGuard(fakeNet(() => 1));
    let step = 0;
    for (let b = 0; b < 20; b++) guard.onBatchEnd!(b, logs(1, ++step, 69 - b), ctx);
    guard.onEpochEnd!(1, metrics(1, step), ctx);
    let err: unknown;
    try {
      for (let b = 0; b < 40; b++) guard.onBatchEnd!(b, logs(2, ++step, 60 * 1.15 ** b), ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as Error).message).toMatch(
      /training diverged at epoch 2, step \d+: the loss \(EMA [\d.]+\) is [\d.]+× its lowest [\d.]+ \(limit 10×\); the last good weights are from the end of epoch 1 \(step 20\)\. Lower the learning rate\./,
    );
    expect((err as DivergenceError).lastGood?.epoch).toBe(1);
  });

  it('stops when the weights grow past the bound even if the loss looks flat', () => {
    let scale = 1;
    const guard = divergenceGuard(
      fakeNet(() => scale),
      { weightCheckEvery: 5 },
    );
    for (let b = 0; b < 5; b++) guard.onBatchEnd!(b, logs(1, b + 1, 1), ctx);
    scale = 3.9e31;
    expect(() => {
      for (let b = 5; b < 10; b++) guard.onBatchEnd!(b, logs(1, b + 1, 1), ctx);
    }).toThrow(/step 10: \|dense_0\/kernel\| reaches 3\.90e\+31 \(limit 10000\); no epoch completed before it/);
  });

  it('lets an ordinary noisy, decreasing loss through', () => {
    const guard = divergenceGuard(fakeNet(() => 1));
    const rng = createRng(3);
    for (let b = 0; b < 500; b++) guard.onBatchEnd!(b, logs(1, b + 1, (50 / (1 + b / 20)) * (0.5 + rng.next())), ctx);
  });
});
