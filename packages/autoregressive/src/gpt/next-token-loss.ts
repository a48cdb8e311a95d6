import * as tf from '@tensorflow/tfjs';

/** What {@link nextTokenCrossEntropy} returns (scalars owned by the caller). */
export type NextTokenLoss = {
  /** Mean cross-entropy in nats over the counted targets. */
  readonly loss: tf.Scalar;
  /** Sum of the per-target cross-entropies (nats). */
  readonly sum: tf.Scalar;
  /** Number of counted targets (those ≥ 0), as a float scalar. */
  readonly count: tf.Scalar;
  /** Fraction of counted targets that are the arg-max of their logits. */
  readonly accuracy: tf.Scalar;
};

/**
 * Next-token cross-entropy of language-model logits (the GPT objective, Radford et al. 2018,
 * eq. 1: maximise Σ log P(u_i | u_{<i})), averaged over the targets that count.
 *
 * A negative target (e.g. `-1` after the end of a padded name, as makemore does) is ignored: it
 * adds nothing to the sum or the count, like PyTorch's `cross_entropy(..., ignore_index=-1)`.
 * The loss is `sum / max(count, 1)`, so an all-ignored batch gives 0. Differentiable w.r.t.
 * `logits`. Uses `tf.oneHot(...).cast('float32')` (the wasm-safe form) and tfjs' softmax cross-entropy
 * (its gradient is `softmax − labels` in one step).
 *
 * @param logits float32 `[N, V]` (rows are positions)
 * @param targets int32 `[N]` next-token ids in `[0, V)`, or negative to ignore
 * @returns the mean loss, sum, count and top-1 accuracy (scalars; dispose them, or call in `tf.tidy`)
 * @example
 * const { loss } = nextTokenCrossEntropy(logits.reshape([-1, V]), targets.reshape([-1]));
 */
export function nextTokenCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): NextTokenLoss {
  if (logits.rank !== 2 || targets.rank !== 1 || logits.shape[0] !== targets.shape[0]) {
    throw new Error(
      `nextTokenCrossEntropy takes logits [N, V] and targets [N], got ${JSON.stringify(logits.shape)} and ${JSON.stringify(targets.shape)}.`,
    );
  }
  if (targets.dtype !== 'int32') {
    throw new Error(
      `nextTokenCrossEntropy takes int32 targets, got ${targets.dtype}; cast them: targets.cast('int32').`,
    );
  }
  const vocabularySize = logits.shape[1];
  return tf.tidy(() => {
    const counted = tf.greaterEqual(targets, 0).cast('float32');
    const safeTargets = tf.maximum(targets, tf.scalar(0, 'int32')) as tf.Tensor1D;
    const labels = tf.oneHot(safeTargets, vocabularySize).cast('float32');
    // tfjs' softmax cross-entropy has a fused gradient (softmax − labels): faster than logSoftmax.
    const perTarget = tf.losses
      .softmaxCrossEntropy(labels, logits, undefined, 0, tf.Reduction.NONE)
      .mul(counted);
    const sum = tf.sum(perTarget) as tf.Scalar;
    const count = tf.sum(counted) as tf.Scalar;
    const denominator = tf.maximum(count, 1);
    const correct = tf.equal(tf.argMax(logits, 1), safeTargets).cast('float32').mul(counted);
    return {
      loss: sum.div(denominator) as tf.Scalar,
      sum,
      count,
      accuracy: tf.sum(correct).div(denominator) as tf.Scalar,
    };
  });
}
