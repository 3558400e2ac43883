/**
 * ONNX graphs for the three tfjs convolution kernels, in tfjs's layouts (NHWC data, filters
 * [KH, KW, Ci, Co]). ONNX's Conv is NCHW with filters [Co, Ci, KH, KW], so each graph transposes
 * in and out; the padding is tfjs's own (`computeConv2DInfo`), written out explicitly.
 *
 *   Conv2D                y = conv(x, w)                                     → Conv
 *   Conv2DBackpropInput   dx = the adjoint of conv in x, applied to dy       → ConvTranspose, or at
 *                         stride 1 a Conv of dy with the filter flipped and in/out swapped
 *   Conv2DBackpropFilter  dW[kh, kw, ci, co] = Σ_{b,oh,ow} xpad[b, oh·sh + kh, ow·sw + kw, ci] · dy[b, oh, ow, co]
 *                         = a Conv of xᵀ [Ci, B, H, W] with dyᵀ [Co, B, OH, OW] as the filter,
 *                           dilated by the stride: output [Ci, Co, KH, KW]  → Conv
 *
 * A plan is undefined for what these graphs do not cover (NCHW data, dilated gradients, empty
 * tensors, paddings that would need a crop) and for a forward with fewer than
 * MIN_NATIVE_IN_CHANNELS input channels (an image's first layer), where ORT's im2col GEMM is too
 * thin (K = KH·KW·Ci) to beat XNNPACK's direct NHWC kernel; the caller then runs the wasm kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { OnnxGraph } from './onnxModel.ts';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/** The tfjs attributes of the three kernels (filterShape / inputShape only on the gradients). */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The graph for one kernel call, with inputs in the order the kernel's inputs are fed. */
export interface ConvPlan {
  graph: OnnxGraph;
  outShape: number[];
}

/** Fewer input channels than this: the forward stays on XNNPACK (bench/notes/2026-12-02b-native.md). */
export const MIN_NATIVE_IN_CHANNELS = 8;

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
/** [KH, KW, Ci, Co] → [Co, Ci, KH, KW] */
const HWIO_TO_OIHW = [3, 2, 0, 1];

/** tfjs's conv geometry for NHWC data, or undefined for NCHW data and empty tensors. */
export function convInfo(xShape: Shape4, filterShape: Shape4, a: ConvAttrs): tf.backend_util.Conv2DInfo | undefined {
  if (a.dataFormat === 'NCHW') return undefined;
  if ([...xShape, ...filterShape].some((d) => d <= 0)) return undefined;
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
}

function pads(c: tf.backend_util.Conv2DInfo): number[] {
  const { top, left, bottom, right } = c.padInfo;
  return [top, left, bottom, right];
}

const shape4 = (s: readonly number[]): Shape4 => {
  if (s.length !== 4) throw new Error(`convGraphs: expected a rank-4 shape, got [${s.join(', ')}]`);
  return s as Shape4;
};

/** Conv2D: inputs (x, filter). */
export function conv2dPlan(xShape: readonly number[], filterShape: readonly number[], a: ConvAttrs): ConvPlan | undefined {
  const c = convInfo(shape4(xShape), shape4(filterShape), a);
  if (!c || c.outHeight <= 0 || c.outWidth <= 0 || pads(c).some((p) => p < 0)) return undefined;
  if (c.inChannels < MIN_NATIVE_IN_CHANNELS) return undefined;
  const outShape = [c.batchSize, c.outHeight, c.outWidth, c.outChannels];
  return {
    outShape,
    graph: {
      inputs: [
        { name: 'x', shape: xShape },
        { name: 'w', shape: filterShape },
      ],
      outputs: [{ name: 'y', shape: outShape }],
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['xt'], attrs: { perm: NHWC_TO_NCHW } },
        { op: 'Transpose', inputs: ['w'], outputs: ['wt'], attrs: { perm: HWIO_TO_OIHW } },
        {
          op: 'Conv',
          inputs: ['xt', 'wt'],
          outputs: ['yt'],
          attrs: {
            kernel_shape: [c.filterHeight, c.filterWidth],
            strides: [c.strideHeight, c.strideWidth],
            dilations: [c.dilationHeight, c.dilationWidth],
            pads: pads(c),
          },
        },
        { op: 'Transpose', inputs: ['yt'], outputs: ['y'], attrs: { perm: NCHW_TO_NHWC } },
      ],
    },
  };
}

