import { deriveSeed, type JsonObject, SeededRandom, type TokenizerV1 } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { negativeSamplingLoss } from './negative-sampling-loss';
import { vectorsOfTrainedIds } from './vocabulary-counts';
import type { WordVectors } from './word-vectors';
import {
  type ResolvedWord2vecOptions,
  resolveWord2vecOptions,
  type Word2vecOptions,
} from './word2vec-options';

/** One tf batch of Word2Vec examples. */
export type Word2vecBatch = {
  /** Skip-gram: `[B]` centre ids. CBOW: `[B, 2·window]` context ids (padding masked out). */
  readonly inputs: tf.Tensor1D | tf.Tensor2D;
  /** CBOW only: `[B, 2·window]`, 1 for a real context word, 0 for padding. */
  readonly contextMask?: tf.Tensor2D;
  /** `[B, 1 + K]` ids: the word to predict, then K noise words. */
  readonly targets: tf.Tensor2D;
};

/** A Word2Vec model: its two embedding tables and the loss that trains them. */
export type Word2vec = {
  readonly method: 'word2vec';
  readonly options: ResolvedWord2vecOptions;
  /** `[V, d]` input vectors (the tool's `syn0`): the word vectors it outputs. */
  readonly inputVectors: tf.Variable<tf.Rank.R2>;
  /** `[V, d]` output vectors (`syn1neg`), zero at the start as in the tool. */
  readonly outputVectors: tf.Variable<tf.Rank.R2>;
  /** Counts of the trained ids (0 = dropped), set by `trainWord2vec`. */
  counts: Int32Array | undefined;
  /** The summed negative-sampling loss of a batch (differentiable w.r.t. both tables). */
  loss(batch: Word2vecBatch): tf.Scalar;
  /** The trained words' input vectors, named by the tokenizer (or a word list). */
  wordVectors(vocabulary: TokenizerV1 | readonly string[]): WordVectors;
  /** The options that rebuild the model (without weights). */
  getConfig(): JsonObject;
  /** Frees both tables. */
  dispose(): void;
};

/**
 * Word2Vec (Mikolov, Chen, Corrado & Dean 2013, "Efficient Estimation of Word Representations in
 * Vector Space"; Mikolov, Sutskever, Chen, Corrado & Dean 2013, "Distributed Representations of
 * Words and Phrases and their Compositionality"): continuous bag-of-words (CBOW) or skip-gram
 * trained with negative sampling from the unigram^0.75 distribution and frequent-word subsampling.
 *
 * Defaults follow the released word2vec tool: skip-gram, 100 dimensions, window 5 (each position
 * draws its window in [1, 5]), 5 noise words, subsampling `t = 1e-3`, `minCount` 5; input vectors
 * start uniform in ±0.5/d and output vectors at zero. Train with {@link trainWord2vec}.
 *
 * @param options see {@link Word2vecOptions}; `vocabularySize` is required.
 * @returns the model; call `dispose()` when done.
 * @example
 * const tokenizer = createWordTokenizer(texts);
 * const model = createWord2vec({ vocabularySize: tokenizer.vocabularySize, ignoredIds: [0] });
 * await trainWord2vec(model, texts.map((text) => tokenizer.encode(text)));
 * model.wordVectors(tokenizer).nearest('navy', 5);
 */
export function createWord2vec(options: Word2vecOptions): Word2vec {
  const resolved = resolveWord2vecOptions(options);
  const { vocabularySize, dimension, seed } = resolved;
  const random = new SeededRandom(deriveSeed(seed, 0));
  const initial = new Float32Array(vocabularySize * dimension);
  for (let i = 0; i < initial.length; i++) initial[i] = (random.nextFloat() - 0.5) / dimension;
  const inputVectors = tf.variable(tf.tensor2d(initial, [vocabularySize, dimension]), true);
  const outputVectors = tf.variable(tf.zeros<tf.Rank.R2>([vocabularySize, dimension]), true);
  const model: Word2vec = {
    method: 'word2vec',
    options: resolved,
    inputVectors,
    outputVectors,
    counts: undefined,
    loss: (batch) =>
      tf.tidy(() => {
        let hidden: tf.Tensor2D;
        if (resolved.mode === 'skip-gram') {
          hidden = tf.gather(inputVectors, batch.inputs as tf.Tensor1D);
        } else {
          const mask = batch.contextMask;
          if (mask === undefined) throw new Error('A CBOW batch needs contextMask.');
          const context = tf.gather(inputVectors, batch.inputs as tf.Tensor2D); // [B, C, d]
          const summed = tf.sum(tf.mul(context, tf.expandDims(mask, 2)), 1);
          hidden = tf.div(summed, tf.maximum(tf.sum(mask, 1, true), 1));
        }
        return negativeSamplingLoss(hidden, outputVectors, batch.targets);
      }),
    wordVectors: (vocabulary) => {
      if (model.counts === undefined) {
        throw new Error('This Word2Vec model is not trained yet: call trainWord2vec first.');
      }
      return vectorsOfTrainedIds(
        inputVectors.dataSync() as Float32Array,
        dimension,
        model.counts,
        vocabulary,
      );
    },
    getConfig: () => ({
      method: 'word2vec',
      ...resolved,
      ignoredIds: [...resolved.ignoredIds],
    }),
    dispose: () => {
      inputVectors.dispose();
      outputVectors.dispose();
    },
  };
  return model;
}
