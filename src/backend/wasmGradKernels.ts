/**
 * Kernels that the tfjs wasm backend (4.22) lacks and that training needs, registered for 'wasm'
 * with `tf.registerKernel` and computed on wasm itself (never by moving data to the cpu backend):
 *
 *   Conv2DBackpropFilter (the weight gradient of conv2d), NHWC, dilation 1:
 *     dW[kh, kw, ci, co] = Σ_{b, oh, ow} xpad[b, oh·sh + kh, ow·sw + kw, ci] · dy[b, oh, ow, co]
 *     which is itself a convolution of xpad with dy once batch and channels are swapped:
 *     dWᵀ[ci, kh, kw, co] = conv2d(xpadᵀ [Ci, Hp, Wp, B], dyᵀ [OH, OW, B, Co], 'valid', dilation (sh, sw)).
 *     One XNNPACK conv; measured ~10× faster than a wasm matMul per filter tap (bench/notes/2026-11-29-round1-neurons.md).
 *   UnsortedSegmentSum (the gradient of gather):
 *     out[s, ...] = Σ_{j : ids[j] = s} x[j, ...]   (ids outside [0, numSegments) are dropped, as in TF)
 *
 *   Conv2DBackpropInput (replaces tfjs-wasm's own, a direct loop ~10× slower than its forward conv):
 *     dx = valid correlation of dy dilated by the stride and padded by (K − 1 − pad_before), with the
 *     filter flipped in space and its in/out channels swapped: one XNNPACK conv.
 *   MaxPoolGrad (replaces tfjs-wasm 4.22's own, which is wrong: with more than one channel it
 *     routes the gradient to the wrong window element, and with 'same' padding it drops the
 *     gradient of windows clipped by the border; test/backend/wasmGradKernels.test.ts shows both):
 *     dx[argmax of window w] += dy[w], argmax = first strictly greatest element, as the cpu backend.
 *   AvgPool and AvgPoolGrad (fast paths in front of tfjs-wasm's own, which they keep as fallback):
 *     non-overlapping windows (window = stride, no padding) in AssemblyScript SIMD on the heap,
 *     split between the kernel threads (kernels/avgPoolHeap.ts); tfjs-wasm's AvgPoolGrad is a
 *     generic loop ~10× slower.
 *   Sum over leading axes and (batched) matrix Transpose (fast paths, kernels/layoutHeap.ts):
 *     tfjs-wasm transposes before every sum that is not over the innermost axes, and its
 *     Transpose is a generic loop (~15 ms for a 4096×256 matrix).
 *   Identity, and Cast to the same dtype (fast paths): the output shares the input's data instead
 *     of a copy. The engine clones every tensor saved for a backward pass through Identity (and
 *     its gradient is such a Cast): on cifar-conv ~10 ms of copies per step.
 *
 * Gaps found by `tf.getKernelsForBackend('wasm')` against 'cpu', and by comparing the gradients
 * of conv2d, avgPool, maxPool, matMul and gather on both backends. AvgPoolGrad and BatchMatMul on
 * wasm agree with cpu. Depthwise-conv gradients are still
 * missing (no layer here uses depthwise convolutions).
 */
import * as tf from '@tensorflow/tfjs-core';
import { avgPoolGradHeap, avgPoolHeap } from '../kernels/avgPoolHeap.ts';
import { sumHeap, transposeHeap } from '../kernels/layoutHeap.ts';

type KernelArgs = Parameters<tf.KernelFunc>[0];

interface WasmLikeBackend {
  incRef(dataId: object): void;
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: ArrayLike<number>): tf.TensorInfo;
}

