/** selfsup's vision, audio and recurrent layers. Call {@link registerVisionLayers} before loading models that use them. */
export type { BatchNormalizationOptions } from './batch-normalization';
export { BatchNormalization, batchNormalizeTraining } from './batch-normalization';
export type { FusedLstmOptions } from './fused-lstm';
export { FusedLstm, lstmSequence } from './fused-lstm';
export type { LastStatePoolingOptions } from './last-state-pooling';
export { LastStatePooling } from './last-state-pooling';
export { registerVisionLayers } from './register-vision-layers';
export { TimeReverse } from './time-reverse';
