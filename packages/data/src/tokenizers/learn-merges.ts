/**
 * Merge learning shared by the BPE and WordPiece trainers (Sennrich, Haddow & Birch 2016,
 * "Neural Machine Translation of Rare Words with Subword Units"), written here because
 * `@huggingface/tokenizers` (JS) only encodes and decodes: it has no trainer.
 *
 * It works on counts of word types, not on the text: each distinct pre-token is stored once
 * with its count, pair counts are kept up to date incrementally (only the words that contain
 * the merged pair are touched), and the best pair comes from a max-heap with lazy deletion.
 * Ties are broken by the smaller (left id, right id), so training is deterministic.
 */

/** What `learnMerges` needs: word types, their first split, and the vocabulary to start from. */
export type LearnMergesInput = {
  /** Count of each pre-token (word type) in the corpus. */
  readonly wordCounts: ReadonlyMap<string, number>;
  /** Splits a word into its initial symbols (characters, bytes, or `##`-prefixed pieces). */
  readonly initialSymbols: (word: string) => string[];
  /** Tokens placed first, in id order, never merged (special tokens). */
  readonly reservedTokens: readonly string[];
  /** Initial symbols placed after the reserved tokens, in id order. */
  readonly alphabet: readonly string[];
  /** The token made by merging a pair of tokens. */
  readonly mergeTokens: (left: string, right: string) => string;
  /** Stop when the vocabulary has this many tokens (or no pair is left). */
  readonly vocabularySize: number;
};

/** The learned vocabulary (id order) and the merges in the order they were learned. */
export type LearnMergesResult = {
  readonly tokens: readonly string[];
  readonly merges: readonly (readonly [string, string])[];
};

const pairBase = 2 ** 21;

/** A max-heap of (count, pair key), largest count first, then smallest key. */
class PairHeap {
  readonly #counts: number[] = [];
  readonly #keys: number[] = [];

  get size(): number {
    return this.#keys.length;
  }

  #before(a: number, b: number): boolean {
    const countA = this.#counts[a] as number;
    const countB = this.#counts[b] as number;
    return (
      countA > countB ||
      (countA === countB && (this.#keys[a] as number) < (this.#keys[b] as number))
    );
  }

  #swap(a: number, b: number): void {
    const count = this.#counts[a] as number;
    this.#counts[a] = this.#counts[b] as number;
    this.#counts[b] = count;
    const key = this.#keys[a] as number;
    this.#keys[a] = this.#keys[b] as number;
    this.#keys[b] = key;
  }

  push(key: number, count: number): void {
    this.#counts.push(count);
    this.#keys.push(key);
    let index = this.#keys.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#before(index, parent)) break;
      this.#swap(index, parent);
      index = parent;
    }
  }

  pop(): { key: number; count: number } | undefined {
    const size = this.#keys.length;
    if (size === 0) return undefined;
    const top = { key: this.#keys[0] as number, count: this.#counts[0] as number };
    this.#swap(0, size - 1);
    this.#keys.pop();
    this.#counts.pop();
    let index = 0;
    const length = size - 1;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let best = index;
      if (left < length && this.#before(left, best)) best = left;
      if (right < length && this.#before(right, best)) best = right;
      if (best === index) break;
      this.#swap(index, best);
      index = best;
    }
    return top;
  }
}

/**
 * Learns merges of adjacent symbols, most frequent pair first, until the vocabulary is full.
 *
 * @param input Word counts, initial split, reserved tokens, alphabet, merge rule and target size.
 * @returns The vocabulary (reserved, alphabet, then merged tokens) and the ranked merges.
 * @example
 * const { tokens } = learnMerges({ wordCounts: new Map([['low', 5]]), initialSymbols: (word) => [...word],
 *   reservedTokens: [], alphabet: ['l', 'o', 'w'], mergeTokens: (a, b) => a + b, vocabularySize: 5 });
 */
export function learnMerges(input: LearnMergesInput): LearnMergesResult {
  if (input.vocabularySize >= pairBase) {
    throw new RangeError(
      `learnMerges: vocabularySize must be below ${pairBase}, got ${input.vocabularySize}.`,
    );
  }
  const tokens: string[] = [];
  const idOf = new Map<string, number>();
  const idOfToken = (token: string): number => {
    let id = idOf.get(token);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(token);
      idOf.set(token, id);
    }
    return id;
  };
  for (const token of input.reservedTokens) idOfToken(token);
  for (const token of input.alphabet) idOfToken(token);

  const wordSymbols: Int32Array[] = [];
  const wordLengths: number[] = [];
  const wordCounts: number[] = [];
  for (const [word, count] of input.wordCounts) {
    const symbols = input.initialSymbols(word);
    if (symbols.length < 2) continue;
    wordSymbols.push(Int32Array.from(symbols, idOfToken));
    wordLengths.push(symbols.length);
    wordCounts.push(count);
  }

  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const changed = new Set<number>();
  const addToPair = (left: number, right: number, delta: number, word: number): void => {
    const key = left * pairBase + right;
    pairCounts.set(key, (pairCounts.get(key) ?? 0) + delta);
    if (delta > 0) {
      let words = pairWords.get(key);
      if (words === undefined) {
        words = new Set();
        pairWords.set(key, words);
      }
      words.add(word);
      changed.add(key);
    }
  };
  wordSymbols.forEach((symbols, word) => {
    const count = wordCounts[word] as number;
    for (let index = 0; index + 1 < symbols.length; index += 1) {
      addToPair(symbols[index] as number, symbols[index + 1] as number, count, word);
    }
  });
  const heap = new PairHeap();
  for (const [key, count] of pairCounts) heap.push(key, count);
  changed.clear();

  const merges: [string, string][] = [];
  while (tokens.length < input.vocabularySize) {
    const top = heap.pop();
    if (top === undefined) break;
    const current = pairCounts.get(top.key) ?? 0;
    if (current !== top.count) {
      if (current > 0) heap.push(top.key, current);
      continue;
    }
    const left = Math.floor(top.key / pairBase);
    const right = top.key % pairBase;
    const leftToken = tokens[left] as string;
    const rightToken = tokens[right] as string;
    const merged = idOfToken(input.mergeTokens(leftToken, rightToken));
    merges.push([leftToken, rightToken]);
    for (const word of pairWords.get(top.key) ?? []) {
      const symbols = wordSymbols[word] as Int32Array;
      const length = wordLengths[word] as number;
      const count = wordCounts[word] as number;
      let write = 0;
      let read = 0;
      while (read < length) {
        if (read + 1 < length && symbols[read] === left && symbols[read + 1] === right) {
          if (write > 0) {
            const previous = symbols[write - 1] as number;
            addToPair(previous, left, -count, word);
            addToPair(previous, merged, count, word);
          }
          if (read + 2 < length) {
            const next = symbols[read + 2] as number;
            addToPair(right, next, -count, word);
            addToPair(merged, next, count, word);
          }
          addToPair(left, right, -count, word);
          symbols[write] = merged;
          write += 1;
          read += 2;
        } else {
          symbols[write] = symbols[read] as number;
          write += 1;
          read += 1;
        }
      }
      wordLengths[word] = write;
    }
    pairCounts.delete(top.key);
    pairWords.delete(top.key);
    for (const key of changed) {
      const count = pairCounts.get(key) ?? 0;
      if (count > 0) heap.push(key, count);
    }
    changed.clear();
  }
  return { tokens, merges };
}
