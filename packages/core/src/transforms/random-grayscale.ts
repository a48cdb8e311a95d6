import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../random/seeded-random';
import { luminance } from './luminance';
import { selectExamples } from './select-examples';
import { assertImages, assertProbability, assertSeed } from './transform-validation';

/** Options of {@link randomGrayscale}. */
export type RandomGrayscaleOptions = {
  /** Probability that an example is turned grey. @default 0.2 (SimCLR) */
  readonly probability?: number;
};

/**
 * Random grayscale: each RGB example is replaced, with `probability`, by its BT.601 luma
 * repeated in the three channels (SimCLR, Chen et al. 2020, p = 0.2). Single-channel images are
 * already grey and pass unchanged.
 *
 * Exact for the examples left alone (a 0/1 blend), and differentiable.
 *
 * @param images `[B, H, W, 1]` or `[B, H, W, 3]` float32 in [0, 1]
 * @param seed same seed, same choices
 * @param options {@link RandomGrayscaleOptions}
 * @returns the same shape, values in [0, 1]
 * @example const views = randomGrayscale(images, 5, { probability: 0.2 });
 */
export function randomGrayscale(
  images: tf.Tensor4D,
  seed: number,
  options: RandomGrayscaleOptions = {},
): tf.Tensor4D {
  assertImages(images, 'randomGrayscale');
  assertSeed(seed, 'randomGrayscale');
  const probability = options.probability ?? 0.2;
  assertProbability(probability, 'randomGrayscale probability');
  const [batchSize, , , channels] = images.shape;
  if (channels !== 1 && channels !== 3) {
    throw new Error(`randomGrayscale needs 1 or 3 channels (grey or RGB), got ${channels}.`);
  }
  const random = new SeededRandom(seed);
  const grey = Array.from({ length: batchSize }, () => random.nextFloat() < probability);
  if (channels === 1 || grey.every((choice) => !choice)) return images.clone();
  // The [B, H, W, 1] luma broadcasts over the three channels (a tile is slow on wasm).
  return tf.tidy(() => selectExamples(grey, luminance(images), images));
}
