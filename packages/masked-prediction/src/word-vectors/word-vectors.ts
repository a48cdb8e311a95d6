import { SeededRandom } from '@selfsup/core';
import { writeTextAtomically } from './write-text-atomically';

/** A word and its cosine similarity to a query. */
export type WordSimilarity = {
  readonly word: string;
  readonly similarity: number;
};

/** Options of the {@link WordVectors} constructor. */
export type WordVectorsOptions = {
  /**
   * The tokenizer id of each row, so that {@link WordVectors.averageVectors} takes tokenizer ids.
   * @default none: ids are row indices
   */
  readonly tokenIds?: ArrayLike<number>;
};

/**
 * Word vectors, one row per word: what Word2Vec and GloVe produce. Nearest neighbours and
 * analogies by cosine similarity, averaged vectors as document features, and the word2vec text
 * format (`<rows> <dimension>` then `word v1 … vd` per line) that gensim's
 * `KeyedVectors.load_word2vec_format(path, binary=False)` reads.
 *
 * @example
 * const vectors = new WordVectors(['war', 'peace'], new Float32Array([1, 0, 0.8, 0.6]), 2);
 * vectors.similarity('war', 'peace'); // 0.8
 */
export class WordVectors {
  /** The words, by row. */
  readonly words: readonly string[];
  /** `words.length × dimension` values, row-major. */
  readonly vectors: Float32Array;
  /** Values per word. */
  readonly dimension: number;
  private readonly rowOfWord: Map<string, number>;
  private readonly rowOfId: Int32Array | undefined;
  private unitVectors: Float32Array | undefined;

  /**
   * @param words the words, distinct and without white space.
   * @param vectors `words.length × dimension` values, row-major (kept, not copied).
   * @param dimension values per word.
   * @param options `tokenIds`: the tokenizer id of each row.
   */
  constructor(
    words: readonly string[],
    vectors: Float32Array,
    dimension: number,
    options: WordVectorsOptions = {},
  ) {
    if (!Number.isInteger(dimension) || dimension < 1) {
      throw new RangeError(`dimension must be a positive integer, got ${dimension}.`);
    }
    if (vectors.length !== words.length * dimension) {
      throw new Error(
        `vectors has ${vectors.length} values; ${words.length} words × ${dimension} dimensions need ${words.length * dimension}.`,
      );
    }
    this.words = words;
    this.vectors = vectors;
    this.dimension = dimension;
    this.rowOfWord = new Map();
    words.forEach((word, row) => {
      if (this.rowOfWord.has(word)) throw new Error(`The word '${word}' appears twice.`);
      this.rowOfWord.set(word, row);
    });
    const { tokenIds } = options;
    if (tokenIds !== undefined) {
      if (tokenIds.length !== words.length) {
        throw new Error(`tokenIds has ${tokenIds.length} ids for ${words.length} words.`);
      }
      let largest = -1;
      for (let row = 0; row < tokenIds.length; row++) largest = Math.max(largest, tokenIds[row]!);
      this.rowOfId = new Int32Array(largest + 1).fill(-1);
      for (let row = 0; row < tokenIds.length; row++) this.rowOfId[tokenIds[row]!] = row;
    }
  }

  /**
   * Random vectors for the same words: the baseline that learned vectors must beat (each value
   * drawn from a standard normal; cosine geometry does not depend on the scale).
   *
   * @param words the words.
   * @param dimension values per word.
   * @param seed the seed. @default 0
   * @param options `tokenIds`, as for the constructor.
   * @returns the random vectors.
   * @example WordVectors.random(['war', 'peace'], 50).dimension; // 50
   */
  static random(
    words: readonly string[],
    dimension: number,
    seed = 0,
    options: WordVectorsOptions = {},
  ): WordVectors {
    const random = new SeededRandom(seed);
    const vectors = new Float32Array(words.length * dimension);
    for (let i = 0; i < vectors.length; i++) vectors[i] = random.nextNormal();
    return new WordVectors(words, vectors, dimension, options);
  }

