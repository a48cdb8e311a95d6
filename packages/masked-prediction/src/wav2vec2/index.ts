/**
 * wav2vec 2.0 (Baevski et al. 2020): the objective, its raw-audio encoder, the Gumbel-softmax
 * product quantizer, distractor sampling and the contrastive loss.
 */
export type { GumbelQuantizeOptions, GumbelQuantizeResult } from './gumbel-quantize';
export { gumbelQuantize } from './gumbel-quantize';
export type { GumbelVectorQuantizerOptions } from './gumbel-vector-quantizer';
export { GumbelVectorQuantizer } from './gumbel-vector-quantizer';
export type {
  NegativeSource,
  SampledNegatives,
  SampleNegativesOptions,
} from './sample-negatives';
export { sampleNegatives } from './sample-negatives';
export type {
  GumbelTemperatureSchedule,
  Wav2vec2Batch,
  Wav2vec2Objective,
  Wav2vec2Options,
} from './wav2vec2';
export { createWav2vec2, gumbelTemperatureAt } from './wav2vec2';
export type {
  Wav2vec2ContrastiveLossInputs,
  Wav2vec2ContrastiveLossResult,
} from './wav2vec2-contrastive-loss';
export { wav2vec2ContrastiveLoss } from './wav2vec2-contrastive-loss';
export type {
  Wav2vec2EncoderOptions,
  Wav2vec2Pooling,
  Wav2vec2PretrainingOutputs,
  Wav2vec2Representation,
} from './wav2vec2-encoder';
export {
  createWav2vec2Encoder,
  registerWav2vec2Layers,
  Wav2vec2Encoder,
  wav2vec2Encoders,
  wav2vec2EncoderType,
} from './wav2vec2-encoder';
export type { WaveformNormalizationOptions } from './waveform-normalization';
export { WaveformNormalization } from './waveform-normalization';
