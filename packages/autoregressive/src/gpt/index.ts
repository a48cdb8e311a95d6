/**
 * GPT (Radford et al. 2018, 2019): a causal Transformer language model with a tied output
 * projection, next-token cross-entropy, cached generation and perplexity.
 */
export type { BigramCrossEntropy, BigramCrossEntropyOptions } from './bigram-baseline';
export { bigramCrossEntropy } from './bigram-baseline';
export type { PromptIds } from './generate';
export { generate, streamGenerate } from './generate';
export type {
  GenerateFinishReason,
  GenerateOptions,
  GenerateResult,
  GenerateSettings,
} from './generate-options';
export { resolveGenerateOptions } from './generate-options';
export type { GptBatch, GptObjective } from './gpt';
export { createGpt } from './gpt';
export type { GptOptions, GptSettings } from './gpt-options';
export { gptDefaults } from './gpt-options';
export type { GptLanguageModel, NextTokenLogits } from './next-token-logits';
export { advanceWindow, cachedLogits, uncachedLogits } from './next-token-logits';
export type { NextTokenLoss } from './next-token-loss';
export { nextTokenCrossEntropy } from './next-token-loss';
export type { PerplexityOptions, PerplexityResult } from './perplexity';
export { perplexity } from './perplexity';
export type { LogitsRow } from './sampling-filters';
export {
  applyRepetitionPenalty,
  argMaxOfLogits,
  filterTopK,
  filterTopP,
  keepAllowedTokens,
  sampleFromProbabilities,
  softmaxOfLogits,
} from './sampling-filters';
export type { StopSequenceStep } from './stop-sequence-matcher';
export { StopSequenceMatcher } from './stop-sequence-matcher';
