/**
 * @selfsup/core: fast TensorFlow.js training backends, the versioned specs every method
 * implements (EncoderV1, ObjectiveV1, TokenizerV1, BatchSourceV1), built-in encoders and
 * transforms, and the pretrain → finetune loop.
 */
export * from './backend/index';
export * from './random/index';
export * from './spec/index';
export { LayersEncoder } from './encoders/layers-encoder';
export type { LayersEncoderParts } from './encoders/layers-encoder';
export * from './transforms/index';
export type { EncodeOptions } from './encoders/encode';
export { encode } from './encoders/encode';
export { validateEncoderInput } from './encoders/validate-encoder-input';
export * from './training/index';
export * from './checkpoint/index';
export * from './finetune/index';
export * from './layers/index-sequence';
export * from './encoders/index-sequence';
export * from './layers/index-vision';
export * from './encoders/index-vision';
export { registerLayers } from './layers/register-layers';
export type { EncoderFactory } from './encoders/create-encoder';
export { builtInEncoders, cloneEncoder, createEncoder, encoderFromModel } from './encoders/create-encoder';
export { loadEncoder } from './encoders/load-encoder';
