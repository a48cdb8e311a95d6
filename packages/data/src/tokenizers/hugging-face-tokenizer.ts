import { Tokenizer } from '@huggingface/tokenizers';
import type { SpecialTokenIdsV1, TokenizerV1 } from '@selfsup/core';
import { type SpecialTokenKind, specialTokenKindOf } from './special-tokens';
import { checkTokenizerJson, type TokenizerJson } from './tokenizer-json';

type DecodeOptions = Parameters<TokenizerV1['decode']>[1];

/**
 * A `TokenizerV1` defined by a Hugging Face `tokenizer.json`, encoding and decoding through
 * `@huggingface/tokenizers` (the maintained JS port of the Rust library), so the ids are the ones
 * the browser build, transformers.js and Python `tokenizers` give for the same file.
 *
 * Create it with `tokenizerFromJson`, `loadTokenizer` or a `train*Tokenizer` function. `encode`
 * never adds template tokens ([CLS] … [SEP]): a post-processor in the file is ignored
 * (`add_special_tokens: false`). Special-token strings written in the text (e.g. `[MASK]`) are
 * encoded as their special ids.
 */
export class HuggingFaceTokenizer implements TokenizerV1 {
  readonly specificationVersion = 'v1' as const;
  readonly vocabularySize: number;
  readonly specialTokens: SpecialTokenIdsV1;
  /** The checked `tokenizer.json` content; `saveTokenizer` writes it. */
  readonly json: TokenizerJson;
  readonly #library: Tokenizer;
  readonly #rejectsUnknownCharacters: boolean;

  /**
   * Builds the tokenizer from a checked file; prefer `tokenizerFromJson`, which checks it.
   *
   * @param json A tokenizer.json already checked by `checkTokenizerJson`.
   * @param vocabularySize Its vocabulary size (from `checkTokenizerJson`).
   * @param source Where it came from, for error messages.
   */
  constructor(json: TokenizerJson, vocabularySize: number, source: string) {
    this.json = json;
    this.vocabularySize = vocabularySize;
    try {
      this.#library = new Tokenizer(json, {});
    } catch (error) {
      throw new Error(
        `${source}: @huggingface/tokenizers cannot build this tokenizer (${(error as Error).message}); check its normalizer, pre_tokenizer, post_processor and decoder types.`,
      );
    }
    const special: Partial<Record<SpecialTokenKind, number>> = {};
    for (const token of json.added_tokens) {
      const kind = specialTokenKindOf(token.content);
      if (token.special && kind !== undefined && special[kind] === undefined)
        special[kind] = token.id;
    }
    const unknownToken = json.model.unk_token;
    if (special.unknown === undefined && unknownToken !== null) {
      special.unknown = json.model.vocab[unknownToken];
    }
    this.specialTokens = Object.freeze(special);
    const model = json.model;
    // Without [UNK], BPE silently drops characters it does not know; a character tokenizer
    // must say so instead (only checkable when the text is neither normalised nor split).
    this.#rejectsUnknownCharacters =
      model.type === 'BPE' &&
      model.unk_token === null &&
      !model.byte_fallback &&
      model.end_of_word_suffix === null &&
      model.continuing_subword_prefix === null &&
      json.normalizer === null &&
      json.pre_tokenizer === null;
  }

  /**
   * Encodes text to ids with `@huggingface/tokenizers`.
   *
   * @param text Any string.
   * @returns The ids, without template tokens.
   */
  encode(text: string): number[] {
    const encoding = this.#library.encode(text, { add_special_tokens: false });
    if (this.#rejectsUnknownCharacters && encoding.tokens.join('') !== text) {
      for (const character of text) {
        if (this.#library.token_to_id(character) === undefined) {
          const codePoint = character.codePointAt(0) ?? 0;
          throw new Error(
            `Tokenizer: character ${JSON.stringify(character)} (U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}) is not in the vocabulary and there is no [UNK] token; train on a corpus that contains it, or with special tokens.`,
          );
        }
      }
    }
    return encoding.ids;
  }

  /**
   * Decodes ids to text with the file's decoder (no extra clean-up of spaces).
   *
   * @param ids Ids in `[0, vocabularySize)`.
   * @param options `keepSpecialTokens` writes special tokens as their strings.
   * @default options.keepSpecialTokens false
   * @returns The text.
   */
  decode(ids: readonly number[], options?: DecodeOptions): string {
    ids.forEach((id, index) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabularySize) {
        throw new RangeError(
          `Tokenizer.decode: ids[${index}] = ${id} is not an id of this tokenizer (0 to ${this.vocabularySize - 1}).`,
        );
      }
    });
    if (ids.length === 0) return '';
    return this.#library.decode([...ids], {
      skip_special_tokens: options?.keepSpecialTokens !== true,
      clean_up_tokenization_spaces: false,
    });
  }

  /**
   * The token string of an id.
   *
   * @param id Any number.
   * @returns The token, or undefined outside the vocabulary.
   */
  idToToken(id: number): string | undefined {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabularySize) return undefined;
    return this.#library.id_to_token(id);
  }

  /**
   * The id of a token string.
   *
   * @param token A token as written in the vocabulary (e.g. `Ġwhale` or `##ing`).
   * @returns The id, or undefined when it is not in the vocabulary.
   */
  tokenToId(token: string): number | undefined {
    return this.#library.token_to_id(token);
  }

  /** The tokenizer.json content, so `JSON.stringify(tokenizer)` writes the file. */
  toJSON(): TokenizerJson {
    return this.json;
  }
}

/**
 * Builds a `TokenizerV1` from Hugging Face `tokenizer.json` content (BPE or WordPiece model).
 *
 * Checks every field first (errors name the field and the fix), then hands the file to
 * `@huggingface/tokenizers`. Works in the browser: fetch the file, `JSON.parse`, call this.
 *
 * @param value The parsed tokenizer.json.
 * @param source Where it came from, for error messages.
 * @default source 'tokenizer.json'
 * @returns The tokenizer.
 * @example
 * const tokenizer = tokenizerFromJson(await (await fetch('/tokenizer.json')).json());
 * tokenizer.encode('Call me Ishmael.');
 */
export function tokenizerFromJson(value: unknown, source = 'tokenizer.json'): HuggingFaceTokenizer {
  // A private copy: later changes to the caller's object cannot make `json` and the ids disagree.
  const { json, vocabularySize } = checkTokenizerJson(structuredClone(value), source);
  return new HuggingFaceTokenizer(json, vocabularySize, source);
}
