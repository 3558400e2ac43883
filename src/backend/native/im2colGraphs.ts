/**
 * The ONNX graph for tfjs's Conv2DBackpropFilter that stays in tfjs's NHWC layout: the patches
 * of the (padded) input are laid side by side on the channel axis ("im2col": one Slice per
 * filter tap, concatenated), so that the gradient is one large GEMM and no NHWC↔NCHW transpose
 * runs. With M = B·OH·OW rows and K = KH·KW·Ci patch columns (tap-major, as tfjs's filter
 * [KH, KW, Ci, Co] flattens):
 *
 *   dW [K, Co] = cols(x)ᵀ [K, M] · dy [M, Co]        (already tfjs's filter layout)
 *
 * (The forward as cols(x) · W and the input gradient as the cols of dy padded by K − 1 − pad
 * times the flipped filter were measured too; ORT's Conv and ConvTranspose were as fast or
 * faster, so those stay in convGraphs.ts.)
 *
 * dy and dW are declared with the shapes the product wants ([M, Co], [K, Co]): the same bytes
 * as tfjs's tensors, so no reshape is needed at the boundary. ORT's Conv (convGraphs.ts) runs
 * the filter gradient as a convolution whose "filter" is dy: a GEMM only 9 columns wide, where
 * this one's is Co wide; on cifar-conv's conv2 this graph took about half the time
 * (bench/notes/2026-12-02d-cifarspeed.md). A plan is undefined for what this graph does not
 * cover; nativeKernels.ts then tries the transposing graph of convGraphs.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { convInfo, type ConvAttrs, type ConvPlan } from './convGraphs.ts';
import type { OnnxNode } from './onnxModel.ts';

type Shape4 = [number, number, number, number];

function info(xShape: readonly number[], filterShape: readonly number[], a: ConvAttrs): tf.backend_util.Conv2DInfo | undefined {
  if (xShape.length !== 4 || filterShape.length !== 4) return undefined;
  const c = convInfo(xShape as Shape4, filterShape as Shape4, a);
  if (!c) return undefined;
  if (c.dilationHeight !== 1 || c.dilationWidth !== 1 || c.outHeight <= 0 || c.outWidth <= 0) return undefined;
  const { top, left, bottom, right } = c.padInfo;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return undefined;
  return c;
}

/** A graph-building helper: named int64 constants and fresh value names. */
class Nodes {
  readonly list: OnnxNode[] = [];
  private n = 0;

  ints(values: number[]): string {
    const name = `c${this.n++}`;
    this.list.push({ op: 'Constant', inputs: [], outputs: [name], attrs: { value_ints: values } });
    return name;
  }

  add(op: string, inputs: string[], attrs?: Record<string, number | number[]>): string {
    const name = `v${this.n++}`;
    this.list.push({ op, inputs, outputs: [name], ...(attrs ? { attrs } : {}) });
    return name;
  }
}

/**
 * The patches of `x` ([B, H, W, C], padded by pads = [top, left, bottom, right]) for a KH×KW
 * window at strides (sh, sw): [B, OH, OW, KH·KW·C], tap-major.
 */
function im2col(g: Nodes, x: string, pads: number[], KH: number, KW: number, sh: number, sw: number, OH: number, OW: number): string {
  const [top, left, bottom, right] = pads as [number, number, number, number];
  const xp = top || left || bottom || right ? g.add('Pad', [x, g.ints([0, top, left, 0, 0, bottom, right, 0])]) : x;
  if (KH === 1 && KW === 1 && sh === 1 && sw === 1) return xp;
  const axes = g.ints([1, 2]);
  const steps = g.ints([sh, sw]);
  const taps: string[] = [];
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const starts = g.ints([kh, kw]);
      const ends = g.ints([kh + (OH - 1) * sh + 1, kw + (OW - 1) * sw + 1]);
      taps.push(g.add('Slice', [xp, starts, ends, axes, steps]));
    }
  }
  return taps.length === 1 ? taps[0]! : g.add('Concat', taps, { axis: 3 });
}

/** Conv2DBackpropFilter: inputs (x, dy); `filterShape` is the forward filter's shape. */
export function conv2dBackpropFilterIm2colPlan(
  xShape: readonly number[],
  dyShape: readonly number[],
  a: ConvAttrs & { filterShape: readonly number[] },
): ConvPlan | undefined {
  const c = info(xShape, a.filterShape, a);
  if (!c || dyShape.join() !== [c.batchSize, c.outHeight, c.outWidth, c.outChannels].join()) return undefined;
  const { top, left, bottom, right } = c.padInfo;
  const M = c.batchSize * c.outHeight * c.outWidth;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const g = new Nodes();
  const cols = im2col(
    g,
    'x',
    [top, left, bottom, right],
    c.filterHeight,
    c.filterWidth,
    c.strideHeight,
    c.strideWidth,
    c.outHeight,
    c.outWidth,
  );
  const cols2d = g.add('Reshape', [cols, g.ints([M, K])]);
  g.list.push({ op: 'Gemm', inputs: [cols2d, 'dy'], outputs: ['dw'], attrs: { transA: 1 } });
  return {
    outShape: [...a.filterShape],
    graph: {
      inputs: [
        { name: 'x', shape: xShape },
        { name: 'dy', shape: [M, c.outChannels] },
      ],
      outputs: [{ name: 'dw', shape: [K, c.outChannels] }],
      nodes: g.list,
    },
  };
}
