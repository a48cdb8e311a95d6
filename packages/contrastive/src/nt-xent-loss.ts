import { allGather, type CollectiveGroup } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { normalizeRows } from './normalize-rows';

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
 * Across data-parallel workers (`group`: SimCLR's global negatives, the paper's §B.9 with Global
 * BN), `projections` is a worker's shard `[2n, D]` and the candidates are every worker's rows,
 * gathered in rank order (differentiable `allGather`); the loss is the mean over this worker's 2n
 * anchors, so the workers' mean is the loss one worker computes on the whole batch.
 *
 * @param projections `[2N, D]`, first the N first views, then the N second views.
 * @param temperature τ. @default 0.5 (small batches; the paper uses 0.1–0.5)
 * @param group a data-parallel worker's group (omitted: this process holds the whole batch).
 * @returns the loss and the contrastive accuracy (call inside `tf.tidy`).
 * @example const { loss } = ntXentLoss(tf.concat([z1, z2]), 0.5);
 */
export function ntXentLoss(
  projections: tf.Tensor2D,
  temperature = 0.5,
  group?: CollectiveGroup,
): NtXentResult {
  const [rows] = projections.shape;
  const workers = group?.size ?? 1;
  if (rows % 2 !== 0 || rows * workers < 4) {
    throw new Error(
      `NT-Xent needs [2N, D] projections with N ≥ 2 (two views of each example), got ${rows} rows.`,
    );
  }
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}.`);
  const half = rows / 2;
  const globalHalf = half * workers;
  const offset = (group?.rank ?? 0) * half;
  return tf.tidy(() => {
    const normalized = normalizeRows(projections);
    // The candidates: every worker's first views, then every worker's second views (one worker:
    // the rows themselves). Anchor a's own column and its positive's, in that layout.
    const candidates =
      group === undefined
        ? normalized
        : tf.concat([
            allGather(tf.slice(normalized, [0, 0], [half, -1]), group),
            allGather(tf.slice(normalized, [half, 0], [half, -1]), group),
          ]);
    const own = new Int32Array(rows);
    const positive = new Int32Array(rows);
    for (let anchor = 0; anchor < rows; anchor++) {
      const example = offset + (anchor % half);
      own[anchor] = (anchor < half ? 0 : globalHalf) + example;
      positive[anchor] = (anchor < half ? globalHalf : 0) + example;
    }
    const columns = 2 * globalHalf;
    // A large negative on the own column removes self-similarity from the softmax.
    const selfMask = tf.mul(tf.oneHot(tf.tensor1d(own, 'int32'), columns), -1e9);
    const logits = tf.add(
      tf.div(tf.matMul(normalized, candidates, false, true), temperature),
      selfMask,
    );
    const positives = tf.tensor1d(positive, 'int32');
    const targets = tf.oneHot(positives, columns).cast('float32');
    const loss = tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
    const accuracy = tf.equal(tf.argMax(logits, 1), positives).cast('float32').mean() as tf.Scalar;
    return { loss, accuracy };
  });
}
