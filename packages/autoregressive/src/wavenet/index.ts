/**
 * WaveNet (van den Oord et al. 2016): dilated causal convolutions with gated units, residual and
 * skip paths, a 256-way μ-law softmax on the next sample, optional class conditioning, and fast
 * cached generation (Paine et al. 2016); local conditioning on a control track (dominant frequency
 * and loudness per frame) whose slow structure a small prior supplies.
 */
export { classGuidedLogProbabilities } from './class-guidance';
export type { ControlClassScores } from './control-class-scores';
export { controlClassScores } from './control-class-scores';
export type { ControlTokenOptions, ControlTrack, ControlTrackOptions } from './control-track';
export {
  backgroundLoudnessGap,
  controlCodebook,
  controlFeatureCount,
  controlFeatures,
  controlSequenceLength,
  controlTokenConstraint,
  controlTokens,
  controlTrackFromTokens,
  controlVocabularySize,
  extractControlTrack,
  frequencyBin,
  frequencyOfBin,
  holdFrequencyOverGroups,
  loudnessBin,
  loudnessOfBin,
  upsampleControlTrack,
} from './control-track';
export { encodeWav } from './encode-wav';
export type { GenerateWavenetOptions, WavenetGeneration } from './generate-wavenet';
export { generateWavenet } from './generate-wavenet';
export type { GuidedControlTokenOptions } from './guided-control-tokens';
export { generateGuidedControlTokens } from './guided-control-tokens';
export { muLawCompanded, muLawDecode, muLawEncode, muLawLevels } from './mu-law';
export type { SecondPeakTrack, SecondPeakTrackOptions } from './second-peak-track';
export { extractSecondPeakTrack } from './second-peak-track';
export type { TimbreTrackOptions } from './timbre-track';
export { extractTimbreTrack } from './timbre-track';
export type { Wavenet } from './wavenet';
export { createWavenet } from './wavenet';
export { WavenetEncoder, wavenetEncoders, wavenetEncoderType } from './wavenet-encoder';
export type {
  WavenetBatch,
  WavenetObjective,
  WavenetObjectiveOptions,
} from './wavenet-objective';
export { createWavenetObjective } from './wavenet-objective';
export type { WavenetOptions, WavenetSettings } from './wavenet-settings';
export {
  resolveWavenetSettings,
  wavenetDefaults,
  wavenetDilations,
  wavenetReceptiveField,
} from './wavenet-settings';
export type {
  WavenetLayerWeights,
  WavenetStackArgs,
  WavenetStackWeights,
} from './wavenet-stack';
export { registerWavenetLayers, WavenetStack, wavenetTrunk } from './wavenet-stack';
