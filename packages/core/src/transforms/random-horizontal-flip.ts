import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../random/seeded-random';
import { mirrorWidth } from './mirror-width';
import { selectExamples } from './select-examples';
import {
  assertImages,
  assertPerExample,
  assertProbability,
  assertSeed,
} from './transform-validation';

/** Options of {@link randomHorizontalFlip}. */
export type RandomHorizontalFlipOptions = {
  /** Probability that an example is mirrored. @default 0.5 */
  readonly probability?: number;
};

/**
 * Mirrors the chosen examples left–right (the width axis); the others pass unchanged.
 *
 * Exact (a mirror and a per-example blend), and differentiable.
 *
 * @param images `[B, H, W, C]` float32
 * @param flips one boolean per example: `true` mirrors it
 * @returns `[B, H, W, C]`
 * @example const mirrored = flipHorizontally(images, [true, false]);
 */
export function flipHorizontally(images: tf.Tensor4D, flips: readonly boolean[]): tf.Tensor4D {
  assertImages(images, 'flipHorizontally');
  const batchSize = images.shape[0];
  assertPerExample(flips, batchSize, 'flipHorizontally flips');
  if (flips.every((flip) => !flip)) return images.clone();
  return tf.tidy(() => {
    const mirrored = mirrorWidth(images);
    if (flips.every((flip) => flip)) return mirrored;
    return selectExamples(flips, mirrored, images);
  });
}

/**
 * Random horizontal flip: each example is mirrored with `probability` (the standard view
 * augmentation of SimCLR, Chen et al. 2020). Leave it out for data that is not mirror-symmetric
 * (digits, text): see `mnistViewPreset`.
 *
 * @param images `[B, H, W, C]` float32
 * @param seed same seed, same flips
 * @param options {@link RandomHorizontalFlipOptions}
 * @returns `[B, H, W, C]`
 * @example const views = randomHorizontalFlip(images, 3);
 */
export function randomHorizontalFlip(
  images: tf.Tensor4D,
  seed: number,
  options: RandomHorizontalFlipOptions = {},
): tf.Tensor4D {
  const probability = options.probability ?? 0.5;
  assertProbability(probability, 'randomHorizontalFlip probability');
  assertSeed(seed, 'randomHorizontalFlip');
  assertImages(images, 'randomHorizontalFlip');
  const random = new SeededRandom(seed);
  const flips = Array.from({ length: images.shape[0] }, () => random.nextFloat() < probability);
  return flipHorizontally(images, flips);
}
