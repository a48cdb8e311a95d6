import * as tf from '@tensorflow/tfjs';

/** The loss and the contrastive accuracy of {@link ntXentLoss}. */
export type NtXentResult = {
  /** Mean cross-entropy over the 2N anchors. */
  readonly loss: tf.Scalar;
  /** Fraction of anchors whose most similar other row is their positive. */
  readonly accuracy: tf.Scalar;
};

/**
 * NT-Xent, the normalized temperature-scaled cross-entropy of SimCLR (Chen et al. 2020, "A Simple
 * Framework for Contrastive Learning of Visual Representations", eq. 1).
 *
 * Rows `i` and `i + N` of `projections` `[2N, D]` are two views of one example. Each row is an
 * anchor whose positive is its other view and whose 2N − 2 negatives are every other row:
 * `ℓ(i) = −log exp(sim(i, p(i))/τ) / Σ_{k≠i} exp(sim(i, k)/τ)` with cosine similarity.
 * Loss-scaling convention: the mean over all 2N anchors (both directions), as in the paper's
 * `L = 1/(2N) Σ [ℓ(2k−1, 2k) + ℓ(2k, 2k−1)]`.
 *
 * @param projections `[2N, D]`, first the N first views, then the N second views.
 * @param temperature τ. @default 0.5 (small batches; the paper uses 0.1–0.5)
 * @returns the loss and the contrastive accuracy (call inside `tf.tidy`).
 * @example const { loss } = ntXentLoss(tf.concat([z1, z2]), 0.5);
 */
export function ntXentLoss(projections: tf.Tensor2D, temperature = 0.5): NtXentResult {
  const [rows] = projections.shape;
  if (rows % 2 !== 0 || rows < 4) {
    throw new Error(
      `NT-Xent needs [2N, D] projections with N ≥ 2 (two views of each example), got ${rows} rows.`,
    );
  }
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}.`);
  const half = rows / 2;
  return tf.tidy(() => {
    const normalized = tf.div(projections, tf.add(tf.norm(projections, 2, 1, true), 1e-12));
    // A large negative on the diagonal removes self-similarity from the softmax.
    const selfMask = tf.mul(tf.eye(rows), -1e9);
    const logits = tf.add(
      tf.div(tf.matMul(normalized, tf.transpose(normalized)), temperature),
      selfMask,
    );
    const positives = tf.tensor1d(
      Array.from({ length: rows }, (_, i) => (i + half) % rows),
      'int32',
    );
    const targets = tf.oneHot(positives, rows).cast('float32');
    const loss = tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
    const accuracy = tf.equal(tf.argMax(logits, 1), positives).cast('float32').mean() as tf.Scalar;
    return { loss, accuracy };
  });
}
