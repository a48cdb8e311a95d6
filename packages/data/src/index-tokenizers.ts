export type { BytePairEncodingTokenizerOptions } from './tokenizers/byte-pair-encoding-tokenizer';
export { trainBytePairEncodingTokenizer } from './tokenizers/byte-pair-encoding-tokenizer';
export type { CharacterTokenizerOptions } from './tokenizers/character-tokenizer';
export { trainCharacterTokenizer } from './tokenizers/character-tokenizer';
export { HuggingFaceTokenizer, tokenizerFromJson } from './tokenizers/hugging-face-tokenizer';
export type { SpecialTokenKind } from './tokenizers/special-tokens';
export { defaultSpecialTokens } from './tokenizers/special-tokens';
export { loadTokenizer, saveTokenizer } from './tokenizers/tokenizer-file';
export type {
  CheckedTokenizerJson,
  TokenizerJson,
  TokenizerJsonAddedToken,
  TokenizerJsonBytePairEncodingModel,
  TokenizerJsonComponent,
  TokenizerJsonWordPieceModel,
} from './tokenizers/tokenizer-json';
export { checkTokenizerJson } from './tokenizers/tokenizer-json';
export type { TrainingCorpus } from './tokenizers/training-corpus';
export type { WordPieceTokenizerOptions } from './tokenizers/word-piece-tokenizer';
export { trainWordPieceTokenizer } from './tokenizers/word-piece-tokenizer';
