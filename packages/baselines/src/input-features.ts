import type { LabelEfficiencyRunner, LabeledData } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** Maps a batch of a study's inputs `[N, ...]` to feature vectors `[N, D]` (a new tensor). */
export type InputFeatures = (inputs: tf.Tensor) => tf.Tensor;

/**
 * A runner that sees features of the study's inputs instead of the inputs themselves: every
 * labeled set of its context (train, validation, labeled, pool, test) goes through `features`
 * first. What lets the unsupervised baselines, which read their inputs as vectors (PCA + probe,
 * K-Means, Gaussian mixtures), run on token ids: with {@link bagOfWordsFeatures} they become
 * latent semantic analysis (Deerwester et al. 1990) + probe, and clustering of documents. The
 * pool's and the test split's features are computed once (the same tensors every cell, so PCA is
 * fitted once per study) and kept until `dispose()`.
 *
 * @param runner the runner to feed.
 * @param features the mapping, e.g. `bagOfWordsFeatures(2000)`.
 * @returns the runner, same name and modes; call `dispose()` after the study.
 * @example
 * const lsa = withInputFeatures(createPcaProbeRunner(), bagOfWordsFeatures(tokenizer.vocabularySize));
 * await labelEfficiency({ runners: [lsa], ... });
 * lsa.dispose();
 */
export function withInputFeatures(
  runner: LabelEfficiencyRunner,
  features: InputFeatures,
): LabelEfficiencyRunner & { dispose(): void } {
  const shared = new Map<tf.Tensor, tf.Tensor>();
  const sharedOf = (data: LabeledData): LabeledData => {
    let mapped = shared.get(data.inputs);
    if (mapped === undefined) {
      mapped = features(data.inputs);
      shared.set(data.inputs, mapped);
    }
    return { inputs: mapped, labels: data.labels };
  };
  return {
    dispose() {
      tf.dispose([...shared.values()]);
      shared.clear();
    },
    name: runner.name,
    modes: runner.modes,
    async run(context) {
      const owned: tf.Tensor[] = [];
      const ownedOf = (data: LabeledData): LabeledData => {
        const inputs = features(data.inputs);
        owned.push(inputs);
        return { inputs, labels: data.labels };
      };
      try {
        return await runner.run({
          ...context,
          train: ownedOf(context.train),
          validation: context.validation === undefined ? undefined : ownedOf(context.validation),
          labeled: ownedOf(context.labeled),
          pool: sharedOf(context.pool),
          test: sharedOf(context.test),
        });
      } finally {
        tf.dispose(owned);
      }
    },
  };
}

/** Options of {@link bagOfWordsFeatures}. */
export type BagOfWordsOptions = {
  /** Token id left out (padding, unknown words). @default 0 */
  readonly paddingId?: number;
};

/**
 * Bag-of-words features of token ids: per document `[T]`, the count of each id `[V]`, then
 * log(1 + count) (sublinear term frequency), each row scaled to unit length; the padding id is
 * left out. The classic input of latent semantic analysis and of linear text classifiers.
 *
 * @param vocabularySize V: ids are in `[0, V)`.
 * @param options the padding id.
 * @returns the mapping from `[N, T]` int32 ids to `[N, V]` float32.
 * @throws RangeError (when called) for ids outside `[0, V)` or inputs that are not `[N, T]`.
 * @example const features = bagOfWordsFeatures(2000)(tokenIds); // [N, 2000]
 */
export function bagOfWordsFeatures(
  vocabularySize: number,
  options: BagOfWordsOptions = {},
): InputFeatures {
  const { paddingId = 0 } = options;
  if (!Number.isInteger(vocabularySize) || vocabularySize < 1) {
    throw new RangeError(
      `bagOfWordsFeatures: vocabularySize must be a positive integer, got ${vocabularySize}.`,
    );
  }
  return (inputs) => {
    if (inputs.rank !== 2) {
      throw new RangeError(
        `bagOfWordsFeatures: expected token ids [N, T], got shape ${JSON.stringify(inputs.shape)}.`,
      );
    }
    const [rows, length] = inputs.shape as [number, number];
    const ids = inputs.dataSync();
    const values = new Float32Array(rows * vocabularySize);
    for (let row = 0; row < rows; row++) {
      const offset = row * vocabularySize;
      for (let position = 0; position < length; position++) {
        const id = ids[row * length + position]!;
        if (id === paddingId) continue;
        if (!Number.isInteger(id) || id < 0 || id >= vocabularySize) {
          throw new RangeError(
            `bagOfWordsFeatures: token id ${id} is outside [0, ${vocabularySize}); pass the tokenizer's vocabulary size.`,
          );
        }
        values[offset + id]! += 1;
      }
      let norm = 0;
      for (let column = offset; column < offset + vocabularySize; column++) {
        if (values[column] !== 0) {
          values[column] = Math.log1p(values[column]!);
          norm += values[column]! * values[column]!;
        }
      }
      if (norm > 0) {
        const scale = 1 / Math.sqrt(norm);
        for (let column = offset; column < offset + vocabularySize; column++)
          values[column]! *= scale;
      }
    }
    return tf.tensor2d(values, [rows, vocabularySize]);
  };
}
