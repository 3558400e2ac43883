import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.ts';
import { heapMemory, wasmHeapBackend } from '../../src/kernels/heapModule.ts';
import { kernelPoolCounts, setKernelThreads, setSplitPolicy, splitRange, splitTimings } from '../../src/kernels/kernelPool.ts';
import { lifBackwardHeap, lifForwardHeap } from '../../src/kernels/lifScanHeap.ts';
import { pspBackwardHeap, pspForwardHeap } from '../../src/kernels/pspScanHeap.ts';
import { fastSigmoid, arctan, rectangular, type SurrogateSpec } from '../../src/neurons/surrogate.ts';
import { Optimizer, type OptimizerSpec } from '../../src/train/optimizers.ts';
import { resolveThreads } from '../../src/backend/engineOptions.ts';
import { measureFused, workload } from '../../bench/workloads/index.ts';
import { createRng } from '../../src/util/random.ts';
import { spikeDense } from '../../src/kernels/spikeDenseOp.ts';
import { alifBackwardHeap, alifForwardHeap } from '../../src/kernels/alifScanHeap.ts';
import type { AlifScanParams } from '../../src/kernels/alifScan.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  setSplitPolicy('always'); // every eligible call split, whatever the machine's load
});
afterAll(async () => {
  setSplitPolicy('adaptive');
  setKernelThreads(resolveThreads());
  await initBackend({ backend: 'cpu', quiet: true });
});

/** The bits of a float32 tensor's values (so that -0 and NaN payloads count too). */
const bits = (t: tf.Tensor): Uint32Array => new Uint32Array(Float32Array.from(t.dataSync()).buffer);

/** Runs `f` with 1, 2 and 3 kernel threads; expects the same bits from each and that 2 and 3 split the work (`minSplits` calls). */
function sameForAnyThreadCount(f: () => tf.Tensor[], minSplits = 1): void {
  const results: Uint32Array[][] = [];
  for (const n of [1, 2, 3]) {
    setKernelThreads(n);
    const before = kernelPoolCounts().split;
    const out = f();
    results.push(out.map(bits));
    tf.dispose(out);
    if (n > 1) expect(kernelPoolCounts().split - before, `${n} threads split the calls`).toBeGreaterThanOrEqual(minSplits);
  }
  for (const r of results.slice(1)) {
    expect(r.length).toBe(results[0]!.length);
    r.forEach((b, i) => expect(Buffer.from(b.buffer).equals(Buffer.from(results[0]![i]!.buffer))).toBe(true));
  }
}

function random(n: number, seed: number, f: (u: number) => number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => f(rng.uniform(0, 1)));
}

// Big enough to split three ways (ELEMENTWISE_PER_THREAD = 65536 per thread), odd widths so that
// the last range has a SIMD tail.
const T = 11;
const N = 20011;

