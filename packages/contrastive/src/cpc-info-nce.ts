import { allGather, type CollectiveGroup } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** The loss and the per-offset accuracies of {@link cpcInfoNce}. */
export type CpcInfoNceResult = {
  /** Mean over the K offsets of each offset's mean InfoNCE. */
  readonly loss: tf.Scalar;
  /** InfoNCE of offset k = 1..K (index k − 1), each a mean over its anchors. */
  readonly lossPerStep: readonly tf.Scalar[];
  /** Fraction of anchors of offset k whose highest-scoring candidate is the true `z_{t+k}`. */
  readonly accuracyPerStep: readonly tf.Scalar[];
  /** Mean of {@link CpcInfoNceResult.accuracyPerStep}. */
  readonly accuracy: tf.Scalar;
};

/**
 * InfoNCE of Contrastive Predictive Coding (van den Oord, Li & Vinyals 2018, "Representation
 * Learning with Contrastive Predictive Coding", eq. 4), for every prediction offset k = 1..K.
 *
 * `predictions[b, t, k − 1]` (the paper's `W_k c_t`) scores each candidate latent `z` by the dot
 * product `f_k(z, c_t) = exp(zᵀ W_k c_t)` (the paper's log-bilinear model: no normalisation, no
 * temperature). The positive of anchor `(b, t)` at offset `k` is `latents[b, t + k]`; the
 * candidates are all `B·T` latents of the batch, so the negatives are the other positions of the
 * same clip and every position of the other clips (the paper draws negatives from the batch and
 * the sequence). Anchors with `t + k ≥ T` have no target and are left out, so offset k has
 * `B·(T − k)` anchors. `L_k = −mean log softmax(scores)[positive]`; the returned loss is the mean
 * of the K offsets (the paper sums them: the mean keeps one learning rate valid for any K).
 *
 * One `[B·T·K, D] × [D, B·T]` matMul scores every offset at once; the positives are picked with
 * `gather` and split per offset (no `stridedSlice`/`gatherND`: differentiable on every backend).
 *
 * Across data-parallel workers (`group`), the candidates are every worker's latents, gathered in
 * rank order (differentiable `allGather`), so N workers with B clips each score what one worker
 * scores on the whole batch of N·B clips; each worker's loss is the mean over its own anchors.
 *
 * @param latents `z`, `[B, T, D]`: the encoder's per-step latents.
 * @param predictions `[B, T, K, D]`: the prediction of `z_{t+k}` made from the context `c_t`.
 * @param group a data-parallel worker's group (omitted: this process holds the whole batch).
 * @returns the loss, per-offset losses and accuracies, and the mean accuracy (call inside `tf.tidy`).
 * @example
 * const { loss, accuracyPerStep } = cpcInfoNce(latents, predictions); // [2, 10, 8], [2, 10, 3, 8]
 */
export function cpcInfoNce(
  latents: tf.Tensor3D,
  predictions: tf.Tensor4D,
  group?: CollectiveGroup,
): CpcInfoNceResult {
  const [batch, length, size] = latents.shape;
  const [predictedBatch, predictedLength, steps, predictedSize] = predictions.shape;
  if (predictedBatch !== batch || predictedLength !== length || predictedSize !== size) {
    throw new Error(
      `cpcInfoNce: predictions must be [B, T, K, D] = [${batch}, ${length}, K, ${size}] to match latents ${JSON.stringify(latents.shape)}, got ${JSON.stringify(predictions.shape)}.`,
    );
  }
  if (!(steps >= 1 && steps < length)) {
    throw new Error(
      `cpcInfoNce: the clips have T = ${length} latent steps, so at most K = ${length - 1} offsets can be predicted, got K = ${steps}: use longer clips or fewer prediction steps.`,
    );
  }
  // Row (b·T + t)·K + (k − 1) of the flattened predictions predicts z[b, t + k]. Anchors are listed
  // offset by offset, so each offset's log-probabilities are one contiguous run (split, not slice).
  // With a group, this worker's latents are columns rank·B·T … (rank + 1)·B·T − 1 of the candidates.
  const firstColumn = (group?.rank ?? 0) * batch * length;
  const anchorRows: number[] = [];
  const positiveColumns: number[] = [];
  const anchorsPerStep: number[] = [];
  for (let offset = 1; offset <= steps; offset++) {
    anchorsPerStep.push(batch * (length - offset));
    for (let clip = 0; clip < batch; clip++) {
      for (let step = 0; step + offset < length; step++) {
        anchorRows.push((clip * length + step) * steps + offset - 1);
        positiveColumns.push(firstColumn + clip * length + step + offset);
      }
    }
  }
  const candidateCount = (group?.size ?? 1) * batch * length;
  return tf.tidy(() => {
    const own = tf.reshape(latents, [batch * length, size]) as tf.Tensor2D;
    const candidates = tf.transpose(group === undefined ? own : allGather(own, group));
    const predicted = tf.reshape(predictions, [batch * length * steps, size]) as tf.Tensor2D;
    const scores = tf.matMul(predicted, candidates);
    const logProbabilities = tf.logSoftmax(scores);
    const picked = tf.gather(
      tf.reshape(logProbabilities, [-1]),
      tf.tensor1d(
        anchorRows.map((row, index) => row * candidateCount + positiveColumns[index]!),
        'int32',
      ),
    );
    const lossPerStep = tf
      .split(picked, anchorsPerStep)
      .map((part) => tf.neg(tf.mean(part)) as tf.Scalar);
    const hits = tf
      .equal(
        tf.gather(tf.argMax(scores, 1), tf.tensor1d(anchorRows, 'int32')),
        tf.tensor1d(positiveColumns, 'int32'),
      )
      .cast('float32');
    const accuracyPerStep = tf
      .split(hits, anchorsPerStep)
      .map((part) => tf.mean(part) as tf.Scalar);
    const loss = tf.div(tf.addN(lossPerStep), steps) as tf.Scalar;
    const accuracy = tf.div(tf.addN(accuracyPerStep), steps) as tf.Scalar;
    return { loss, lossPerStep, accuracyPerStep, accuracy };
  });
}
