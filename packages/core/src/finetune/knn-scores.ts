import * as tf from '@tensorflow/tfjs';
import { l2Normalize } from './extract-features';

/** Options of {@link knnScores}. */
export type KnnScoresOptions = {
  /** Neighbours that vote, clipped to the bank size. @default 20 */
  readonly k?: number;
  /** Temperature τ of the vote weights exp(s/τ). @default 0.07 */
  readonly temperature?: number;
  /** Whether `bank` rows are already L2-normalised (skips normalising them again). @default false */
  readonly bankNormalized?: boolean;
};

/**
 * Weighted k-nearest-neighbour scores: each query's `k` most cosine-similar bank rows vote with
 * weight exp(sᵢ/τ), and the scores are the weight-averaged bank targets.
 *
 * This is the weighted kNN classifier of Wu et al. 2018 ("Unsupervised Feature Learning via
 * Non-Parametric Instance Discrimination"; k = 200, τ = 0.07), also the evaluation of DINO
 * (Caron et al. 2021), which found k = 20 as good or better; selfsup defaults to k = 20 and suggests
 * k = 200 for banks of ~10⁵ examples or more. With one-hot class targets the scores are class
 * probabilities (votes normalised to sum 1); with regression targets they are a weighted mean.
 * Similarities are computed on L2-normalised features; a `[B, N]` similarity matrix is formed
 * per call, so pass queries in batches for big banks.
 *
 * @param query `[B, D]` query features (normalised here).
 * @param bank `[N, D]` bank features.
 * @param bankTargets `[N, C]` one-hot labels or regression targets of the bank.
 * @param options k and temperature.
 * @returns `[B, C]` scores (a new tensor).
 * @example
 * const probabilities = knnScores(queryFeatures, trainFeatures, tf.oneHot(trainLabels, 10).cast('float32'), { k: 20 });
 */
export function knnScores(
  query: tf.Tensor2D,
  bank: tf.Tensor2D,
  bankTargets: tf.Tensor2D,
  options: KnnScoresOptions = {},
): tf.Tensor2D {
  const { k = 20, temperature = 0.07, bankNormalized = false } = options;
  if (!(temperature > 0)) throw new Error(`kNN temperature must be > 0, got ${temperature}.`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`kNN k must be a positive integer, got ${k}.`);
  const [bankSize, dimension] = bank.shape;
  if (query.shape[1] !== dimension) {
    throw new Error(
      `kNN query features have ${query.shape[1]} dimensions but the bank has ${dimension}.`,
    );
  }
  if (bankTargets.shape[0] !== bankSize) {
    throw new Error(
      `The kNN bank has ${bankSize} rows but ${bankTargets.shape[0]} target rows: pass one per bank row.`,
    );
  }
  const neighbours = Math.min(k, bankSize);
  return tf.tidy(() => {
    const queryUnit = l2Normalize(query);
    const bankUnit = bankNormalized ? bank : l2Normalize(bank);
    // An explicit transpose then a plain product is the fast path on wasm.
    const similarity = tf.matMul(queryUnit, tf.transpose(bankUnit));
    const { values, indices } = tf.topk(similarity, neighbours);
    // exp(s/τ) normalised over the k neighbours; subtracting the max changes nothing but overflow.
    const weights = tf.softmax(tf.div(values, temperature));
    const count = query.shape[0];
    const targets = tf.reshape(tf.gather(bankTargets, tf.reshape(indices, [-1])), [
      count,
      neighbours,
      -1,
    ]);
    return tf.sum(tf.mul(targets, tf.expandDims(weights, 2)), 1) as tf.Tensor2D;
  });
}
