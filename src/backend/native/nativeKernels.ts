/**
 * Native kernels for the tfjs 'wasm' backend: Conv2D, Conv2DBackpropInput and
 * Conv2DBackpropFilter (convGraphs.ts) and large single-matrix BatchMatMul (matMulGraphs.ts)
 * re-registered to run ONNX graphs in onnxruntime-node,
 * reading their inputs and writing their output in place on the wasm heap. Why: XNNPACK in
 * WebAssembly runs on one core at most ~32 GFLOP/s, native MLAS runs on all of them several times
 * faster (bench/notes/2026-12-02b-native.md). Calls that a graph does not cover (see
 * those files), and non-float32 tensors, go to the kernel that was registered before.
 *
 * `installNativeKernels` / `uninstallNativeKernels` switch between the two sets, so that tests can
 * compare them in one process.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  conv2dBackpropFilterPlan,
  conv2dBackpropInputConvPlan,
  conv2dBackpropInputPlan,
  conv2dPlan,
  type ConvAttrs,
  type ConvPlan,
} from './convGraphs.ts';
import { conv2dBackpropFilterIm2colPlan } from './im2colGraphs.ts';
import { batchMatMulPlan, type MatMulAttrs, type MatMulPlan } from './matMulGraphs.ts';
import type { OrtRuntime } from './ortRuntime.ts';
import { markLayeredKernel } from '../wasmGradKernels.ts';

type KernelArgs = Parameters<tf.KernelFunc>[0];

interface WasmHeapBackend {
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  wasm: { asm?: { memory?: unknown } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** The kernels this module replaces, with the inputs each feeds to its graph, in order. */
const KERNELS = {
  Conv2D: {
    inputs: ['x', 'filter'],
    plan: (s: number[][], a: ConvAttrs & Record<string, unknown>) => conv2dPlan(s[0]!, s[1]!, a),
  },
  Conv2DBackpropInput: {
    inputs: ['dy', 'filter'],
    plan: (s: number[][], a: ConvAttrs & Record<string, unknown>) => {
      const b = a as unknown as ConvAttrs & { inputShape: number[] };
      return conv2dBackpropInputConvPlan(s[0]!, s[1]!, b) ?? conv2dBackpropInputPlan(s[0]!, s[1]!, b);
    },
  },
  // im2col + one GEMM in NHWC (im2colGraphs.ts) where it covers the call, else ORT's Conv between
  // transposes (convGraphs.ts). For the forward and the input gradient ORT's Conv was as fast or
  // faster than im2col (bench/notes/2026-12-02d-cifarspeed.md).
  Conv2DBackpropFilter: {
    inputs: ['x', 'dy'],
    plan: (s: number[][], a: ConvAttrs & Record<string, unknown>) => {
      const b = a as unknown as ConvAttrs & { filterShape: number[] };
      return conv2dBackpropFilterIm2colPlan(s[0]!, s[1]!, b) ?? conv2dBackpropFilterPlan(s[0]!, s[1]!, b);
    },
  },
  BatchMatMul: {
    inputs: ['a', 'b'],
    plan: (s: number[][], a: ConvAttrs & Record<string, unknown>) => batchMatMulPlan(s[0]!, s[1]!, a as MatMulAttrs),
  },
} as const;

export type NativeKernelName = keyof typeof KERNELS;
export const NATIVE_KERNEL_NAMES = Object.keys(KERNELS) as NativeKernelName[];

/** The graph that kernel `name` runs for inputs of these shapes (in its input order), or undefined when it falls back. */
export function nativePlan(
  name: NativeKernelName,
  shapes: number[][],
  attrs: ConvAttrs & Record<string, unknown>,
): ConvPlan | MatMulPlan | undefined {
  return KERNELS[name].plan(shapes, attrs);
}

interface Installed {
  runtime: OrtRuntime;
  /** The kernels registered before ours: the fallback, and what uninstall restores. */
  previous: Map<NativeKernelName, tf.KernelConfig | undefined>;
  ours: Map<NativeKernelName, tf.KernelFunc>;
  /** Calls per kernel that ran natively / fell back (diagnostics and tests). */
  counts: Record<NativeKernelName, { native: number; fallback: number }>;
}

let installed: Installed | undefined;

