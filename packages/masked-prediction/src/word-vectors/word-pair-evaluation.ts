import { SeededRandom } from '@selfsup/core';
import type { WordVectors } from './word-vectors';

/** A pair of words with a human relatedness grade. */
export type GradedWordPair = {
  readonly first: string;
  readonly second: string;
  /** Relatedness, higher is more related (e.g. 0–10). */
  readonly grade: number;
};

/** Options of {@link evaluateWordPairs}. */
export type EvaluateWordPairsOptions = {
  /** Pairs with at least this grade are the "related" ones. @default 7 */
  readonly relatedGrade?: number;
  /** Random pairs to compare with. @default 1000 */
  readonly randomPairs?: number;
  /** Random pairs are drawn among these words. @default every word of the pairs */
  readonly randomWords?: readonly string[];
  /** Seed of the random pairs. @default 0 */
  readonly seed?: number;
};

/** What {@link evaluateWordPairs} measures. */
export type WordPairEvaluation = {
  /** Pairs whose two words have vectors. */
  readonly pairsFound: number;
  /** Pairs skipped because a word has no vector. */
  readonly pairsMissing: number;
  /** Spearman's ρ between the grades and the cosine similarities. */
  readonly spearman: number;
  /** Mean cosine of the related pairs (grade ≥ `relatedGrade`). */
  readonly relatedCosine: number;
  /** Mean cosine of random pairs of distinct words. */
  readonly randomCosine: number;
  /** Fraction of (related pair, random pair) comparisons the related pair wins (an AUC). */
  readonly relatedBeatsRandom: number;
};

/**
 * Spearman's rank correlation: Pearson's correlation of the ranks, ties given their mean rank.
 *
 * @param x values.
 * @param y values paired with `x`.
 * @returns ρ in [−1, 1] (NaN when a side is constant).
 * @example spearmanCorrelation([1, 2, 3], [10, 30, 20]); // 0.5
 */
export function spearmanCorrelation(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length || x.length < 2) {
    throw new Error(
      `Spearman needs two lists of the same length ≥ 2, got ${x.length} and ${y.length}.`,
    );
  }
  const rx = ranks(x);
  const ry = ranks(y);
  const mean = (x.length + 1) / 2;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = rx[i]! - mean;
    const dy = ry[i]! - mean;
    covariance += dx * dy;
    varianceX += dx * dx;
    varianceY += dy * dy;
  }
  return covariance / Math.sqrt(varianceX * varianceY);
}

/** 1-based ranks, ties sharing their mean rank. */
function ranks(values: readonly number[]): Float64Array {
  const order = values.map((_, index) => index).sort((a, b) => values[a]! - values[b]!);
  const result = new Float64Array(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]!] === values[order[start]!]) end++;
    const rank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) result[order[i]!] = rank;
    start = end + 1;
  }
  return result;
}

/**
 * Scores word vectors against graded word pairs, the word-similarity protocol of WordSim-353
 * (Finkelstein et al. 2002) that Word2Vec and GloVe are judged by: Spearman's ρ between grades and
 * cosines, and whether related pairs are closer than random pairs of words.
 *
 * @param vectors the word vectors.
 * @param pairs the graded pairs; pairs with a word without a vector are skipped and counted.
 * @param options `relatedGrade` (7), `randomPairs` (1000), `randomWords`, `seed`.
 * @returns ρ, mean cosines of related and random pairs, and how often related beats random.
 * @example evaluateWordPairs(vectors, [{ first: 'army', second: 'navy', grade: 9 }, …]).spearman;
 */
export function evaluateWordPairs(
  vectors: WordVectors,
  pairs: readonly GradedWordPair[],
  options: EvaluateWordPairsOptions = {},
): WordPairEvaluation {
  const { relatedGrade = 7, randomPairs = 1000, seed = 0 } = options;
  const found = pairs.filter((pair) => vectors.has(pair.first) && vectors.has(pair.second));
  if (found.length < 2) {
    throw new Error(
      `Only ${found.length} pairs have vectors for both words; pass vectors of the same corpus.`,
    );
  }
  const cosines = found.map((pair) => vectors.similarity(pair.first, pair.second));
  const related = cosines.filter((_, index) => found[index]!.grade >= relatedGrade);
  const candidates = (
    options.randomWords ?? [...new Set(found.flatMap((pair) => [pair.first, pair.second]))]
  ).filter((word) => vectors.has(word));
  if (candidates.length < 2) throw new Error('randomWords needs at least 2 words with vectors.');
  const random = new SeededRandom(seed);
  const randomCosines: number[] = [];
  while (randomCosines.length < randomPairs) {
    const first = candidates[random.nextInt(candidates.length)]!;
    const second = candidates[random.nextInt(candidates.length)]!;
    if (first !== second) randomCosines.push(vectors.similarity(first, second));
  }
  let wins = 0;
  for (const cosine of related) {
    for (const other of randomCosines) wins += cosine > other ? 1 : cosine === other ? 0.5 : 0;
  }
  const mean = (values: readonly number[]): number =>
    values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
  return {
    pairsFound: found.length,
    pairsMissing: pairs.length - found.length,
    spearman: spearmanCorrelation(
      found.map((pair) => pair.grade),
      cosines,
    ),
    relatedCosine: mean(related),
    randomCosine: mean(randomCosines),
    relatedBeatsRandom: wins / Math.max(related.length * randomCosines.length, 1),
  };
}
