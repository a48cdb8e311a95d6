import type { TransformerEncoder } from '@selfsup/core';

/**
 * Options of `createGpt`. Either pass a causal `encoder` (e.g. one rebuilt from a checkpoint), or
 * `vocabularySize` and the model shape. Defaults are nanoGPT's CPU recipe for a character model
 * (Karpathy 2022, `config/train_shakespeare_char.py` scaled down as its README's "I only have a
 * MacBook" section: 4 layers, 4 heads, 128 dims, block 64, dropout 0, no biases).
 */
export type GptOptions = {
  /** A causal Transformer encoder (`createTransformerEncoder({ causal: true, ... })`). @default built from the options below */
  readonly encoder?: TransformerEncoder;
  /** Number of token ids V; required without `encoder`. */
  readonly vocabularySize?: number;
  /** Context length (learned positions). @default 64 */
  readonly blockSize?: number;
  /** Transformer blocks. @default 4 */
  readonly layers?: number;
  /** Attention heads (must divide `embeddingSize`). @default 4 */
  readonly heads?: number;
  /** Feature size D. @default 128 */
  readonly embeddingSize?: number;
  /** Dropout on embeddings, attention and residual branches. @default 0 */
  readonly dropout?: number;
  /**
   * Train the biases and LayerNorm offsets. `false` (nanoGPT's `bias=False`) freezes every
   * `*_bias` and `*_beta` weight of the encoder at its value, 0 on a fresh encoder, which is the
   * bias-free model exactly; they stay out of the optimizer. @default false
   */
  readonly bias?: boolean;
  /** Seed of the weights and dropout masks (a fresh encoder only). @default 0 */
  readonly seed?: number;
};

/** {@link GptOptions} resolved: what the objective records in `getConfig()`. */
export type GptSettings = {
  readonly vocabularySize: number;
  readonly blockSize: number;
  readonly layers: number;
  readonly heads: number;
  readonly embeddingSize: number;
  readonly dropout: number;
  readonly bias: boolean;
  readonly seed: number;
};

/** The defaults of {@link GptOptions}: nanoGPT's CPU character recipe. */
export const gptDefaults = {
  blockSize: 64,
  layers: 4,
  heads: 4,
  embeddingSize: 128,
  dropout: 0,
  bias: false,
  seed: 0,
} as const;