function heapView(be: WasmHeapBackend, memory: WebAssembly.Memory, info: tf.TensorInfo): Float32Array {
  const offset = be.dataIdMap.get(info.dataId)?.memoryOffset;
  if (offset === null || offset === undefined) throw new Error('native kernels: tensor is not on the wasm heap');
  return new Float32Array(memory.buffer, offset, tf.util.sizeFromShape(info.shape));
}

function kernelFunc(name: NativeKernelName, state: Installed): tf.KernelFunc {
  const spec = KERNELS[name];
  return (args: KernelArgs) => {
    const be = args.backend as unknown as WasmHeapBackend;
    const ins = spec.inputs.map((k) => (args.inputs as Record<string, tf.TensorInfo>)[k]!);
    const memory = be.wasm?.asm?.memory;
    let plan: ConvPlan | MatMulPlan | undefined;
    if (memory instanceof WebAssembly.Memory && ins.every((t) => t.dtype === 'float32')) {
      plan = spec.plan(
        ins.map((t) => t.shape),
        args.attrs as unknown as ConvAttrs & Record<string, unknown>,
      );
    }
    const prev = state.previous.get(name);
    if (!plan || !(memory instanceof WebAssembly.Memory)) {
      if (!prev) throw new Error(`${name} (native): no wasm kernel to fall back on for this call`);
      state.counts[name].fallback++;
      return prev.kernelFunc(args);
    }
    // The output first: its malloc may grow the heap, which replaces memory.buffer.
    const out = be.makeOutput(plan.outShape, 'float32');
    const views = ins.map((t) => heapView(be, memory, t));
    state.runtime.run(plan.graph, views, heapView(be, memory, out));
    state.counts[name].native++;
    return out;
  };
}

/**
 * Registers the native kernels for 'wasm' in place of the current ones. Idempotent; a call with
 * another runtime, or after a wasm kernel was registered over ours, registers ours again. Call
 * after the wasm backend's own registrations.
 */
export function installNativeKernels(runtime: OrtRuntime): void {
  const ours = (name: NativeKernelName): boolean =>
    installed !== undefined && tf.getKernel(name, 'wasm')?.kernelFunc === installed.ours.get(name);
  if (installed?.runtime === runtime && NATIVE_KERNEL_NAMES.every(ours)) return;
  const state: Installed = {
    runtime,
    previous: new Map(),
    ours: new Map(),
    counts: Object.fromEntries(NATIVE_KERNEL_NAMES.map((n) => [n, { native: 0, fallback: 0 }])) as Installed['counts'],
  };
  for (const name of NATIVE_KERNEL_NAMES) {
    const current = tf.getKernel(name, 'wasm');
    // A kernel of an earlier install keeps the fallback it had; anything else (a wasm kernel
    // registered again since) becomes the fallback.
    state.previous.set(name, ours(name) ? installed!.previous.get(name) : current);
    if (current) tf.unregisterKernel(name, 'wasm');
    const f = kernelFunc(name, state);
    markLayeredKernel(f);
    state.ours.set(name, f);
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: f });
  }
  installed = state;
}

/** Restores the kernels that were registered before `installNativeKernels`. */
export function uninstallNativeKernels(): void {
  if (!installed) return;
  for (const name of NATIVE_KERNEL_NAMES) {
    const current = tf.getKernel(name, 'wasm');
    // Leave alone a kernel that someone registered after ours.
    if (current?.kernelFunc !== installed.ours.get(name)) continue;
    tf.unregisterKernel(name, 'wasm');
    const prev = installed.previous.get(name);
    if (prev) tf.registerKernel(prev);
  }
  installed = undefined;
}

/**
 * Whether a call of kernel `name` with inputs of these shapes would run natively now: the native
 * kernels are installed on the active 'wasm' backend and their graphs cover the call. Lets an op
 * choose a form that is cheap natively but slow on wasm (a matMul with transposed operands).
 */
export function runsNatively(name: NativeKernelName, shapes: number[][], attrs: Record<string, unknown>): boolean {
  return (
    installed !== undefined &&
    tf.getBackend() === 'wasm' &&
    KERNELS[name].plan(shapes, attrs as ConvAttrs & Record<string, unknown>) !== undefined
  );
}

/** The installed runtime and per-kernel call counts, or undefined when the native kernels are off. */
export function nativeKernelStatus(): { runtime: OrtRuntime; counts: Installed['counts'] } | undefined {
  return installed && { runtime: installed.runtime, counts: installed.counts };
}