describe('our kernels on several threads over the shared heap', () => {
  it('runs on a shared-memory heap', () => {
    const memory = heapMemory(wasmHeapBackend()!);
    expect(memory?.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('splits ranges at aligned boundaries, and keeps small work whole', () => {
    expect(splitRange(1000, 2, 600, 16)).toEqual([0, 1000]);
    expect(splitRange(1000, 2, 100, 16)).toEqual([0, 496, 1000]);
    expect(splitRange(1000, 3, 100, 16)).toEqual([0, 320, 656, 1000]);
    expect(splitRange(10, 4, 1, 16)).toEqual([0, 10]);
  });

  for (const reset of ['hard', 'soft'] as const) {
    it(`LIF forward: the same spikes and membranes for 1, 2, 3 threads (${reset} reset)`, () => {
      const I = random(T * N, 1, (u) => u * 1.6 - 0.2);
      sameForAnyThreadCount(() => {
        const x = tf.tensor(I, [T, N]);
        const r = lifForwardHeap(x, T, N, 0.8187307530779818, 1, reset)!;
        x.dispose();
        return [r.spikes, r.u];
      });
    });
  }

  const surrogates: SurrogateSpec[] = [fastSigmoid(), arctan(), rectangular({ width: 0.8 })];
  for (const surrogate of surrogates) {
    for (const [reset, detachReset] of [
      ['soft', true],
      ['hard', false],
    ] as const) {
      it(`LIF backward: the same ∂L/∂I for 1, 2, 3 threads (${surrogate.kind}, ${reset} reset, ${detachReset ? 'detached' : 'kept'})`, () => {
        const I = random(T * N, 2, (u) => u * 1.6 - 0.2);
        const G = random(T * N, 3, (u) => u - 0.5);
        const params = { decay: 0.8, threshold: 1, reset, detachReset, surrogate };
        const x = tf.tensor(I, [T, N]);
        const fwd = lifForwardHeap(x, T, N, params.decay, params.threshold, reset)!;
        const g = tf.tensor(G, [T, N]);
        sameForAnyThreadCount(() => [lifBackwardHeap(g, fwd.u, fwd.spikes, T, N, params)!]);
        tf.dispose([x, g, fwd.u, fwd.spikes]);
      });
    }
  }

  for (const [alpha, c] of [
    [Math.exp(-1 / 5), 1],
    [1 - 1 / 3, 1 / 3],
  ] as const) {
    it(`PSP forward and backward: the same results for 1, 2, 3 threads (α = ${alpha.toFixed(3)}, c = ${c.toFixed(3)})`, () => {
      const X = random(T * N, 4, (u) => +(u < 0.2));
      const G = random(T * N, 5, (u) => u - 0.5);
      const [x, g] = [tf.tensor(X, [T, N]), tf.tensor(G, [T, N])];
      sameForAnyThreadCount(() => [pspForwardHeap(x, T, N, { alpha, c })!, pspBackwardHeap(g, T, N, { alpha, c })!]);
      tf.dispose([x, g]);
    });
  }

  it('works on memory the heap grew after the workers started', () => {
    setKernelThreads(2);
    const x0 = tf.tensor(
      random(T * N, 6, (u) => u),
      [T, N],
    );
    pspForwardHeap(x0, T, N, { alpha: 0.5, c: 1 })!.dispose(); // workers are running now
    const before = heapMemory(wasmHeapBackend()!)!.buffer.byteLength;
    const big = tf.zeros([before / 4 + 1024]); // forces the heap to grow
    expect(heapMemory(wasmHeapBackend()!)!.buffer.byteLength).toBeGreaterThan(before);
    const G = random(T * N, 7, (u) => u - 0.5);
    sameForAnyThreadCount(() => {
      const g = tf.tensor(G, [T, N]); // allocated above the old end of the heap
      const r = pspBackwardHeap(g, T, N, { alpha: 0.7, c: 0.3 })!;
      g.dispose();
      return [r];
    });
    tf.dispose([x0, big]);
  });

  it('spike-dense products (forward I = S·W and dW = Sᵀ·δ): the same results for 1, 2, 3 threads', () => {
    const [rows, cols, out] = [1920, 700, 256];
    const rng = createRng(12);
    const S = tf.tensor2d(
      Float32Array.from({ length: rows * cols }, () => +(rng.next() < 0.08)),
      [rows, cols],
    );
    const W = tf.tensor2d(
      random(cols * out, 13, (u) => u - 0.5),
      [cols, out],
    );
    const dy = tf.tensor2d(
      random(rows * out, 14, (u) => u - 0.5),
      [rows, out],
    );
    const f = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(spikeDense(S, w as tf.Tensor2D), dy)));
    sameForAnyThreadCount(() => [spikeDense(S, W), f(W)]);
    tf.dispose([S, W, dy]);
  });

  // The recurrent / adaptive scans split by batch rows (forward, backward with its per-step gemm
  // and ∂λ per row) and ∂V by column bands. Rows of 40 neurons (not a cache-line multiple): bands of 2
  // rows (forward) and 4 rows (backward); R odd, so the last band is short. Without V a row is less
  // work, so more rows are needed before a call splits.
  const alifCases: Array<{ name: string; p: AlifScanParams; recurrent: boolean; perNeuron: boolean; R: number }> = [
    {
      name: 'recurrent, β = 0, soft reset detached',
      p: { threshold: 1, beta: 0, rho: 0, reset: 'soft', detachReset: true, surrogate: fastSigmoid() },
      recurrent: true,
      perNeuron: false,
      R: 13,
    },
    {
      name: 'recurrent adaptive, per-neuron λ, hard reset kept',
      p: { threshold: 1, beta: 0.3, rho: 0.8, reset: 'hard', detachReset: false, surrogate: arctan() },
      recurrent: true,
      perNeuron: true,
      R: 13,
    },
    {
      name: 'no V, adaptive, per-neuron λ, soft reset kept',
      p: { threshold: 1, beta: 0.2, rho: 0.9, reset: 'soft', detachReset: false, surrogate: rectangular({ width: 0.8 }) },
      recurrent: false,
      perNeuron: true,
      R: 71,
    },
  ];
  for (const c of alifCases) {
    it(`ALIF forward and backward (∂I, ∂V, ∂λ): the same results for 1, 2, 3 threads (${c.name})`, () => {
      const [TT, R, NN] = [60, c.R, 40];
      const I = random(TT * R * NN, 21, (u) => u * 1.2 - 0.1);
      const G = random(TT * R * NN, 22, (u) => u - 0.5);
      const It = tf.tensor(I, [TT, R, NN]);
      const Gt = tf.tensor(G, [TT, R, NN]);
      const V = c.recurrent
        ? tf.tensor(
            random(NN * NN, 23, (u) => (u - 0.5) * 0.6),
            [NN, NN],
          )
        : undefined;
      const D = c.perNeuron ? tf.tensor(random(NN, 24, (u) => 0.5 + 0.4 * u)) : undefined;
      sameForAnyThreadCount(
        () => {
          const fwd = alifForwardHeap(It, V, D, 0.8, TT, R, NN, c.p)!;
          const g = alifBackwardHeap(Gt, fwd, V, D, 0.8, TT, R, NN, c.p, c.perNeuron)!;
          const out = [fwd.spikes, fwd.u, ...(fwd.a ? [fwd.a] : []), g.I, ...(g.V ? [g.V] : []), ...(g.decay ? [g.decay] : [])];
          const rate = fwd.spikes.mean().dataSync()[0]!;
          expect(rate).toBeGreaterThan(0.05);
          expect(rate).toBeLessThan(0.95);
          return out;
        },
        c.recurrent ? 3 : 2,
      );
      tf.dispose([It, Gt, ...(V ? [V] : []), ...(D ? [D] : [])]);
    });
  }

  const specs: OptimizerSpec[] = [
    { kind: 'adam', lr: 3e-3, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.05 },
    { kind: 'adamw', lr: 5e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
    { kind: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 1e-3 },
  ];
  for (const spec of specs) {
    it(`${spec.kind} update: the same weights and moments for 1, 2, 3 threads`, () => {
      const n = 3 * 65536 + 37;
      sameForAnyThreadCount(() => {
        const rng = createRng(11);
        const w = tf.variable(tf.tensor(Float32Array.from({ length: n }, () => rng.uniform(-1, 1))));
        const opt = new Optimizer(spec);
        for (let k = 0; k < 3; k++) {
          const g = tf.tensor(Float32Array.from({ length: n }, () => rng.uniform(-2, 2)));
          opt.apply([{ name: 'w', variable: w, grad: g }], spec.lr);
          g.dispose();
        }
        const out = [tf.clone(w), ...opt.getState().map((e) => tf.tensor(e.values))];
        w.dispose();
        return out;
      });
    });
  }

  it('the adaptive policy times both ways and gives the same results call after call', () => {
    const I = random(T * N, 15, (u) => u * 1.6 - 0.2);
    const x = tf.tensor(I, [T, N]);
    setKernelThreads(1);
    const want = lifForwardHeap(x, T, N, 0.9, 1, 'soft')!;
    const wantBits = [bits(want.spikes), bits(want.u)];
    setKernelThreads(2);
    setSplitPolicy('adaptive');
    try {
      for (let k = 0; k < 40; k++) {
        const r = lifForwardHeap(x, T, N, 0.9, 1, 'soft')!;
        expect(Buffer.from(bits(r.u).buffer).equals(Buffer.from(wantBits[1]!.buffer))).toBe(true);
        expect(Buffer.from(bits(r.spikes).buffer).equals(Buffer.from(wantBits[0]!.buffer))).toBe(true);
        tf.dispose([r.u, r.spikes]);
      }
    } finally {
      setSplitPolicy('always');
    }
    const t = splitTimings()['lifScan.lifForward']!;
    expect(t.calls).toBeGreaterThanOrEqual(40);
    expect(t.wholeNsPerElement).toBeGreaterThan(0);
    expect(t.splitNsPerElement).toBeGreaterThan(0);
    tf.dispose([x, want.u, want.spikes]);
  });

  it('a training step (nmnist-mlp workload) gives the same losses with 1 and 2 threads', () => {
    const losses: number[][] = [];
    for (const n of [1, 2]) {
      setKernelThreads(n);
      const before = kernelPoolCounts().split;
      const r = measureFused(workload('nmnist-mlp'), { warmup: 0, iters: 2 });
      losses.push([r.lossFirst, r.lossLast]);
      if (n === 2) expect(kernelPoolCounts().split).toBeGreaterThan(before);
    }
    expect(losses[1]).toEqual(losses[0]);
  }, 120_000);
});
