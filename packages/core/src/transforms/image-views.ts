import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random/seeded-random';
import { type GaussianNoiseOptions, gaussianNoise } from './gaussian-noise';
import { type RandomAffineOptions, randomAffine } from './random-affine';
import { type RandomColorJitterOptions, randomColorJitter } from './random-color-jitter';
import { type RandomGaussianBlurOptions, randomGaussianBlur } from './random-gaussian-blur';
import { type RandomGrayscaleOptions, randomGrayscale } from './random-grayscale';
import { type RandomHorizontalFlipOptions, randomHorizontalFlip } from './random-horizontal-flip';
import { type RandomResizedCropOptions, randomResizedCrop } from './random-resized-crop';
import { assertImages, assertSeed } from './transform-validation';

/**
 * Which augmentations a view pipeline applies, in this order: affine, crop, flip, colour jitter,
 * grayscale, blur, noise. An absent (or `false`) entry is skipped; `{}` applies it with its
 * documented defaults.
 */
export type ImageViewOptions = {
  /** Random affine map (rotation, shift, zoom, shear), applied first; off unless given. */
  readonly affine?: RandomAffineOptions | false;
  /** Random resized crop (defaults: scale (0.2, 1), ratio (3/4, 4/3), the input size). */
  readonly crop?: RandomResizedCropOptions | false;
  /** Random horizontal flip (default p 0.5). Leave out for digits and text. */
  readonly flip?: RandomHorizontalFlipOptions | false;
  /** Random colour jitter (default strength 0.5, p 0.8); brightness and contrast only on grey images. */
  readonly colorJitter?: RandomColorJitterOptions | false;
  /** Random grayscale (default p 0.2); the identity on grey images. */
  readonly grayscale?: RandomGrayscaleOptions | false;
  /** Random Gaussian blur (default sigma (0.1, 2), kernel 10% of the side, p 0.5). */
  readonly blur?: RandomGaussianBlurOptions | false;
  /** Additive Gaussian noise (default std 0.05). */
  readonly noise?: GaussianNoiseOptions | false;
};

/** A seeded view pipeline made by {@link createImageViews}. */
export type ImageViewTransform = {
  /**
   * One random view of each example: `[B, H, W, C]` float32 in [0, 1] → `[B, H', W', C]` in
   * [0, 1]. The same seed gives the same views (on a given backend); examples get independent
   * random parameters. The input is not disposed.
   */
  (images: tf.Tensor4D, seed: number): tf.Tensor4D;
  /**
   * Two views of each example with independent randomness (seeds derived from `seed`), the
   * positive pairs of SimCLR (Chen et al. 2020).
   */
  twoViews(images: tf.Tensor4D, seed: number): [tf.Tensor4D, tf.Tensor4D];
  /** The options the pipeline was made with. */
  readonly options: ImageViewOptions;
};

// Each step draws from its own derived seed, so switching one step off leaves the others' draws alone.
const stepPurpose = {
  crop: 1,
  flip: 2,
  colorJitter: 3,
  grayscale: 4,
  blur: 5,
  noise: 6,
  affine: 7,
} as const;

/**
 * Makes a seeded, batched image-view pipeline: the stochastic data augmentation of SimCLR
 * (Chen et al. 2020, "A Simple Framework for Contrastive Learning of Visual Representations"):
 * random resized crop, horizontal flip, colour jitter, grayscale and Gaussian blur, plus an
 * optional random affine map (first) and Gaussian noise (last).
 *
 * Every step works on the whole batch at once with tensor ops (per-example parameters are drawn
 * with {@link SeededRandom}); nothing loops over pixels in JavaScript. Use a preset
 * (`simclrViewPreset`, `cifarViewPreset`, `mnistViewPreset`) or pick steps yourself.
 *
 * @param options which steps to apply and their options; every step is off unless given
 * @returns a function `(images, seed) → views` with a `twoViews(images, seed)` method
 * @example
 * const views = createImageViews(mnistViewPreset);
 * const [first, second] = views.twoViews(images, deriveSeed(runSeed, step));
 */
export function createImageViews(options: ImageViewOptions): ImageViewTransform {
  const settings = { ...options };
  const view = (images: tf.Tensor4D, seed: number): tf.Tensor4D => {
    assertImages(images, 'image views');
    assertSeed(seed, 'image views');
    return tf.tidy(() => {
      let result = images;
      if (settings.affine)
        result = randomAffine(result, deriveSeed(seed, stepPurpose.affine), settings.affine);
      if (settings.crop)
        result = randomResizedCrop(result, deriveSeed(seed, stepPurpose.crop), settings.crop);
      if (settings.flip)
        result = randomHorizontalFlip(result, deriveSeed(seed, stepPurpose.flip), settings.flip);
      if (settings.colorJitter) {
        result = randomColorJitter(
          result,
          deriveSeed(seed, stepPurpose.colorJitter),
          settings.colorJitter,
        );
      }
      if (settings.grayscale) {
        result = randomGrayscale(
          result,
          deriveSeed(seed, stepPurpose.grayscale),
          settings.grayscale,
        );
      }
      if (settings.blur)
        result = randomGaussianBlur(result, deriveSeed(seed, stepPurpose.blur), settings.blur);
      if (settings.noise)
        result = gaussianNoise(result, deriveSeed(seed, stepPurpose.noise), settings.noise);
      return result === images ? images.clone() : result;
    });
  };
  const twoViews = (images: tf.Tensor4D, seed: number): [tf.Tensor4D, tf.Tensor4D] => {
    assertSeed(seed, 'twoViews');
    const first = view(images, deriveSeed(seed, 0));
    try {
      return [first, view(images, deriveSeed(seed, 1))];
    } catch (error) {
      first.dispose();
      throw error;
    }
  };
  return Object.assign(view, { twoViews, options: settings });
}
