import * as tf from '@tensorflow/tfjs';

/** What {@link clipLoss} returns (scalars; the caller disposes them). */
export type ClipLossResult = {
  /** The symmetric cross-entropy: mean of the image→text and text→image losses. */
  readonly loss: tf.Scalar;
  /** Share of images whose own caption scores highest among the batch's captions. */
  readonly imageToTextAccuracy: tf.Scalar;
  /** Share of captions whose own image scores highest among the batch's images. */
  readonly textToImageAccuracy: tf.Scalar;
};

/**
 * L2-normalises the rows of a matrix: `x / ‖x‖` (an ε of 1e-12 under the root keeps zero rows finite).
 *
 * @param x `[N, D]`
 * @returns `[N, D]` rows of unit length
 * @example l2NormalizeRows(tf.tensor2d([[3, 4]])) // [[0.6, 0.8]]
 */
export function l2NormalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.sum(tf.square(x), 1, true).add(1e-12))));
}

/**
 * CLIP's contrastive loss (Radford et al. 2021, Figure 3 pseudo-code): the `N × N` logits
 * `scale · I · Tᵀ` of `N` image–text pairs, cross-entropy of each row over the captions
 * (image→text) and of each column over the images (text→image), averaged:
 * `L = ½ (CE(logits, diag) + CE(logitsᵀ, diag))`. Pair `i` (row `i` of both inputs) is the
 * positive; the other `N − 1` of the batch are the negatives. With all similarities equal the loss
 * is `ln N`.
 *
 * The embeddings must already be L2-normalised (see {@link l2NormalizeRows}); `scale` is the
 * multiplier `exp(s)` (CLIP learns `s`, starting at ln(1/0.07), i.e. scale ≈ 14.3, and clamps the
 * scale at 100). The labels are an identity mask, not `tf.oneHot` (see the wasm notes).
 *
 * @param imageEmbeddings `[N, D]` normalised image embeddings
 * @param textEmbeddings `[N, D]` normalised text embeddings, row `i` the caption of image `i`
 * @param scale the logit scale `exp(s)`, a scalar tensor or number
 * @returns the loss and both batch accuracies
 * @example
 * const { loss } = clipLoss(l2NormalizeRows(imageFeatures), l2NormalizeRows(textFeatures), 14.3);
 */
export function clipLoss(
  imageEmbeddings: tf.Tensor2D,
  textEmbeddings: tf.Tensor2D,
  scale: tf.Scalar | number,
): ClipLossResult {
  const [count, size] = imageEmbeddings.shape;
  if (
    imageEmbeddings.rank !== 2 ||
    textEmbeddings.rank !== 2 ||
    textEmbeddings.shape[0] !== count ||
    textEmbeddings.shape[1] !== size
  ) {
    throw new Error(
      `clipLoss needs image and text embeddings of the same shape [N, D], got ${JSON.stringify(imageEmbeddings.shape)} and ` +
        `${JSON.stringify(textEmbeddings.shape)}: give one caption per image, projected to the same size.`,
    );
  }
  if (count < 2) throw new Error('clipLoss needs at least 2 pairs per batch (the negatives).');
  return tf.tidy(() => {
    const logits = tf.mul(tf.matMul(imageEmbeddings, tf.transpose(textEmbeddings)), scale);
    const transposed = tf.transpose(logits);
    const positives = tf.eye(count);
    const imageToTextLoss = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), positives))).div(count);
    const textToImageLoss = tf.neg(tf.sum(tf.mul(tf.logSoftmax(transposed), positives))).div(count);
    const targets = tf.range(0, count, 1, 'int32');
    const accuracy = (matrix: tf.Tensor): tf.Scalar =>
      tf.mean(tf.equal(tf.argMax(matrix, 1).cast('int32'), targets).cast('float32'));
    return {
      loss: tf.add(imageToTextLoss, textToImageLoss).div(2) as tf.Scalar,
      imageToTextAccuracy: accuracy(logits),
      textToImageAccuracy: accuracy(transposed),
    };
  });
}