/** Conv2DBackpropInput: inputs (dy, filter); `inputShape` is the forward x's shape. */
export function conv2dBackpropInputPlan(
  dyShape: readonly number[],
  filterShape: readonly number[],
  a: ConvAttrs & { inputShape: readonly number[] },
): ConvPlan | undefined {
  const c = convInfo(shape4(a.inputShape), shape4(filterShape), a);
  if (!c || c.dilationHeight !== 1 || c.dilationWidth !== 1) return undefined;
  if (dyShape.join() !== [c.batchSize, c.outHeight, c.outWidth, c.outChannels].join()) return undefined;
  const [top, left, bottom, right] = pads(c);
  // ConvTranspose's natural output height is sh·(OH − 1) + KH − top − bottom; output_padding
  // adds the rows a strided forward never reached (0 ≤ it < stride by ONNX's rule).
  const opH = c.inHeight - (c.strideHeight * (c.outHeight - 1) + c.filterHeight - top! - bottom!);
  const opW = c.inWidth - (c.strideWidth * (c.outWidth - 1) + c.filterWidth - left! - right!);
  if (opH < 0 || opW < 0 || opH >= c.strideHeight || opW >= c.strideWidth) return undefined;
  if (pads(c).some((p) => p < 0)) return undefined;
  const outShape = [...a.inputShape];
  return {
    outShape,
    graph: {
      inputs: [
        { name: 'dy', shape: dyShape },
        { name: 'w', shape: filterShape },
      ],
      outputs: [{ name: 'dx', shape: outShape }],
      nodes: [
        { op: 'Transpose', inputs: ['dy'], outputs: ['dyt'], attrs: { perm: NHWC_TO_NCHW } },
        // ConvTranspose's filter is [C_in of the transpose = Co, C_out = Ci, KH, KW]
        { op: 'Transpose', inputs: ['w'], outputs: ['wt'], attrs: { perm: HWIO_TO_OIHW } },
        {
          op: 'ConvTranspose',
          inputs: ['dyt', 'wt'],
          outputs: ['dxt'],
          attrs: {
            kernel_shape: [c.filterHeight, c.filterWidth],
            strides: [c.strideHeight, c.strideWidth],
            pads: pads(c),
            output_padding: [opH, opW],
          },
        },
        { op: 'Transpose', inputs: ['dxt'], outputs: ['dx'], attrs: { perm: NCHW_TO_NHWC } },
      ],
    },
  };
}

