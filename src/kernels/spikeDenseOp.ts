/**
 * `spikeDense(S, W)`: the tfjs op `S·W` for a binary S [R, in] (spikes) and W [in, out], computed
 * by the event-driven kernels of spikeDense.ts, with the gradients of a matMul:
 *
 *   forward  I  = S·W     Σ of the rows of W whose input fired (per row of S)
 *   ∂W       dW = Sᵀ·δ    Σ of the rows of δ at the steps where input i fired (sparse)
 *   ∂S       dS = δ·Wᵀ    dense, our register-blocked SIMD GEMM (measured faster than tfjs-wasm's
 *                         matMul with transposeB on every shape of bench/kernels.bench.ts); only
 *                         computed when something upstream needs it
 *
 * The op is a registered kernel ('SpikeDense') with a registered gradient, not a tf.customGrad:
 * the engine calls each input's gradient lazily, so the first layer, whose input is data, never
 * pays for the dense δ·Wᵀ (for nmnist-mlp that is 7 GFLOP per step that nobody reads).
 *
 * The event lists of S are built once, when the op is called (that pass also checks that S is
 * binary), and reach the backward pass as an attribute of the op, so that S itself is not saved
 * (the engine would copy it). When S holds any value other than 0 and 1 the op is the dense
 * product `denseMatMul(S, W)` (verify and fall back).
 */
import * as tf from '@tensorflow/tfjs-core';
import { spikeKernels, type SpikeIndex, type SpikeKernelKind, type SpikeKernels } from './spikeDense.ts';
import { denseMatMul } from './denseMatMul.ts';
import { heapKernels, type EmscriptenHeap, type HeapKernels } from './spikeDenseHeap.ts';

export const SPIKE_DENSE = 'SpikeDense';
export const SPIKE_DENSE_GRAD_W = 'SpikeDenseGradW';
export const SPIKE_DENSE_GRAD_S = 'SpikeDenseGradS';

/** Backends whose tensors live in CPU-addressable memory (where the kernels can read them). */
const BACKENDS = ['cpu', 'wasm', 'tensorflow'] as const;

/** What computes the op: the event-driven kernels ('auto', 'wasm', 'ts') or plain tf.matMul ('matmul'). */
export type SpikeDenseMode = SpikeKernelKind | 'auto' | 'matmul';

let kernels: SpikeKernels | undefined;
let mode: SpikeDenseMode = 'auto';

/**
 * Chooses what computes `spikeDense`: 'auto' (WebAssembly when built, else TypeScript), 'wasm',
 * 'ts' (both bit-identical), or 'matmul' (tf.matMul: the baseline for benchmarks and tests).
 * Returns the kind now in use.
 */
export function useSpikeKernels(next: SpikeDenseMode = 'auto'): SpikeKernelKind | 'matmul' {
  mode = next;
  if (next === 'matmul') return 'matmul';
  kernels = spikeKernels(next);
  return kernels.kind;
}

function currentKernels(): SpikeKernels {
  kernels ??= spikeKernels(mode === 'matmul' ? 'auto' : mode);
  return kernels;
}

// 'dense' marks data found not to be binary, so that the check is not repeated.
const indexCache = new WeakMap<object, SpikeIndex | 'dense'>();

interface WasmHeapBackend {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: EmscriptenHeap & { HEAPF32: Float32Array };
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
}

function isWasmHeap(backend: tf.KernelBackend): backend is tf.KernelBackend & WasmHeapBackend {
  const b = backend as unknown as Partial<WasmHeapBackend>;
  return typeof b.makeOutput === 'function' && b.dataIdMap !== undefined && b.wasm?.HEAPF32 !== undefined;
}

/**
 * The float32 values of a tensor. On wasm this is a view into the backend's heap (no copy):
 * use it before anything allocates on that backend.
 */
function readF32(backend: tf.KernelBackend, info: tf.TensorInfo): Float32Array {
  const size = info.shape.reduce((a, b) => a * b, 1);
  if (isWasmHeap(backend)) {
    const data = backend.dataIdMap.get(info.dataId);
    if (data) return new Float32Array(backend.wasm.HEAPF32.buffer, data.memoryOffset, size);
  }
  const values = backend.readSync(info.dataId);
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}

/** In-place kernels on the wasm backend's heap, when the WebAssembly kernels are the ones in use. */
function inPlace(backend: tf.KernelBackend): { heap: HeapKernels; offset: (info: tf.TensorInfo) => number } | undefined {
  if (!isWasmHeap(backend) || currentKernels().kind !== 'wasm') return undefined;
  const heap = heapKernels(backend.wasm);
  if (!heap) return undefined;
  return { heap, offset: (info) => backend.dataIdMap.get(info.dataId)!.memoryOffset };
}

