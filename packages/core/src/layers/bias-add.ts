import * as tf from '@tensorflow/tfjs';

/**
 * Sums a matrix over its rows, `[N, D]` → `[D]`.
 *
 * Every bias and LayerNorm gradient is such a reduction. On tfjs-wasm selfsup's `Sum` kernel
 * runs it as a few vectorised halving adds on heap views (~0.2 ms for [768, 512]); the product
 * `1ᵀ · x` it replaces made XNNPACK pack all of `x` as weights on every call (~1.5 ms).
 *
 * @param x `[N, D]`
 * @returns `[D]`
 * @example sumOverRows(tf.ones([3, 2])) // [3, 3]
 */
export function sumOverRows(x: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(x, 0);
}

/**
 * Adds a bias `[D]` to every row of `x` `[N, D]`, with a gradient that reduces `dy` by
 * {@link sumOverRows} instead of tfjs' broadcast-add gradient (a `Sum` over axis 0).
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

/**
 * A dense layer's product `x · kernel + bias` (`[N, I]`, `[I, O]`, `[O]` → `[N, O]`) as one
 * fused product (`tf.fused.matMul`): on tfjs-wasm XNNPACK adds the bias while it multiplies
 * (no separate broadcast `Add` over `[N, O]`), and the bias gradient is a sum over rows.
 *
 * @param x `[N, I]`
 * @param kernel `[I, O]`
 * @param bias `[O]`
 * @returns `x · kernel + bias`
 * @example const hidden = denseWithBias(x, weights.mlpInKernel, weights.mlpInBias);
 */
export function denseWithBias(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  if (x.rank !== 2 || kernel.rank !== 2 || bias.rank !== 1 || bias.shape[0] !== kernel.shape[1]) {
    throw new Error(
      `denseWithBias expects x [N, I], kernel [I, O] and bias [O], got ${JSON.stringify(x.shape)}, ` +
        `${JSON.stringify(kernel.shape)} and ${JSON.stringify(bias.shape)}.`,
    );
  }
  return tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel as tf.Tensor2D, bias }) as tf.Tensor2D;
}
