/** selfsup's vision, audio and recurrent encoders (MLP, ConvNet, ResNet, audio conv, LSTM/BiLSTM). */
export type {
  AudioConvEncoderOptions,
  AudioConvEncoderSettings,
} from './audio-conv-encoder';
export {
  AudioConvEncoder,
  audioConvEncoderOptionsSchema,
  audioConvEncoderType,
  createAudioConvEncoder,
} from './audio-conv-encoder';
export type {
  ConvNetEncoderBuildOptions,
  ConvNetEncoderOptions,
  ConvNetEncoderSettings,
} from './conv-net-encoder';
export {
  ConvNetEncoder,
  convNetEncoderOptionsSchema,
  convNetEncoderType,
  createConvNetEncoder,
} from './conv-net-encoder';
export type { LstmEncoderOptions, LstmEncoderSettings, LstmLayerOutputs } from './lstm-encoder';
export {
  createLstmEncoder,
  LstmEncoder,
  lstmEncoderOptionsSchema,
  lstmEncoderType,
} from './lstm-encoder';
export type { MlpEncoderOptions, MlpEncoderSettings } from './mlp-encoder';
export {
  createMlpEncoder,
  MlpEncoder,
  mlpActivations,
  mlpEncoderOptionsSchema,
  mlpEncoderType,
} from './mlp-encoder';
export type { ResNetEncoderOptions, ResNetEncoderSettings } from './res-net-encoder';
export {
  createResNetEncoder,
  ResNetEncoder,
  resNetEncoderOptionsSchema,
  resNetEncoderType,
} from './res-net-encoder';
export { validateEncoderOptions } from './validate-encoder-options';
