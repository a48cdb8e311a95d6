import * as tf from '@tensorflow/tfjs';

/**
 * Class guidance of a class-conditional autoregressive model (the classifier-free guidance of Ho &
 * Salimans 2022, as AudioGen, Kreuk et al. 2022, applies it to audio tokens), with the average of
 * the model's predictions under every class standing for the unconditional prediction:
 *
 * `w · log p(x | c) − (w − 1) · log((1/K) Σ_k p(x | k))`
 *
 * `w = 1` is the conditional distribution itself; `w > 1` moves probability to the values that
 * class `c` predicts more than the classes on average do, given the same past.
 *
 * @param rowLogits logits `[N · K, V]` of N sequences under each of K classes, sequence-major
 *   (row `n · K + k` is sequence n under class k).
 * @param targetRows `[N]` int32: the row of each sequence's own class (`n · K + c_n`).
 * @param guidance the scale `w ≥ 1`.
 * @returns unnormalized guided log-probabilities `[N, V]` (use them as logits).
 * @example
 * const guided = classGuidedLogProbabilities(logits, tf.tensor1d([0, 3], 'int32'), 2);
 */
export function classGuidedLogProbabilities(
  rowLogits: tf.Tensor2D,
  targetRows: tf.Tensor1D,
  guidance: number,
): tf.Tensor2D {
  const [rows, levels] = rowLogits.shape;
  const sequences = targetRows.shape[0];
  if (sequences === 0 || rows % sequences !== 0) {
    throw new Error(
      `classGuidedLogProbabilities: ${rows} rows do not split into ${sequences} sequences × K classes; pass every sequence under every class.`,
    );
  }
  const classes = rows / sequences;
  return tf.tidy(() => {
    const logProbabilities = tf.logSoftmax(rowLogits);
    const classAverage = tf.sub(
      tf.logSumExp(logProbabilities.reshape([sequences, classes, levels]), 1),
      Math.log(classes),
    );
    const conditional = tf.gather(logProbabilities, targetRows);
    return tf.sub(tf.mul(conditional, guidance), tf.mul(classAverage, guidance - 1)) as tf.Tensor2D;
  });
}