function writeF32(backend: tf.KernelBackend, shape: number[], values: Float32Array): tf.TensorInfo {
  if (isWasmHeap(backend)) return backend.makeOutput(shape, 'float32', undefined, values);
  return { dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
}

/** The event lists of S (cached per data), or undefined when S is not binary. */
function indexOf(backend: tf.KernelBackend, s: tf.TensorInfo): SpikeIndex | undefined {
  const cached = indexCache.get(s.dataId);
  if (cached !== undefined) return cached === 'dense' ? undefined : cached;
  const [rows, cols] = s.shape as [number, number];
  const here = inPlace(backend);
  const index = here ? here.heap.indexSpikes(here.offset(s), rows, cols) : currentKernels().indexSpikes(readF32(backend, s), rows, cols);
  indexCache.set(s.dataId, index ?? 'dense');
  return index;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The event lists travel to the kernels and to the gradient as an attribute of the op. */
interface EventAttrs {
  events: SpikeIndex;
}

function eventsOf(attrs: unknown): SpikeIndex {
  return (attrs as EventAttrs).events;
}

function spikeDenseKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { W } = inputs as { s: tf.TensorInfo; W: tf.TensorInfo };
  const be = backend as tf.KernelBackend;
  const index = eventsOf(attrs);
  const out = W.shape[1]!;
  const here = inPlace(be);
  if (here && out % 4 === 0) {
    const y = (be as unknown as WasmHeapBackend).makeOutput([index.rows, out], 'float32');
    here.heap.spikeForward(index, here.offset(W), out, here.offset(y));
    return y;
  }
  const y = currentKernels().spikeForward(index, readF32(be, W), out);
  return writeF32(be, [index.rows, out], y);
}

function spikeDenseGradWKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy } = inputs as { dy: tf.TensorInfo };
  const be = backend as tf.KernelBackend;
  const index = eventsOf(attrs);
  const out = dy.shape[1]!;
  const here = inPlace(be);
  if (here && out % 4 === 0) {
    const dW = (be as unknown as WasmHeapBackend).makeOutput([index.cols, out], 'float32');
    here.heap.spikeGradW(index, here.offset(dy), out, here.offset(dW));
    return dW;
  }
  const dW = currentKernels().spikeGradW(index, readF32(be, dy), out);
  return writeF32(be, [index.cols, out], dW);
}

function spikeDenseGradSKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { dy, W } = inputs as { dy: tf.TensorInfo; W: tf.TensorInfo };
  const be = backend as tf.KernelBackend;
  const [rows, out] = dy.shape as [number, number];
  const nIn = W.shape[0]!;
  // both views stay valid: nothing allocates on the backend before writeF32
  const dS = currentKernels().matMulNT(readF32(be, dy), readF32(be, W), rows, nIn, out);
  return writeF32(be, [rows, nIn], dS);
}

const KERNELS: Array<[string, tf.KernelFunc]> = [
  [SPIKE_DENSE, spikeDenseKernel],
  [SPIKE_DENSE_GRAD_W, spikeDenseGradWKernel],
  [SPIKE_DENSE_GRAD_S, spikeDenseGradSKernel],
];

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of BACKENDS) {
    for (const [kernelName, kernelFunc] of KERNELS) {
      if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc });
    }
  }
  tf.registerGradient({
    kernelName: SPIKE_DENSE,
    // Only W is saved: the engine saves a copy (on wasm a real one), and S is needed only
    // through its event lists, which the attributes carry.
    inputsToSave: ['W'],
    gradFunc: (dy, saved, attrs) => {
      const [W] = saved as [tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return {
        s: () => tf.engine().runKernel(SPIKE_DENSE_GRAD_S, { dy: g, W }) as tf.Tensor2D,
        W: () => tf.engine().runKernel(SPIKE_DENSE_GRAD_W, { dy: g }, attrs) as tf.Tensor2D,
      };
    },
  });
}

/**
 * `S·W` for spikes S [R, in] and weights W [in, out] → [R, out], event-driven (only the rows of W
 * whose input fired are summed) and with the gradients of `tf.matMul(S, W)`. When S is not
 * binary it is `denseMatMul(S, W)`; on a backend that keeps tensors off the CPU (webgl), `tf.matMul(S, W)`.
 * Example: `const current = spikeDense(spikes2d, kernel);`
 */
export function spikeDense(S: tf.Tensor2D, W: tf.Tensor2D): tf.Tensor2D {
  if (S.rank !== 2 || W.rank !== 2)
    throw new Error(`spikeDense: S and W must be rank 2, got [${S.shape.join(', ')}] and [${W.shape.join(', ')}]`);
  if (S.shape[1] !== W.shape[0]) {
    throw new Error(`spikeDense: S has ${S.shape[1]} inputs but W has ${W.shape[0]} rows`);
  }
  if (S.dtype !== 'float32' || W.dtype !== 'float32') {
    throw new Error(`spikeDense: S and W must be float32, got ${S.dtype} and ${W.dtype}`);
  }
  register();
  if (mode === 'matmul' || !(BACKENDS as readonly string[]).includes(tf.getBackend())) return tf.matMul(S, W);
  const events = indexOf(tf.engine().backend, S);
  if (!events) return denseMatMul(S, W);
  const attrs: EventAttrs = { events };
  return tf.engine().runKernel(SPIKE_DENSE, { s: S, W }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/** Whether `spikeDense` would take its event-driven path for S (reads S once; the answer is cached). */
export function isBinarySpikes(S: tf.Tensor2D): boolean {
  register();
  return indexOf(tf.engine().backend, S) !== undefined;
}
