import * as tf from '@tensorflow/tfjs';
import { clipByGlobalNormKernelName } from '../backend/wasm-kernels/clip-by-global-norm';

/**
 * The global L2 norm `√(Σ‖gᵢ‖²)` of a set of gradients, as a scalar tensor (no sync).
 *
 * @param gradients named gradients.
 * @returns a scalar; the caller disposes it (or calls this inside `tf.tidy`).
 * @example const norm = globalNorm(grads);
 */
export function globalNorm(gradients: Readonly<Record<string, tf.Tensor>>): tf.Scalar {
  return tf.tidy(() => {
    const squares = Object.values(gradients).map((gradient) => gradient.square().sum());
    return (squares.length === 0 ? tf.scalar(0) : tf.addN(squares).sqrt()) as tf.Scalar;
  });
}

/**
 * Scales gradients so their global L2 norm is at most `maxNorm` (Pascanu et al. 2013), as
 * PyTorch's `clip_grad_norm_`: `g ← g·min(1, maxNorm/(‖g‖ + 1e-6))`. Runs on the device; reads
 * nothing back (on wasm it is one selfsup kernel, `SelfsupClipByGlobalNorm`, which returns
 * gradients under the bound without copying them).
 *
 * @param gradients named gradients (not disposed).
 * @param maxNorm the bound, > 0.
 * @returns the clipped gradients and the norm before clipping; the caller disposes them.
 * @example const { gradients: clipped, norm } = clipByGlobalNorm(grads, 1.0);
 */
export function clipByGlobalNorm(
  gradients: Readonly<Record<string, tf.Tensor>>,
  maxNorm: number,
): { gradients: Record<string, tf.Tensor>; norm: tf.Scalar } {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm))
    throw new RangeError(`clipNorm must be a finite number > 0, got ${maxNorm}.`);
  const names = Object.keys(gradients);
  const tensors = Object.values(gradients);
  if (
    tensors.length > 0 &&
    tensors.every((gradient) => gradient.dtype === 'float32') &&
    tf.getKernel(clipByGlobalNormKernelName, tf.getBackend()) !== undefined
  ) {
    // selfsup's wasm kernel: the same arithmetic without ~5 engine ops per gradient.
    const [norm, ...scaled] = tf
      .engine()
      .runKernel(clipByGlobalNormKernelName, { ...tensors } as unknown as tf.NamedTensorMap, {
        maxNorm,
      }) as tf.Tensor[];
    const clipped: Record<string, tf.Tensor> = {};
    names.forEach((name, index) => {
      clipped[name] = scaled[index] as tf.Tensor;
    });
    return { gradients: clipped, norm: norm as tf.Scalar };
  }
  return tf.tidy(() => {
    const norm = globalNorm(gradients);
    const scale = tf.minimum(tf.scalar(1), tf.scalar(maxNorm).div(norm.add(1e-6)));
    const clipped: Record<string, tf.Tensor> = {};
    for (const [name, gradient] of Object.entries(gradients)) clipped[name] = gradient.mul(scale);
    return { gradients: clipped, norm };
  });
}
