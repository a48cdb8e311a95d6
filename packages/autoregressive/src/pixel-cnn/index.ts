/** PixelCNN (gated, binary images): the network, its objective, NLL, sampling and binarization. */

export { bernoulliNegativeLogLikelihood } from './bernoulli-negative-log-likelihood';
export { binarizeImages } from './binarize-images';
export {
  fastTanh,
  gatedActivation,
  horizontalStackConv2d,
  verticalStackConv2d,
} from './causal-convolutions';
export type { GatedPixelCnnBlockArgs } from './gated-pixel-cnn-block';
export { GatedPixelCnnBlock } from './gated-pixel-cnn-block';
export type {
  PixelCnnLogitsOptions,
  PixelCnnOptions,
  PixelCnnSettings,
} from './pixel-cnn';
export { createPixelCnn, PixelCnn, pixelCnnEncoderFactory, pixelCnnEncoderType } from './pixel-cnn';
export type { PixelCnnNll, PixelCnnNllOptions } from './pixel-cnn-nll';
export { pixelCnnNll } from './pixel-cnn-nll';
export type { PixelCnnBatch, PixelCnnObjectiveOptions } from './pixel-cnn-objective';
export { createPixelCnnObjective } from './pixel-cnn-objective';
export type { PixelCnnOutputHeadArgs } from './pixel-cnn-output-head';
export { PixelCnnOutputHead } from './pixel-cnn-output-head';
export { registerPixelCnnLayers } from './register-pixel-cnn-layers';
export type { SamplePixelCnnOptions } from './sample-pixel-cnn';
export { samplePixelCnn } from './sample-pixel-cnn';
