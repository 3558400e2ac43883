/** Decode throughput of the dataset loaders on the test fixtures (real samples, repeated). */
import { join } from 'node:path';
import { Cifar10Dataset } from '../src/data/cifar10.ts';
import { NmnistDataset } from '../src/data/nmnist.ts';
import type { BenchSuite } from './types.ts';

const FIX = join(import.meta.dirname, '..', 'test', 'fixtures');

const suite: BenchSuite = async ({ quick }) => {
  const reps = quick ? 5 : 50;
  const cifar = Cifar10Dataset.load(join(FIX, 'cifar10'), 'train');
  const nm = NmnistDataset.load(join(FIX, 'nmnist'), 'train');
  const rows: Array<Array<string | number>> = [];
  for (const augment of [false, true]) {
    let n = 0;
    const t0 = performance.now();
    for (let r = 0; r < reps; r++)
      for await (const b of cifar.batches({ batchSize: 40, shuffle: true, seed: r, augment })) n += b.labels.length;
    const s = (performance.now() - t0) / 1000;
    rows.push([`CIFAR-10 → [B,32,32,3]${augment ? ' + crop/flip' : ''}`, n, Math.round(n / s)]);
  }
  for (const mode of ['binary', 'count'] as const) {
    const ds = new NmnistDataset(nm.entries, { mode });
    let n = 0;
    const t0 = performance.now();
    for (let r = 0; r < Math.ceil(reps / 5); r++) for await (const b of ds.batches({ batchSize: 26 })) n += b.labels.length;
    const s = (performance.now() - t0) / 1000;
    rows.push([`N-MNIST file → [30,B,34,34,2] ${mode}`, n, Math.round(n / s)]);
  }
  return [{ title: 'Dataset decode throughput (one core, fixtures)', columns: ['path', 'samples', 'samples/s'], rows }];
};
export default suite;
