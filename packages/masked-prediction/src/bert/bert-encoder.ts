import { createTransformerEncoder, type TransformerEncoder } from '@selfsup/core';

/** How a BERT encoder pools its per-position features into one sequence feature. */
export type BertPooling = 'cls' | 'mean';

/** Options of {@link createBertEncoder}. Defaults: a BERT-mini-sized model (see there). */
export type BertEncoderOptions = {
  /** Number of token ids `V` (the tokenizer's `vocabularySize`). Required. */
  readonly vocabularySize: number;
  /** Id of [PAD]: ignored as an attention key and by mean pooling (the tokenizer's `specialTokens.padding`). Required. */
  readonly paddingId: number;
  /**
   * Sequence feature for finetuning: `'cls'` (the feature of the leading [CLS] token, as BERT's
   * classifiers) or `'mean'` (mean over non-padding positions).
   * @default 'mean': without BERT's next-sentence task the [CLS] feature is trained by MLM alone
   */
  readonly pooling?: BertPooling;
  /** Longest sequence, [CLS] and [SEP] included. @default 128 */
  readonly maxLength?: number;
  /** Feature size `D`. @default 128 */
  readonly embeddingSize?: number;
  /** Transformer blocks. @default 4 */
  readonly layers?: number;
  /** Attention heads per block. @default 4 (BERT: D / 64 heads; 4 keeps heads of 32 at D = 128) */
  readonly heads?: number;
  /** Hidden size of each block's MLP. @default 4 × embeddingSize (BERT) */
  readonly mlpSize?: number;
  /** Dropout on embeddings, attention and residual branches. @default 0.1 (BERT) */
  readonly dropout?: number;
  /** Seed of initializers and dropout masks. @default 0 */
  readonly seed?: number;
};

/**
 * Creates BERT's bidirectional Transformer encoder (Devlin et al. 2019), the `EncoderV1` that
 * transfers: per-position features with `doEncodeSequence`, and the sequence feature ([CLS] or
 * mean pooling) with `doEncode` for `finetune` and `labelEfficiency`.
 *
 * It is core's Transformer (`createTransformerEncoder`) with bidirectional attention, padding
 * masked, and BERT-mini-like sizes (4 layers of 128 dimensions, Turc et al. 2019's compact BERTs;
 * 4 heads, MLP 512, dropout 0.1 as BERT). Differences from the paper, kept from core: pre-LN
 * blocks (GPT-2) instead of post-LN, no segment (token-type) embeddings (no next-sentence task),
 * LayerNorm ε 1e-5. Inputs are int32 ids `[B, T]` that start with [CLS] (see `encodeBertInputs`).
 *
 * @param options sizes, pooling, padding id and seed; see {@link BertEncoderOptions}
 * @returns the encoder (`getTokenEmbeddings()` feeds the tied MLM head)
 * @example
 * const encoder = createBertEncoder({ vocabularySize: tokenizer.vocabularySize, paddingId: 0, pooling: 'cls' });
 */
export function createBertEncoder(options: BertEncoderOptions): TransformerEncoder {
  const { pooling = 'mean' } = options;
  if (pooling !== 'cls' && pooling !== 'mean') {
    throw new RangeError(`createBertEncoder: pooling must be 'cls' or 'mean', got '${pooling}'.`);
  }
  return createTransformerEncoder({
    vocabularySize: options.vocabularySize,
    paddingId: options.paddingId,
    causal: false,
    pooling: pooling === 'cls' ? 'first' : 'mean',
    maxLength: options.maxLength ?? 128,
    embeddingSize: options.embeddingSize ?? 128,
    layers: options.layers ?? 4,
    heads: options.heads ?? 4,
    ...(options.mlpSize === undefined ? {} : { mlpSize: options.mlpSize }),
    dropout: options.dropout ?? 0.1,
    seed: options.seed ?? 0,
  });
}
