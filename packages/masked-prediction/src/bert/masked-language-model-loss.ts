import * as tf from '@tensorflow/tfjs';

/** What {@link maskedLanguageModelLoss} returns: two scalars (owned by the caller or a tidy). */
export type MaskedLanguageModelLossResult = {
  /** Mean cross-entropy over the predicted positions (nats). */
  readonly loss: tf.Scalar;
  /** Fraction of positions whose most likely token is the original one. */
  readonly accuracy: tf.Scalar;
};

/**
 * BERT's masked-LM loss (Devlin et al. 2019): the mean cross-entropy between the vocabulary
 * logits of the selected positions and their original tokens. Only the selected positions are
 * passed (gathered beforehand, as BERT's `gather_indexes` does), so unselected tokens add nothing.
 *
 * @param logits `[M, V]` logits of the `M` selected positions
 * @param targets `[M]` int32 original token ids
 * @returns `{ loss, accuracy }`
 * @example const { loss } = maskedLanguageModelLoss(head.logits(selected, embeddings), targets);
 */
export function maskedLanguageModelLoss(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
): MaskedLanguageModelLossResult {
  if (logits.rank !== 2 || targets.rank !== 1 || targets.shape[0] !== logits.shape[0]) {
    throw new Error(
      `maskedLanguageModelLoss expects logits [M, V] and targets [M], got ${JSON.stringify(logits.shape)} and ${JSON.stringify(targets.shape)}.`,
    );
  }
  if (targets.dtype !== 'int32') {
    throw new Error(
      `maskedLanguageModelLoss expects int32 targets, got ${targets.dtype}: cast them with targets.cast('int32').`,
    );
  }
  if (logits.shape[0] === 0) {
    throw new Error(
      'maskedLanguageModelLoss got no position to predict: the batch has no maskable token (only padding or special tokens).',
    );
  }
  return tf.tidy(() => {
    const vocabularySize = logits.shape[1];
    // On wasm, tf.oneHot must be built as int then cast (float32 oneHot returns int bit patterns).
    const oneHot = tf.oneHot(targets, vocabularySize).cast('float32');
    const logProbabilities = tf.logSoftmax(logits);
    const loss = tf.neg(tf.mean(tf.sum(tf.mul(logProbabilities, oneHot), 1))) as tf.Scalar;
    const accuracy = tf.mean(tf.equal(tf.argMax(logits, 1), targets).cast('float32')) as tf.Scalar;
    return { loss, accuracy };
  });
}
