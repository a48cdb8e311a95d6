import * as tf from '@tensorflow/tfjs';

/**
 * Sums a matrix over its rows, `[N, D]` → `[D]`, as the product `1ᵀ · x`.
 *
 * On tfjs-wasm a reduction over axis 0 transposes first and runs a scalar loop (~10× slower
 * than this one XNNPACK product); every bias and LayerNorm gradient is such a reduction.
 *
 * @param x `[N, D]`
 * @returns `[D]`
 * @example sumOverRows(tf.ones([3, 2])) // [3, 3]
 */
export function sumOverRows(x: tf.Tensor2D): tf.Tensor1D {
  const [rows, columns] = x.shape;
  return tf.tidy(() => tf.matMul(tf.ones([1, rows]), x).reshape([columns]));
}

/**
 * Adds a bias `[D]` to every row of `x` `[N, D]`, with a gradient that reduces `dy` by
 * {@link sumOverRows} (one product) instead of tfjs' broadcast-add gradient (a `Sum` over axis 0).
 *
 * @param x `[N, D]`
 * @param bias `[D]`
 * @returns `x + bias`
 * @example const y = addBias(tf.matMul(x, kernel), bias);
 */
export function addBias(x: tf.Tensor2D, bias: tf.Tensor): tf.Tensor2D {
  if (x.rank !== 2 || bias.rank !== 1 || bias.shape[0] !== x.shape[1]) {
    throw new Error(
      `addBias expects x [N, D] and bias [D], got ${JSON.stringify(x.shape)} and ${JSON.stringify(bias.shape)}.`,
    );
  }
  const add = tf.customGrad((input, offset) => ({
    value: tf.add(input as tf.Tensor, offset as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => [dy, sumOverRows(dy as tf.Tensor2D)],
  }));
  return add(x, bias) as tf.Tensor2D;
}
