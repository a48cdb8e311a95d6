/**
 * @selfsup/core: fast TensorFlow.js training backends, the versioned specs every method
 * implements (EncoderV1, ObjectiveV1, TokenizerV1, BatchSourceV1), built-in encoders and
 * transforms, and the pretrain → finetune loop.
 */
export * from './backend/index';
export * from './checkpoint/index';
export * from './embeddings/index';
export type { EncoderFactory } from './encoders/create-encoder';
export {
  builtInEncoders,
  cloneEncoder,
  createEncoder,
  encoderFromModel,
} from './encoders/create-encoder';
export type { EncodeOptions } from './encoders/encode';
export { encode } from './encoders/encode';
export * from './encoders/index-sequence';
export * from './encoders/index-vision';
export type { LayersEncoderParts } from './encoders/layers-encoder';
export { LayersEncoder } from './encoders/layers-encoder';
export { loadEncoder } from './encoders/load-encoder';
export { validateEncoderInput } from './encoders/validate-encoder-input';
export * from './finetune/index';
export * from './layers/index-sequence';
export * from './layers/index-vision';
export { registerLayers } from './layers/register-layers';
export * from './random/index';
export * from './spec/index';
export * from './training/index';
export * from './transforms/index';
