import * as tf from '@tensorflow/tfjs';

/**
 * The mean of per-position features `[B, T, D]` over the positions whose token is not padding
 * (over every position when `paddingId` is undefined). A row made only of padding pools to zeros.
 *
 * @param features per-position features `[B, T, D]`.
 * @param tokens the token ids `[B, T]` the features were computed from.
 * @param paddingId the padding token id, if any.
 * @returns `[B, D]`.
 * @example meanOverTokens(features, tokens, 0); // [B, D], padding ignored
 */
export function meanOverTokens(
  features: tf.Tensor3D,
  tokens: tf.Tensor,
  paddingId: number | undefined,
): tf.Tensor2D {
  return tf.tidy(() => {
    if (paddingId === undefined) return features.mean(1) as tf.Tensor2D;
    const weights = tf.notEqual(tokens, paddingId).cast('float32');
    const counts = weights.sum(1, true).maximum(1);
    return tf.sum(features.mul(weights.div(counts).expandDims(2)), 1) as tf.Tensor2D;
  });
}
