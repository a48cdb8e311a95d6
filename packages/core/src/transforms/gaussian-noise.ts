import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../random/seeded-random';
import { assertAtLeast, assertImages, assertSeed } from './transform-validation';

/** Options of {@link gaussianNoise}. */
export type GaussianNoiseOptions = {
  /** Standard deviation of the added noise (image values are in [0, 1]). @default 0.05 */
  readonly std?: number;
};

/**
 * Adds independent Gaussian noise to every pixel and clips to [0, 1]: the corruption of
 * denoising autoencoders (Vincent et al. 2008, "Extracting and Composing Robust Features with
 * Denoising Autoencoders"), also a mild view augmentation for small grey images.
 *
 * Differentiable with respect to the images (inside [0, 1]).
 *
 * @param images `[B, H, W, C]` float32 in [0, 1]
 * @param seed same seed, same noise
 * @param options {@link GaussianNoiseOptions}
 * @returns `[B, H, W, C]`, values in [0, 1]
 * @example const noisy = gaussianNoise(images, 2, { std: 0.1 });
 */
export function gaussianNoise(
  images: tf.Tensor4D,
  seed: number,
  options: GaussianNoiseOptions = {},
): tf.Tensor4D {
  assertImages(images, 'gaussianNoise');
  assertSeed(seed, 'gaussianNoise');
  const std = options.std ?? 0.05;
  assertAtLeast(std, 'gaussianNoise std', 0);
  if (std === 0) return images.clone();
  const noiseSeed = new SeededRandom(seed).nextSeed();
  return tf.tidy(
    () =>
      tf.clipByValue(
        tf.add(images, tf.randomNormal(images.shape, 0, std, 'float32', noiseSeed)),
        0,
        1,
      ) as tf.Tensor4D,
  );
}
