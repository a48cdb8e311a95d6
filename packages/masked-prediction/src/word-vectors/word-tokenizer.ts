import type { TokenizerV1 } from '@selfsup/core';

/** The words {@link createWordTokenizer} splits text into: letter runs with inner apostrophes. */
export const wordPattern = /[a-z]+(?:'[a-z]+)*/g;

/** The token that stands for every word outside the vocabulary (id 0). */
export const unknownWord = '<unk>';

/** Options of {@link createWordTokenizer}. */
export type WordTokenizerOptions = {
  /** Words seen fewer times than this become `<unk>`. @default 1 (keep every word) */
  readonly minCount?: number;
  /** Keep at most this many words (the most frequent). @default no limit */
  readonly maxWords?: number;
};

/** A word-level {@link TokenizerV1} with the corpus counts of its words. */
export type WordTokenizer = TokenizerV1 & {
  /** The words by id; id 0 is `<unk>`, then words by decreasing count (ties alphabetically). */
  readonly words: readonly string[];
  /** Occurrences of each id in the corpus it was built from (`<unk>`: the dropped words). */
  readonly counts: Int32Array;
  /** Splits text into lower-case words (the same split `encode` uses). */
  splitWords(text: string): string[];
};

/**
 * Splits text into lower-case words: runs of ASCII letters, with inner apostrophes kept
 * (`"nation's"`); digits and punctuation separate words and are dropped.
 *
 * @param text the text.
 * @returns the words, in order.
 * @example splitWords("The Nation's 2 ships."); // ['the', "nation's", 'ships']
 */
export function splitWords(text: string): string[] {
  return text.toLowerCase().match(wordPattern) ?? [];
}

/**
 * Builds a word-level tokenizer from texts: the vocabulary that Word2Vec and GloVe count and train.
 *
 * Words are lower-cased letter runs ({@link splitWords}); id 0 is `<unk>` and the other ids follow
 * decreasing frequency, like the vocabulary of the original word2vec tool (sorted by count). Words
 * under `minCount` (or beyond `maxWords`) become `<unk>`. `decode` joins words with spaces.
 * A plain word split is what Mikolov et al. (2013) and Pennington et al. (2014) trained on; it
 * belongs with the other tokenizers in `@selfsup/data` once they grow a word-level one.
 *
 * @param texts the corpus.
 * @param options `minCount` (default 1), `maxWords` (default no limit).
 * @returns the tokenizer, with `words` and `counts`.
 * @example
 * const tokenizer = createWordTokenizer(['the war and the peace']);
 * tokenizer.encode('the peace'); // [1, 2]: 'the' is the most frequent word
 */
export function createWordTokenizer(
  texts: Iterable<string>,
  options: WordTokenizerOptions = {},
): WordTokenizer {
  const { minCount = 1, maxWords = Number.POSITIVE_INFINITY } = options;
  if (!Number.isInteger(minCount) || minCount < 1) {
    throw new RangeError(`minCount must be an integer ≥ 1, got ${minCount}.`);
  }
  if (!(maxWords >= 1)) throw new RangeError(`maxWords must be ≥ 1, got ${maxWords}.`);
  const countOf = new Map<string, number>();
  let total = 0;
  for (const text of texts) {
    for (const word of splitWords(text)) {
      countOf.set(word, (countOf.get(word) ?? 0) + 1);
      total++;
    }
  }
  const sorted = [...countOf]
    .filter(([, count]) => count >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxWords);
  if (sorted.length === 0) {
    throw new Error(
      `createWordTokenizer: no word occurs ${minCount} times; pass more text or a lower minCount.`,
    );
  }
  const words = [unknownWord, ...sorted.map(([word]) => word)];
  const counts = new Int32Array(words.length);
  let kept = 0;
  sorted.forEach(([, count], index) => {
    counts[index + 1] = count;
    kept += count;
  });
  counts[0] = total - kept;
  const idOf = new Map(words.map((word, id) => [word, id]));
  return {
    specificationVersion: 'v1',
    vocabularySize: words.length,
    specialTokens: { unknown: 0 },
    words,
    counts,
    splitWords,
    encode: (text) => splitWords(text).map((word) => idOf.get(word) ?? 0),
    decode: (ids, decodeOptions = {}) =>
      ids
        .filter((id) => id !== 0 || decodeOptions.keepSpecialTokens === true)
        .map((id) => words[id] ?? unknownWord)
        .join(' '),
    idToToken: (id) => words[id],
    tokenToId: (token) => idOf.get(token),
  };
}
