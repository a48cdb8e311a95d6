import * as tf from '@tensorflow/tfjs';
import { normalizeRows } from './normalize-rows';

/** The loss and the contrastive accuracy of {@link mocoInfoNceLoss}. */
export type MocoInfoNceResult = {
  /** Mean cross-entropy over the `B` queries. */
  readonly loss: tf.Scalar;
  /** Fraction of queries whose positive key scores above every negative. */
  readonly accuracy: tf.Scalar;
};

/**
 * InfoNCE of MoCo (He et al. 2020, "Momentum Contrast for Unsupervised Visual Representation
 * Learning", eq. 1 and Algorithm 1): each query is classified among `1 + K` keys, its positive at
 * index 0 and the `K` queued negatives after it, by a softmax over cosine similarities / τ:
 * `ℓ(i) = −log exp(q_i·k_i/τ) / (exp(q_i·k_i/τ) + Σ_j exp(q_i·n_j/τ))`, averaged over the batch.
 *
 * Queries and keys are L2-normalised here; the negatives must already be unit rows (the queue
 * holds normalised keys). No gradient flows into keys or negatives when they come from networks
 * outside the differentiated weights (MoCo's key encoder). τ defaults to 0.2, MoCo v2's value
 * (Chen, Fan, Girshick & He 2020, "Improved Baselines with Momentum Contrastive Learning";
 * MoCo v1 used 0.07).
 *
 * @param queries `[B, D]` projections of the query views (differentiated).
 * @param keys `[B, D]` projections of the key views by the momentum encoder; row `i` is the positive of query `i`.
 * @param negatives `[K, D]` unit-norm negatives (the queue).
 * @param temperature τ. @default 0.2
 * @returns the loss and the contrastive accuracy (call inside `tf.tidy`).
 * @example const { loss, accuracy } = mocoInfoNceLoss(q, k, queue.keys, 0.2);
 */
export function mocoInfoNceLoss(
  queries: tf.Tensor2D,
  keys: tf.Tensor2D,
  negatives: tf.Tensor2D,
  temperature = 0.2,
): MocoInfoNceResult {
  const [batch, dimension] = queries.shape;
  if (queries.rank !== 2 || !tf.util.arraysEqual(keys.shape, queries.shape)) {
    throw new Error(
      `mocoInfoNceLoss: queries and keys must both be [B, D], got ${JSON.stringify(queries.shape)} and ${JSON.stringify(keys.shape)}.`,
    );
  }
  if (negatives.rank !== 2 || negatives.shape[1] !== dimension || negatives.shape[0] < 1) {
    throw new Error(
      `mocoInfoNceLoss: negatives must be [K, ${dimension}] with K ≥ 1, got ${JSON.stringify(negatives.shape)}.`,
    );
  }
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}.`);
  return tf.tidy(() => {
    const q = normalizeRows(queries);
    const k = normalizeRows(keys);
    const positive = tf.sum(tf.mul(q, k), 1, true); // [B, 1]
    const negative = tf.matMul(q, negatives, false, true); // [B, K]
    const logits = tf.div(tf.concat([positive, negative], 1), temperature);
    // Cross-entropy with target 0: logsumexp over the row minus the positive's logit.
    const positiveLogit = tf.reshape(tf.div(positive, temperature), [batch]);
    const loss = tf.mean(tf.sub(tf.logSumExp(logits, 1), positiveLogit)) as tf.Scalar;
    const accuracy = tf.mean(
      tf.cast(tf.greater(positive, tf.max(negative, 1, true)), 'float32'),
    ) as tf.Scalar;
    return { loss, accuracy };
  });
}
