export {
  audioFeatureMatrix,
  audioSpectralFeatureNames,
  audioSpectralFeatures,
  powerSpectrogram,
} from './synthetic/audio-features';
export { allCaptions, fillTemplate, tokenizeCaptions } from './synthetic/caption-templates';
export type { CaptionedMnistExample } from './synthetic/captioned-mnist';
export {
  captionedMnistSource,
  captionedMnistTestSet,
  captionMnistImage,
  mnistCaptionWords,
  mnistPromptTemplates,
  mnistTrainingTemplates,
  mnistZeroShotPrompts,
} from './synthetic/captioned-mnist';
export type {
  MovingMnistBatch,
  MovingMnistExample,
  MovingMnistOptions,
  MovingMnistSet,
} from './synthetic/moving-mnist';
export {
  movingMnistExample,
  movingMnistSetToTensors,
  movingMnistSource,
  movingMnistTestSet,
  shuffleFrameOrder,
} from './synthetic/moving-mnist';
export type {
  CaptionBatch,
  CaptionedImageSet,
  CaptionSourceOptions,
  ShapesExample,
  ShapesOptions,
} from './synthetic/shapes';
export {
  shapeCaptionWords,
  shapeColours,
  shapeNames,
  shapePromptTemplates,
  shapesExample,
  shapesSource,
  shapesTestSet,
  shapesZeroShotPrompts,
  shapeTrainingTemplates,
} from './synthetic/shapes';
export type {
  AudioBatch,
  SyntheticAudioExample,
  SyntheticAudioOptions,
  SyntheticAudioSet,
} from './synthetic/synthetic-audio';
export {
  audioSetToTensor,
  syntheticAudioClassNames,
  syntheticAudioExample,
  syntheticAudioSource,
  syntheticAudioTestSet,
} from './synthetic/synthetic-audio';
export type { WavAudio, WriteWavOptions } from './synthetic/wav-file';
export { readWav, writeWav } from './synthetic/wav-file';
