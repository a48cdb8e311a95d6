import { SeededRandom } from '@selfsup/core';
import { loadMnist } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';

/** Where a workload's fixed images come from: MNIST's first images, or seeded uniform noise. */
export type FixedImages = 'mnist' | 'uniform';

/**
 * A fixed batch of images `[B, S, S, 1]` in [0, 1]: the first B MNIST test images (28×28, read
 * offline by `@selfsup/data`'s `loadMnist`), or seeded uniform values (tests, other sizes).
 *
 * @param source 'mnist' or 'uniform'.
 * @param batchSize B.
 * @param imageSize S (28 for MNIST).
 * @param seed seeds the uniform values.
 * @returns the images; the caller disposes them.
 * @example const images = fixedImages('mnist', 64, 28, 0);
 */
export function fixedImages(
  source: FixedImages,
  batchSize: number,
  imageSize: number,
  seed: number,
): tf.Tensor4D {
  if (source === 'mnist') {
    const mnist = loadMnist('test');
    if (imageSize !== mnist.height || mnist.width !== mnist.height) {
      throw new RangeError(
        `MNIST images are ${mnist.height}×${mnist.width}, the workload asks for ${imageSize}×${imageSize}: use imageSize ${mnist.height} or images: 'uniform'.`,
      );
    }
    if (batchSize > mnist.count)
      throw new RangeError(`MNIST test has ${mnist.count} images, the batch asks ${batchSize}.`);
    const pixels = mnist.images.subarray(0, batchSize * imageSize * imageSize);
    return tf.tidy(() =>
      tf.tensor4d(pixels, [batchSize, imageSize, imageSize, 1], 'int32').cast('float32').div(255),
    );
  }
  const random = new SeededRandom(seed);
  const values = new Float32Array(batchSize * imageSize * imageSize);
  for (let i = 0; i < values.length; i++) values[i] = random.nextFloat();
  return tf.tensor4d(values, [batchSize, imageSize, imageSize, 1]);
}
