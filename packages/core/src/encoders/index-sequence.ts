/** selfsup's sequence encoders: the Transformer (token ids) and the Vision Transformer (images). */
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
