import type { SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/**
 * A float32 tensor of normal samples with standard deviation `deviation`, drawn from a
 * {@link SeededRandom}, so weights are the same on every backend and every run.
 *
 * @param shape the tensor shape.
 * @param deviation the standard deviation of the samples.
 * @param random the generator to draw from (advanced by `size` draws).
 * @returns a new tensor (the caller owns it).
 * @example const kernel = randomNormalTensor([3, 3, 1, 32], 0.47, new SeededRandom(1));
 */
export function randomNormalTensor(
  shape: readonly number[],
  deviation: number,
  random: SeededRandom,
): tf.Tensor {
  const values = new Float32Array(shape.reduce((product, size) => product * size, 1));
  for (let i = 0; i < values.length; i++) values[i] = random.nextNormal() * deviation;
  return tf.tensor(values, [...shape], 'float32');
}