/** Wraps a kernel input as a Tensor; the extra reference keeps the input alive when the wrapper is disposed. */
function wrap(backend: WasmLikeBackend, info: tf.TensorInfo): tf.Tensor {
  backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** Hands a tensor computed inside a kernel to the engine as the kernel's output. */
function output(backend: WasmLikeBackend, t: tf.Tensor): tf.TensorInfo {
  backend.incRef(t.dataId);
  const info = { dataId: t.dataId, shape: t.shape.slice(), dtype: t.dtype };
  t.dispose();
  return info;
}

function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const be = backend as unknown as WasmLikeBackend;
  const { x: xInfo, dy: dyInfo } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC data is supported');
  const result = tf.tidy(() => {
    const x = wrap(be, xInfo) as tf.Tensor4D;
    const dy = wrap(be, dyInfo) as tf.Tensor4D;
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const { inChannels: Ci, outChannels: Co, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const [KH, KW] = filterShape;
    // Enough padding on the far side for every tap's strided window, whatever the padding mode.
    const needH = KH - 1 + (OH - 1) * sh + 1;
    const needW = KW - 1 + (OW - 1) * sw + 1;
    const bottom = Math.max(0, needH - top - info.inHeight);
    const right = Math.max(0, needW - left - info.inWidth);
    const xp =
      top || left || bottom || right
        ? tf.pad(x, [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ])
        : x;
    // Batch and channels swap roles: xpadᵀ [Ci, Hp, Wp, B] convolved ('valid', dilation = stride)
    // with dyᵀ [OH, OW, B, Co] as the filter gives dW as [Ci, KH', KW', Co] in one XNNPACK conv.
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const full = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', [sh, sw]);
    // 'valid' windows that leave input rows unused make KH' > KH: those taps are not filter taps.
    const taps = full.shape[1] === KH && full.shape[2] === KW ? full : tf.slice(full, [0, 0, 0, 0], [Ci, KH, KW, Co]);
    return tf.transpose(taps, [1, 2, 0, 3]);
  });
  return output(be, result);
}

/** Inserts s − 1 zeros between rows (axis 1) of a [B, R, C, D] tensor; keeps the last row last. */
function dilateRows(t: tf.Tensor4D, s: number): tf.Tensor4D {
  if (s === 1) return t;
  const [B, R, C, D] = t.shape;
  const spaced = tf.pad(tf.reshape(t, [B, R, 1, C * D]), [
    [0, 0],
    [0, 0],
    [0, s - 1],
    [0, 0],
  ]);
  return tf.slice(tf.reshape(spaced, [B, R * s, C, D]) as tf.Tensor4D, [0, 0, 0, 0], [B, (R - 1) * s + 1, C, D]);
}

/** Pads (n > 0) or crops (n < 0) axes 1 and 2 of a 4-D tensor at both ends. */
function padOrCrop(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  const padded =
    top > 0 || bottom > 0 || left > 0 || right > 0
      ? tf.pad(t, [
          [0, 0],
          [Math.max(0, top), Math.max(0, bottom)],
          [Math.max(0, left), Math.max(0, right)],
          [0, 0],
        ])
      : t;
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return padded;
  const [B, R, C, D] = padded.shape;
  const r0 = Math.max(0, -top);
  const c0 = Math.max(0, -left);
  return tf.slice(padded, [0, r0, c0, 0], [B, R - r0 - Math.max(0, -bottom), C - c0 - Math.max(0, -right), D]);
}

function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const be = backend as unknown as WasmLikeBackend;
  const { dy: dyInfo, filter: fInfo } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput (wasm): only NHWC data is supported');
  const result = tf.tidy(() => {
    const dy = wrap(be, dyInfo) as tf.Tensor4D;
    const w = wrap(be, fInfo) as tf.Tensor4D;
    const info = tf.backend_util.computeConv2DInfo(inputShape, w.shape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const [KH, KW] = w.shape;
    // Dilate dy by the stride (width via a transpose of the two spatial axes).
    const dRows = dilateRows(dy, sh);
    const dd =
      sw === 1 ? dRows : (tf.transpose(dilateRows(tf.transpose(dRows, [0, 2, 1, 3]) as tf.Tensor4D, sw), [0, 2, 1, 3]) as tf.Tensor4D);
    const Lh = (OH - 1) * sh + 1;
    const Lw = (OW - 1) * sw + 1;
    const p0 = KH - 1 - top;
    const q0 = KW - 1 - left;
    const ddp = padOrCrop(dd, p0, H + KH - 1 - p0 - Lh, q0, W + KW - 1 - q0 - Lw);
    // dx = valid correlation of the dilated, padded dy with the filter flipped in space, in/out swapped.
    const wFlip = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(ddp, wFlip, 1, 'valid');
  });
  return output(be, result);
}

function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const be = backend as unknown as WasmLikeBackend;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const S = segmentIds.shape.reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
  const xs = be.readSync(x.dataId);
  const ids = be.readSync(segmentIds.dataId);
  const out = new Float32Array(numSegments * inner);
  for (let j = 0; j < S; j++) {
    const s = ids[j]!;
    if (s < 0 || s >= numSegments) continue;
    const src = j * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) out[dst + k] += xs[src + k]!;
  }
  const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
  return be.makeOutput(
    [numSegments, ...x.shape.slice(segmentIds.shape.length)],
    dtype,
    undefined,
    dtype === 'int32' ? Int32Array.from(out) : out,
  );
}

function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const be = backend as unknown as WasmLikeBackend;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const x = be.readSync(input.dataId);
  const g = be.readSync(dy.dataId);
  const dx = new Float32Array(B * H * W * C);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = oh * sh - top;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(H, r0 + fh);
      for (let ow = 0; ow < OW; ow++) {
        const c0 = ow * sw - left;
        const cMin = Math.max(0, c0);
        const cMax = Math.min(W, c0 + fw);
        const gBase = ((b * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = -1;
          for (let r = rMin; r < rMax; r++) {
            for (let q = cMin; q < cMax; q++) {
              const k = ((b * H + r) * W + q) * C + c;
              const v = x[k]!;
              if (v > best) {
                best = v;
                at = k;
              }
            }
          }
          if (at >= 0) dx[at] += g[gBase + c]!;
        }
      }
    }
  }
  return be.makeOutput(input.shape.slice(), 'float32', undefined, dx);
}

