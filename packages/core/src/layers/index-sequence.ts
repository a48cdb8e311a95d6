/**
 * selfsup's sequence layers: embeddings, LayerNorm, multi-head attention, Transformer blocks,
 * patch embedding, dilated causal convolution and seeded dropout. Call
 * {@link registerSequenceLayers} before loading models that use them.
 */
export { addBias, sumOverRows } from './bias-add';
export type { DilatedCausalConv1DArgs } from './dilated-causal-conv1d';
export { DilatedCausalConv1D, dilatedCausalConv1d } from './dilated-causal-conv1d';
export type { LayerNormalizationArgs } from './layer-normalization';
export { LayerNormalization, layerNormalize } from './layer-normalization';
export type {
  AttentionPast,
  AttentionWeights,
  MultiHeadAttentionArgs,
  MultiHeadSelfAttentionOptions,
  MultiHeadSelfAttentionResult,
} from './multi-head-attention';
export {
  CausalMaskCache,
  MultiHeadAttention,
  multiHeadSelfAttention,
} from './multi-head-attention';
export { orthogonalRecurrentKernel } from './orthogonal-recurrent-kernel';
export type { PatchEmbeddingArgs } from './patch-embedding';
export { PatchEmbedding, patchify, unpatchify } from './patch-embedding';
export type { PositionEmbeddingArgs } from './position-embedding';
export { PositionEmbedding } from './position-embedding';
export { registerSequenceLayers } from './register-sequence-layers';
export type { SeededDropoutArgs } from './seeded-dropout';
export { DropoutStream, SeededDropout } from './seeded-dropout';
export type { TokenEmbeddingArgs } from './token-embedding';
export { embedTokens, TokenEmbedding } from './token-embedding';
export type {
  TransformerBlockArgs,
  TransformerBlockCallOptions,
  TransformerBlockResult,
  TransformerBlockWeights,
} from './transformer-block';
export { gelu, TransformerBlock } from './transformer-block';