/** Conv2DBackpropFilter: inputs (x, dy); `filterShape` is the forward filter's shape. */
export function conv2dBackpropFilterPlan(
  xShape: readonly number[],
  dyShape: readonly number[],
  a: ConvAttrs & { filterShape: readonly number[] },
): ConvPlan | undefined {
  const c = convInfo(shape4(xShape), shape4(a.filterShape), a);
  if (!c || c.dilationHeight !== 1 || c.dilationWidth !== 1) return undefined;
  if (dyShape.join() !== [c.batchSize, c.outHeight, c.outWidth, c.outChannels].join()) return undefined;
  const { top, left } = c.padInfo;
  // Pad the far side so that the dilated dy ("filter") fits exactly KH×KW times; a negative
  // value would mean cropping rows the forward never read, which this graph does not do.
  const bottom = c.filterHeight + (c.outHeight - 1) * c.strideHeight - c.inHeight - top;
  const right = c.filterWidth + (c.outWidth - 1) * c.strideWidth - c.inWidth - left;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return undefined;
  const outShape = [...a.filterShape];
  return {
    outShape,
    graph: {
      inputs: [
        { name: 'x', shape: xShape },
        { name: 'dy', shape: dyShape },
      ],
      outputs: [{ name: 'dw', shape: outShape }],
      nodes: [
        // batch and channels swap roles: x as [Ci, B, H, W], dy as the filter [Co, B, OH, OW]
        { op: 'Transpose', inputs: ['x'], outputs: ['xt'], attrs: { perm: [3, 0, 1, 2] } },
        { op: 'Transpose', inputs: ['dy'], outputs: ['dyt'], attrs: { perm: [3, 0, 1, 2] } },
        {
          op: 'Conv',
          inputs: ['xt', 'dyt'],
          outputs: ['dwt'],
          attrs: {
            kernel_shape: [c.outHeight, c.outWidth],
            strides: [1, 1],
            dilations: [c.strideHeight, c.strideWidth],
            pads: [top, left, bottom, right],
          },
        },
        // [Ci, Co, KH, KW] → [KH, KW, Ci, Co]
        { op: 'Transpose', inputs: ['dwt'], outputs: ['dw'], attrs: { perm: [2, 3, 0, 1] } },
      ],
    },
  };
}

/**
 * Conv2DBackpropInput at stride 1 as a forward Conv: dx is the correlation of dy, padded by
 * K − 1 − pad, with the filter flipped in space and its in/out channels swapped. ORT runs this
 * ~1.5–2× faster than the ConvTranspose above on cifar-conv's conv2
 * (bench/notes/2026-12-02d-cifarspeed.md). Inputs (dy, filter).
 */
export function conv2dBackpropInputConvPlan(
  dyShape: readonly number[],
  filterShape: readonly number[],
  a: ConvAttrs & { inputShape: readonly number[] },
): ConvPlan | undefined {
  const c = convInfo(shape4(a.inputShape), shape4(filterShape), a);
  if (!c || c.dilationHeight !== 1 || c.dilationWidth !== 1 || c.strideHeight !== 1 || c.strideWidth !== 1) return undefined;
  const [top, left, bottom, right] = pads(c) as [number, number, number, number];
  const KH = c.filterHeight;
  const KW = c.filterWidth;
  const p = [KH - 1 - top, KW - 1 - left, KH - 1 - bottom, KW - 1 - right];
  if (p.some((v) => v < 0)) return undefined;
  const rev = (n: number): number[] => Array.from({ length: n }, (_, i) => n - 1 - i);
  const outShape = [...a.inputShape];
  return {
    outShape,
    graph: {
      inputs: [
        { name: 'dy', shape: dyShape },
        { name: 'w', shape: filterShape },
      ],
      outputs: [{ name: 'dx', shape: outShape }],
      nodes: [
        { op: 'Transpose', inputs: ['dy'], outputs: ['dyt'], attrs: { perm: NHWC_TO_NCHW } },
        // [KH, KW, Ci, Co] → [Ci, Co, KH, KW], then reversed along KH and KW
        { op: 'Transpose', inputs: ['w'], outputs: ['wt'], attrs: { perm: [2, 3, 0, 1] } },
        { op: 'Constant', inputs: [], outputs: ['rh'], attrs: { value_ints: rev(KH) } },
        { op: 'Constant', inputs: [], outputs: ['rw'], attrs: { value_ints: rev(KW) } },
        { op: 'Gather', inputs: ['wt', 'rh'], outputs: ['wf1'], attrs: { axis: 2 } },
        { op: 'Gather', inputs: ['wf1', 'rw'], outputs: ['wf'], attrs: { axis: 3 } },
        { op: 'Conv', inputs: ['dyt', 'wf'], outputs: ['dxt'], attrs: { kernel_shape: [KH, KW], pads: p } },
        { op: 'Transpose', inputs: ['dxt'], outputs: ['dx'], attrs: { perm: NCHW_TO_NHWC } },
      ],
    },
  };
}
