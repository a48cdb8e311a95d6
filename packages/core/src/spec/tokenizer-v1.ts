/** Ids of the special tokens a tokenizer defines; absent when it has none of that kind. */
export type SpecialTokenIdsV1 = {
  readonly padding?: number;
  readonly unknown?: number;
  readonly classification?: number;
  readonly separator?: number;
  readonly mask?: number;
  readonly endOfText?: number;
};

/**
 * Specification v1 of a tokenizer. Methods take token ids, never text; tokenizers (in
 * `@selfsup/data`) turn text into ids and back.
 */
export type TokenizerV1 = {
  /** The spec version this tokenizer implements. */
  readonly specificationVersion: 'v1';
  /** The number of distinct ids: every id is in `[0, vocabularySize)`. */
  readonly vocabularySize: number;
  /** Ids of special tokens. */
  readonly specialTokens: SpecialTokenIdsV1;
  /** Text to ids. */
  encode(text: string): number[];
  /** Ids to text; special tokens are dropped unless `keepSpecialTokens`. */
  decode(ids: readonly number[], options?: { keepSpecialTokens?: boolean }): string;
  /** The token string of an id, or undefined outside the vocabulary. */
  idToToken(id: number): string | undefined;
  /** The id of a token string, or undefined when it is not in the vocabulary. */
  tokenToId(token: string): number | undefined;
};
