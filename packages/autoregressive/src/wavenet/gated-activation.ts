import * as tf from '@tensorflow/tfjs';

/**
 * WaveNet's gated activation unit (van den Oord et al. 2016, eq. 2; as in gated PixelCNN,
 * van den Oord et al. 2016b): `z = tanh(f) ⊙ σ(g)` for the filter `f` and gate `g` `[N, C]`.
 *
 * Computed as `tanh(f) = 2σ(2f) − 1`: tfjs-wasm's `Tanh` is a scalar loop (~4× slower than
 * XNNPACK's vectorised `Sigmoid` on [16384, 32] here), and the unit runs on every sample of every
 * layer. Differentiable by tfjs' own gradients. The filter and gate come as two tensors (products
 * with the two halves of the kernel): splitting a `[N, 2C]` tensor by columns is slow on wasm.
 *
 * @param filter `[N, C]` filter pre-activations.
 * @param gate `[N, C]` gate pre-activations.
 * @returns `z`, `[N, C]`.
 * @example const z = gatedActivation(tf.matMul(x, filterKernel), tf.matMul(x, gateKernel));
 */
export function gatedActivation(filter: tf.Tensor2D, gate: tf.Tensor2D): tf.Tensor2D {
  if (filter.rank !== 2 || gate.rank !== 2 || filter.shape.join() !== gate.shape.join()) {
    throw new Error(
      `gatedActivation expects a filter and a gate of one shape [N, C], got ${JSON.stringify(filter.shape)} and ${JSON.stringify(gate.shape)}.`,
    );
  }
  return tf.tidy(
    () =>
      tf.mul(tf.sub(tf.mul(tf.sigmoid(tf.mul(filter, 2)), 2), 1), tf.sigmoid(gate)) as tf.Tensor2D,
  );
}
