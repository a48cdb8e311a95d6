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
