import { defaultSpecialTokens } from './special-tokens';
import type { TokenizerJsonAddedToken } from './tokenizer-json';

/** Text to train a tokenizer on: one string, or many (documents, lines, chapters). */
export type TrainingCorpus = string | Iterable<string>;

/**
 * Yields the texts of a corpus, checking that each one is a string.
 *
 * @param corpus One string or an iterable of strings.
 * @param caller The training function, for error messages.
 * @returns The texts, lazily.
 */
export function* corpusTexts(corpus: TrainingCorpus, caller: string): Generator<string> {
  if (typeof corpus === 'string') {
    yield corpus;
    return;
  }
  if (corpus === null || typeof (corpus as Iterable<string>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${caller}: corpus must be a string or an iterable of strings.`);
  }
  let index = 0;
  for (const text of corpus) {
    if (typeof text !== 'string') {
      throw new TypeError(`${caller}: corpus item ${index} is ${typeof text}, not a string.`);
    }
    yield text;
    index += 1;
  }
}

/**
 * Counts the pre-tokens (word types) of a corpus.
 *
 * @param corpus The training text.
 * @param preTokenize Splits (and normalises) one text into pre-tokens.
 * @param caller The training function, for error messages.
 * @returns Each distinct pre-token with its count.
 */
export function countWords(
  corpus: TrainingCorpus,
  preTokenize: (text: string) => string[],
  caller: string,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of corpusTexts(corpus, caller)) {
    for (const word of preTokenize(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** The `added_tokens` entries of the default special tokens (ids 0 to 5). */
export function defaultAddedTokens(): TokenizerJsonAddedToken[] {
  return defaultSpecialTokens.map((token, id) => ({
    id,
    content: token.content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
}

/**
 * Checks a requested vocabulary size against the tokens every vocabulary of that kind needs.
 *
 * @param vocabularySize The requested size (special tokens included).
 * @param minimum The special tokens plus the alphabet.
 * @param caller The training function and what the minimum is made of, for the message.
 */
export function checkVocabularySize(vocabularySize: number, minimum: number, caller: string): void {
  if (!Number.isSafeInteger(vocabularySize) || vocabularySize < minimum) {
    throw new RangeError(
      `${caller}: vocabularySize must be an integer of at least ${minimum} (special tokens plus the alphabet), got ${vocabularySize}.`,
    );
  }
}

/**
 * Orders strings by Unicode code point (not by UTF-16 unit as `Array.prototype.sort` does).
 *
 * @param a A string.
 * @param b Another string.
 * @returns Negative, zero or positive.
 */
export function compareCodePoints(a: string, b: string): number {
  return (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0) || (a < b ? -1 : a > b ? 1 : 0);
}