  /**
   * Reads vectors in the word2vec text format: a header `<rows> <dimension>`, then one line per
   * word, `word v1 … vd`, separated by spaces (what the word2vec tool writes with `-binary 0` and
   * gensim with `save_word2vec_format(binary=False)`).
   *
   * @param text the file's content.
   * @returns the vectors.
   * @throws an Error naming the line when the header or a row is malformed.
   * @example WordVectors.fromWord2vecText('1 2\nwar 0.5 -1\n').vector('war'); // [0.5, -1]
   */
  static fromWord2vecText(text: string): WordVectors {
    const lines = text.split('\n');
    const header = (lines[0] ?? '').trim().split(/\s+/).map(Number);
    const [rows, dimension] = header;
    if (
      header.length !== 2 ||
      !Number.isInteger(rows) ||
      !Number.isInteger(dimension) ||
      rows! < 0 ||
      dimension! < 1
    ) {
      throw new Error(
        `Line 1 must be '<rows> <dimension>' (the word2vec text format), got '${lines[0]}'.`,
      );
    }
    const words: string[] = [];
    const vectors = new Float32Array(rows! * dimension!);
    for (let row = 0; row < rows!; row++) {
      const fields = (lines[row + 1] ?? '').trim().split(/\s+/);
      if (fields.length !== dimension! + 1) {
        throw new Error(
          `Line ${row + 2} must hold a word and ${dimension} numbers, got ${fields.length - 1} numbers.`,
        );
      }
      words.push(fields[0]!);
      for (let column = 0; column < dimension!; column++) {
        const value = Number(fields[column + 1]);
        if (!Number.isFinite(value)) {
          throw new Error(
            `Line ${row + 2} has a value that is not a number: '${fields[column + 1]}'.`,
          );
        }
        vectors[row * dimension! + column] = value;
      }
    }
    return new WordVectors(words, vectors, dimension!);
  }

  /** Number of words. */
  get size(): number {
    return this.words.length;
  }

  /** Whether the word has a vector. */
  has(word: string): boolean {
    return this.rowOfWord.has(word);
  }

  /**
   * The vector of a word.
   *
   * @param word the word.
   * @returns a copy of its vector, or undefined when the word has none.
   * @example vectors.vector('war')?.length; // the dimension
   */
  vector(word: string): Float32Array | undefined {
    const row = this.rowOfWord.get(word);
    if (row === undefined) return undefined;
    return this.vectors.slice(row * this.dimension, (row + 1) * this.dimension);
  }

  /**
   * The cosine similarity of two words.
   *
   * @param first a word.
   * @param second another word.
   * @returns the cosine in [−1, 1].
   * @throws an Error naming the word that has no vector.
   * @example vectors.similarity('army', 'navy'); // close to 1 when trained well
   */
  similarity(first: string, second: string): number {
    const units = this.normalized();
    const a = this.requireRow(first) * this.dimension;
    const b = this.requireRow(second) * this.dimension;
    let dot = 0;
    for (let i = 0; i < this.dimension; i++) dot += units[a + i]! * units[b + i]!;
    return dot;
  }

  /**
   * The `k` words closest to a word (or to a vector) by cosine similarity, the word itself left out.
   *
   * @param query a word, or a vector of `dimension` values.
   * @param k how many. @default 10
   * @param exclude more words to leave out. @default none
   * @returns the words with their similarities, most similar first.
   * @example vectors.nearest('navy', 3); // e.g. [{ word: 'army', similarity: 0.8 }, …]
   */
  nearest(query: string | Float32Array, k = 10, exclude: readonly string[] = []): WordSimilarity[] {
    const excluded = new Set(exclude);
    let target: Float32Array;
    if (typeof query === 'string') {
      const row = this.requireRow(query);
      excluded.add(query);
      target = this.vectors.subarray(row * this.dimension, (row + 1) * this.dimension);
    } else {
      if (query.length !== this.dimension) {
        throw new Error(`The query vector has ${query.length} values; pass ${this.dimension}.`);
      }
      target = query;
    }
    return this.closest(unit(target), k, excluded);
  }

  /**
   * Solves "`a` is to `b` as `c` is to ?" with 3CosAdd (Mikolov, Yih & Zweig 2013): the words
   * closest to `b − a + c` on unit vectors, leaving out `a`, `b` and `c`. `analogy('man', 'king',
   * 'woman')` should give 'queen'.
   *
   * @param a the first word of the known pair.
   * @param b the second word of the known pair.
   * @param c the first word of the asked pair.
   * @param k how many answers. @default 1
   * @returns the best answers with their similarities.
   * @example vectors.analogy('france', 'paris', 'england'); // [{ word: 'london', … }] when trained well
   */
  analogy(a: string, b: string, c: string, k = 1): WordSimilarity[] {
    const units = this.normalized();
    const rows = [this.requireRow(a), this.requireRow(b), this.requireRow(c)];
    const signs = [-1, 1, 1];
    const target = new Float32Array(this.dimension);
    rows.forEach((row, index) => {
      for (let i = 0; i < this.dimension; i++) {
        target[i]! += signs[index]! * units[row * this.dimension + i]!;
      }
    });
    return this.closest(unit(target), k, new Set([a, b, c]));
  }

