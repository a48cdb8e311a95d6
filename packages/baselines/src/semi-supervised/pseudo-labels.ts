import * as tf from '@tensorflow/tfjs';

/** What {@link selectPseudoLabels} returns: hard labels and which of them are confident enough. */
export type PseudoLabelSelection = {
  /** `[B]` int32: the most probable class of each example. */
  readonly labels: tf.Tensor1D;
  /** `[B]` float32: 1 where the largest probability is ≥ the threshold, else 0. */
  readonly mask: tf.Tensor1D;
  /** `[B]` float32: the largest probability of each example. */
  readonly confidence: tf.Tensor1D;
};

/**
 * Turns predicted class probabilities into pseudo-labels kept only where the model is confident:
 * the arg-max class (Lee 2013, "Pseudo-Label: The Simple and Efficient Semi-Supervised Learning
 * Method for Deep Neural Networks") and a mask `max_c p_c ≥ threshold` (the confidence threshold
 * of FixMatch, Sohn et al. 2020, Eq. 4, also used for pseudo-labelling in Oliver et al. 2018).
 *
 * The caller owns (disposes) the three tensors; the input is not disposed. No gradient flows
 * through the selection (arg-max and comparisons are piecewise constant).
 *
 * @param probabilities `[B, C]` class probabilities.
 * @param threshold confidence in [0, 1]; 0 keeps every example (Lee's original pseudo-labels).
 * @default threshold 0.95 (FixMatch's τ)
 * @returns labels, mask and confidence.
 * @example
 * const { labels, mask, confidence } = selectPseudoLabels(tf.tensor2d([[0.97, 0.03], [0.6, 0.4]]), 0.95);
 * // labels [0, 0], mask [1, 0]
 */
export function selectPseudoLabels(
  probabilities: tf.Tensor2D,
  threshold = 0.95,
): PseudoLabelSelection {
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(
      `The pseudo-label threshold is a probability in [0, 1] (FixMatch uses 0.95), got ${threshold}.`,
    );
  }
  if (probabilities.rank !== 2) {
    throw new Error(
      `selectPseudoLabels needs [batch, classes] probabilities, got shape ${JSON.stringify(probabilities.shape)}.`,
    );
  }
  return tf.tidy(() => {
    const confidence = tf.max(probabilities, 1) as tf.Tensor1D;
    const labels = tf.argMax(probabilities, 1) as tf.Tensor1D;
    const mask = tf.cast(tf.greaterEqual(confidence, threshold), 'float32') as tf.Tensor1D;
    return { labels, mask, confidence };
  });
}
