/**
 * `denseMatMul(x, W)`: `x·W` for a non-binary x [R, in] and W [in, out], whose gradients use
 * explicit transposes and a plain product:
 *
 *   ∂x = δ·Wᵀ  = matMul(δ, transpose(W))      ∂W = xᵀ·δ = matMul(transpose(x), δ)
 *
 * tf.matMul's own gradient asks for transposeA/transposeB products, which tfjs-wasm 4.22 runs
 * ~10× slower than transpose + a plain product (bench/notes/2026-11-29-round1-kernels.md: nmnist-mlp's ∂W shape,
 * 5.8 s vs 0.52 s). When the native kernels (onnxruntime-node) run ∂x, W is not transposed:
 * their Gemm takes transposeB at no cost. A registered kernel with a registered gradient, so that each input's gradient
 * is computed only when something needs it (a first layer's ∂x is never computed).
 */
import * as tf from '@tensorflow/tfjs-core';
import { runsNatively } from '../backend/native/nativeKernels.ts';

export const DENSE_MATMUL = 'SpikeloopDenseMatMul';

const BACKENDS = ['cpu', 'wasm', 'tensorflow'] as const;

interface RefCountedBackend {
  incRef(dataId: object): void;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

function denseMatMulKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const be = backend as unknown as RefCountedBackend;
  const { x, W } = inputs as { x: tf.TensorInfo; W: tf.TensorInfo };
  // The kernel's inputs wrapped as tensors (an extra reference keeps them alive when the
  // wrappers are disposed); ops run inside a kernel are not taped.
  const [xt, wt] = [x, W].map((info) => {
    be.incRef(info.dataId);
    return tf.engine().makeTensorFromTensorInfo(info);
  }) as [tf.Tensor2D, tf.Tensor2D];
  const y = tf.matMul(xt, wt);
  tf.dispose([xt, wt]);
  be.incRef(y.dataId);
  const info = { dataId: y.dataId, shape: y.shape.slice(), dtype: y.dtype };
  y.dispose();
  return info;
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of BACKENDS) {
    if (!tf.getKernel(DENSE_MATMUL, backendName))
      tf.registerKernel({ kernelName: DENSE_MATMUL, backendName, kernelFunc: denseMatMulKernel });
  }
  tf.registerGradient({
    kernelName: DENSE_MATMUL,
    inputsToSave: ['x', 'W'],
    gradFunc: (dy, saved) => {
      const [x, W] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      // The native Gemm takes transposeB as a flag at no cost, so ∂x makes no transposed copy of W
      // there; its transposeA was slower than an explicit transpose (16 vs 7 ms on cifar-conv's
      // 4096×160·160×256, bench/notes/2026-12-02d-cifarspeed.md), so ∂W keeps the transpose.
      const nativeTransB = runsNatively('BatchMatMul', [g.shape, W.shape], { transposeB: true });
      return {
        x: () => (nativeTransB ? tf.matMul(g, W, false, true) : tf.matMul(g, tf.transpose(W))),
        W: () => tf.matMul(tf.transpose(x), g),
      };
    },
  });
}

/**
 * `x·W` ([R, in]·[in, out] → [R, out]) with the gradients of tf.matMul computed by plain
 * products of explicit transposes. On backends other than cpu/wasm/tensorflow it is tf.matMul.
 * Example: `const current = denseMatMul(psp2d, kernel);`
 */
export function denseMatMul(x: tf.Tensor2D, W: tf.Tensor2D): tf.Tensor2D {
  if (x.rank !== 2 || W.rank !== 2)
    throw new Error(`denseMatMul: x and W must be rank 2, got [${x.shape.join(', ')}] and [${W.shape.join(', ')}]`);
  if (x.shape[1] !== W.shape[0]) throw new Error(`denseMatMul: x has ${x.shape[1]} features but W has ${W.shape[0]} rows`);
  register();
  if (!(BACKENDS as readonly string[]).includes(tf.getBackend())) return tf.matMul(x, W);
  return tf.engine().runKernel(DENSE_MATMUL, { x, W }, {}) as tf.Tensor2D;
}