  /**
   * The mean vector of some tokens: a document's bag-of-words representation. Ids without a vector
   * (unknown or rare words) are skipped; no known id gives the zero vector.
   *
   * @param ids tokenizer ids when the vectors were built with `tokenIds` (as `wordVectors()` of
   *   Word2Vec and GloVe does), row indices otherwise.
   * @returns `dimension` values.
   * @example vectors.averageVectors(tokenizer.encode('the navy and the army'));
   */
  averageVectors(ids: ArrayLike<number>): Float32Array {
    const sum = new Float32Array(this.dimension);
    let used = 0;
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index]!;
      const row =
        this.rowOfId === undefined
          ? id >= 0 && id < this.size
            ? id
            : -1
          : (this.rowOfId[id] ?? -1);
      if (row < 0) continue;
      const offset = row * this.dimension;
      for (let i = 0; i < this.dimension; i++) sum[i]! += this.vectors[offset + i]!;
      used++;
    }
    if (used > 0) for (let i = 0; i < this.dimension; i++) sum[i]! /= used;
    return sum;
  }

  /**
   * The vectors in the word2vec text format (6 decimals, like the original tool).
   *
   * @returns the text: `<rows> <dimension>`, then `word v1 … vd` per line.
   * @example WordVectors.fromWord2vecText(vectors.toWord2vecText()); // the same words
   */
  toWord2vecText(): string {
    const lines = [`${this.size} ${this.dimension}`];
    for (let row = 0; row < this.size; row++) {
      const word = this.words[row]!;
      if (word.length === 0 || /\s/.test(word)) {
        throw new Error(
          `The word '${word}' is empty or holds white space; the text format cannot store it.`,
        );
      }
      const values: string[] = [word];
      for (let i = 0; i < this.dimension; i++) {
        values.push(this.vectors[row * this.dimension + i]!.toFixed(6));
      }
      lines.push(values.join(' '));
    }
    return `${lines.join('\n')}\n`;
  }

  /**
   * Writes {@link WordVectors.toWord2vecText} to a file atomically (Node only).
   *
   * @param path the file, e.g. `'vectors.txt'`.
   * @example await vectors.writeWord2vecText('out/sotu-word2vec.txt');
   */
  async writeWord2vecText(path: string): Promise<void> {
    await writeTextAtomically(path, this.toWord2vecText());
  }

  private requireRow(word: string): number {
    const row = this.rowOfWord.get(word);
    if (row === undefined) {
      throw new Error(`'${word}' has no vector (not in the vocabulary, or under minCount).`);
    }
    return row;
  }

  private normalized(): Float32Array {
    if (this.unitVectors === undefined) {
      const units = new Float32Array(this.vectors.length);
      for (let row = 0; row < this.size; row++) {
        const offset = row * this.dimension;
        units.set(unit(this.vectors.subarray(offset, offset + this.dimension)), offset);
      }
      this.unitVectors = units;
    }
    return this.unitVectors;
  }

  private closest(
    target: Float32Array,
    k: number,
    excluded: ReadonlySet<string>,
  ): WordSimilarity[] {
    if (!Number.isInteger(k) || k < 1)
      throw new RangeError(`k must be a positive integer, got ${k}.`);
    const units = this.normalized();
    const best: WordSimilarity[] = [];
    for (let row = 0; row < this.size; row++) {
      const word = this.words[row]!;
      if (excluded.has(word)) continue;
      let dot = 0;
      const offset = row * this.dimension;
      for (let i = 0; i < this.dimension; i++) dot += units[offset + i]! * target[i]!;
      if (best.length === k && dot <= best[k - 1]!.similarity) continue;
      let position = best.length;
      while (position > 0 && best[position - 1]!.similarity < dot) position--;
      best.splice(position, 0, { word, similarity: dot });
      if (best.length > k) best.pop();
    }
    return best;
  }
}

/** A vector scaled to unit length (the zero vector stays zero). */
function unit(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  norm = Math.sqrt(norm);
  const result = new Float32Array(vector.length);
  if (norm > 0) for (let i = 0; i < vector.length; i++) result[i] = vector[i]! / norm;
  return result;
}
