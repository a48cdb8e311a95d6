import * as tf from '@tensorflow/tfjs';

/**
 * NT-Xent, SimCLR's contrastive loss, for a batch `[2N, D]` whose rows `i` and `i + N` are two
 * views of one image.
 *
 * Cosine similarities divided by `temperature`, self-similarity masked out (−1e9), then
 * cross-entropy towards the other view, averaged over the 2N rows.
 * Chen et al., "A Simple Framework for Contrastive Learning of Visual Representations" (2020).
 *
 * @param projections `[2N, D]` projection-head outputs, first views then second views.
 * @param temperature the softmax temperature τ (> 0).
 * @returns the mean loss, a scalar.
 * @example const loss = ntXentLoss(projections, 0.5);
 */
export function ntXentLoss(projections: tf.Tensor2D, temperature: number): tf.Scalar {
  const [rows] = projections.shape;
  if (rows % 2 !== 0 || rows < 2) {
    throw new Error(
      `ntXentLoss needs [2N, D] projections (two views per image), got ${rows} rows.`,
    );
  }
  if (!(temperature > 0))
    throw new RangeError(`ntXentLoss needs temperature > 0, got ${temperature}.`);
  return tf.tidy(() => {
    const half = rows / 2;
    const squaredNorms = tf.sum(tf.square(projections), 1, true);
    const normalized = tf.mul(projections, tf.rsqrt(tf.maximum(squaredNorms, 1e-24)));
    const similarity = tf.div(tf.matMul(normalized, normalized, false, true), temperature);
    const selfMask = tf.mul(tf.eye(rows), -1e9);
    const logProbabilities = tf.logSoftmax(tf.add(similarity, selfMask));
    const positives = tf.concat([tf.range(half, rows, 1, 'int32'), tf.range(0, half, 1, 'int32')]);
    const targets = tf.oneHot(positives, rows).cast('float32');
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, logProbabilities), 1))) as tf.Scalar;
  });
}
