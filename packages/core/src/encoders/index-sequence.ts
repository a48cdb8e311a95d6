/** selfsup's sequence encoders: the Transformer and the embedding bag (token ids), and the Vision Transformer (images). */
export type {
  EmbeddingBagEncoderOptions,
  EmbeddingBagEncoderSettings,
} from './embedding-bag-encoder';
export {
  createEmbeddingBagEncoder,
  EmbeddingBagEncoder,
  embeddingBagEncoderOptionsSchema,
  embeddingBagEncoderType,
} from './embedding-bag-encoder';
export { meanOverTokens } from './mean-over-tokens';
export type { TransformerEncoderOptions, TransformerEncoderSettings } from './transformer-encoder';
export {
  createTransformerEncoder,
  TransformerCache,
  TransformerEncoder,
  transformerEncoderOptionsSchema,
  transformerEncoderType,
  transformerPoolings,
} from './transformer-encoder';
export type { VitEncoderOptions, VitEncoderSettings } from './vit-encoder';
export {
  createVitEncoder,
  VitEncoder,
  vitEncoderOptionsSchema,
  vitEncoderType,
  vitPoolings,
} from './vit-encoder';
export type { WindowedEncoderOptions } from './windowed-encoder';
export {
  createWindowedEncoder,
  WindowedEncoder,
  windowedEncoderOptionsSchema,
  windowedEncoderType,
} from './windowed-encoder';
