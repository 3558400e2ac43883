/**
 * The ONNX graph for tfjs's BatchMatMul when both operands are one matrix (2-D, or 3-D with a
 * batch of 1): a Gemm with tfjs's transposes as its transA and transB. A [1, M, K] buffer is a
 * [M, K] matrix byte for byte, so the graph declares the 2-D shapes and no reshape is run. Batched products, and products too small to repay a native call
 * (fewer than MIN_NATIVE_MACS multiply-adds; the call costs tens of microseconds), stay on wasm.
 */
import type { OnnxGraph } from './onnxModel.ts';

/** Below this many multiply-adds the wasm kernel is left to run the product. */
export const MIN_NATIVE_MACS = 1 << 20;

export interface MatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
}

export interface MatMulPlan {
  graph: OnnxGraph;
  outShape: number[];
}

/** BatchMatMul: inputs (a, b). */
export function batchMatMulPlan(aShape: readonly number[], bShape: readonly number[], attrs: MatMulAttrs): MatMulPlan | undefined {
  const matrix = (s: readonly number[]): [number, number] | undefined =>
    s.length === 2 ? [s[0]!, s[1]!] : s.length === 3 && s[0] === 1 ? [s[1]!, s[2]!] : undefined;
  const a = matrix(aShape);
  const b = matrix(bShape);
  if (!a || !b) return undefined;
  const tA = attrs.transposeA === true;
  const tB = attrs.transposeB === true;
  const [a1, a2] = a;
  const [b1, b2] = b;
  const [M, K] = tA ? [a2, a1] : [a1, a2];
  const [K2, N] = tB ? [b2, b1] : [b1, b2];
  if (K !== K2 || M * N * K < MIN_NATIVE_MACS) return undefined;
  return {
    // the wasm kernel's output rank: 2-D operands give [M, N], a batch of 1 gives [1, M, N]
    outShape: aShape.length === 2 && bShape.length === 2 ? [M, N] : [1, M, N],
    graph: {
      inputs: [
        { name: 'a', shape: [a1, a2] },
        { name: 'b', shape: [b1, b2] },
      ],
      outputs: [{ name: 'y', shape: [M, N] }],
      nodes: [{ op: 'Gemm', inputs: ['a', 'b'], outputs: ['y'], attrs: { transA: tA ? 1 : 0, transB: tB ? 1 : 0 } }],
    },
  };
}
