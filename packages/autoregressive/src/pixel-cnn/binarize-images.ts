import { deriveSeed } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/**
 * Stochastic binarization of grey-level images (Salakhutdinov & Murray 2008, "On the
 * Quantitative Analysis of Deep Belief Networks", the binarized MNIST of the PixelCNN papers):
 * each pixel becomes 1 with probability equal to its intensity, independently.
 *
 * The same seed always gives the same binary images (the uniform draws come from tfjs' seeded
 * generator, on any backend; the seed is passed through `deriveSeed`, because tfjs treats a seed of
 * 0 as "use Math.random"). Evaluate on a test set binarized once with a fixed seed; train on
 * images binarized afresh at every step (as `createPixelCnnObjective` does by default).
 *
 * @param images intensities in [0, 1] (e.g. `imagesToTensor(loadMnist('test'))`, `value / 255`), any shape.
 * @param seed seed of the uniform draws.
 * @returns float32 zeros and ones, the shape of `images`.
 * @example const testSet = binarizeImages(imagesToTensor(loadMnist('test')), 0);
 */
export function binarizeImages<T extends tf.Tensor>(images: T, seed: number): T {
  if (!Number.isInteger(seed)) {
    throw new RangeError(`binarizeImages: seed must be an integer, got ${seed}.`);
  }
  if (images.dtype !== 'float32') {
    throw new TypeError(
      `binarizeImages takes float32 intensities in [0, 1], got ${images.dtype}; divide uint8 pixels by 255 first.`,
    );
  }
  // tfjs seeds its generator with Math.random() when the seed is 0: never pass it 0.
  const drawSeed = deriveSeed(seed, 0x62696e) || 1;
  return tf.tidy(() =>
    tf.randomUniform(images.shape, 0, 1, 'float32', drawSeed).less(images).cast('float32'),
  ) as T;
}