/** The kernels that tfjs registered before a `fastPath` replaced them: what the fast paths fall back on. */
const previous = new Map<string, tf.KernelFunc>();

/** A kernel that runs `fast` when it covers the call and the kernel it replaced otherwise. */
function fastPath(kernelName: string, fast: (args: KernelArgs) => tf.TensorInfo | undefined): tf.KernelFunc {
  return (args: KernelArgs) => {
    const out = fast(args);
    if (out !== undefined) return out;
    const prev = previous.get(kernelName);
    if (!prev) throw new Error(`${kernelName} (wasm): the call is not covered by the fast kernel and there is no kernel to fall back on`);
    return prev(args);
  };
}

/**
 * The output shares the input's data (one more reference), as tfjs-wasm's Reshape and the cpu
 * backend's Identity do; tensors are immutable and no kernel here writes into an input.
 */
function shareData({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  (backend as unknown as WasmLikeBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

/** Identity with a copy-free output (not for strings, whose data do not live on the heap). */
function identityShared(args: KernelArgs): tf.TensorInfo | undefined {
  const { x } = args.inputs as { x: tf.TensorInfo };
  return x.dtype === 'string' ? undefined : shareData(args);
}

/** Cast to the input's own dtype (the gradient of every tensor saved for a backward pass) without a copy. */
function castSameType(args: KernelArgs): tf.TensorInfo | undefined {
  const { x } = args.inputs as { x: tf.TensorInfo };
  return x.dtype !== 'string' && (args.attrs as { dtype?: string }).dtype === x.dtype ? shareData(args) : undefined;
}

/** `replace`: our kernel takes the place of a wrong or slow one that tfjs registers (a fast path keeps it as its fallback). */
const KERNELS: Array<{ kernelName: string; kernelFunc: tf.KernelFunc; replace: boolean }> = [
  { kernelName: 'Conv2DBackpropFilter', kernelFunc: conv2DBackpropFilter as tf.KernelFunc, replace: false },
  { kernelName: 'UnsortedSegmentSum', kernelFunc: unsortedSegmentSum as tf.KernelFunc, replace: false },
  { kernelName: 'MaxPoolGrad', kernelFunc: maxPoolGrad as tf.KernelFunc, replace: true },
  { kernelName: 'Conv2DBackpropInput', kernelFunc: conv2DBackpropInput as tf.KernelFunc, replace: true },
  { kernelName: 'AvgPool', kernelFunc: fastPath('AvgPool', avgPoolHeap), replace: true },
  { kernelName: 'AvgPoolGrad', kernelFunc: fastPath('AvgPoolGrad', avgPoolGradHeap), replace: true },
  { kernelName: 'Sum', kernelFunc: fastPath('Sum', sumHeap), replace: true },
  { kernelName: 'Transpose', kernelFunc: fastPath('Transpose', transposeHeap), replace: true },
  { kernelName: 'Identity', kernelFunc: fastPath('Identity', identityShared), replace: true },
  { kernelName: 'Cast', kernelFunc: fastPath('Cast', castSameType), replace: true },
];

const layered = new WeakSet<tf.KernelFunc>();

/**
 * Marks a kernel registered over ours (the native kernels, which fall back on ours): a later
 * `registerWasmGradKernels` leaves it in place instead of replacing it.
 */
export function markLayeredKernel(f: tf.KernelFunc): void {
  layered.add(f);
}

/**
 * Registers the missing (and replaces the wrong) training kernels for the 'wasm' backend; other
 * kernels that tfjs already has are left alone. Returns the names registered by this call.
 * Idempotent.
 */
export function registerWasmGradKernels(): string[] {
  const added: string[] = [];
  for (const k of KERNELS) {
    const existing = tf.getKernel(k.kernelName, 'wasm');
    if (existing !== undefined && (!k.replace || existing.kernelFunc === k.kernelFunc || layered.has(existing.kernelFunc))) continue;
    if (existing !== undefined) {
      tf.unregisterKernel(k.kernelName, 'wasm');
      previous.set(k.kernelName, existing.kernelFunc);
    }
    // tfjs-wasm's kernels bind their wasm functions in a setupFunc that the engine calls when the
    // backend is set: ours keeps the replaced kernel's, so that its fallback is bound too.
    const { setupFunc, disposeFunc } = existing ?? {};
    tf.registerKernel({ kernelName: k.kernelName, backendName: 'wasm', kernelFunc: k.kernelFunc, setupFunc, disposeFunc });
    added.push(k.kernelName);
  }
  return added;
}
