import type { TokenizerV1 } from '@selfsup/core';
import { WordVectors } from './word-vectors';

/**
 * Counts the ids of a corpus and keeps those that Word2Vec and GloVe train: ids seen at least
 * `minCount` times and not in `ignoredIds` (the others get count 0 and are dropped from the text,
 * as the word2vec tool drops words under `-min-count`).
 *
 * @param sequences the corpus as token ids (one array per document).
 * @param vocabularySize ids must be in `[0, vocabularySize)`.
 * @param minCount the minimum count. @default 1
 * @param ignoredIds ids never trained (e.g. the tokenizer's unknown id). @default none
 * @returns the count of each kept id (0 for dropped ids).
 * @throws a RangeError naming the first id outside the vocabulary.
 * @example trainedCounts([[1, 2, 1]], 3, 2); // Int32Array [0, 2, 0]
 */
export function trainedCounts(
  sequences: readonly ArrayLike<number>[],
  vocabularySize: number,
  minCount = 1,
  ignoredIds: readonly number[] = [],
): Int32Array {
  const counts = new Int32Array(vocabularySize);
  sequences.forEach((sequence, index) => {
    for (let position = 0; position < sequence.length; position++) {
      const id = sequence[position]!;
      if (!(id >= 0 && id < vocabularySize) || !Number.isInteger(id)) {
        throw new RangeError(
          `Sequence ${index} holds id ${id} at ${position}, outside [0, ${vocabularySize}): pass ids of the tokenizer whose vocabularySize the model was made with.`,
        );
      }
      counts[id]!++;
    }
  });
  for (let id = 0; id < vocabularySize; id++) if (counts[id]! < minCount) counts[id] = 0;
  for (const id of ignoredIds) if (id >= 0 && id < vocabularySize) counts[id] = 0;
  return counts;
}

/**
 * The corpus with the dropped ids (count 0) removed, cut into pieces of at most `maxLength` ids
 * (the word2vec tool reads "sentences" of at most 1,000 words; windows do not cross pieces).
 *
 * @param sequences the corpus as token ids.
 * @param counts the kept counts ({@link trainedCounts}).
 * @param maxLength the longest piece. @default 1000
 * @returns the pieces, as Int32Arrays.
 * @example keptPieces([[1, 0, 2]], Int32Array.from([0, 1, 1])); // [Int32Array [1, 2]]
 */
export function keptPieces(
  sequences: readonly ArrayLike<number>[],
  counts: Int32Array,
  maxLength = 1000,
): Int32Array[] {
  const pieces: Int32Array[] = [];
  for (const sequence of sequences) {
    const kept: number[] = [];
    for (let position = 0; position < sequence.length; position++) {
      const id = sequence[position]!;
      if (counts[id]! > 0) kept.push(id);
    }
    for (let start = 0; start < kept.length; start += maxLength) {
      pieces.push(Int32Array.from(kept.slice(start, start + maxLength)));
    }
  }
  return pieces;
}

/**
 * Makes {@link WordVectors} from a `[vocabularySize, dimension]` matrix: one row per trained id
 * (count > 0), named by the tokenizer (or a word list), with `tokenIds` so that `averageVectors`
 * takes tokenizer ids. Special tokens of a tokenizer are left out.
 *
 * @param matrix the vectors of every id, row-major.
 * @param dimension values per id.
 * @param counts the trained counts; ids at 0 are left out.
 * @param vocabulary a tokenizer, or the word of each id.
 * @returns the word vectors.
 * @example vectorsOfTrainedIds(matrix, 100, counts, tokenizer).nearest('war', 5);
 */
export function vectorsOfTrainedIds(
  matrix: Float32Array,
  dimension: number,
  counts: Int32Array,
  vocabulary: TokenizerV1 | readonly string[],
): WordVectors {
  const special = new Set<number>(
    Array.isArray(vocabulary) ? [] : Object.values((vocabulary as TokenizerV1).specialTokens),
  );
  const wordOf = (id: number): string | undefined =>
    Array.isArray(vocabulary)
      ? (vocabulary as readonly string[])[id]
      : (vocabulary as TokenizerV1).idToToken(id);
  const ids: number[] = [];
  const words: string[] = [];
  for (let id = 0; id < counts.length; id++) {
    if (counts[id]! === 0 || special.has(id)) continue;
    const word = wordOf(id);
    if (word === undefined) {
      throw new Error(`The vocabulary has no word for id ${id}; pass the tokenizer of the corpus.`);
    }
    ids.push(id);
    words.push(word);
  }
  const vectors = new Float32Array(ids.length * dimension);
  ids.forEach((id, row) => {
    vectors.set(matrix.subarray(id * dimension, (id + 1) * dimension), row * dimension);
  });
  return new WordVectors(words, vectors, dimension, { tokenIds: ids });
}
