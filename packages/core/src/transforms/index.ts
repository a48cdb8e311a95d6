export { fourierTransform } from './fourier-transform';
export { gatherPerExample } from './gather-per-example';
export type { GaussianNoiseOptions } from './gaussian-noise';
export { gaussianNoise } from './gaussian-noise';
export { cifarViewPreset, mnistViewPreset, simclrViewPreset } from './image-view-presets';
export type { ImageViewOptions, ImageViewTransform } from './image-views';
export { createImageViews } from './image-views';
export { lumaWeights, luminance } from './luminance';
export type { PatchMaskingOptions, PatchMaskingResult } from './patch-masking';
export { keptPatchCount, maskPatches } from './patch-masking';
export type { AffineParameters, RandomAffineOptions } from './random-affine';
export { affineTransform, randomAffine, randomAffineParameters } from './random-affine';
export type { RandomColorJitterOptions } from './random-color-jitter';
export { randomColorJitter } from './random-color-jitter';
export type { RandomGaussianBlurOptions } from './random-gaussian-blur';
export { blurKernelSize, gaussianBlur, randomGaussianBlur } from './random-gaussian-blur';
export type { RandomGrayscaleOptions } from './random-grayscale';
export { randomGrayscale } from './random-grayscale';
export type { RandomHorizontalFlipOptions } from './random-horizontal-flip';
export { flipHorizontally, randomHorizontalFlip } from './random-horizontal-flip';
export type { CropBox, RandomResizedCropOptions } from './random-resized-crop';
export {
  cropAndResizeBoxes,
  defaultCropRatio,
  defaultCropScale,
  randomCropBoxes,
  randomResizedCrop,
} from './random-resized-crop';
export type { RandomRotate90Result } from './rotate90';
export { randomRotate90, rotate90 } from './rotate90';
export type { SpanMaskingOptions, SpanMaskingResult } from './span-masking';
export { effectiveSpanLength, maskSpans } from './span-masking';
export type { TokenMaskingOptions, TokenMaskingResult } from './token-masking';
export { maskTokens, tokenMaskingOptionsFromTokenizer } from './token-masking';
