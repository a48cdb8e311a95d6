import * as tf from '@tensorflow/tfjs';

/**
 * Sharpens class distributions with a temperature: `p_i^(1/T) / Σ_j p_j^(1/T)`, the "label
 * guessing" step of MixMatch (Berthelot et al. 2019, "MixMatch: A Holistic Approach to
 * Semi-Supervised Learning", Eq. 7) that lowers the entropy of the guessed labels.
 *
 * `T → 0` tends to a one-hot argmax, `T = 1` leaves `p` unchanged. The input is not disposed;
 * computed in log space (`softmax(log p / T)`) so that small `T` does not underflow.
 *
 * @param probabilities `[B, C]` rows of class probabilities (non-negative, summing to 1).
 * @param temperature T > 0. @default 0.5 (the MixMatch paper's value for every dataset)
 * @returns `[B, C]` sharpened probabilities (a new tensor).
 * @example
 * const guessed = sharpen(tf.tensor2d([[0.6, 0.4]]), 0.5); // [[0.692, 0.308]]
 */
export function sharpen(probabilities: tf.Tensor2D, temperature = 0.5): tf.Tensor2D {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(
      `sharpen needs a temperature > 0 (MixMatch uses 0.5), got ${temperature}.`,
    );
  }
  if (probabilities.rank !== 2) {
    throw new Error(
      `sharpen needs [batch, classes] probabilities, got shape ${JSON.stringify(probabilities.shape)}.`,
    );
  }
  return tf.tidy(() => {
    // log(0) = -inf stays -inf after the division, and softmax gives it weight 0.
    const logits = tf.div(tf.log(tf.maximum(probabilities, 0)), temperature);
    return tf.softmax(logits) as tf.Tensor2D;
  });
}
