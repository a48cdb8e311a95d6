/**
 * Word vectors: Word2Vec (CBOW and skip-gram with negative sampling) and GloVe, a word-level
 * tokenizer, {@link WordVectors} (neighbours, analogies, averaged features, the word2vec text
 * format) and the word-pair evaluation.
 */
export type { CooccurrenceCounts } from './cooccurrence-counts';
export { countCooccurrences } from './cooccurrence-counts';
export type {
  Glove,
  GloveOptions,
  GloveProgress,
  GloveTrainingResult,
  TrainGloveOptions,
} from './glove';
export { createGlove, trainGlove } from './glove';
export type { NegativeSampler } from './negative-sampler';
export { createNegativeSampler } from './negative-sampler';
export { negativeSamplingLoss } from './negative-sampling-loss';
export { keepProbabilities } from './subsampling';
export { trainWord2vec } from './train-word2vec';
export { keptPieces, trainedCounts, vectorsOfTrainedIds } from './vocabulary-counts';
export type {
  EvaluateWordPairsOptions,
  GradedWordPair,
  WordPairEvaluation,
} from './word-pair-evaluation';
export { evaluateWordPairs, spearmanCorrelation } from './word-pair-evaluation';
export type { WordTokenizer, WordTokenizerOptions } from './word-tokenizer';
export { createWordTokenizer, splitWords, unknownWord, wordPattern } from './word-tokenizer';
export type { WordSimilarity, WordVectorsOptions } from './word-vectors';
export { WordVectors } from './word-vectors';
export type { Word2vec, Word2vecBatch } from './word2vec';
export { createWord2vec } from './word2vec';
export type {
  ResolvedWord2vecOptions,
  TrainWord2vecOptions,
  Word2vecMode,
  Word2vecOptions,
  Word2vecProgress,
  Word2vecTrainingResult,
} from './word2vec-options';
export { resolveWord2vecOptions } from './word2vec-options';
