import { type HuggingFaceTokenizer, tokenizerFromJson } from './hugging-face-tokenizer';
import { defaultSpecialTokens } from './special-tokens';
import type { TokenizerJson } from './tokenizer-json';
import {
  compareCodePoints,
  corpusTexts,
  defaultAddedTokens,
  type TrainingCorpus,
} from './training-corpus';

/** Options of `trainCharacterTokenizer`. */
export type CharacterTokenizerOptions = {
  /**
   * Start the vocabulary with [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, <|endoftext|> 5.
   * Without them, encoding a character absent from the corpus throws instead of giving [UNK].
   * @default true
   */
  readonly specialTokens?: boolean;
};

/**
 * Builds a character tokenizer: one id per distinct Unicode code point of the corpus.
 *
 * The vocabulary is the special tokens (unless `specialTokens: false`) followed by the corpus's
 * characters sorted by code point (characters beyond the BMP, such as emoji, are one token).
 * `decode(encode(text)) === text` for every text made of known characters that does not contain a
 * special-token string. Unknown characters become [UNK] (or throw when there is no [UNK]).
 * It is stored as a Hugging Face `tokenizer.json` (a BPE model without merges, no pre-tokenizer,
 * a `Fuse` decoder), so it saves, loads and runs in `@huggingface/tokenizers` like the others.
 *
 * @param corpus The text (or texts) whose characters form the vocabulary.
 * @param options See `CharacterTokenizerOptions`.
 * @returns The tokenizer.
 * @example
 * const tokenizer = trainCharacterTokenizer('hello world');
 * tokenizer.encode('hold'); // [9, 11, 10, 7]: specials 0-5, then ' ' 6, d 7, e 8, h 9, l 10, o 11
 */
export function trainCharacterTokenizer(
  corpus: TrainingCorpus,
  options: CharacterTokenizerOptions = {},
): HuggingFaceTokenizer {
  const withSpecialTokens = options.specialTokens ?? true;
  const characters = new Set<string>();
  for (const text of corpusTexts(corpus, 'trainCharacterTokenizer')) {
    for (const character of text) characters.add(character);
  }
  if (characters.size === 0)
    throw new Error('trainCharacterTokenizer: the corpus has no characters.');
  const special = withSpecialTokens ? defaultSpecialTokens.map((token) => token.content) : [];
  const vocabulary = [...special, ...[...characters].sort(compareCodePoints)];
  const json: TokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: withSpecialTokens ? defaultAddedTokens() : [],
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: { type: 'Fuse' },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: withSpecialTokens ? '[UNK]' : null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(vocabulary.map((token, id) => [token, id])),
      merges: [],
    },
  };
  return tokenizerFromJson(json, 'trainCharacterTokenizer');
}
