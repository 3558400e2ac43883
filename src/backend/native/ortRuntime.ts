/**
 * onnxruntime-node, loaded when it is installed (it is an optional dependency), used through its
 * native binding directly: the binding's `InferenceSession.run` is synchronous (the package's
 * public `run` only wraps it in a promise on the next tick), so a tfjs kernel, which must return
 * synchronously, can call it on the calling thread with no worker and no copy: inputs and the
 * preallocated output are Float32Array views of the wasm heap, read and written in place.
 *
 * One session per graph (op and shapes), cached; ORT's intra-op pool gives the convolutions the
 * machine's other cores (`threads`).
 */
import { createRequire } from 'node:module';
import { encodeOnnxModel, type OnnxGraph } from './onnxModel.ts';

interface OrtTensorCtor {
  new (type: 'float32', data: Float32Array, dims: readonly number[]): object;
}

interface BindingSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, object>, fetches: Record<string, object | null>, options: object): Record<string, unknown>;
  dispose(): void;
}

interface OrtBinding {
  binding: { InferenceSession: new () => BindingSession };
  initOrt(): void;
}

export interface OrtRuntimeOptions {
  /** ORT intra-op threads (the calling thread included). */
  threads: number;
  /** Let ORT's pool threads spin between runs: off by default, since the same cores run wasm next. */
  spin?: boolean;
  /** Sessions kept; the least recently created is dropped beyond this. */
  maxSessions?: number;
}

export interface OrtRuntime {
  /** onnxruntime-node's version. */
  readonly version: string;
  readonly threads: number;
  /** Runs `graph` on `inputs` (in the graph's input order), writing its one output into `output`. */
  run(graph: OnnxGraph, inputs: Float32Array[], output: Float32Array): void;
  /** Number of cached sessions (for tests and diagnostics). */
  readonly sessions: number;
  dispose(): void;
}

// Held in a variable so that TypeScript and bundlers do not resolve the optional package.
const ORT_NODE = 'onnxruntime-node';

/**
 * Loads onnxruntime-node's binding; returns the reason instead when it is not installed or does
 * not load on this platform (the caller then keeps the pure wasm kernels).
 */
export function loadOrtRuntime(opts: OrtRuntimeOptions): OrtRuntime | string {
  if (!Number.isInteger(opts.threads) || opts.threads < 1)
    throw new Error(`loadOrtRuntime: threads must be a positive integer, got ${opts.threads}`);
  let ort: OrtBinding;
  let Tensor: OrtTensorCtor;
  let version: string;
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve(`${ORT_NODE}/package.json`);
    const local = createRequire(pkg);
    version = (local(pkg) as { version: string }).version;
    ort = local('./dist/binding.js') as OrtBinding;
    Tensor = (local('onnxruntime-common') as { Tensor: OrtTensorCtor }).Tensor;
    ort.initOrt();
  } catch (e) {
    // An absent optional package is the common case: say so plainly; anything else keeps its reason.
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(`'${ORT_NODE}/package.json'`))
      return `${ORT_NODE} is not installed`;
    return `${ORT_NODE} not loaded (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
  const sessionOptions = {
    intraOpNumThreads: opts.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: opts.spin ? '1' : '0' } } },
  };
  const maxSessions = opts.maxSessions ?? 64;
  const sessions = new Map<string, { session: BindingSession; inputs: string[]; output: string; shapes: number[][] }>();

  const sessionFor = (graph: OnnxGraph) => {
    const key = JSON.stringify(graph);
    let s = sessions.get(key);
    if (!s) {
      const bytes = encodeOnnxModel(graph);
      const session = new ort.binding.InferenceSession();
      session.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, sessionOptions);
      if (graph.outputs.length !== 1) throw new Error(`ortRuntime: expected one graph output, got ${graph.outputs.length}`);
      s = {
        session,
        inputs: graph.inputs.map((v) => v.name),
        output: graph.outputs[0]!.name,
        shapes: graph.inputs.map((v) => [...v.shape]),
      };
      sessions.set(key, s);
      if (sessions.size > maxSessions) {
        const [oldest] = sessions.keys();
        sessions.get(oldest!)!.session.dispose();
        sessions.delete(oldest!);
      }
    }
    return s;
  };

  const staging: ArrayBuffer[] = [];
  /** `a` itself, or (when it is a view of shared memory) a reused unshared buffer of its length, filled with its values when `copy`. */
  const unshared = (a: Float32Array, slot: number, copy: boolean): Float32Array => {
    if (!(typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer)) return a;
    if (!staging[slot] || staging[slot].byteLength < a.byteLength) staging[slot] = new ArrayBuffer(a.byteLength);
    const view = new Float32Array(staging[slot], 0, a.length);
    if (copy) view.set(a);
    return view;
  };

  return {
    version,
    threads: opts.threads,
    get sessions() {
      return sessions.size;
    },
    run(graph, inputs, output) {
      const s = sessionFor(graph);
      if (inputs.length !== s.inputs.length) throw new Error(`ortRuntime: graph takes ${s.inputs.length} inputs, got ${inputs.length}`);
      const feeds: Record<string, object> = {};
      // onnxruntime-node refuses views of a SharedArrayBuffer (the shared wasm heap that our
      // kernel threads use): those go through unshared staging copies
      s.inputs.forEach((name, i) => (feeds[name] = new Tensor('float32', unshared(inputs[i]!, i, true), s.shapes[i]!)));
      const outShape = graph.outputs[0]!.shape;
      const out = unshared(output, inputs.length, false);
      s.session.run(feeds, { [s.output]: new Tensor('float32', out, outShape) }, {});
      if (out !== output) output.set(out);
    },
    dispose() {
      for (const s of sessions.values()) s.session.dispose();
      sessions.clear();
    },
  };
}
