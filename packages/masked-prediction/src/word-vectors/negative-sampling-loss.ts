import * as tf from '@tensorflow/tfjs';

/**
 * The negative-sampling loss of Word2Vec (Mikolov et al. 2013, "Distributed Representations of
 * Words and Phrases and their Compositionality", eq. 4), summed over the batch:
 * `Σ_b [ −log σ(u_{o}·h_b) − Σ_k log σ(−u_{n_k}·h_b) ]`, where `h_b` is the input representation
 * (the centre word's vector in skip-gram, the mean of the context vectors in CBOW), `u_o` the
 * output vector of the true word and `u_{n_k}` those of the K noise words.
 *
 * Written with `gather` (whose gradient, `UnsortedSegmentSum`, core registers fast on wasm), a
 * product and `softplus` (`−log σ(x) = softplus(−x)`): no slicing, so it differentiates on every
 * backend. The sum (not the mean) keeps the learning rate per pair, as the original SGD does.
 *
 * @param hidden `[B, d]` input representations.
 * @param outputVectors `[V, d]` output ("context") vectors.
 * @param targets `[B, 1 + K]` int32 ids: the true word first, then the K noise words.
 * @returns the summed loss (a scalar).
 * @example
 * const loss = negativeSamplingLoss(tf.ones([2, 3]), tf.zeros([5, 3]), tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'));
 * // 4 · log 2: every logit is 0
 */
export function negativeSamplingLoss(
  hidden: tf.Tensor2D,
  outputVectors: tf.Tensor2D,
  targets: tf.Tensor2D,
): tf.Scalar {
  const [batchSize, dimension] = hidden.shape;
  const [targetRows, targetsPerRow] = targets.shape;
  if (targetRows !== batchSize || targetsPerRow < 2) {
    throw new Error(
      `targets must be [${batchSize}, 1 + K] with K ≥ 1 noise words, got [${targets.shape}].`,
    );
  }
  if (outputVectors.shape[1] !== dimension) {
    throw new Error(
      `outputVectors has ${outputVectors.shape[1]} dimensions but hidden has ${dimension}.`,
    );
  }
  return tf.tidy(() => {
    const signs = new Float32Array(targetsPerRow).fill(-1);
    signs[0] = 1;
    const vectors = tf.gather(outputVectors, targets); // [B, 1 + K, d]
    const logits = tf.sum(tf.mul(vectors, tf.expandDims(hidden, 1)), -1); // [B, 1 + K]
    return tf.sum(tf.softplus(tf.neg(tf.mul(logits, tf.tensor1d(signs)))));
  });
}
