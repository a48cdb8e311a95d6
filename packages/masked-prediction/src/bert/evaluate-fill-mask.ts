import { maskTokens, type TokenMaskingOptions } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import {
  type BertMaskedLanguageModel,
  maskedTokenLogits,
  selectedPositions,
} from './masked-token-logits';

/** Options of {@link evaluateFillMask}. */
export type EvaluateFillMaskOptions = {
  /**
   * Which tokens are selected: the masking options of the objective (`bert.maskingOptions`); the
   * evaluation replaces every selected token by [MASK] (no random or kept tokens).
   */
  readonly masking: TokenMaskingOptions;
  /** k of the top-k accuracy. @default 5 */
  readonly topK?: number;
  /** Seed of the selection. @default 0 */
  readonly seed?: number;
  /** Sequences per forward pass. @default 32 */
  readonly batchSize?: number;
};

/** What {@link evaluateFillMask} returns. */
export type FillMaskEvaluation = {
  /** Number of masked tokens scored. */
  readonly count: number;
  /** Fraction whose most probable token is the original. */
  readonly accuracy: number;
  /** Fraction whose original token is among the `topK` most probable. */
  readonly topKAccuracy: number;
  /** The k of `topKAccuracy`. */
  readonly topK: number;
  /** Mean cross-entropy of the original tokens (nats); `exp` of it is the masked-token perplexity. */
  readonly crossEntropy: number;
  /** The original ids of the scored tokens, in order (to score baselines on the same tokens). */
  readonly targets: Int32Array;
};

/**
 * Scores a BERT model on the fill-mask task over held-out sequences: selects tokens as in
 * pretraining (15% of the maskable tokens, seeded), replaces them all by [MASK], and measures
 * top-1 and top-k accuracy and cross-entropy of the original tokens. Compare with
 * {@link unigramTopKAccuracy} on the returned `targets`.
 *
 * @param model a BERT objective or a model from `loadBert`
 * @param sequences `[N, T]` int32 held-out sequences (`[CLS] … [SEP]`, as `encodeBertInputs` or `bertSequenceSource` make)
 * @param options masking options, `topK`, `seed`, `batchSize`
 * @returns accuracies, cross-entropy, count and targets
 * @example const { topKAccuracy } = evaluateFillMask(bert, heldOut, { masking: bert.maskingOptions, topK: 5 });
 */
export function evaluateFillMask(
  model: BertMaskedLanguageModel,
  sequences: tf.Tensor2D,
  options: EvaluateFillMaskOptions,
): FillMaskEvaluation {
  const { topK = 5, seed = 0, batchSize = 32 } = options;
  if (!(Number.isInteger(topK) && topK >= 1)) {
    throw new RangeError(`evaluateFillMask: topK must be a positive integer, got ${topK}.`);
  }
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(
      `evaluateFillMask: batchSize must be a positive integer, got ${batchSize}.`,
    );
  }
  const masking: TokenMaskingOptions = {
    ...options.masking,
    maskTokenProbability: 1,
    randomTokenProbability: 0,
  };
  const [count, length] = sequences.shape;
  const targets: number[] = [];
  let top1 = 0;
  let topKHits = 0;
  let crossEntropy = 0;
  for (let start = 0; start < count; start += batchSize) {
    const rows = Math.min(batchSize, count - start);
    const result = tf.tidy(() => {
      const batch = sequences.slice([start, 0], [rows, length]);
      const corrupted = maskTokens(batch, seed + start, masking);
      const positions = selectedPositions(corrupted.weights);
      if (positions.length === 0) return undefined;
      const labels = tf.gather(corrupted.labels.reshape([-1]), tf.tensor1d(positions, 'int32'));
      const logits = maskedTokenLogits(model, corrupted.inputs, positions, false);
      const logProbabilities = tf.logSoftmax(logits);
      const oneHot = tf.oneHot(labels as tf.Tensor1D, logits.shape[1]).cast('float32');
      const targetLogProbability = tf.sum(tf.mul(logProbabilities, oneHot), 1);
      // Rank of the target: how many tokens score strictly higher.
      const higher = tf.sum(
        tf.greater(logProbabilities, targetLogProbability.expandDims(1)).cast('int32'),
        1,
      );
      return { labels, targetLogProbability, higher };
    });
    if (result === undefined) continue;
    const labelValues = result.labels.dataSync();
    const logValues = result.targetLogProbability.dataSync();
    const ranks = result.higher.dataSync();
    tf.dispose([result.labels, result.targetLogProbability, result.higher]);
    for (let index = 0; index < labelValues.length; index++) {
      targets.push(labelValues[index]!);
      crossEntropy -= logValues[index]!;
      if (ranks[index] === 0) top1 += 1;
      if (ranks[index]! < topK) topKHits += 1;
    }
  }
  const scored = targets.length;
  if (scored === 0) {
    throw new Error(
      'evaluateFillMask: no maskable token in the sequences (only padding or special tokens).',
    );
  }
  return {
    count: scored,
    accuracy: top1 / scored,
    topKAccuracy: topKHits / scored,
    topK,
    crossEntropy: crossEntropy / scored,
    targets: Int32Array.from(targets),
  };
}

/** Options of {@link unigramTopKAccuracy}. */
export type UnigramTopKAccuracyOptions = {
  /** k: how many of the most frequent tokens are guessed. @default 5 */
  readonly topK?: number;
  /** Ids never guessed (special tokens, which are never masked). @default [] */
  readonly excludeIds?: readonly number[];
};

/**
 * The unigram-frequency baseline of fill-mask: always answer the `topK` most frequent tokens of
 * the training stream (a model that ignores the context), and count how often the target is
 * among them.
 *
 * @param trainingIds the token stream the frequencies are counted on
 * @param targets the original ids of the masked tokens (`evaluateFillMask(...).targets`)
 * @param options `topK` (default 5) and `excludeIds`
 * @returns the fraction of targets among the `topK` most frequent training tokens
 * @example const baseline = unigramTopKAccuracy(trainIds, evaluation.targets, { topK: 5, excludeIds: [0, 1, 2, 3, 4, 5] });
 */
export function unigramTopKAccuracy(
  trainingIds: ArrayLike<number>,
  targets: ArrayLike<number>,
  options: UnigramTopKAccuracyOptions = {},
): number {
  const { topK = 5, excludeIds = [] } = options;
  if (targets.length === 0) throw new Error('unigramTopKAccuracy: no target to score.');
  const counts = new Map<number, number>();
  for (let index = 0; index < trainingIds.length; index++) {
    const id = trainingIds[index]!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const excluded = new Set(excludeIds);
  const guesses = new Set(
    [...counts.entries()]
      .filter(([id]) => !excluded.has(id))
      .sort((left, right) => right[1] - left[1] || left[0] - right[0])
      .slice(0, topK)
      .map(([id]) => id),
  );
  let hits = 0;
  for (let index = 0; index < targets.length; index++) if (guesses.has(targets[index]!)) hits += 1;
  return hits / targets.length;
}
