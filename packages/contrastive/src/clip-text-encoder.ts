import {
  createTransformerEncoder,
  type TokenizerV1,
  type TransformerEncoder,
  type TransformerEncoderOptions,
} from '@selfsup/core';

/** Options of {@link createClipTextEncoder}: the Transformer's, less what the tokenizer fixes. */
export type ClipTextEncoderOptions = Omit<
  TransformerEncoderOptions,
  'vocabularySize' | 'paddingId'
>;

/**
 * A small Transformer text encoder for CLIP, sized by a tokenizer: `vocabularySize` and
 * `paddingId` come from the tokenizer (padding is masked out of attention and pooling).
 *
 * CLIP (Radford et al. 2021, §2.4) uses a 12-layer, 512-wide causal Transformer pooled at the
 * [EOS] token, with 76 positions. These defaults are sized for 2 CPU cores and short captions:
 * 2 layers, 64 dimensions, 4 heads, 16 positions, bidirectional attention with mean pooling over
 * the non-padding tokens (the data's tokenizers do not end every caption with an [EOS]). Any
 * other option of `createTransformerEncoder` passes through.
 *
 * @param tokenizer the tokenizer of the captions (vocabulary size, padding id)
 * @param options Transformer options; defaults `{ maxLength: 16, embeddingSize: 64, layers: 2, heads: 4, pooling: 'mean' }`
 * @returns the text encoder (modality `tokens`)
 * @example
 * const textEncoder = createClipTextEncoder(tokenizer, { maxLength: 16 });
 */
export function createClipTextEncoder(
  tokenizer: TokenizerV1,
  options: ClipTextEncoderOptions = {},
): TransformerEncoder {
  const paddingId = tokenizer.specialTokens.padding;
  return createTransformerEncoder({
    maxLength: 16,
    embeddingSize: 64,
    layers: 2,
    heads: 4,
    causal: false,
    pooling: 'mean',
    ...options,
    vocabularySize: tokenizer.vocabularySize,
    ...(paddingId === undefined ? {} : { paddingId }),
  });
}
