import { allGather, type CollectiveGroup } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/**
 * NT-Xent, SimCLR's contrastive loss, for a batch `[2N, D]` whose rows `i` and `i + N` are two
 * views of one image.
 *
 * Cosine similarities divided by `temperature`, self-similarity masked out (−1e9), then
 * cross-entropy towards the other view, averaged over the 2N rows.
 * Chen et al., "A Simple Framework for Contrastive Learning of Visual Representations" (2020).
 *
 * With a data-parallel `group` (SimCLR's global negatives, §B.9 of the paper), `projections` is this
 * worker's shard `[2n, D]` (its n first views, then the same n images' second views) and the
 * candidates are every worker's rows, gathered in rank order (`allGather`, differentiable): the
 * first views of all workers, then their second views. The loss is the mean over this worker's 2n
 * anchors; the data-parallel trainer's mean over workers is then the loss one worker computes on
 * the whole batch `[first views of all; second views of all]`.
 *
 * @param projections `[2N, D]` projection-head outputs, first views then second views.
 * @param temperature the softmax temperature τ (> 0).
 * @param group a data-parallel worker's group (omitted: this process holds the whole batch).
 * @returns the mean loss, a scalar.
 * @example const loss = ntXentLoss(projections, 0.5);
 */
export function ntXentLoss(
  projections: tf.Tensor2D,
  temperature: number,
  group?: CollectiveGroup,
): tf.Scalar {
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
    const workers = group?.size ?? 1;
    const offset = (group?.rank ?? 0) * half;
    const globalHalf = half * workers;
    const candidates =
      group === undefined
        ? normalized
        : tf.concat([
            allGather(tf.slice(normalized, [0, 0], [half, -1]), group),
            allGather(tf.slice(normalized, [half, 0], [half, -1]), group),
          ]);
    const similarity = tf.div(tf.matMul(normalized, candidates, false, true), temperature);
    // Anchor a (a < n: first view of local image a; else the second view of image a − n) sits in
    // column `own` of the candidates; its positive, the other view, in column `positive`.
    const own = new Int32Array(rows);
    const positive = new Int32Array(rows);
    for (let anchor = 0; anchor < rows; anchor++) {
      const image = offset + (anchor % half);
      own[anchor] = (anchor < half ? 0 : globalHalf) + image;
      positive[anchor] = (anchor < half ? globalHalf : 0) + image;
    }
    const columns = 2 * globalHalf;
    const selfMask = tf.mul(tf.oneHot(tf.tensor1d(own, 'int32'), columns), -1e9);
    const logProbabilities = tf.logSoftmax(tf.add(similarity, selfMask));
    const targets = tf.oneHot(tf.tensor1d(positive, 'int32'), columns).cast('float32');
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, logProbabilities), 1))) as tf.Scalar;
  });
}
