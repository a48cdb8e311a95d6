import * as tf from '@tensorflow/tfjs';

/** Inputs of {@link wav2vec2ContrastiveLoss}. */
export type Wav2vec2ContrastiveLossInputs = {
  /** The projected context vectors `c_t`, one row per frame, `[N, F]`. */
  readonly predictions: tf.Tensor2D;
  /** The projected quantized targets `q_t`, one row per frame, `[N, F]`. */
  readonly targets: tf.Tensor2D;
  /**
   * The code of each target `[N, G]` int32: a distractor with the anchor's codes is the same
   * vector as the positive, so its logit is removed (fairseq). Omit to keep every distractor.
   */
  readonly codes?: tf.Tensor2D;
  /** The M anchor rows (masked frames). */
  readonly positions: Int32Array;
  /** `[M·K]` distractor rows, K per anchor (see `sampleNegatives`). */
  readonly negatives: Int32Array;
  /** κ, the temperature of the cosine similarities. @default 0.1 (wav2vec 2.0) */
  readonly temperature?: number;
};

/** What {@link wav2vec2ContrastiveLoss} returns (call inside `tf.tidy`). */
export type Wav2vec2ContrastiveLossResult = {
  /** Mean over anchors of `−log softmax(logits)[positive]`. */
  readonly loss: tf.Scalar;
  /** Fraction of anchors whose positive has the highest similarity. */
  readonly accuracy: tf.Scalar;
  /** Fraction of distractors removed because they carry the positive's codes. */
  readonly duplicateFraction: tf.Scalar;
};

/** 1 where distractor k of anchor m has exactly the anchor's codes, `[M·K]`. */
function duplicateDistractors(
  codes: tf.Tensor2D,
  positions: Int32Array,
  negatives: Int32Array,
): Float32Array {
  const groups = codes.shape[1];
  const values = codes.dataSync();
  const count = negatives.length / positions.length;
  const result = new Float32Array(negatives.length);
  for (let anchor = 0; anchor < positions.length; anchor++) {
    const positive = positions[anchor]! * groups;
    for (let draw = 0; draw < count; draw++) {
      const negative = negatives[anchor * count + draw]! * groups;
      let same = true;
      for (let group = 0; group < groups && same; group++) {
        same = values[positive + group] === values[negative + group];
      }
      result[anchor * count + draw] = same ? 1 : 0;
    }
  }
  return result;
}

/** Rows scaled to unit L2 norm (cosine similarity as a dot product). */
function normalizeRows(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), axis, true), 1e-8)));
}

/**
 * wav2vec 2.0's contrastive loss (Baevski et al. 2020, "wav2vec 2.0", §3.2, eq. 3): for each
 * masked frame t, identify the true quantized latent `q_t` among `K + 1` candidates (`q_t` and K
 * distractors from the same clip) by the cosine similarity with the context `c_t`:
 * `L_m = −log exp(sim(c_t, q_t)/κ) / Σ_{q̃ ∈ Q_t} exp(sim(c_t, q̃)/κ)`, κ = 0.1, averaged over
 * the masked frames (the paper sums; the mean keeps the learning rate independent of M).
 *
 * Distractors whose codes equal the positive's (the same quantized vector) get logit −∞ as in
 * fairseq, so a collapsed codebook is not rewarded by ties (found on the code values, read back
once per step: comparisons have no gradient on the tape). Rows are picked with `gather` and the
 * positive column with `split` (differentiable on tfjs-wasm; no gatherND or stridedSlice).
 *
 * @param inputs predictions, targets, codes, anchor and distractor rows, κ.
 * @returns loss, accuracy, and the fraction of distractors removed as duplicates.
 * @example
 * const { loss } = wav2vec2ContrastiveLoss({ predictions, targets, positions, negatives });
 */
export function wav2vec2ContrastiveLoss(
  inputs: Wav2vec2ContrastiveLossInputs,
): Wav2vec2ContrastiveLossResult {
  const { predictions, targets, codes, positions, negatives, temperature = 0.1 } = inputs;
  const anchors = positions.length;
  if (anchors === 0) {
    throw new Error(
      'wav2vec2ContrastiveLoss: no masked frame to predict; raise the mask probability or use longer clips.',
    );
  }
  if (negatives.length % anchors !== 0 || negatives.length === 0) {
    throw new Error(
      `wav2vec2ContrastiveLoss: negatives must hold K ≥ 1 rows per anchor (${anchors} anchors), got ${negatives.length}.`,
    );
  }
  if (
    predictions.rank !== 2 ||
    targets.rank !== 2 ||
    predictions.shape[0] !== targets.shape[0] ||
    predictions.shape[1] !== targets.shape[1]
  ) {
    throw new Error(
      `wav2vec2ContrastiveLoss: predictions and targets must both be [N, F], got ${JSON.stringify(predictions.shape)} and ${JSON.stringify(targets.shape)}.`,
    );
  }
  if (!(temperature > 0)) {
    throw new Error(`wav2vec2ContrastiveLoss: temperature must be > 0, got ${temperature}.`);
  }
  const count = negatives.length / anchors;
  const size = predictions.shape[1];
  // Duplicates are found on the code values (a constant of the step: comparisons have no gradient).
  const duplicates =
    codes === undefined ? undefined : duplicateDistractors(codes, positions, negatives);
  return tf.tidy(() => {
    const positionIndices = tf.tensor1d(positions, 'int32');
    const negativeIndices = tf.tensor1d(negatives, 'int32');
    const context = normalizeRows(tf.gather(predictions, positionIndices), 1);
    const positive = normalizeRows(tf.gather(targets, positionIndices), 1);
    const distractors = normalizeRows(
      tf.reshape(tf.gather(targets, negativeIndices), [anchors, count, size]),
      2,
    );
    const positiveSimilarity = tf.sum(tf.mul(context, positive), 1, true);
    const negativeSimilarity = tf.sum(tf.mul(tf.expandDims(context, 1), distractors), 2);
    let logits = tf.div(tf.concat([positiveSimilarity, negativeSimilarity], 1), temperature);
    let duplicateFraction = tf.scalar(0);
    if (duplicates !== undefined) {
      const duplicate = tf.tensor2d(duplicates, [anchors, count]);
      duplicateFraction = tf.mean(duplicate);
      const bias = tf.concat([tf.zeros([anchors, 1]), tf.mul(duplicate, -1e4)], 1);
      logits = tf.add(logits, bias);
    }
    const [positiveLog] = tf.split(tf.logSoftmax(logits), [1, count], 1);
    const loss = tf.neg(tf.mean(positiveLog!)) as tf.Scalar;
    const accuracy = tf.mean(tf.equal(tf.argMax(logits, 1), 0).cast('float32')) as tf.Scalar;
    return { loss, accuracy, duplicateFraction: duplicateFraction as tf.Scalar };
  });
}
